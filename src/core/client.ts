/**
 * The framework-neutral entry point: one connection plus one store, and typed events for code
 * that prefers callbacks to selectors. The elements use the same pieces through
 * `<realtime-provider>`; React, Vue or plain scripts use this directly.
 */
import type { TokenProvider } from './connection.js';
import { createStore, type ManagedStore, reportListenerError } from './store.js';
import { canShareTabs, SharedTransport } from './tabs/shared-transport.js';
import { TransportLadder, type TransportLadderOptions } from './transports/ladder.js';
import type { RealtimeEventMap, RealtimeStore, StoreOptions, Transport } from './types.js';

/**
 * Options of {@link createRealtimeClient}: the connection's (url, token…, `transport`: `auto`
 * WebSocket then SSE then long polling) plus the store's caps.
 */
export interface RealtimeClientOptions extends TransportLadderOptions, StoreOptions {
  /** How long an action waits for the hub's answer before its promise rejects (default 10 000 ms). */
  requestTimeoutMs?: number;
  /**
   * Share one socket with the other tabs of this browser that use the same hub URL, user and
   * categories (default true; only where Web Locks and BroadcastChannel exist). `false`: this tab
   * has a socket of its own.
   */
  share?: boolean;
}

/** The client's transport: a direct socket or one shared across tabs; both know the last seq applied. */
export type ClientTransport = Transport & { readonly lastSeq: number };

/** What {@link createRealtimeClient} returns. */
export interface RealtimeClient {
  /** State and actions; subscribe with selectors. */
  readonly store: RealtimeStore;
  /**
   * The transport, for its state and `reconnectNow()`: a `TransportLadder` (WebSocket, or a fallback
   * rung: `connection.rung`), or a `SharedTransport` when tabs share (the leader tab's socket is a
   * ladder).
   */
  readonly connection: ClientTransport;
  /** Whether this tab holds the socket: its own, or the one it shares as the leader tab. */
  readonly holdsSocket: boolean;
  /** Opens the connection; a no-op while it is open or opening, or after `close()`. */
  connect(): void;
  /** Tears down for good: socket, timers, pending frame, listeners. Requests in flight reject. */
  close(): void;
  /** Replaces the token or token provider; re-authenticates in place when connected. */
  setToken(token: string | TokenProvider): void;
  /** Listens to one event type; returns the function that stops listening. */
  on<K extends keyof RealtimeEventMap>(type: K, listener: (detail: RealtimeEventMap[K]) => void): () => void;
}

type Listeners = { [K in keyof RealtimeEventMap]: Set<(detail: RealtimeEventMap[K]) => void> };

/**
 * Creates a client. Nothing is opened until `connect()`.
 *
 * Events: `realtime-state-change` (every connection state), `realtime-notification` (each new
 * notification from the stream, after the first snapshot), `realtime-error` (refused frames,
 * closes, auth failures, refused or failed actions).
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const listeners: Listeners = {
    'realtime-state-change': new Set(),
    'realtime-notification': new Set(),
    'realtime-error': new Set(),
  };
  const emit = <K extends keyof RealtimeEventMap>(type: K, detail: RealtimeEventMap[K]) => {
    for (const listener of [...listeners[type]]) {
      try {
        listener(detail);
      } catch (err) {
        reportListenerError(err);
      }
    }
  };

  const connection: ClientTransport =
    options.share !== false && canShareTabs() ? new SharedTransport(options) : new TransportLadder(options);
  const store: ManagedStore = createStore(connection, {
    ...options,
    onNotification: (n) => emit('realtime-notification', n),
    onError: (e) => emit('realtime-error', e),
  });
  const offState = connection.onState((state) => emit('realtime-state-change', state));
  let closed = false;

  return {
    store,
    connection,
    get holdsSocket() {
      return connection instanceof SharedTransport ? connection.holdsSocket : !closed;
    },
    connect() {
      if (!closed) connection.connect();
    },
    close() {
      if (closed) return;
      closed = true;
      connection.close(); // listeners still hear the final `closed` state
      offState();
      store.destroy();
      for (const set of Object.values(listeners)) set.clear();
    },
    setToken(token) {
      connection.setToken(token);
    },
    on(type, listener) {
      const set = listeners[type] as Set<typeof listener>;
      if (!closed) set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
}
