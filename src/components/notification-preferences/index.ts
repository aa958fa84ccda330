import { define } from '../shared/define.js';
import { NotificationPreferences } from './notification-preferences.js';

define('notification-preferences', NotificationPreferences);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export type { PushConfig } from './notification-preferences.js';
export { NotificationPreferences };
