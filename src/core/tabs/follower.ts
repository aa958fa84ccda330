/**
 * A follower's side of a shared socket: it takes the leader's frames (after catching up with a
 * `sync` when it joins), mirrors the leader's connection state, hands its actions to the leader
 * with retry, and notices a leader that went silent.
 */
import type { TimerApi } from '../connection.js';
import type { ClientAction, HubMessage } from '../protocol.js';
import type { ConnectionState, RealtimeError } from '../types.js';
import type { TabMessage } from './messages.js';

/**
 * A visible follower that heard nothing from its leader for this long (one and a half heartbeats)
 * asks if one is there… A leader in a hidden tab may beat late (its timers are throttled), but it
 * answers a ping at once: a channel message is not a timer.
 */
export const SILENT_MS = 1_500;
/**
 * …and takes the lock when no leader answered within this. With the report window and the
 * resume, a frozen leader is replaced within about 2.3 s of its last word.
 */
export const PING_GRACE_MS = 500;
/** An action or a join the leader did not answer is sent again after this. */
const RETRY_MS = 1_000;
/** Sends of one action before it fails as a request the hub never answered would. */
const MAX_TRIES = 10;

/** What the follower needs from the tab it runs in. */
export interface FollowerHost {
  readonly tabId: string;
  post(message: TabMessage): void;
  deliver(message: HubMessage): void;
  state(state: ConnectionState): void;
  error(error: RealtimeError): void;
  /** The last seq this tab applied and its stream, for `join` and `report`. */
  position(): { seq: number; stream: string | null };
  /** The leader stopped answering while this tab is visible: take over. */
  takeOver(): void;
  timers: TimerApi;
  now(): number;
}

interface PendingAction {
  action: ClientAction;
  tries: number;
}

const CONNECTING: ConnectionState = { status: 'connecting', attempt: 0 };

const isVisible = (): boolean =>
  (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState !== 'hidden';

/** Receives from the leader and sends to it. */
export class FollowerLink {
  readonly #host: FollowerHost;
  #leader: string | null = null;
  #synced = false;
  #leaderState: ConnectionState = CONNECTING;
  readonly #pending = new Map<number, PendingAction>();
  #nextId = 0;
  #heardAt: number;
  #pingedAt = 0;
  #timer: unknown;
  #watchTimer: unknown;
  #closed = false;

  constructor(host: FollowerHost) {
    this.#host = host;
    this.#heardAt = host.now();
    this.#join();
    this.#tick();
    this.#watch();
  }

  /** Whether the leader's state is mirrored and actions can go to it. */
  get connected(): boolean {
    return this.#synced && this.#leader !== null && this.#leaderState.status === 'connected';
  }

  /** The tab this follower listens to. */
  get leader(): string | null {
    return this.#leader;
  }

  /** Hands an action to the leader; false when there is no connected leader (as a closed socket). */
  send(action: ClientAction): boolean {
    if (!this.connected) return false;
    const id = ++this.#nextId;
    this.#pending.set(id, { action, tries: 1 });
    this.#host.post({ t: 'action', from: this.#host.tabId, id, a: action });
    return true;
  }

  /** The page became visible: its timers ran late, so the leader's silence is measured afresh. */
  touch(): void {
    this.#heardAt = this.#host.now();
    this.#pingedAt = 0;
  }

  receive(message: TabMessage): void {
    const me = this.#host.tabId;
    if (message.t === 'claim') {
      this.#leader = message.from;
      this.#heard();
      const { seq, stream } = this.#host.position();
      this.#host.post({ t: 'report', from: me, seq, stream });
      for (const [id, p] of this.#pending) this.#host.post({ t: 'action', from: me, id, a: p.action });
      return;
    }
    if (message.t === 'hb' && this.#leader === null) this.#leader = message.from;
    if (message.from !== this.#leader) return; // a leader that lost the lock and does not know yet
    this.#heard();
    switch (message.t) {
      case 'hb': {
        const was = this.#leaderState.status;
        this.#leaderState = message.state;
        this.#mirror();
        // A leader that just connected answers a join now (before, it had nothing to send).
        if (!this.#synced && was !== 'connected' && message.state.status === 'connected') this.#join();
        return;
      }
      case 'frame':
        if (message.to !== undefined && message.to !== me) return;
        // Before its sync a tab takes no frame: the sync holds what they carried. A tab that
        // has not synced yet asks as soon as its leader is welcomed, not on its next tick.
        if (this.#synced) this.#host.deliver(message.m);
        else if (message.m.type === 'welcome' && !message.m.reauth) this.#join();
        return;
      case 'sync':
        if (message.to !== me || this.#synced) return;
        this.#synced = true;
        // The leader built it after every frame it sent before, so it holds what they carried.
        for (const m of message.frames) this.#host.deliver(m);
        this.#mirror();
        return;
      case 'error':
        this.#host.error(message.e);
        return;
      case 'reply':
        if (message.to === me) this.#replied(message.id, message.ok, message.reason);
        return;
      case 'bye':
        this.#leader = null;
        this.#leaderState = CONNECTING;
        this.#mirror();
        return;
    }
  }

  /** Stops; actions the leader has not confirmed are dropped (the store fails them on the state change). */
  close(): void {
    this.#closed = true;
    this.#host.timers.clearTimeout(this.#timer);
    this.#host.timers.clearTimeout(this.#watchTimer);
    this.#pending.clear();
  }

  #join(): void {
    const { seq, stream } = this.#host.position();
    this.#host.post({ t: 'join', from: this.#host.tabId, seq, stream });
  }

  #heard(): void {
    this.#heardAt = this.#host.now();
    this.#pingedAt = 0;
  }

  #mirror(): void {
    const s = this.#synced ? this.#leaderState : CONNECTING;
    this.#host.state(s.status === 'connected' ? { ...s, shared: 'follower' } : s);
  }

  #replied(id: number, ok: boolean, reason = 'not connected to the hub'): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (!ok) this.#fail(pending.action, 'not-connected', `Cannot ${pending.action.type}: ${reason}`);
  }

  /** Answers the store as the hub would have: an `error` for the action's ref. */
  #fail(action: ClientAction, code: 'not-connected' | 'timeout', text: string): void {
    const ref = (action as { ref?: string }).ref;
    // Not a hub code: the store passes it on as the code of the rejected request, the one it uses
    // itself when its own socket is not connected or does not answer.
    const error = { type: 'error', ref, code, message: text } as unknown as HubMessage;
    if (ref !== undefined) this.#host.deliver(error);
    else this.#host.error({ kind: 'action', code, message: text });
  }

  /** Once a second: resend what the leader did not answer, and join until synced. */
  #tick = (): void => {
    if (this.#closed) return;
    const me = this.#host.tabId;
    for (const [id, p] of this.#pending) {
      if (++p.tries > MAX_TRIES) {
        this.#pending.delete(id);
        this.#fail(p.action, 'timeout', `The leader tab did not take ${p.action.type}`);
      } else this.#host.post({ t: 'action', from: me, id, a: p.action });
    }
    if (!this.#synced) this.#join();
    this.#timer = this.#host.timers.setTimeout(this.#tick, RETRY_MS);
  };

  /**
   * Watches for a silent leader, waking when the silence or the ping's grace would run out (not on
   * the once-a-second tick, which would add up to a second to each).
   */
  #watch = (): void => {
    if (this.#closed) return;
    const now = this.#host.now();
    let wait = this.#heardAt + SILENT_MS - now;
    if (this.#pingedAt) {
      wait = this.#pingedAt + PING_GRACE_MS - now;
      if (wait <= 0) {
        this.#pingedAt = 0;
        this.#heardAt = now;
        this.#host.takeOver();
        wait = SILENT_MS;
      }
    } else if (wait <= 0) {
      if (isVisible()) {
        this.#pingedAt = now;
        this.#host.post({ t: 'ping', from: this.#host.tabId });
        wait = PING_GRACE_MS;
      } else wait = SILENT_MS; // a hidden tab does not steal; `touch()` restarts the count when it shows
    }
    this.#watchTimer = this.#host.timers.setTimeout(this.#watch, wait);
  };
}
