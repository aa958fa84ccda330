/**
 * Browser (desktop) notifications for critical alerts while the tab is hidden. Permission is
 * asked only from a user action; a notification is shown only when permission is granted and
 * the document is hidden (a visible tab has the toast). Loaded with alert-outputs.ts; the element
 * reads the permission itself (`desktopPermission` in critical-alerts.ts).
 */
import type { ListedNotification } from '../../core/protocol.js';

export type DesktopPermission = NotificationPermission | 'unsupported';

/** The Notification API as present now (looked up at call time, so it can be replaced). */
function api(): typeof Notification | undefined {
  return (globalThis as { Notification?: typeof Notification }).Notification;
}

/** Asks for permission; call only from a click or key handler. */
export async function requestDesktopPermission(): Promise<DesktopPermission> {
  const Api = api();
  if (!Api) return 'unsupported';
  try {
    // Older Safari answers through a callback and returns undefined.
    return (await Api.requestPermission()) ?? Api.permission;
  } catch {
    return Api.permission;
  }
}

/** Shows `alert` as a desktop notification when allowed and the tab is hidden; true when shown. */
export function showDesktopNotification(alert: ListedNotification): boolean {
  const Api = api();
  if (Api?.permission !== 'granted' || document.visibilityState !== 'hidden') return false;
  try {
    const note = new Api(alert.title, { body: alert.message ?? '', tag: alert.id });
    note.onclick = () => {
      window.focus();
      note.close();
    };
    return true;
  } catch {
    // Some platforms only allow notifications from a service worker.
    return false;
  }
}
