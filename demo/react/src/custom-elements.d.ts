/**
 * JSX types for the admin-realtime elements in React 19. React 19 sets a prop on a custom element
 * as a property when the element has one (`url`, `tokenProvider`, `categories`, `store`), else as
 * an attribute, and attaches `on<event-name>` props as listeners for exactly that event name.
 */
import type {
  AdminNotificationCenter,
  ConnectionState,
  ConnectionStatus,
  ListedNotification,
  NotificationBell,
  RealtimeError,
  RealtimeProvider,
} from 'admin-realtime';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** The element's own props (properties it has), all optional, plus React's HTML attributes. */
type ElementProps<E extends HTMLElement, K extends keyof E> = Partial<Pick<E, K>> &
  DetailedHTMLProps<HTMLAttributes<E>, E>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'realtime-provider': ElementProps<
        RealtimeProvider,
        'url' | 'token' | 'tokenProvider' | 'categories' | 'manual'
      > & {
        'onrealtime-state-change'?: (event: CustomEvent<ConnectionState>) => void;
        'onrealtime-notification'?: (event: CustomEvent<ListedNotification>) => void;
        'onrealtime-error'?: (event: CustomEvent<RealtimeError>) => void;
      };
      'notification-bell': ElementProps<NotificationBell, 'store' | 'provider' | 'max'> & {
        'onrealtime-toggle'?: (event: CustomEvent<{ open: boolean }>) => void;
      };
      'admin-notification-center': ElementProps<AdminNotificationCenter, 'store' | 'provider' | 'heading' | 'tab'> & {
        'onrealtime-notification-click'?: (event: CustomEvent<{ notification: ListedNotification }>) => void;
      };
      'connection-status': ElementProps<ConnectionStatus, 'store' | 'provider' | 'variant'>;
    }
  }
}
