/**
 * The full transport ladder, a chunk loaded only when a fallback is needed (`ladder.ts` keeps the
 * page's entry to a plain WebSocket until then): WebSocket, then Server-Sent Events beside it, then
 * long polling. A rung is trusted only once it delivered its first frame, and until then the
 * WebSocket's own states (reconnecting, refused…) are what the page sees, so a hub that is simply
 * down looks as it always did. The rung that worked is remembered per hub for `rememberMs`, and
 * while a fallback is in use the WebSocket is probed again in the background: a fixed network gets
 * its socket back without a reload.
 */
import { RealtimeConnection, type TokenProvider } from '../connection.js';
import type { ClientAction, HubMessage } from '../protocol.js';
import type { ConnectionState, Transport, TransportMode, TransportRung } from '../types.js';
import { HttpTransport } from './http-transport.js';
import { rememberedRung, rungKey, type TransportLadderOptions } from './ladder.js';
import { TransportEvents } from './transport-events.js';

type Rung = Transport & { readonly lastSeq: number; readonly stream: string | null };

const MAX_PROBE_MS = 5 * 60_000;
const ABNORMAL = 1006;

/** A failed attempt: it was connecting and is now waiting to retry after an abnormal close. */
const failedAttempt = (before: ConnectionState, after: ConnectionState) =>
  before.status === 'connecting' && after.status === 'reconnecting' && after.lastCloseCode === ABNORMAL;

export class FallbackLadder extends TransportEvents implements Transport {
  #current: Rung | null = null;
  #currentRung: TransportRung = 'websocket';
  /** A rung being tried beside the current one: a fallback attempt, or a WebSocket probe. */
  #trying: { rung: TransportRung; transport: Rung } | null = null;
  #seq: number;
  #stream: string | null;
  /** Rungs that delivered their first frame. */
  readonly #proven = new WeakSet<Rung>();
  /**
   * The WebSocket delivered a welcome since `connect()`. From then on its failures are the hub's
   * (a restart, an outage: its own reconnect handles them), not a network that blocks it.
   */
  #wsWorked = false;
  #probeMs: number;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #mode: TransportMode;

  /** A copy: later tokens and categories are kept here for the next rung. */
  private readonly options: TransportLadderOptions;

  /**
   * `socket`: the page's WebSocket that never got a `welcome`; the ladder takes it over as the
   * current rung (its retries go on, its states still show) and tries the next rung beside it.
   */
  constructor(options: TransportLadderOptions, socket?: RealtimeConnection) {
    super();
    this.options = { ...options };
    this.#mode = options.transport ?? 'auto';
    this.#seq = options.resume?.seq ?? 0;
    this.#stream = options.resume?.stream ?? null;
    this.#probeMs = options.probeIntervalMs ?? 30_000;
    if (!socket) return;
    this.#current = socket;
    this.#attach(socket, 'websocket');
    this.setState(socket.state);
    this.#try(typeof EventSource === 'function' ? 'sse' : 'polling');
  }

  /** Last seq applied, whichever rung carried it. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The hub stream `lastSeq` belongs to. */
  get stream(): string | null {
    return this.#stream;
  }

  /** The transport of the rung in use (a `RealtimeConnection` on `websocket`), or null before `connect()`. */
  get current(): Transport | null {
    return this.#current;
  }

  /** The rung in use (or being opened). */
  get rung(): TransportRung {
    return this.#currentRung;
  }

  connect(): void {
    if (this.#current) {
      this.#current.connect();
      return;
    }
    this.#wsWorked = false;
    const remembered = this.#mode === 'auto' ? rememberedRung(this.options.url) : null;
    this.#use(this.#mode === 'auto' ? (remembered ?? 'websocket') : this.#mode);
  }

  reconnectNow(): void {
    if (this.#current) this.#current.reconnectNow();
    else this.connect();
  }

  close(): void {
    clearTimeout(this.#probeTimer);
    this.#drop(this.#trying?.transport ?? null);
    this.#trying = null;
    const current = this.#current;
    this.#current = null;
    this.#drop(current);
    if (this.state.status !== 'closed') this.setState({ status: 'closed' });
  }

  send(action: ClientAction): boolean {
    return this.#current?.send(action) ?? false;
  }

  setCategories(categories: string[] | null): void {
    this.options.categories = categories;
    this.#current?.setCategories(categories);
    this.#trying?.transport.setCategories(categories);
  }

  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') this.options.tokenProvider = token;
    else this.options.token = token;
    this.#current?.setToken(token);
    this.#trying?.transport.setToken(token);
  }

  // --- rungs --------------------------------------------------------------------------------

  /** Creates a rung that resumes where the ladder is. */
  #create(rung: TransportRung): Rung {
    const resume = { seq: this.#seq, stream: this.#stream };
    const timeout = this.options.fallbackTimeoutMs ?? 5000;
    if (rung === 'websocket') {
      // In `auto`, a socket that says nothing for `fallbackTimeoutMs` counts as blocked.
      const auto = this.#mode === 'auto';
      return new RealtimeConnection({
        ...this.options,
        resume,
        ...(auto ? { connectTimeoutMs: this.options.connectTimeoutMs ?? timeout } : {}),
      });
    }
    return new HttpTransport({ ...this.options, rung, resume, proofTimeoutMs: timeout });
  }

  /** Makes `rung` the current one (at start, or from memory). */
  #use(rung: TransportRung): void {
    this.#currentRung = rung;
    const transport = this.#create(rung);
    this.#current = transport;
    this.#attach(transport, rung);
    transport.connect();
  }

  #attach(transport: Rung, rung: TransportRung): void {
    let last = transport.state;
    transport.onMessage((message) => {
      if (transport === this.#current) this.#relay(message);
    });
    transport.onError((error) => {
      if (transport === this.#current) this.emit('error', error);
    });
    transport.onState((state) => {
      const before = last;
      last = state;
      if (transport === this.#current) this.#currentState(transport, rung, before, state);
      else if (this.#trying?.transport === transport) this.#tryingState(transport, rung, before, state);
    });
  }

  #currentState(transport: Rung, rung: TransportRung, before: ConnectionState, state: ConnectionState): void {
    if (state.status === 'connected') {
      this.#proven.add(transport);
      this.setState({ ...state, transport: rung });
      if (rung === 'websocket') {
        this.#wsWorked = true;
        this.#probeMs = this.options.probeIntervalMs ?? 30_000;
        this.#remember(null);
        // The socket works: an attempt still running beside it is not needed.
        this.#drop(this.#trying?.transport ?? null);
        this.#trying = null;
      } else if (this.#mode === 'auto') {
        this.#remember(rung);
        this.#scheduleProbe();
      }
      return;
    }
    this.setState(state);
    if (this.#mode !== 'auto' || !failedAttempt(before, state)) return;
    if (rung === 'websocket') {
      if (!this.#wsWorked && !this.#trying) this.#try(typeof EventSource === 'function' ? 'sse' : 'polling');
    } else if (!this.#proven.has(transport)) {
      // A remembered fallback that no longer works: forget it and start from the top.
      this.#remember(null);
      this.#current = null;
      this.#drop(transport);
      this.#use('websocket');
    }
  }

  #tryingState(transport: Rung, rung: TransportRung, before: ConnectionState, state: ConnectionState): void {
    if (state.status === 'connected') {
      this.#promote(transport, rung);
      this.#currentState(transport, rung, before, state);
      return;
    }
    if (state.status === 'connecting') return;
    // The attempt failed before its first frame.
    this.#drop(transport);
    this.#trying = null;
    if (rung === 'sse') this.#try('polling');
    else if (rung === 'websocket') this.#scheduleProbe();
  }

  /** Tries a rung beside the current one; it takes over once it delivers its first frame. */
  #try(rung: TransportRung): void {
    const transport = this.#create(rung);
    this.#trying = { rung, transport };
    this.#attach(transport, rung);
    transport.connect();
  }

  #promote(transport: Rung, rung: TransportRung): void {
    const previous = this.#current;
    this.#trying = null;
    this.#current = transport;
    this.#currentRung = rung;
    this.#drop(previous);
  }

  #scheduleProbe(): void {
    clearTimeout(this.#probeTimer);
    const delay = this.#probeMs * (0.75 + (this.options.random ?? Math.random)() * 0.5);
    this.#probeMs = Math.min(MAX_PROBE_MS, this.#probeMs * 2);
    this.#probeTimer = setTimeout(() => {
      if (!this.#trying && this.#currentRung !== 'websocket' && this.#current) this.#try('websocket');
    }, delay);
  }

  /** Closes a rung without its `closed` state reaching the page. */
  #drop(transport: Rung | null): void {
    if (!transport) return;
    const was = this.#current;
    if (was === transport) this.#current = null;
    transport.close();
  }

  // --- frames -------------------------------------------------------------------------------

  /** Events are applied once across rungs: a rung that took over may replay what the last one sent. */
  #relay(message: HubMessage): void {
    if (message.type === 'welcome') {
      if (this.#stream !== null && message.stream !== this.#stream) this.#seq = 0;
      this.#stream = message.stream;
    } else if (message.type === 'snapshot') this.#seq = Math.max(message.ref ? this.#seq : 0, message.seq);
    else if (message.type === 'event') {
      if (message.event.seq <= this.#seq) return;
      this.#seq = message.event.seq;
    }
    this.emit('message', message);
  }

  // --- memory -------------------------------------------------------------------------------

  #remember(rung: TransportRung | null): void {
    try {
      const storage = globalThis.localStorage;
      if (rung === null) storage?.removeItem(rungKey(this.options.url));
      else
        storage?.setItem(
          rungKey(this.options.url),
          JSON.stringify({ rung, until: Date.now() + (this.options.rememberMs ?? 30 * 60_000) }),
        );
    } catch {
      // Storage off (private mode, policy): nothing is remembered.
    }
  }
}
