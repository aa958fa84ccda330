/**
 * `TransportLadder`, the client's transport: WebSocket first; where it cannot open, or opens and
 * says nothing (no `welcome`) within `fallbackTimeoutMs`, Server-Sent Events; where SSE stays
 * silent too (a buffering proxy or antivirus), long polling. Until a fallback is needed this is a
 * plain `RealtimeConnection`; the fallback rungs and the ladder that moves between them
 * (`fallback-ladder.ts`, `http-transport.ts`) are a chunk the page loads only then.
 */
import { RealtimeConnection, type RealtimeConnectionOptions, type TokenProvider } from '../connection.js';
import type { ClientAction } from '../protocol.js';
import type { ConnectionState, Transport, TransportMode, TransportRung } from '../types.js';
import { TransportEvents } from './transport-events.js';

/** Options of {@link TransportLadder}: the connection's, plus which rungs and how fast to fall back. */
export interface TransportLadderOptions extends RealtimeConnectionOptions {
  /** `auto` (default): WebSocket, then SSE, then long polling. Or one rung only. */
  transport?: TransportMode;
  /**
   * Time for a rung to deliver its first frame (`welcome`) before the next is tried, ms (default
   * 5000); in `auto` also the WebSocket's `connectTimeoutMs` unless that is set.
   */
  fallbackTimeoutMs?: number;
  /** First WebSocket probe after a fallback took over, ms (default 30 000); doubles up to 5 minutes. */
  probeIntervalMs?: number;
  /** How long the working fallback rung is remembered for this hub, ms (default 30 minutes). */
  rememberMs?: number;
}

/** Where the working fallback rung of a hub is remembered (`localStorage`). */
export const rungKey = (url: string) => `admin-realtime:transport|${url}`;

/** The fallback rung remembered for this hub and not yet expired, or null. */
export function rememberedRung(url: string): TransportRung | null {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(rungKey(url)) ?? 'null');
    return saved && saved.until > Date.now() && (saved.rung === 'sse' || saved.rung === 'polling') ? saved.rung : null;
  } catch {
    return null; // storage off (private mode, policy): nothing is remembered
  }
}

type Inner = Transport & {
  readonly lastSeq: number;
  readonly stream: string | null;
  readonly current?: Transport | null;
  readonly rung?: TransportRung;
};

export class TransportLadder extends TransportEvents implements Transport {
  #inner: Inner | null = null;
  #off: (() => void)[] = [];
  /** Bumped by close(): a chunk that arrives after it is not used. */
  #generation = 0;
  /** A copy: later tokens and categories are kept here for a rung created later. */
  readonly #options: TransportLadderOptions;

  constructor(options: TransportLadderOptions) {
    super();
    this.#options = { ...options };
  }

  /** Last seq applied, whichever rung carried it. */
  get lastSeq(): number {
    return this.#inner?.lastSeq ?? this.#options.resume?.seq ?? 0;
  }

  /**
   * Sets where the next connection resumes from (a tab taking over a socket shared across tabs
   * starts from the highest seq any tab applied). Before `connect()` only.
   */
  seedResume(seq: number, stream: string | null): void {
    if (this.#inner) return;
    this.#options.resume = { seq, stream };
  }

  /** The transport of the rung in use (a `RealtimeConnection` on `websocket`), or null before `connect()`. */
  get current(): Transport | null {
    const inner = this.#inner;
    return inner instanceof RealtimeConnection ? inner : (inner?.current ?? null);
  }

  /** The rung in use (or being opened). */
  get rung(): TransportRung {
    return this.#inner?.rung ?? 'websocket';
  }

  connect(): void {
    if (this.#inner) {
      this.#inner.connect();
      return;
    }
    const mode = this.#options.transport ?? 'auto';
    if (mode === 'websocket' || (mode === 'auto' && !rememberedRung(this.#options.url))) this.#socket(mode);
    else void this.#escalate();
  }

  reconnectNow(): void {
    if (this.#inner) this.#inner.reconnectNow();
    else this.connect();
  }

  close(): void {
    this.#generation++;
    // A later connect() resumes where this one stopped, as a RealtimeConnection does.
    const inner = this.#inner;
    if (inner) this.#options.resume = { seq: inner.lastSeq, stream: inner.stream };
    this.#adopt(null);
    if (this.state.status !== 'closed') this.setState({ status: 'closed' });
  }

  send(action: ClientAction): boolean {
    return this.#inner?.send(action) ?? false;
  }

  setCategories(categories: string[] | null): void {
    this.#options.categories = categories;
    this.#inner?.setCategories(categories);
  }

  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') this.#options.tokenProvider = token;
    else this.#options.token = token;
    this.#inner?.setToken(token);
  }

  /** The WebSocket alone; in `auto`, its first attempt that ends without a `welcome` brings in the ladder. */
  #socket(mode: TransportMode): void {
    const timeout = this.#options.fallbackTimeoutMs ?? 5000;
    const socket = new RealtimeConnection({
      ...this.#options,
      ...(mode === 'auto' ? { connectTimeoutMs: this.#options.connectTimeoutMs ?? timeout } : {}),
    });
    let before = socket.state;
    let worked = false;
    this.#adopt(socket, (state) => {
      const failed = before.status === 'connecting' && state.status === 'reconnecting' && state.lastCloseCode === 1006;
      before = state;
      if (state.status === 'connected') worked = true;
      this.setState(state.status === 'connected' ? { ...state, transport: 'websocket' } : state);
      // Once the socket has worked, its failures are the hub's (a restart), not a blocking network.
      if (mode === 'auto' && failed && !worked) void this.#escalate(socket);
    });
    socket.connect();
  }

  /** Loads the fallback chunk and hands over to the full ladder (with the failing socket, if any). */
  async #escalate(socket?: RealtimeConnection): Promise<void> {
    const generation = this.#generation;
    const { FallbackLadder } = await import('./fallback-ladder.js');
    if (generation !== this.#generation || (socket && this.#inner !== socket)) return;
    const seq = this.#inner?.lastSeq ?? this.#options.resume?.seq ?? 0;
    const stream = socket?.stream ?? this.#options.resume?.stream ?? null;
    if (socket) this.#release();
    const ladder = new FallbackLadder({ ...this.#options, resume: { seq, stream } }, socket);
    this.#adopt(ladder, (state) => this.setState(state));
    if (!socket) ladder.connect();
  }

  /** Relays `inner` (null: none); the previous inner is closed. */
  #adopt(inner: Inner | null, onState?: (state: ConnectionState) => void): void {
    const previous = this.#inner;
    this.#release();
    previous?.close();
    this.#inner = inner;
    if (!inner || !onState) return;
    this.#off = [
      inner.onMessage((message) => this.emit('message', message)),
      inner.onError((error) => this.emit('error', error)),
      inner.onState(onState),
    ];
  }

  /** Stops relaying the current inner without closing it (the ladder takes it over). */
  #release(): void {
    for (const off of this.#off) off();
    this.#off = [];
    this.#inner = null;
  }
}
