/**
 * `admin-realtime/react`: a React component for every element, made with `@lit/react`
 * (`createComponent`). Importing it registers the elements. Props are the element's own properties,
 * typed from its class and set as properties (so `tokenProvider`, `categories` and `store` take
 * functions, arrays and objects as they are); each `realtime-*` event the element fires, or that
 * bubbles out of it from an element it renders, is an `onRealtime…` callback whose `detail` is typed
 * (`onRealtimeNotificationClick={(e) => e.detail.notification.title}`); `ref` gives the element.
 *
 * ```tsx
 * import { NotificationBell, RealtimeProvider } from 'admin-realtime/react';
 *
 * <RealtimeProvider url="wss://hub.example.com/v1/ws" tokenProvider={fetchToken}
 *   onRealtimeStateChange={(e) => setStatus(e.detail.status)}>
 *   <NotificationBell max={20} onRealtimeToggle={(e) => setOpen(e.detail.open)} />
 * </RealtimeProvider>
 * ```
 */
import { createComponent, type EventName, type ReactWebComponent } from '@lit/react';
import type { LitElement } from 'lit';
import * as React from 'react';
import { AdminNotificationCenter as AdminNotificationCenterElement } from './components/admin-notification-center/index.js';
import { ConnectionStatus as ConnectionStatusElement } from './components/connection-status/index.js';
import { CriticalAlerts as CriticalAlertsElement } from './components/critical-alerts/index.js';
import { LiveActivity as LiveActivityElement } from './components/live-activity/index.js';
import { NotificationBell as NotificationBellElement } from './components/notification-bell/index.js';
import { NotificationPreferences as NotificationPreferencesElement } from './components/notification-preferences/index.js';
import { RealtimeDashboard as RealtimeDashboardElement } from './components/realtime-dashboard/index.js';
import { RealtimeMetrics as RealtimeMetricsElement } from './components/realtime-metrics/index.js';
import { RealtimeProvider as RealtimeProviderElement } from './components/realtime-provider/index.js';
import {
  ELEMENT_EVENTS,
  type ElementEventName,
  eventProp,
  type RealtimeElements,
  type RealtimeEvent,
  type RealtimeEventProp,
} from './components/shared/element-events.js';
import { SystemStatus as SystemStatusElement } from './components/system-status/index.js';
import type { ElementTag } from './components/tags.js';

export type { RealtimeEvent, RealtimeEventProp } from './components/shared/element-events.js';

/** The `events` option of `createComponent` for one element: prop name → event name, typed. */
type EventProps<T extends ElementTag> = {
  [K in ElementEventName<T> as RealtimeEventProp<K>]: EventName<RealtimeEvent<K>>;
};

/** What every Lit element has (lifecycle, controllers, `updateComplete`): not props. */
type LitMembers = Exclude<keyof LitElement, keyof HTMLElement>;

/**
 * The React component of one element: its own properties, React's HTML props and `onRealtime…`
 * callbacks as props, `ref` to the element (`createComponent`'s type without Lit's members).
 */
export type RealtimeComponent<T extends ElementTag> = React.ForwardRefExoticComponent<
  Omit<React.ComponentPropsWithRef<ReactWebComponent<RealtimeElements[T], EventProps<T>>>, LitMembers>
>;

function wrap<T extends ElementTag>(
  tagName: T,
  elementClass: new () => RealtimeElements[T],
  displayName: string,
): RealtimeComponent<T> {
  const events: Record<string, string> = {};
  for (const name of ELEMENT_EVENTS[tagName]) events[eventProp(name)] = name;
  const component = createComponent({
    react: React,
    tagName,
    elementClass,
    events: events as EventProps<T>,
    displayName,
  });
  // The same component; its type only leaves out props for Lit's members (TypeScript cannot relate
  // the Omit over a generic T to the original).
  return component as unknown as RealtimeComponent<T>;
}

/** `<realtime-provider>`: connects to the hub and hands its store to the elements inside it. */
export const RealtimeProvider = wrap('realtime-provider', RealtimeProviderElement, 'RealtimeProvider');
/** `<notification-bell>`; its center's `realtime-notification-click` bubbles out of it. */
export const NotificationBell = wrap('notification-bell', NotificationBellElement, 'NotificationBell');
/** `<admin-notification-center>`. */
export const AdminNotificationCenter = wrap(
  'admin-notification-center',
  AdminNotificationCenterElement,
  'AdminNotificationCenter',
);
/** `<connection-status>`. */
export const ConnectionStatus = wrap('connection-status', ConnectionStatusElement, 'ConnectionStatus');
/** `<system-status>`. */
export const SystemStatus = wrap('system-status', SystemStatusElement, 'SystemStatus');
/** `<live-activity>`. */
export const LiveActivity = wrap('live-activity', LiveActivityElement, 'LiveActivity');
/** `<realtime-metrics>`. */
export const RealtimeMetrics = wrap('realtime-metrics', RealtimeMetricsElement, 'RealtimeMetrics');
/** `<critical-alerts>`. */
export const CriticalAlerts = wrap('critical-alerts', CriticalAlertsElement, 'CriticalAlerts');
/** `<realtime-dashboard>`; its center's and alerts' events bubble out of it. */
export const RealtimeDashboard = wrap('realtime-dashboard', RealtimeDashboardElement, 'RealtimeDashboard');
/** `<notification-preferences>`. */
export const NotificationPreferences = wrap(
  'notification-preferences',
  NotificationPreferencesElement,
  'NotificationPreferences',
);
