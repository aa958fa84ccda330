/**
 * `admin-realtime`: registers every element (provider first, so descendants find its context on
 * upgrade) and re-exports the element classes and the core API.
 */
import './components/realtime-provider/index.js';
import './components/notification-bell/index.js';
import './components/admin-notification-center/index.js';
import './components/connection-status/index.js';
import './components/system-status/index.js';
import './components/live-activity/index.js';
import './components/realtime-metrics/index.js';
import './components/critical-alerts/index.js';
import './components/realtime-dashboard/index.js';

// Registered from its own chunk, so the CDN entry does not carry it (a page that never shows the
// form pays one small request, not the entry's size).
void import('./components/notification-preferences/index.js');

export { AdminNotificationCenter } from './components/admin-notification-center/admin-notification-center.js';
export type {
  NotificationRenderContext,
  NotificationRenderer,
} from './components/admin-notification-center/notification-item.js';
export { ConnectionStatus } from './components/connection-status/connection-status.js';
export { CriticalAlerts } from './components/critical-alerts/critical-alerts.js';
export { LiveActivity } from './components/live-activity/live-activity.js';
export { NotificationBell } from './components/notification-bell/notification-bell.js';
export type {
  NotificationPreferences,
  PushConfig,
} from './components/notification-preferences/notification-preferences.js';
export { RealtimeDashboard } from './components/realtime-dashboard/realtime-dashboard.js';
export { RealtimeMetrics } from './components/realtime-metrics/realtime-metrics.js';
export { RealtimeProvider } from './components/realtime-provider/realtime-provider.js';
// The typed realtime-* events: their declarations (GlobalEventHandlersEventMap) ride along with this
// export into an integrator's TypeScript, as each element's HTMLElementTagNameMap entry does with its class.
export type { RealtimeEventDetails, RealtimeEventName } from './components/shared/events.js';
export { RealtimeController, realtimeContext, StoreResolver } from './components/shared/lit.js';
export { addMessages, getLocale, loadLocale, setLocale } from './components/shared/localize.js';
export { SystemStatus } from './components/system-status/system-status.js';
export * from './core/index.js';
