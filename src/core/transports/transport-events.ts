/**
 * The observable half of a transport that wraps or replaces the WebSocket one: its state and the
 * three listener sets of the `Transport` seam. A throwing listener is reported, never allowed to
 * break the transport's own event handling.
 */
import type { HubMessage } from '../protocol.js';
import type { ConnectionState, RealtimeError } from '../types.js';

type Listener<T> = (value: T) => void;

interface Channels {
  message: HubMessage;
  state: ConnectionState;
  error: RealtimeError;
}

export abstract class TransportEvents {
  #state: ConnectionState = { status: 'idle' };
  readonly #listeners: { [K in keyof Channels]: Set<Listener<Channels[K]>> } = {
    message: new Set(),
    state: new Set(),
    error: new Set(),
  };

  /** Current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Listens to hub messages (one `event` message per stream event). */
  onMessage(listener: Listener<HubMessage>): () => void {
    return this.#add('message', listener);
  }

  /** Listens to state changes. */
  onState(listener: Listener<ConnectionState>): () => void {
    return this.#add('state', listener);
  }

  /** Listens to refused frames, closes and auth failures. */
  onError(listener: Listener<RealtimeError>): () => void {
    return this.#add('error', listener);
  }

  protected setState(state: ConnectionState): void {
    this.#state = state;
    this.emit('state', state);
  }

  protected emit<K extends keyof Channels>(channel: K, value: Channels[K]): void {
    for (const listener of [...this.#listeners[channel]]) {
      try {
        listener(value);
      } catch (error) {
        const g = globalThis as { reportError?: (e: unknown) => void };
        if (g.reportError) g.reportError(error);
        else console.error(error);
      }
    }
  }

  #add<K extends keyof Channels>(channel: K, listener: Listener<Channels[K]>): () => void {
    const set = this.#listeners[channel];
    set.add(listener);
    return () => set.delete(listener);
  }
}
