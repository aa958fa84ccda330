/**
 * An in-memory `Transport` for unit tests of the store: a test plays the hub by calling
 * `receive`, `setState` and `fail`, and reads what the store sent from `sent`.
 * `receiveFrame` runs a raw frame through the real protocol parser, as a connection would.
 */
import {
  type ClientAction,
  type HubMessage,
  type ListedNotification,
  noUnread,
  parseHubMessage,
  type SnapshotMessage,
} from '../../src/core/protocol.js';
import { StreamCursor } from '../../src/core/stream-cursor.js';
import type { ConnectionState, RealtimeError, TimerApi, Transport } from '../../src/core/types.js';

export const testUser = { id: 'admin-1', role: 'admin', name: 'Ada' };

/** A snapshot as a hub sends it: empty lists, no unread, seq 10, unless `over` says otherwise. */
export function snapshotMessage(over: Partial<SnapshotMessage> = {}): SnapshotMessage {
  return {
    type: 'snapshot',
    seq: 10,
    notifications: [],
    hasMore: false,
    unread: noUnread(),
    activity: [],
    status: null,
    agents: null,
    metrics: { t: [], series: {} },
    ...over,
  };
}

/** Notification `n<seq>` as listed for a user (unread, created `seq` seconds after 2026-11-25T10:00Z), unless `over` says otherwise. */
export function listedNote(seq: number, over: Partial<ListedNotification> = {}): ListedNotification {
  return {
    kind: 'notification',
    id: `n${seq}`,
    seq,
    title: `Notification ${seq}`,
    category: 'system',
    priority: 'medium',
    createdAt: new Date(Date.parse('2026-11-25T10:00:00Z') + seq * 1000).toISOString(),
    read: false,
    ...over,
  };
}

export class MemoryTransport implements Transport {
  state: ConnectionState = { status: 'idle' };
  /** Every action the store sent while connected, in order. */
  readonly sent: ClientAction[] = [];
  /** Categories passed to setCategories, in order. */
  readonly categoryCalls: (string[] | null)[] = [];
  /** Called for each action sent; lets a test answer synchronously. */
  onSend: ((action: ClientAction) => void) | null = null;
  private readonly messages = new Set<(m: HubMessage) => void>();
  private readonly states = new Set<(s: ConnectionState) => void>();
  private readonly errors = new Set<(e: RealtimeError) => void>();
  readonly #cursor = new StreamCursor();

  get listenerCount(): number {
    return this.messages.size + this.states.size + this.errors.size;
  }

  send(action: ClientAction): boolean {
    if (this.state.status !== 'connected') return false;
    this.sent.push(action);
    this.onSend?.(action);
    return true;
  }

  /** The last action of this type the store sent. */
  last<T extends ClientAction['type']>(type: T): Extract<ClientAction, { type: T }> {
    const found = this.sent.filter((a) => a.type === type).at(-1);
    if (!found) throw new Error(`no ${type} was sent`);
    return found as Extract<ClientAction, { type: T }>;
  }

  setCategories(categories: string[] | null): void {
    this.categoryCalls.push(categories);
  }
  connect(): void {
    this.setState({ status: 'connected', user: testUser, since: Date.now() });
  }
  /** How often `reconnectNow` was asked for. */
  reconnects = 0;
  reconnectNow(): void {
    this.reconnects++;
  }
  close(): void {
    this.setState({ status: 'closed' });
  }
  setToken(): void {}

  onMessage(listener: (m: HubMessage) => void): () => void {
    this.messages.add(listener);
    return () => this.messages.delete(listener);
  }
  onState(listener: (s: ConnectionState) => void): () => void {
    this.states.add(listener);
    return () => this.states.delete(listener);
  }
  onError(listener: (e: RealtimeError) => void): () => void {
    this.errors.add(listener);
    return () => this.errors.delete(listener);
  }

  /**
   * Delivers a message as a transport does (see `Transport`): events at or below the stream
   * position are dropped, a welcome from another stream starts over.
   */
  receive(message: HubMessage): void {
    if (message.type === 'welcome') this.#cursor.welcome(message.stream, message.seq);
    else if (message.type === 'snapshot') this.#cursor.snapshot(message.seq);
    else if (message.type === 'event' && !this.#cursor.admit(message.event.seq)) return;
    else if (message.type === 'events') {
      const events = message.events.filter((event) => this.#cursor.admit(event.seq));
      if (!events.length) return;
      message = { ...message, events };
    }
    for (const l of this.messages) l(message);
  }

  /** Parses a raw frame like a connection does: valid ones are delivered, others become errors. */
  receiveFrame(frame: string): void {
    const parsed = parseHubMessage(frame);
    if (parsed.ok) this.receive(parsed.value);
    else this.fail({ kind: 'protocol', message: parsed.error });
  }

  setState(state: ConnectionState): void {
    this.state = state;
    for (const l of this.states) l(state);
  }

  fail(error: RealtimeError): void {
    for (const l of this.errors) l(error);
  }
}

/** A frame scheduler the test runs by hand: `run()` plays the pending frame, `count` tallies them. */
export class ManualFrames {
  private pending: (() => void) | null = null;
  scheduled = 0;

  readonly schedule = (flush: () => void): (() => void) => {
    this.scheduled++;
    this.pending = flush;
    return () => {
      if (this.pending === flush) this.pending = null;
    };
  };

  get isPending(): boolean {
    return this.pending !== null;
  }

  run(): void {
    const flush = this.pending;
    this.pending = null;
    flush?.();
  }
}

/** Fake time for the store's injected clock and timers: `tick(ms)` runs what falls due, in order. */
export class ManualClock implements TimerApi {
  time: number;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #nextId = 1;

  constructor(start = 0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time on by `ms`, running each timer at its due time. */
  tick(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
  }
}
