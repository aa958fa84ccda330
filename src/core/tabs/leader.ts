/**
 * The leader's side of a shared socket: it owns the one socket (a `TransportLadder`) of its tabs, relays
 * every hub message to them over the channel, sends their actions on the socket, answers a
 * joining tab with the state so far and says it is alive every second.
 */
import type { TimerApi } from '../connection.js';
import type { ClientAction, EventMessage, HubMessage, SnapshotMessage, WelcomeMessage } from '../protocol.js';
import type { TransportLadderOptions } from '../transports/ladder.js';
import type { ConnectionState, RealtimeError } from '../types.js';
import { splitTabRef, type TabKit, type TabMessage, type TabSocket, tabRef, withRef } from './messages.js';

/** How often the leader says it is alive. */
export const HEARTBEAT_MS = 1_000;
/** Events kept after the last snapshot for joining tabs; past it, a joiner gets a fresh snapshot. */
const JOIN_CACHE_EVENTS = 2_000;
/** Action ids remembered per leader, so a follower's retry is never sent twice. */
const SEEN_ACTIONS = 1_000;

/** Where the leader delivers what its own tab sees. */
export interface LeaderHost {
  readonly tabId: string;
  post(message: TabMessage): void;
  /** A hub message for this tab's store (already routed: answers to other tabs do not come here). */
  deliver(message: HubMessage): void;
  state(state: ConnectionState): void;
  error(error: RealtimeError): void;
  timers: TimerApi;
  Connection: TabKit['Connection'];
}

/** The socket and relay of the tab that holds the lock. */
export class LeaderRelay {
  readonly #host: LeaderHost;
  readonly #connection: TabSocket;
  readonly #off: (() => void)[];
  #heartbeat: unknown;
  #welcome: WelcomeMessage | null = null;
  #snapshot: SnapshotMessage | null = null;
  /** Every event after `#from` (the last snapshot, or where this leader resumed), in order. */
  #since: EventMessage[] = [];
  #from: { seq: number; stream: string } | null = null;
  readonly #seen = new Set<string>();
  /** This tab was behind the highest seq another tab applied: one fresh snapshot after the welcome. */
  #refreshOnWelcome: boolean;

  /**
   * Opens the socket, resuming from `resume` (the highest seq any tab applied). `behind`: this
   * tab's own store is behind it, so everyone gets a fresh snapshot once connected.
   */
  constructor(
    host: LeaderHost,
    options: TransportLadderOptions,
    resume: { seq: number; stream: string | null },
    behind: boolean,
  ) {
    this.#host = host;
    this.#refreshOnWelcome = behind;
    this.#connection = new host.Connection(options);
    this.#connection.seedResume(resume.seq, resume.stream);
    if (resume.seq > 0 && resume.stream !== null && !behind) this.#from = { seq: resume.seq, stream: resume.stream };
    this.#off = [
      this.#connection.onMessage(this.#relay),
      this.#connection.onState((state) => {
        this.#host.state(state);
        this.#beat();
      }),
      this.#connection.onError((e) => {
        this.#host.error(e);
        this.#host.post({ t: 'error', from: host.tabId, e });
      }),
    ];
    this.#beat();
    this.#connection.connect();
  }

  /** The connection, for its state, `reconnectNow()` and `setToken()`. */
  get connection(): TabSocket {
    return this.#connection;
  }

  /** Sends an action of this tab or another one; the hub's answer goes back to that tab. */
  send(from: string, action: ClientAction): boolean {
    const ref = (action as { ref?: string }).ref;
    return this.#connection.send(ref === undefined ? action : ({ ...action, ref: tabRef(from, ref) } as ClientAction));
  }

  /** Handles what followers ask for. */
  receive(message: TabMessage): void {
    const tab = this.#host.tabId;
    switch (message.t) {
      case 'action': {
        const key = `${message.from}:${message.id}`;
        if (this.#seen.has(key)) {
          this.#host.post({ t: 'reply', from: tab, to: message.from, id: message.id, ok: true });
          return;
        }
        const ok = this.send(message.from, message.a);
        if (ok) this.#remember(key);
        const reply: TabMessage = { t: 'reply', from: tab, to: message.from, id: message.id, ok };
        if (!ok) reply.reason = 'not connected to the hub';
        this.#host.post(reply);
        return;
      }
      case 'join':
        this.#answerJoin(message.from, message.seq, message.stream);
        return;
      case 'poke':
        this.#connection.reconnectNow();
        return;
      case 'ping':
        this.#beat();
        return;
    }
  }

  /**
   * The leader moved to another share name (new categories): what it kept for joiners belongs to
   * the old categories, so a joiner gets a fresh snapshot.
   */
  moved(): void {
    this.#forget();
  }

  /** Closes the socket and tells the other tabs to elect the next leader. */
  close(): void {
    for (const off of this.#off) off();
    this.#host.timers.clearTimeout(this.#heartbeat);
    this.#connection.close();
    this.#host.post({ t: 'bye', from: this.#host.tabId });
  }

  readonly #relay = (message: HubMessage): void => {
    this.#cache(message);
    const tab = this.#host.tabId;
    const owner = 'ref' in message ? splitTabRef(message.ref) : null;
    if (owner && owner.tab !== tab) {
      this.#host.post({
        t: 'frame',
        from: tab,
        to: owner.tab,
        m: withRef(message, owner.ref === '~' ? undefined : owner.ref),
      });
      return;
    }
    const local = owner ? withRef(message, owner.ref) : message;
    if (!owner) this.#host.post({ t: 'frame', from: tab, m: message });
    this.#host.deliver(local);
    if (message.type === 'welcome' && this.#refreshOnWelcome && !message.reauth) {
      this.#refreshOnWelcome = false;
      this.#connection.send({ type: 'refresh' });
    }
  };

  /** Keeps the last welcome, the last snapshot and the events after it (or after the resume point), for joining tabs. */
  #cache(message: HubMessage): void {
    if (message.type === 'welcome') {
      this.#welcome = message;
      if (this.#from && this.#from.stream !== message.stream) this.#forget();
    } else if (message.type === 'snapshot') {
      this.#snapshot = withRef(message, undefined) as SnapshotMessage;
      this.#since = [];
      this.#from = this.#welcome ? { seq: message.seq, stream: this.#welcome.stream } : null;
    } else if (message.type === 'event' && this.#from) {
      this.#since.push(message);
      if (this.#since.length > JOIN_CACHE_EVENTS) this.#forget();
    }
  }

  #forget(): void {
    this.#snapshot = null;
    this.#since = [];
    this.#from = null;
  }

  /**
   * A tab that is new or was away: the events it missed when the cache holds them all, else the
   * cached snapshot and what followed, else a fresh snapshot from the hub for it alone.
   */
  #answerJoin(to: string, seq: number, stream: string | null): void {
    const tab = this.#host.tabId;
    const welcome = this.#welcome;
    const snapshot = this.#snapshot;
    if (!welcome) return; // not connected yet: the tab asks again
    const from = this.#from;
    if (from && stream === from.stream && seq >= from.seq) {
      this.#host.post({ t: 'sync', from: tab, to, frames: this.#since.filter((m) => m.event.seq > seq) });
    } else if (snapshot && from) {
      this.#host.post({ t: 'sync', from: tab, to, frames: [welcome, snapshot, ...this.#since] });
    } else {
      this.#host.post({ t: 'sync', from: tab, to, frames: [welcome] });
      this.#connection.send({ type: 'refresh', ref: tabRef(to, '~') });
    }
  }

  #remember(key: string): void {
    this.#seen.add(key);
    if (this.#seen.size > SEEN_ACTIONS) this.#seen.delete(this.#seen.values().next().value as string);
  }

  /** Says it is alive (with the state), and again in a second. */
  #beat = (): void => {
    this.#host.timers.clearTimeout(this.#heartbeat);
    this.#host.post({ t: 'hb', from: this.#host.tabId, state: this.#connection.state });
    this.#heartbeat = this.#host.timers.setTimeout(this.#beat, HEARTBEAT_MS);
  };
}
