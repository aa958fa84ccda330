/**
 * Requests to the hub: each action goes out with a fresh `ref` and settles when the hub answers
 * that ref (`ack`, `snapshot`, `history`, or `error`), when it cannot be sent, when no answer
 * comes in time, or when the connection drops or the store closes. What a failure undoes is the
 * caller's (`onFail`): the store rolls back its optimistic change there.
 */
import type { ClientAction, ErrorCode, ListedNotification } from '../protocol.js';
import type { TimerApi, Transport } from '../types.js';

/** A request the hub refused, or that could not be sent or answered in time. */
export class RealtimeRequestError extends Error {
  override readonly name = 'RealtimeRequestError';
  constructor(
    message: string,
    /** The hub's error code, or `not-connected`, `timeout`, `disconnected`, `destroyed`. */
    readonly code: ErrorCode | 'not-connected' | 'timeout' | 'disconnected' | 'destroyed',
    readonly ref?: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  /** Notifications this request marked read optimistically (the hub has not confirmed them yet). */
  flipped?: readonly ListedNotification[];
  /** Called once when the request fails, before its promise rejects, with what is still unconfirmed. */
  onFail?: (error: RealtimeRequestError, unconfirmed: ReadonlyMap<string, ListedNotification>) => void;
  /** Set on a history request for the Archived view: its answer fills `archived`. */
  archived?: boolean;
}

interface Pending {
  settle(error?: RealtimeRequestError): void;
  /** Optimistic reads not yet confirmed by the hub, by id. */
  flipped: Map<string, ListedNotification>;
  archived?: boolean;
}

export class Requests {
  readonly #pending = new Map<string, Pending>();
  #count = 0;

  readonly #transport: Pick<Transport, 'send'>;
  readonly #timeoutMs: number;
  readonly #timers: TimerApi;

  constructor(transport: Pick<Transport, 'send'>, timeoutMs: number, timers: TimerApi) {
    this.#transport = transport;
    this.#timeoutMs = timeoutMs;
    this.#timers = timers;
  }

  /** Sends `action` with a fresh ref; resolves when the hub answers it, rejects on any failure. */
  send(action: ClientAction, options: SendOptions = {}): Promise<void> {
    const ref = `r${++this.#count}`;
    const flipped = new Map(options.flipped?.map((n) => [n.id, n]));
    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const settle = (error?: RealtimeRequestError) => {
        if (!this.#pending.has(ref)) return;
        if (timer !== undefined) this.#timers.clearTimeout(timer);
        this.#pending.delete(ref);
        if (!error) return resolve();
        options.onFail?.(error, flipped);
        reject(error);
      };
      this.#pending.set(ref, { settle, flipped, archived: options.archived });
      if (!this.#transport.send({ ...action, ref })) {
        settle(new RealtimeRequestError(`Cannot ${action.type}: not connected to the hub`, 'not-connected', ref));
        return;
      }
      if (!this.#pending.has(ref)) return; // answered synchronously
      timer = this.#timers.setTimeout(
        () =>
          settle(
            new RealtimeRequestError(`The hub did not answer ${action.type} in ${this.#timeoutMs} ms`, 'timeout', ref),
          ),
        this.#timeoutMs,
      );
    });
  }

  /** Whether a request with this ref is waiting for its answer. */
  has(ref: string): boolean {
    return this.#pending.has(ref);
  }

  /** Whether `ref` asked for the Archived view. */
  archived(ref: string | undefined): boolean | undefined {
    return ref ? this.#pending.get(ref)?.archived : false;
  }

  /** Settles the request `ref` (when pending): resolved, or failed with `error`. */
  settle(ref: string, error?: RealtimeRequestError): void {
    this.#pending.get(ref)?.settle(error);
  }

  /** Fails every pending request. */
  failAll(code: 'disconnected' | 'destroyed', message: string): void {
    for (const [ref, pending] of [...this.#pending]) pending.settle(new RealtimeRequestError(message, code, ref));
  }

  /** The hub stated read state: optimistic reads it `covered` are confirmed, no longer to roll back. */
  confirm(covered: (n: ListedNotification) => boolean): void {
    for (const { flipped } of this.#pending.values()) {
      for (const [id, n] of flipped) if (covered(n)) flipped.delete(id);
    }
  }

  /** A snapshot replaced everything: nothing optimistic is left to roll back. */
  forgetFlips(): void {
    for (const { flipped } of this.#pending.values()) flipped.clear();
  }
}
