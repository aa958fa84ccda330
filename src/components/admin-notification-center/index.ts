import { define } from '../shared/define.js';
import { AdminNotificationCenter } from './admin-notification-center.js';

define('admin-notification-center', AdminNotificationCenter);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export type { NotificationRenderContext, NotificationRenderer } from './notification-item.js';
export { AdminNotificationCenter };
