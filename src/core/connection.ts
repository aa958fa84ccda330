/**
 * The direct WebSocket transport: one socket to the hub's `/v1/ws`, authenticated in its first
 * message, resumed from the last seq after every drop, kept honest by an application heartbeat.
 *
 * Built on partysocket's `ReconnectingWebSocket`, but with `maxRetries: 0` and one instance per
 * attempt, so that partysocket only opens a socket (with its connect timeout and the event
 * normalisation between browsers and Node's `ws`) while this class decides *whether* and *when* to
 * reconnect. Partysocket's own retry loop cannot: it has no jitter, no notion of close codes that
 * mean "stop" or "refresh the token", no server retry hint and no offline state. A fresh instance
 * per attempt also means a late event from an abandoned socket can never reach the new session.
 */
import ReconnectingWebSocket from 'partysocket/ws';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { defaultTimers } from './listeners.js';
import {
  type AuthMessage,
  type ClientAction,
  type ClientMessage,
  CloseCode,
  closeAction,
  type EventMessage,
  encode,
  PROTOCOL_VERSION,
  parseHubMessage,
  retryHintMs,
  type WelcomeMessage,
} from './protocol.js';
import { StreamCursor } from './stream-cursor.js';
import { TransportEvents } from './transports/transport-events.js';
import type { ConnectionState, TimerApi, TokenProvider, Transport } from './types.js';

export type { TimerApi, TokenProvider };

/** Options of {@link RealtimeConnection}. */
export interface RealtimeConnectionOptions {
  /** The hub's WebSocket endpoint, e.g. `wss://hub.example.com/v1/ws`. The token never goes in it. */
  url: string;
  /** Token sent in the first message. Optional when `tokenProvider` is given. */
  token?: string;
  /** Called when there is no token, once after the hub says "token expired" (4001), and ahead of `expiresAt`. */
  tokenProvider?: TokenProvider;
  /** Categories to receive; `null` or omitted: every category. */
  categories?: string[] | null;
  /** Where a previous transport stopped: the first auth resumes from this seq of this stream. */
  resume?: { seq: number; stream: string | null };
  /** WebSocket constructor (default: the global one; Node passes `ws`'s `WebSocket`). */
  WebSocket?: new (
    url: string,
    protocols?: string | string[],
  ) => unknown;
  /** Interval between application pings (default: the hub's `welcome.heartbeatMs`). */
  heartbeatMs?: number;
  /** How long a ping may go unanswered before it counts as missed (default 10 000). */
  pongTimeoutMs?: number;
  /** Limit for opening the socket and receiving `welcome` (default 10 000). */
  connectTimeoutMs?: number;
  /**
   * Reconnect backoff, full jitter (default `{ initialMs: 1000, maxMs: 30000, factor: 2,
   * restartMaxMs: 5000, restartWindowMs: 30000 }`): within 30 s of the hub saying it is going
   * away or restarting, no wait exceeds 5 s.
   */
  backoff?: Partial<BackoffOptions>;
  /** Uniform random in [0, 1) for jitter (default `Math.random`). */
  random?: () => number;
  /** Wall clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Where `online`, `offline` and `visibilitychange` are heard (default `globalThis` when it is an EventTarget; `null`: nowhere). */
  window?: EventTarget | null;
  /** Timer functions (default the global ones). */
  timers?: TimerApi;
}

type TimerName = 'retry' | 'handshake' | 'heartbeat' | 'pong' | 'expiry';

/** Used when the hub sends no heartbeat interval (it always should). */
const FALLBACK_HEARTBEAT_MS = 25_000;
/** A session that lived this long resets the backoff and the once-per-4001 token refresh. */
const STABLE_MS = 5_000;
/** Spread for "reconnect at once" codes, so a restarted hub is not hit by every tab in one ms. */
const RECONNECT_NOW_JITTER_MS = 250;
/** Locally detected failures (timeout, dead heartbeat) report the code a browser uses for them. */
const ABNORMAL_CLOSURE = 1006;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/**
 * Attempts in a row that end before the socket opens, after which the state says the hub refused
 * the connection. A browser cannot tell a 403 at the upgrade (origin not allowed) from a hub that
 * is down or a wrong URL; three in a row is no passing blip, so the person is told what to check.
 */
export const REFUSED_AFTER_ATTEMPTS = 3;
const AUTH_STOP_REASONS: Record<number, string> = {
  [CloseCode.Forbidden]: 'this account’s role may not use the realtime hub',
  [CloseCode.InvalidToken]: 'the token could not be verified',
  [CloseCode.UserMismatch]: 'the new token belongs to a different user',
};

/**
 * Direct WebSocket {@link Transport}. Created idle; `connect()` opens it.
 *
 * - Resume: every `auth` carries `resumeFrom` (the last seq applied) and events at or below it are
 *   dropped here, so a store never applies one twice. A `welcome` from another stream starts over.
 * - `onMessage` hears every hub message except pongs and already-applied events, one `event`
 *   message per stream event, also when the hub sent several in one `events` frame.
 * - Close codes follow `closeAction()`: refresh the token once, stop, back off, or reconnect now.
 * - Backoff is exponential with full jitter; a hub's `retry-after` is added as a floor.
 */
export class RealtimeConnection extends TransportEvents implements Transport {
  readonly #cursor = new StreamCursor();
  #token: string | undefined;
  #tokenProvider: TokenProvider | undefined;
  /** The provider must be asked before the next auth (new provider, or the hub said 4001). */
  #needToken = false;
  /** A 4001 already led to one fresh token; the next 4001 is final. */
  #tokenRefreshed = false;
  /** Expiry the proactive refresh already ran for; stops a loop if the provider returns the same token. */
  #refreshedFor = 0;
  #authedToken: string | undefined;
  #categories: string[] | null | undefined;
  #socket: ReconnectingWebSocket | null = null;
  /** Bumped per attempt and on close(); async work from an older generation is discarded. */
  #generation = 0;
  /** Consecutive attempts that did not yield a stable session; drives the backoff. */
  #attempt = 0;
  #connectedAt = 0;
  /** Whether the current socket reached `open`. */
  #opened = false;
  /** Consecutive attempts whose socket closed before it opened. */
  #refusedInARow = 0;
  /**
   * Set when the hub says it is going away or restarting (1001, 42xx), cleared when a session
   * starts: since when, and the `retry-within` it asked for (no retry is drawn from a shorter range).
   */
  #restart: { since: number; spreadMs: number } | null = null;
  #heartbeatMs = FALLBACK_HEARTBEAT_MS;
  #pingSentAt = 0;
  #frameSincePing = false;
  #missedPongs = 0;
  #offline = false;
  #listening = false;
  readonly #timerHandles: Partial<Record<TimerName, unknown>> = {};
  readonly #backoff: BackoffOptions;
  readonly #pongTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #timers: TimerApi;
  readonly #env: EventTarget | null;

  readonly #options: RealtimeConnectionOptions;

  constructor(options: RealtimeConnectionOptions) {
    super();
    this.#options = options;
    this.#token = options.token;
    this.#tokenProvider = options.tokenProvider;
    this.#categories = options.categories;
    if (options.resume) this.seedResume(options.resume.seq, options.resume.stream);
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? defaultTimers;
    const g = globalThis as unknown as Partial<EventTarget>;
    this.#env = options.window !== undefined ? options.window : g.addEventListener ? (g as EventTarget) : null;
  }

  /** Last seq applied from the hub stream (sent as `resumeFrom`). */
  get lastSeq(): number {
    return this.#cursor.seq;
  }

  /**
   * Sets where the next `auth` resumes from: a tab taking over a socket shared across tabs starts
   * from the highest seq any tab applied. Ignored while connected.
   */
  seedResume(seq: number, stream: string | null): void {
    if (this.state.status === 'connected') return;
    this.#cursor.seq = seq;
    this.#cursor.stream = stream;
  }

  /** The hub stream `lastSeq` belongs to (from `welcome.stream`), or null before the first welcome. */
  get stream(): string | null {
    return this.#cursor.stream;
  }

  /** Opens the connection; a no-op while connecting, connected or waiting to retry. */
  connect(): void {
    const { status } = this.state;
    if (status !== 'idle' && status !== 'closed' && status !== 'auth-error') return;
    this.#attempt = 0;
    this.#refusedInARow = 0;
    this.#restart = null;
    this.#tokenRefreshed = false;
    this.#open();
  }

  /** Retries now, skipping any backoff wait (also out of `offline`, `auth-error` or `closed`). */
  reconnectNow(): void {
    const { status } = this.state;
    if (status === 'connected' || status === 'connecting') return;
    if (status === 'reconnecting' || status === 'offline') this.#open();
    else this.connect();
  }

  /** Closes for good: no socket, timer or window listener remains. `connect()` may reopen. */
  close(): void {
    this.#generation++;
    this.#stopAll();
    if (this.state.status !== 'closed') this.setState({ status: 'closed' });
  }

  /** Sends an action; false when not connected. */
  send(action: ClientAction): boolean {
    return this.state.status === 'connected' && this.#write(action);
  }

  /** Changes the categories now (when connected) and for every later auth. */
  setCategories(categories: string[] | null): void {
    this.#categories = categories;
    if (this.state.status === 'connected') this.#write({ type: 'subscribe', categories });
  }

  /** Replaces the token or provider: re-authenticates in place when connected, reconnects from `auth-error`. */
  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') {
      this.#tokenProvider = token;
      this.#needToken = true;
    } else {
      this.#token = token;
      this.#needToken = false;
    }
    this.#tokenRefreshed = false;
    this.#refreshedFor = 0;
    if (this.state.status === 'auth-error') {
      this.#attempt = 0;
      this.#open();
    } else if (this.state.status === 'connected') this.#reauth();
  }

  // -------------------------------------------------------------------------------------------
  // Attempts
  // -------------------------------------------------------------------------------------------

  #open(): void {
    this.#stopSession();
    this.#dropSocket();
    this.#listen();
    const generation = ++this.#generation;
    const connecting: ConnectionState = { status: 'connecting', attempt: this.#attempt };
    if (this.#refusedInARow >= REFUSED_AFTER_ATTEMPTS) connecting.refused = true;
    this.setState(connecting);
    // Covers the token fetch, the socket opening and the welcome: a hung step cannot stall us.
    this.#setTimer('handshake', this.#connectTimeoutMs, () => this.#abandon('no welcome from the hub in time'));
    if (this.#token !== undefined && !this.#needToken) {
      this.#createSocket();
      return;
    }
    if (!this.#tokenProvider) {
      this.#authError(0, 'no token or tokenProvider was given');
      return;
    }
    void this.#fetchToken().then((token) => {
      if (generation !== this.#generation) return;
      if (token === undefined) this.#retryLater(undefined, 'token provider failed');
      else this.#createSocket();
    });
  }

  #createSocket(): void {
    const socket = new ReconnectingWebSocket(this.#options.url, undefined, {
      WebSocket: this.#options.WebSocket,
      maxRetries: 0,
      connectionTimeout: this.#connectTimeoutMs,
    });
    socket.addEventListener('open', this.#handleOpen);
    socket.addEventListener('message', this.#handleMessage);
    socket.addEventListener('close', this.#handleClose);
    this.#socket = socket;
  }

  readonly #handleOpen = (): void => {
    this.#opened = true;
    this.#refusedInARow = 0;
    this.#sendAuth(true);
  };

  readonly #handleClose = (event: { code: number; reason: string }): void => {
    const opened = this.#opened;
    this.#dropSocket();
    if (!opened) {
      // Failed before `open` (refused upgrade, nothing listening, bad URL). partysocket reports
      // that as a clean 1000; it is not one, and the hub never spoke.
      this.#refusedInARow++;
      this.#afterClose(ABNORMAL_CLOSURE, this.#refusalReason());
      return;
    }
    // partysocket's Node path fills an empty reason with this placeholder; it is not the hub's.
    const reason = event.reason === 'unknown reason' ? '' : (event.reason ?? '');
    this.#afterClose(event.code, reason);
  };

  /** Why the socket failed before opening, and after a few in a row, what to check. */
  #refusalReason(): string {
    if (this.#refusedInARow < REFUSED_AFTER_ATTEMPTS) return 'the connection failed before it opened';
    const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
    const page = origin && origin !== 'null' ? `this page's origin (${origin})` : "this page's origin";
    return (
      `the hub refused the connection ${this.#refusedInARow} times in a row before it opened: ` +
      `check that the hub's allowed origins (--allowed-origins) include ${page} and that ${this.#options.url} is the hub's WebSocket URL`
    );
  }

  /** Gives up on the current socket after a locally detected failure. */
  #abandon(reason: string): void {
    this.#dropSocket();
    this.#afterClose(ABNORMAL_CLOSURE, reason);
  }

  #afterClose(code: number, reason: string): void {
    this.#stopSession();
    if (this.#connectedAt && this.#now() - this.#connectedAt >= STABLE_MS) {
      this.#attempt = 0;
      this.#tokenRefreshed = false;
    }
    this.#connectedAt = 0;
    this.emit('error', { kind: 'close', code, message: reason || `connection closed (${code})` });
    const action = closeAction(code);
    if (action === 'refresh-token') {
      if (!this.#tokenProvider || this.#tokenRefreshed) this.#authError(code, reason || 'the token has expired');
      else {
        this.#tokenRefreshed = true;
        this.#needToken = true;
        this.#open();
      }
    } else if (action === 'stop') {
      const authReason = AUTH_STOP_REASONS[code];
      if (authReason) this.#authError(code, reason || authReason);
      else {
        this.#stopAll();
        this.setState(reason ? { status: 'closed', code, reason } : { status: 'closed', code });
      }
    } else if (action === 'reconnect-now') {
      this.#restart ??= { since: this.#now(), spreadMs: 0 };
      const spread = retryHintMs(reason, 'retry-within');
      if (spread !== undefined) this.#restart.spreadMs = spread;
      this.#retryLater(code, reason, this.#random() * (spread ?? RECONNECT_NOW_JITTER_MS));
    } else this.#retryLater(code, reason, this.#nextDelay(retryHintMs(reason)));
  }

  /**
   * The wait before the next attempt: full jitter under the attempt's cap, plus the hub's
   * `retry-after`. While a hub that said it is restarting comes back, the cap stays within
   * `restartMaxMs`, so its clients return within seconds of it being up; and no cap is below the
   * hub's `retry-within`, so a hub with many clients sees them return at the rate it asked for.
   */
  #nextDelay(floorMs = 0): number {
    const { initialMs, maxMs, restartMaxMs, restartWindowMs } = this.#backoff;
    const restart = this.#restart;
    const restarting = restart !== null && this.#now() - restart.since < restartWindowMs;
    const spread = restart?.spreadMs ?? 0;
    const options = {
      ...this.#backoff,
      initialMs: Math.max(initialMs, spread),
      maxMs: Math.max(spread, restarting ? Math.min(maxMs, restartMaxMs) : maxMs),
    };
    return backoffDelay(this.#attempt, options, this.#random, floorMs);
  }

  #retryLater(code: number | undefined, reason: string, delay = this.#nextDelay()): void {
    this.#stopSession();
    // Offline, a retry would fail at once and only grow the backoff; `online` resumes instead.
    if (this.#offline) {
      this.setState({ status: 'offline' });
      return;
    }
    this.#attempt++;
    const state: ConnectionState = { status: 'reconnecting', attempt: this.#attempt, nextRetryAt: this.#now() + delay };
    if (code !== undefined) state.lastCloseCode = code;
    if (reason) state.reason = reason;
    if (this.#refusedInARow >= REFUSED_AFTER_ATTEMPTS) state.refused = true;
    this.setState(state);
    this.#setTimer('retry', delay, () => this.#open());
  }

  #authError(code: number, reason: string): void {
    this.#stopAll();
    this.emit('error', { kind: 'auth', code, message: reason });
    this.setState({ status: 'auth-error', code, reason });
  }

  // -------------------------------------------------------------------------------------------
  // Frames
  // -------------------------------------------------------------------------------------------

  readonly #handleMessage = (event: { data: unknown }): void => {
    this.#frameSincePing = true;
    const parsed = parseHubMessage(event.data);
    if (!parsed.ok) {
      this.emit('error', { kind: 'protocol', message: `refused frame from hub: ${parsed.error}` });
      return;
    }
    const message = parsed.value;
    if (message.type === 'pong') {
      if (this.#timerHandles.pong !== undefined) this.#heartbeatAnswered();
      return;
    }
    if (message.type === 'welcome') this.#welcome(message);
    else if (message.type === 'snapshot') this.#cursor.snapshot(message.seq);
    else if (message.type === 'events') {
      // Listeners see one `event` message per stream event, whichever frame carried it.
      for (const error of message.refused ?? [])
        this.emit('error', { kind: 'protocol', message: `refused event from hub: ${error}` });
      for (const event of message.events) this.#deliver({ type: 'event', event });
      return;
    } else if (message.type === 'event') {
      this.#deliver(message);
      return;
    }
    this.emit('message', message);
  };

  #deliver(message: EventMessage): void {
    // Dedupe at the edge: a replay overlapping what was applied is dropped, never delivered twice.
    if (!this.#cursor.admit(message.event.seq)) return;
    this.emit('message', message);
  }

  #welcome(message: WelcomeMessage): void {
    const foreign = this.#cursor.welcome(message.stream, message.seq);
    this.#clearTimer('handshake');
    if (!message.reauth || !this.#connectedAt) {
      this.#connectedAt = this.#now();
      this.#restart = null;
      this.#heartbeatMs = this.#options.heartbeatMs ?? message.heartbeatMs ?? FALLBACK_HEARTBEAT_MS;
      this.#missedPongs = 0;
      this.#setTimer('heartbeat', this.#heartbeatMs, this.#ping);
    }
    this.#scheduleRefresh(message.expiresAt);
    this.setState({ status: 'connected', user: message.user, since: this.#connectedAt });
    // Our resumeFrom belonged to another stream, so a replay from it has gaps: ask for a snapshot.
    if (foreign && message.resumed && !message.reauth) this.#write({ type: 'refresh' });
    // The token changed while this socket was authenticating with the old one.
    if (this.#needToken || this.#token !== this.#authedToken) this.#reauth();
  }

  #sendAuth(first: boolean): void {
    const token = this.#token as string;
    const message: AuthMessage = { type: 'auth', token, protocol: PROTOCOL_VERSION };
    if (first) {
      const { seq, stream } = this.#cursor;
      if (seq > 0) {
        message.resumeFrom = seq;
        if (stream) message.stream = stream;
      }
      if (this.#categories !== undefined) message.categories = this.#categories;
    }
    if (this.#write(message)) this.#authedToken = token;
  }

  /** Presents the current token in-session, asking the provider first when it must. */
  #reauth(): void {
    if (!this.#needToken) {
      this.#sendAuth(false);
      return;
    }
    void this.#fetchToken().then((token) => {
      if (token !== undefined && this.state.status === 'connected') this.#sendAuth(false);
    });
  }

  async #fetchToken(): Promise<string | undefined> {
    const provider = this.#tokenProvider;
    if (!provider) return undefined;
    const token = await this.tokenFrom(provider);
    if (token !== undefined && provider === this.#tokenProvider) {
      this.#token = token;
      this.#needToken = false;
    }
    return token;
  }

  /** Refreshes in place shortly before the token expires: halfway through its life, at most a minute early. */
  #scheduleRefresh(expiresAt: number | undefined): void {
    this.#clearTimer('expiry');
    if (!expiresAt || !this.#tokenProvider || expiresAt <= this.#refreshedFor) return;
    const remaining = expiresAt - this.#now();
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, remaining - Math.min(60_000, remaining / 2)));
    this.#setTimer('expiry', delay, () => {
      this.#refreshedFor = expiresAt;
      this.#needToken = true;
      this.#reauth();
    });
  }

  #write(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== ReconnectingWebSocket.OPEN) return false;
    return socket.send(encode(message));
  }

  // -------------------------------------------------------------------------------------------
  // Heartbeat. A half-open socket (the hub or a middlebox silently gone) is only found by asking.
  // Rule: a ping is missed when its check runs, at least pongTimeoutMs of wall-clock time have
  // passed since it was sent, and no frame at all arrived since (any frame proves the socket
  // lives). One miss only triggers an immediate second ping; two consecutive misses drop the
  // socket. Why two: a background tab's timers are throttled or frozen, and on wake-up the late
  // check can run before the pong that waited in the queue is dispatched; the second ping gets a
  // fresh window on an awake page. Becoming visible, or the browser reporting offline, re-pings
  // at once so a dead socket is found in seconds rather than at the next heartbeat.
  // -------------------------------------------------------------------------------------------

  readonly #ping = (): void => {
    this.#clearTimer('heartbeat');
    this.#pingSentAt = this.#now();
    this.#frameSincePing = false;
    if (!this.#write({ type: 'ping', t: this.#pingSentAt })) return;
    this.#setTimer('pong', this.#pongTimeoutMs, this.#checkPong);
  };

  readonly #checkPong = (): void => {
    if (this.#frameSincePing) {
      this.#heartbeatAnswered();
      return;
    }
    const elapsed = this.#now() - this.#pingSentAt;
    if (elapsed < this.#pongTimeoutMs) {
      this.#setTimer('pong', this.#pongTimeoutMs - elapsed, this.#checkPong);
      return;
    }
    if (++this.#missedPongs >= 2) this.#abandon('the hub stopped answering heartbeats');
    else this.#ping();
  };

  #heartbeatAnswered(): void {
    this.#clearTimer('pong');
    this.#missedPongs = 0;
    this.#setTimer('heartbeat', this.#heartbeatMs, this.#ping);
  }

  // -------------------------------------------------------------------------------------------
  // Browser signals
  // -------------------------------------------------------------------------------------------

  readonly #handleOnline = (): void => {
    this.#offline = false;
    const { status } = this.state;
    if (status === 'offline' || status === 'reconnecting') {
      this.#attempt = 0;
      this.#open();
    }
  };

  readonly #handleOffline = (): void => {
    this.#offline = true;
    if (this.state.status === 'reconnecting') {
      this.#clearTimer('retry');
      this.setState({ status: 'offline' });
    } else if (this.state.status === 'connected') this.#ping();
  };

  readonly #handleVisibility = (): void => {
    const doc = (globalThis as { document?: { visibilityState?: string } }).document;
    if (doc?.visibilityState !== 'hidden' && this.state.status === 'connected') this.#ping();
  };

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    this.#env?.addEventListener('online', this.#handleOnline);
    this.#env?.addEventListener('offline', this.#handleOffline);
    this.#env?.addEventListener('visibilitychange', this.#handleVisibility);
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing
  // -------------------------------------------------------------------------------------------

  /** Drops the socket without reporting its close (the caller decides what comes next). */
  #dropSocket(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = null;
    this.#opened = false;
    socket.removeEventListener('open', this.#handleOpen);
    socket.removeEventListener('message', this.#handleMessage);
    socket.removeEventListener('close', this.#handleClose);
    socket.close(CloseCode.Normal);
  }

  /** Ends the session's timers (heartbeat, handshake, refresh, retry); the socket is separate. */
  #stopSession(): void {
    for (const name of Object.keys(this.#timerHandles) as TimerName[]) this.#clearTimer(name);
  }

  /** Stops everything: socket, timers, window listeners. */
  #stopAll(): void {
    this.#stopSession();
    this.#dropSocket();
    if (this.#listening) {
      this.#listening = false;
      this.#env?.removeEventListener('online', this.#handleOnline);
      this.#env?.removeEventListener('offline', this.#handleOffline);
      this.#env?.removeEventListener('visibilitychange', this.#handleVisibility);
    }
  }

  #setTimer(name: TimerName, ms: number, callback: () => void): void {
    this.#clearTimer(name);
    this.#timerHandles[name] = this.#timers.setTimeout(() => {
      delete this.#timerHandles[name];
      callback();
    }, ms);
  }

  #clearTimer(name: TimerName): void {
    const handle = this.#timerHandles[name];
    if (handle === undefined) return;
    delete this.#timerHandles[name];
    this.#timers.clearTimeout(handle);
  }
}
