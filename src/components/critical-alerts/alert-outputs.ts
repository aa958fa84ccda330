/**
 * What `<critical-alerts>` does besides its toasts, a chunk of its own: the beep (`sound`) and
 * desktop notifications (`browser-notifications`), loaded when an element first needs either.
 */
export { AlertSound } from './alert-sound.js';
export { requestDesktopPermission, showDesktopNotification } from './desktop-notifier.js';
