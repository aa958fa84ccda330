/**
 * The framework-neutral entry point: one connection plus one store, and typed events for code
 * that prefers callbacks to selectors. The elements use the same pieces through
 * `<realtime-provider>`; React, Vue or plain scripts use this directly.
 */
import type { TokenProvider } from './connection.js';
import { createStore, type ManagedStore, reportListenerError } from './store.js';
import { TransportLadder, type TransportLadderOptions } from './transports/ladder.js';
import type { RealtimeEventMap, RealtimeStore, StoreOptions } from './types.js';

/**
 * Options of {@link createRealtimeClient}: the connection's (url, token…, `transport`: `auto`
 * WebSocket then SSE then long polling) plus the store's caps.
 */
export interface RealtimeClientOptions extends TransportLadderOptions, StoreOptions {
  /** How long an action waits for the hub's answer before its promise rejects (default 10 000 ms). */
  requestTimeoutMs?: number;
}

/** What {@link createRealtimeClient} returns. */
export interface RealtimeClient {
  /** State and actions; subscribe with selectors. */
  readonly store: RealtimeStore;
  /** The transport (WebSocket, or a fallback rung: `connection.rung`), for its state and `reconnectNow()`. */
  readonly connection: TransportLadder;
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

  const connection = new TransportLadder(options);
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
