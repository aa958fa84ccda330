import '../admin-notification-center/index.js';
import { define } from '../shared/define.js';
import { NotificationBell } from './notification-bell.js';

define('notification-bell', NotificationBell);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { NotificationBell };
