/**
 * The `realtime-*` events each element fires, or that bubble out of it from an element it renders
 * (the bell's center, the dashboard's center and alerts). The framework wrappers take their event
 * props from this table: `admin-realtime/react`'s callbacks and `admin-realtime/vue`'s declarations.
 */
import type { AdminNotificationCenter } from '../admin-notification-center/admin-notification-center.js';
import type { ConnectionStatus } from '../connection-status/connection-status.js';
import type { CriticalAlerts } from '../critical-alerts/critical-alerts.js';
import type { LiveActivity } from '../live-activity/live-activity.js';
import type { NotificationBell } from '../notification-bell/notification-bell.js';
import type { NotificationPreferences } from '../notification-preferences/notification-preferences.js';
import type { RealtimeDashboard } from '../realtime-dashboard/realtime-dashboard.js';
import type { RealtimeMetrics } from '../realtime-metrics/realtime-metrics.js';
import type { RealtimeProvider } from '../realtime-provider/realtime-provider.js';
import type { SystemStatus } from '../system-status/system-status.js';
import type { ElementTag } from '../tags.js';
import type { RealtimeEventDetails, RealtimeEventName } from './events.js';

/**
 * Each tag's class, named here (not looked up in `HTMLElementTagNameMap`) so that the wrappers'
 * declaration files import the classes and an integrator's TypeScript gets them from the wrapper
 * entry alone.
 */
export interface RealtimeElements {
  'realtime-provider': RealtimeProvider;
  'notification-bell': NotificationBell;
  'admin-notification-center': AdminNotificationCenter;
  'connection-status': ConnectionStatus;
  'system-status': SystemStatus;
  'live-activity': LiveActivity;
  'realtime-metrics': RealtimeMetrics;
  'critical-alerts': CriticalAlerts;
  'realtime-dashboard': RealtimeDashboard;
  'notification-preferences': NotificationPreferences;
}

export const ELEMENT_EVENTS = {
  'realtime-provider': ['realtime-state-change', 'realtime-notification', 'realtime-error'],
  'notification-bell': ['realtime-toggle', 'realtime-notification-click', 'realtime-notification-action'],
  'admin-notification-center': ['realtime-notification-click', 'realtime-notification-action'],
  'connection-status': [],
  'system-status': [],
  'live-activity': [],
  'realtime-metrics': [],
  'critical-alerts': ['realtime-alert-dismiss'],
  'realtime-dashboard': [
    'realtime-categories-change',
    'realtime-notification-click',
    'realtime-notification-action',
    'realtime-alert-dismiss',
  ],
  'notification-preferences': ['realtime-preferences-save'],
} as const satisfies Record<ElementTag, readonly RealtimeEventName[]>;

/** The events of one element. */
export type ElementEventName<T extends ElementTag> = (typeof ELEMENT_EVENTS)[T][number];

/** `realtime-notification-click` → `RealtimeNotificationClick`. */
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${Pascal<Tail>}`
  : Capitalize<S>;

/** The framework prop of an event: `realtime-notification-click` → `onRealtimeNotificationClick`. */
export type RealtimeEventProp<K extends RealtimeEventName> = `on${Pascal<K>}`;

/** What a listener receives: a `CustomEvent` with the event's typed `detail`. */
export type RealtimeEvent<K extends RealtimeEventName> = CustomEvent<RealtimeEventDetails[K]>;

/** `realtime-notification-click` → `onRealtimeNotificationClick`, at run time. */
export function eventProp<K extends RealtimeEventName>(name: K): RealtimeEventProp<K> {
  return `on${name.replace(/(?:^|-)([a-z])/g, (_, c: string) => c.toUpperCase())}` as RealtimeEventProp<K>;
}
