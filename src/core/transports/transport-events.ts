/**
 * The observable half of every transport: its state and the three listener sets of the
 * `Transport` seam. A throwing listener is reported, never allowed to break the transport's own
 * event handling.
 */
import { emitTo, type Listener, listen } from '../listeners.js';
import type { HubMessage } from '../protocol.js';
import type { ConnectionState, RealtimeError } from '../types.js';

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
    emitTo(this.#listeners[channel], value);
  }

  /**
   * A token from the integrator's provider, or undefined (reported as an `auth` error) when it
   * throws or returns nothing usable.
   */
  protected async tokenFrom(provider: () => Promise<string>): Promise<string | undefined> {
    try {
      const token = await provider();
      if (typeof token !== 'string' || !token) throw new Error('tokenProvider returned no token');
      return token;
    } catch (error) {
      this.emit('error', { kind: 'auth', message: `tokenProvider failed: ${(error as Error)?.message}` });
      return undefined;
    }
  }

  #add<K extends keyof Channels>(channel: K, listener: Listener<Channels[K]>): () => void {
    return listen(this.#listeners[channel], listener);
  }
}
