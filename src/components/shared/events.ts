/**
 * Typed DOM events: every event an element fires is `realtime-` prefixed, bubbles, crosses
 * shadow roots, and carries a typed `detail`.
 */
import type { NotificationAction, Preferences } from '../../core/protocol.js';
import type { ConnectionState, ListedNotification, RealtimeError } from '../../core/types.js';

/** Detail shapes by event name; also merged into GlobalEventHandlersEventMap below. */
export interface RealtimeEventDetails {
  'realtime-state-change': ConnectionState;
  'realtime-notification': ListedNotification;
  'realtime-error': RealtimeError;
  'realtime-notification-click': { notification: ListedNotification };
  'realtime-notification-action': { notification: ListedNotification; action: NotificationAction };
  'realtime-alert-dismiss': { notification: ListedNotification };
  'realtime-toggle': { open: boolean };
  'realtime-categories-change': { categories: string[] | null };
  'realtime-preferences-save': { preferences: Preferences };
}

export type RealtimeEventName = keyof RealtimeEventDetails;

/** Creates and dispatches a typed event from `target`; returns false when a listener cancelled it. */
export function emit<K extends RealtimeEventName>(
  target: EventTarget,
  name: K,
  detail: RealtimeEventDetails[K],
  options: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(
    new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
  );
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realtime-state-change': CustomEvent<ConnectionState>;
    'realtime-notification': CustomEvent<ListedNotification>;
    'realtime-error': CustomEvent<RealtimeError>;
    'realtime-notification-click': CustomEvent<{ notification: ListedNotification }>;
    'realtime-notification-action': CustomEvent<{ notification: ListedNotification; action: NotificationAction }>;
    'realtime-alert-dismiss': CustomEvent<{ notification: ListedNotification }>;
    'realtime-toggle': CustomEvent<{ open: boolean }>;
    'realtime-categories-change': CustomEvent<{ categories: string[] | null }>;
    'realtime-preferences-save': CustomEvent<{ preferences: Preferences }>;
  }
}
