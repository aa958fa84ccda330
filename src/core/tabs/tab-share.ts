/**
 * One socket per browser: the {@link Transport} of a tab that shares its hub connection with the
 * other tabs of its origin that use the same hub URL, user and categories. One tab (the leader,
 * elected with Web Locks) holds the socket; the others follow over a BroadcastChannel. Loaded as a
 * chunk of its own by `SharedTransport` (shared-transport.ts) when the client connects.
 *
 * - Handover: a leader releases the lock on `pagehide` and `freeze` (and when closed); the next
 *   queued tab leads at once. A visible follower that hears nothing from its leader for a few
 *   seconds steals the lock (a leader frozen without notice). The new leader asks every tab for
 *   the last seq it applied and resumes the hub stream from the highest.
 * - Every tab drops an event at or below the last seq it applied, so an event is applied once
 *   whichever leader delivered it.
 * - A tab restored from the back/forward cache (`pageshow` persisted) or resumed after a freeze
 *   joins again and catches up.
 * - A token without a `sub` claim shares nothing: the tab gets a socket of its own.
 */
import type { TimerApi, TokenProvider } from '../connection.js';
import type { Listener } from '../listeners.js';
import type { ClientAction, HubMessage } from '../protocol.js';
import type { StreamCursor } from '../stream-cursor.js';
import type { TransportLadderOptions } from '../transports/ladder.js';
import type { ConnectionState, RealtimeError, Transport } from '../types.js';
import { Election } from './election.js';
import { FollowerLink } from './follower.js';
import { LeaderRelay } from './leader.js';
import { admitToTab, newTabId, shareName, type TabKit, type TabMessage, type TabSocket } from './messages.js';

/** How long a new leader waits for the other tabs to report their last seq before it resumes. */
const REPORT_WINDOW_MS = 150;

/** Which part this tab plays. */
type Role =
  | { kind: 'idle' }
  /** Waiting for a token to learn the user. */
  | { kind: 'starting' }
  | { kind: 'follower'; link: FollowerLink }
  /** Holds the lock; collecting the other tabs' seqs before opening the socket. */
  | { kind: 'claiming'; link: FollowerLink; reports: { seq: number; stream: string | null }[] }
  | { kind: 'leader'; relay: LeaderRelay }
  /** No user in the token: a socket of its own, as without sharing. */
  | { kind: 'solo'; connection: TabSocket };

/** A {@link Transport} that shares one socket among the tabs of a browser. */
export class TabShare implements Transport {
  /** This tab's id on the channel. */
  readonly tabId = newTabId();
  readonly #options: TransportLadderOptions;
  readonly #timers: TimerApi;
  readonly #kit: TabKit;
  readonly #cursor: StreamCursor;
  #role: Role = { kind: 'idle' };
  #name: string | null = null;
  #channel: BroadcastChannel | null = null;
  #election: Election | null = null;
  #state: ConnectionState = { status: 'idle' };
  #claimTimer: unknown;
  /** Bumped on every start and stop; a late token from an older start is discarded. */
  #generation = 0;
  #listening = false;
  readonly #listeners = {
    message: new Set<Listener<HubMessage>>(),
    state: new Set<Listener<ConnectionState>>(),
    error: new Set<Listener<RealtimeError>>(),
  };

  constructor(options: TransportLadderOptions, kit: TabKit) {
    this.#options = { ...options };
    this.#kit = kit;
    this.#cursor = new kit.Cursor();
    this.#timers = options.timers ?? kit.timers;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Last seq this tab applied. */
  get lastSeq(): number {
    return this.#cursor.seq;
  }

  /** Whether this tab holds the socket (the leader, or a tab with a socket of its own). */
  get holdsSocket(): boolean {
    return this.#role.kind === 'leader' || this.#role.kind === 'solo';
  }

  connect(): void {
    const { status } = this.#state;
    if (status !== 'idle' && status !== 'closed' && status !== 'auth-error') return;
    this.#listen();
    void this.#start();
  }

  reconnectNow(): void {
    const role = this.#role;
    if (role.kind === 'leader') role.relay.connection.reconnectNow();
    else if (role.kind === 'solo') role.connection.reconnectNow();
    else if (role.kind === 'follower') this.#post({ t: 'poke', from: this.tabId });
    else if (role.kind === 'idle') this.connect();
  }

  close(): void {
    this.#unlisten();
    this.#stop();
    this.#setState({ status: 'closed' });
  }

  send(action: ClientAction): boolean {
    const role = this.#role;
    if (role.kind === 'leader') return role.relay.send(this.tabId, action);
    if (role.kind === 'solo') return role.connection.send(action);
    if (role.kind === 'follower') return role.link.send(action);
    return false;
  }

  /**
   * Categories are part of the share name (the hub filters per socket). A leader that can take
   * the new name's lock at once keeps its socket and re-subscribes in place; its old followers
   * elect another leader. Otherwise the tab joins the tabs of the new name.
   */
  setCategories(categories: string[] | null): void {
    this.#options.categories = categories;
    const role = this.#role;
    if (role.kind === 'solo') role.connection.setCategories(categories);
    else if (role.kind === 'leader') void this.#moveLeader(role.relay, categories);
    else this.#restartIfRenamed();
  }

  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') this.#options.tokenProvider = token;
    else this.#options.token = token;
    const role = this.#role;
    if (role.kind === 'leader') role.relay.connection.setToken(token);
    else if (role.kind === 'solo') role.connection.setToken(token);
    if (typeof token === 'string') this.#restartIfRenamed();
  }

  onMessage(listener: Listener<HubMessage>): () => void {
    return this.#kit.listen(this.#listeners.message, listener);
  }

  onState(listener: Listener<ConnectionState>): () => void {
    return this.#kit.listen(this.#listeners.state, listener);
  }

  onError(listener: Listener<RealtimeError>): () => void {
    return this.#kit.listen(this.#listeners.error, listener);
  }

  // -------------------------------------------------------------------------------------------
  // Joining and leaving
  // -------------------------------------------------------------------------------------------

  async #start(): Promise<void> {
    const generation = ++this.#generation;
    this.#role = { kind: 'starting' };
    this.#setState({ status: 'connecting', attempt: 0 });
    const token = await this.#token();
    if (generation !== this.#generation) return;
    const name = token === undefined ? null : shareName(this.#options.url, token, this.#options.categories);
    this.#name = name;
    if (!name) {
      this.#solo();
      return;
    }
    this.#openChannel(name);
    this.#follow();
    this.#election = new Election(name, { onLead: this.#lead, onLost: this.#lost });
    this.#election.queue();
  }

  /** The token to learn the user from: the given one, else one from the provider (kept for the socket). */
  async #token(): Promise<string | undefined> {
    if (this.#options.token) return this.#options.token;
    try {
      const token = await this.#options.tokenProvider?.();
      if (typeof token === 'string' && token) this.#options.token = token;
      return token || undefined;
    } catch {
      return undefined; // the socket's own provider call reports it
    }
  }

  /** No user to share by: one socket for this tab, as without sharing. */
  #solo(): void {
    const connection = new this.#kit.Connection(this.#options);
    connection.onMessage((m) => this.#deliver(m));
    connection.onState((s) => this.#setState(s));
    connection.onError((e) => this.#kit.emitTo(this.#listeners.error, e));
    this.#role = { kind: 'solo', connection };
    connection.connect();
  }

  #follow(): void {
    const link = new FollowerLink({
      tabId: this.tabId,
      post: (m) => this.#post(m),
      deliver: (m) => this.#deliver(m),
      // The leader repeats its state every second: only a change is news.
      state: (s) => this.#setState(s, true),
      error: (e) => this.#kit.emitTo(this.#listeners.error, e),
      position: () => ({ seq: this.#cursor.seq, stream: this.#cursor.stream }),
      takeOver: () => this.#election?.steal(),
      timers: this.#timers,
      now: this.#options.now ?? Date.now,
    });
    this.#role = { kind: 'follower', link };
  }

  /** This tab got the lock: it asks the others where they are, then opens the socket. */
  readonly #lead = (): void => {
    const role = this.#role;
    if (role.kind !== 'follower') return;
    this.#role = { kind: 'claiming', link: role.link, reports: [] };
    this.#post({ t: 'claim', from: this.tabId });
    this.#claimTimer = this.#timers.setTimeout(this.#open, REPORT_WINDOW_MS);
  };

  readonly #open = (): void => {
    const role = this.#role;
    if (role.kind !== 'claiming') return;
    const own = this.#cursor;
    let resume = { seq: own.seq, stream: own.stream };
    for (const r of role.reports) if (r.stream === own.stream && r.seq > resume.seq) resume = r;
    // A tab without state asks for a snapshot (resume from 0), which every tab then applies.
    if (own.seq === 0) resume = { seq: 0, stream: null };
    // Requests in flight failed in the store when the state left `connected`, as on a dropped socket.
    role.link.close();
    const relay = new LeaderRelay(
      {
        tabId: this.tabId,
        post: (m) => this.#post(m),
        deliver: (m) => this.#deliver(m),
        state: (s) => this.#setState(s.status === 'connected' ? { ...s, shared: 'leader' } : s),
        error: (e) => this.#kit.emitTo(this.#listeners.error, e),
        timers: this.#timers,
        Connection: this.#kit.Connection,
      },
      this.#options,
      resume,
      resume.seq > own.seq,
    );
    this.#role = { kind: 'leader', relay };
  };

  /** The lock was stolen from this leader (it was frozen or silent too long): follow again. */
  readonly #lost = (): void => {
    const role = this.#role;
    this.#timers.clearTimeout(this.#claimTimer);
    if (role.kind === 'leader') role.relay.close();
    else if (role.kind === 'follower' || role.kind === 'claiming') role.link.close();
    else return;
    this.#follow();
    this.#election?.queue();
  };

  /** Leaves the lock, the channel and the socket; the store keeps its state. */
  #stop(): void {
    this.#generation++;
    const role = this.#role;
    this.#role = { kind: 'idle' };
    this.#timers.clearTimeout(this.#claimTimer);
    if (role.kind === 'leader') role.relay.close();
    else if (role.kind === 'solo') role.connection.close();
    else if (role.kind === 'follower' || role.kind === 'claiming') role.link.close();
    this.#election?.leave();
    this.#election = null;
    this.#channel?.close();
    this.#channel = null;
  }

  async #moveLeader(relay: LeaderRelay, categories: string[] | null): Promise<void> {
    const token = this.#options.token;
    const name = token ? shareName(this.#options.url, token, categories) : null;
    if (!name || name === this.#name) {
      relay.connection.setCategories(categories);
      return;
    }
    // Let the old group go first, so its tabs resume from what they applied under the old
    // categories; then re-subscribe at once, as a socket of its own would.
    this.#post({ t: 'bye', from: this.tabId });
    this.#election?.leave();
    this.#channel?.close();
    this.#channel = null;
    this.#name = name;
    relay.moved();
    relay.connection.setCategories(categories);
    const next = new Election(name, { onLead: this.#lead, onLost: this.#lost });
    this.#election = next;
    const taken = await next.take();
    if (this.#name !== name || this.#role.kind !== 'leader' || this.#role.relay !== relay) return;
    if (!taken) {
      // Another tab leads the tabs of these categories: join them.
      this.#stop();
      void this.#start();
      return;
    }
    this.#openChannel(name);
  }

  #restartIfRenamed(): void {
    const token = this.#options.token;
    if (this.#role.kind === 'idle' || !token) return;
    if (shareName(this.#options.url, token, this.#options.categories) === this.#name) return;
    this.#stop();
    void this.#start();
  }

  // -------------------------------------------------------------------------------------------
  // Channel
  // -------------------------------------------------------------------------------------------

  #receive(message: TabMessage): void {
    const role = this.#role;
    if (role.kind === 'leader') role.relay.receive(message);
    else if (role.kind === 'follower') role.link.receive(message);
    else if (role.kind === 'claiming') {
      if (message.t === 'report') role.reports.push({ seq: message.seq, stream: message.stream });
      else role.link.receive(message); // the old leader's last frames
    }
  }

  #openChannel(name: string): void {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (event: MessageEvent<TabMessage>) => this.#receive(event.data);
    this.#channel = channel;
  }

  #post(message: TabMessage): void {
    try {
      this.#channel?.postMessage(message);
    } catch (error) {
      this.#kit.report(error);
    }
  }

  #deliver(message: HubMessage): void {
    if (admitToTab(this.#cursor, message)) this.#kit.emitTo(this.#listeners.message, message);
  }

  // -------------------------------------------------------------------------------------------
  // Page lifecycle: a leader lets go before the page is frozen or cached, and a page that comes
  // back joins again. A page holding a lock or an open channel cannot enter the back/forward cache.
  // -------------------------------------------------------------------------------------------

  readonly #away = (): void => {
    if (this.#role.kind === 'idle') return;
    this.#stop();
    this.#setState({ status: 'connecting', attempt: 0 });
  };

  readonly #back = (event: Event): void => {
    if (event.type === 'pageshow' && !(event as PageTransitionEvent).persisted) return;
    if (this.#role.kind !== 'idle' || this.#state.status === 'closed') return;
    void this.#start();
  };

  readonly #visible = (): void => {
    const role = this.#role;
    if (role.kind === 'follower' && document.visibilityState === 'visible') role.link.touch();
  };

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    addEventListener('pagehide', this.#away);
    addEventListener('pageshow', this.#back);
    document.addEventListener('freeze', this.#away);
    document.addEventListener('resume', this.#back);
    document.addEventListener('visibilitychange', this.#visible);
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    removeEventListener('pagehide', this.#away);
    removeEventListener('pageshow', this.#back);
    document.removeEventListener('freeze', this.#away);
    document.removeEventListener('resume', this.#back);
    document.removeEventListener('visibilitychange', this.#visible);
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing
  // -------------------------------------------------------------------------------------------

  /**
   * Tells the store of a state. A repeat is dropped (the leader repeats its state every second,
   * and a tab that starts says `connecting` before its socket does), except a `connected` from
   * this tab's own socket: that is a re-authentication, which the store hears as on a direct socket.
   */
  #setState(state: ConnectionState, mirrored = false): void {
    const repeat = JSON.stringify(state) === JSON.stringify(this.#state);
    if (repeat && (mirrored || state.status !== 'connected')) return;
    this.#state = state;
    this.#kit.emitTo(this.#listeners.state, state);
  }
}
