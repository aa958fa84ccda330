/**
 * The fallback rungs, loaded as a chunk of their own only when the WebSocket cannot be used:
 * Server-Sent Events (`GET /v1/sse` with a single-use ticket from `POST /v1/tickets`) or long
 * polling (`POST /v1/poll`), and the client's actions as `POST /v1/commands`. The token travels
 * only in `Authorization` headers, never in a URL. The frames are the protocol's hub messages, so
 * resume by seq, close codes and re-authentication mean what they mean on the WebSocket.
 */
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../backoff.js';
import type { TokenProvider } from '../connection.js';
import {
  type ClientAction,
  type ClientMessage,
  CloseCode,
  closeAction,
  PROTOCOL_VERSION,
  parseHubMessage,
  retryHintMs,
  validateHubMessage,
} from '../protocol.js';
import type { ConnectionState, Transport } from '../types.js';
import { TransportEvents } from './transport-events.js';

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** The hub's WebSocket URL (`wss://host/v1/ws`); the HTTP endpoints are its siblings. */
  url: string;
  /** `sse` or `polling`. */
  rung: 'sse' | 'polling';
  token?: string;
  tokenProvider?: TokenProvider;
  categories?: string[] | null;
  /** Where a previous transport stopped. */
  resume?: { seq: number; stream: string | null };
  /** Time for a rung to deliver its first frame (`welcome`) before the attempt fails, ms (default 5000). */
  proofTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  now?: () => number;
}

/** The hub's SSE keep-alive comes every 15 s; three missed ones mean the stream is gone. */
const SILENT_AFTER_MS = 45_000;
/** A poll waits at most 20 s at the hub; longer without an answer means the request is lost. */
const POLL_ABANDON_MS = 45_000;
/**
 * Polls start at least this far apart. Under a steady stream each poll ends with the first live
 * frame, so without it a busy stream would poll as fast as it publishes and run into the hub's
 * request limit (20 a second per client, shared with commands); the next poll resumes from the
 * cursor, so what arrived in between comes in it.
 */
const POLL_SPACING_MS = 100;
const ABNORMAL = 1006;
/** Stop codes that are about the credentials: the state is `auth-error` until a new token. */
const AUTH_CODES: number[] = [
  CloseCode.TokenExpired,
  CloseCode.Forbidden,
  CloseCode.InvalidToken,
  CloseCode.UserMismatch,
];

/** The HTTP endpoints beside a WebSocket URL: `wss://h/p/v1/ws` → `https://h/p/v1/<name>`. */
export function endpoint(wsUrl: string, name: string): string {
  const url = new URL(name, wsUrl.replace(/^ws/, 'http'));
  url.search = '';
  return url.href;
}

/** A status and body that is not a hub message: the close code the client acts on. */
function closeFor(status: number, body: { error?: string; close?: { code: number; reason: string } }) {
  if (body.close) return body.close;
  const reason = body.error ?? `HTTP ${status}`;
  if (status === 401) return { code: CloseCode.InvalidToken, reason };
  return { code: status === 429 || status === 503 ? CloseCode.RateLimited : ABNORMAL, reason };
}

/**
 * One rung over HTTP. States and close-code handling follow `RealtimeConnection`: a stop code
 * stops, 4001 asks the token provider once, others back off with full jitter.
 */
export class HttpTransport extends TransportEvents implements Transport {
  #seq: number;
  #stream: string | null;
  #token: string | undefined;
  #provider: TokenProvider | undefined;
  #needToken = false;
  #refreshed = false;
  #categories: string[] | null | undefined;
  #generation = 0;
  #attempt = 0;
  #since = 0;
  #stream$: EventSource | null = null;
  #next$: EventSource | null = null;
  #poll: AbortController | null = null;
  #polledAt = Number.NEGATIVE_INFINITY;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #backoff: BackoffOptions;

  constructor(private readonly options: HttpTransportOptions) {
    super();
    this.#token = options.token;
    this.#provider = options.tokenProvider;
    this.#categories = options.categories;
    this.#seq = options.resume?.seq ?? 0;
    this.#stream = options.resume?.stream ?? null;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get lastSeq(): number {
    return this.#seq;
  }

  get stream(): string | null {
    return this.#stream;
  }

  connect(): void {
    const { status } = this.state;
    if (status !== 'idle' && status !== 'closed' && status !== 'auth-error') return;
    this.#attempt = 0;
    this.#refreshed = false;
    (globalThis as Partial<EventTarget>).addEventListener?.('online', this.#online);
    this.#open();
  }

  reconnectNow(): void {
    if (this.state.status !== 'connected' && this.state.status !== 'connecting') this.#open();
  }

  close(): void {
    this.#stop();
    (globalThis as Partial<EventTarget>).removeEventListener?.('online', this.#online);
    if (this.state.status !== 'closed') this.setState({ status: 'closed' });
  }

  send(action: ClientAction): boolean {
    if (this.state.status !== 'connected') return false;
    void this.#command(action);
    return true;
  }

  setCategories(categories: string[] | null): void {
    this.#categories = categories;
    if (this.state.status === 'connected') this.#renew();
  }

  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') {
      this.#provider = token;
      this.#needToken = true;
    } else {
      this.#token = token;
      this.#needToken = false;
    }
    this.#refreshed = false;
    if (this.state.status === 'auth-error') this.#open();
    else if (this.state.status === 'connected') this.#renew();
  }

  /** Back on the network: retry now rather than at the end of the backoff. */
  readonly #online = (): void => {
    if (this.state.status !== 'reconnecting') return;
    this.#attempt = 0;
    this.#open();
  };

  // --- attempts -----------------------------------------------------------------------------

  #open(): void {
    this.#stop();
    const generation = ++this.#generation;
    this.setState({ status: 'connecting', attempt: this.#attempt });
    this.#timer('proof', this.options.proofTimeoutMs ?? 5000, () =>
      this.#failed(ABNORMAL, `no welcome over ${this.options.rung} in time`),
    );
    void this.#currentToken().then((token) => {
      if (generation !== this.#generation) return;
      if (token === undefined) this.#failed(undefined, 'token provider failed');
      else if (this.options.rung === 'sse') void this.#openStream(token, generation);
      else void this.#pollLoop(generation);
    });
  }

  /** Opens an SSE stream; with one already live, the new one replaces it once it has its welcome. */
  async #openStream(token: string, generation: number): Promise<void> {
    let ticket: string;
    try {
      const res = await fetch(endpoint(this.options.url, 'tickets'), {
        method: 'POST',
        headers: this.#headers(token),
        body: JSON.stringify(this.#opening()),
      });
      const body = await res.json();
      if (generation !== this.#generation) return;
      if (!res.ok) {
        const { code, reason } = closeFor(res.status, body);
        this.#failed(code, reason);
        return;
      }
      ticket = body.ticket;
    } catch (error) {
      if (generation === this.#generation) this.#failed(ABNORMAL, `ticket request failed: ${(error as Error).message}`);
      return;
    }
    const source = new EventSource(`${endpoint(this.options.url, 'sse')}?ticket=${encodeURIComponent(ticket)}`);
    const replacing = this.#stream$ !== null;
    if (replacing) this.#next$ = source;
    else this.#stream$ = source;
    source.onmessage = (event) => {
      if (generation !== this.#generation) return;
      if (source === this.#next$) {
        // The replacement is live: the old stream goes; a seq both carry is applied once.
        this.#stream$?.close();
        this.#stream$ = source;
        this.#next$ = null;
      }
      this.#alive();
      this.#frame(parseHubMessage(event.data));
    };
    source.addEventListener('close', (event) => {
      if (generation !== this.#generation || source !== this.#stream$) return;
      const { code, reason } = JSON.parse((event as MessageEvent).data) as { code: number; reason: string };
      this.#failed(code, reason);
    });
    // EventSource would retry with the spent ticket; a fresh attempt gets a fresh ticket instead.
    source.onerror = () => {
      source.close();
      if (generation !== this.#generation) return;
      if (source === this.#next$) this.#next$ = null;
      else if (source === this.#stream$) this.#failed(ABNORMAL, 'the event stream failed');
    };
  }

  async #pollLoop(generation: number): Promise<void> {
    const now = this.options.now ?? Date.now;
    for (;;) {
      const wait = this.#polledAt + POLL_SPACING_MS - now();
      if (wait > 0) {
        // close() clears the timer: this loop then ends here, unresolved.
        await new Promise<void>((resolve) => this.#timer('spacing', wait, resolve));
        if (generation !== this.#generation) return;
      }
      this.#polledAt = now();
      const token = await this.#currentToken();
      if (generation !== this.#generation) return;
      if (token === undefined) return this.#failed(undefined, 'token provider failed');
      const abort = new AbortController();
      this.#poll = abort;
      const lost = setTimeout(() => abort.abort(), POLL_ABANDON_MS);
      let status: number;
      let body: { messages?: unknown[]; cursor?: number; error?: string; close?: { code: number; reason: string } };
      try {
        const res = await fetch(endpoint(this.options.url, 'poll'), {
          method: 'POST',
          headers: this.#headers(token),
          body: JSON.stringify(this.#opening()),
          signal: abort.signal,
        });
        status = res.status;
        body = await res.json();
      } catch (error) {
        clearTimeout(lost);
        if (generation !== this.#generation) return;
        // Aborted by a renewal (new categories): poll again at once with them.
        if (abort.signal.aborted && this.#poll !== abort) continue;
        return this.#failed(ABNORMAL, `poll failed: ${(error as Error).message}`);
      }
      clearTimeout(lost);
      if (generation !== this.#generation) return;
      if (status !== 200) {
        const { code, reason } = closeFor(status, body);
        return this.#failed(code, reason);
      }
      for (const message of body.messages ?? []) this.#frame(validateHubMessage(message));
      // Everything up to the cursor was in this answer or not for this user.
      if (typeof body.cursor === 'number' && this.#stream !== null) this.#seq = Math.max(this.#seq, body.cursor);
      if (body.close) return this.#failed(body.close.code, body.close.reason);
    }
  }

  /** New token or categories while connected: the next poll carries them; a stream is reopened. */
  #renew(): void {
    if (this.options.rung === 'polling') {
      const current = this.#poll;
      this.#poll = null;
      current?.abort();
      return;
    }
    const generation = this.#generation;
    void this.#currentToken().then((token) => {
      if (token !== undefined && generation === this.#generation) void this.#openStream(token, generation);
    });
  }

  async #command(action: ClientMessage): Promise<void> {
    const ref = 'ref' in action ? action.ref : undefined;
    let reply: unknown;
    try {
      const token = await this.#currentToken();
      const res = await fetch(endpoint(this.options.url, 'commands'), {
        method: 'POST',
        headers: this.#headers(token ?? ''),
        body: JSON.stringify(action),
      });
      const body = await res.json();
      reply = res.ok
        ? body
        : {
            type: 'error',
            code: res.status === 429 ? 'rate-limited' : 'internal',
            message: body.error ?? `HTTP ${res.status}`,
            ...(ref ? { ref } : {}),
          };
    } catch (error) {
      reply = {
        type: 'error',
        code: 'internal',
        message: `command failed: ${(error as Error).message}`,
        ...(ref ? { ref } : {}),
      };
    }
    if (this.state.status === 'connected') this.#frame(validateHubMessage(reply));
  }

  // --- frames -------------------------------------------------------------------------------

  #frame(parsed: ReturnType<typeof validateHubMessage>): void {
    if (!parsed.ok) {
      this.emit('error', { kind: 'protocol', message: `refused frame from hub: ${parsed.error}` });
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'pong':
        return;
      case 'welcome': {
        if (this.#stream !== null && message.stream !== this.#stream) this.#seq = 0;
        this.#stream = message.stream;
        this.#scheduleRefresh(message.expiresAt);
        if (this.state.status === 'connected') {
          // A poll's or a replacement stream's welcome: the same session going on.
          this.emit('message', { ...message, reauth: true });
          return;
        }
        this.#clear('proof');
        this.#since = Date.now();
        this.setState({ status: 'connected', user: message.user, since: this.#since });
        this.#alive();
        break;
      }
      case 'snapshot':
        if (!message.ref) this.#seq = message.seq;
        break;
      case 'events':
        for (const event of message.events) this.#frame({ ok: true, value: { type: 'event', event } });
        return;
      case 'event':
        if (message.event.seq <= this.#seq) return;
        this.#seq = message.event.seq;
        break;
    }
    this.emit('message', message);
  }

  /** Ends the attempt or session and decides, by close code, what comes next. */
  #failed(code: number | undefined, reason: string): void {
    this.#stop();
    if (this.#since && Date.now() - this.#since > 5000) {
      this.#attempt = 0;
      this.#refreshed = false;
    }
    this.#since = 0;
    if (code !== undefined)
      this.emit('error', { kind: 'close', code, message: reason || `connection closed (${code})` });
    const action = code === undefined ? 'backoff' : closeAction(code);
    if (action === 'refresh-token' && this.#provider && !this.#refreshed) {
      this.#refreshed = true;
      this.#needToken = true;
      this.#open();
    } else if (action === 'stop' || action === 'refresh-token') {
      if (AUTH_CODES.includes(code!)) {
        this.emit('error', { kind: 'auth', code: code!, message: reason });
        this.setState({ status: 'auth-error', code: code!, reason });
      } else this.setState({ status: 'closed', code: code!, reason });
    } else {
      const now = this.options.now ?? Date.now;
      const delay =
        action === 'reconnect-now'
          ? (this.options.random ?? Math.random)() * (retryHintMs(reason, 'retry-within') ?? 250)
          : backoffDelay(this.#attempt, this.#backoff, this.options.random ?? Math.random, retryHintMs(reason));
      this.#attempt++;
      const state: ConnectionState = {
        status: 'reconnecting',
        attempt: this.#attempt,
        nextRetryAt: now() + delay,
        reason,
      };
      if (code !== undefined) state.lastCloseCode = code;
      this.setState(state);
      this.#timer('retry', delay, () => this.#open());
    }
  }

  // --- plumbing -----------------------------------------------------------------------------

  #opening() {
    return {
      protocol: PROTOCOL_VERSION,
      // Once the stream is known every request resumes, also from seq 0 (an empty stream): a poll
      // that got a snapshot each time would never announce a new notification.
      ...(this.#stream !== null ? { resumeFrom: this.#seq, stream: this.#stream } : {}),
      ...(this.#categories !== undefined ? { categories: this.#categories } : {}),
    };
  }

  #headers(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  async #currentToken(): Promise<string | undefined> {
    if (this.#token !== undefined && !this.#needToken) return this.#token;
    const provider = this.#provider;
    if (!provider) return undefined;
    const token = await this.tokenFrom(provider);
    if (token !== undefined) {
      this.#token = token;
      this.#needToken = false;
    }
    return token;
  }

  /** Renews ahead of the token's expiry, as the WebSocket does: halfway, at most a minute early. */
  #scheduleRefresh(expiresAt: number | undefined): void {
    this.#clear('expiry');
    if (!expiresAt || !this.#provider) return;
    const remaining = expiresAt - Date.now();
    this.#timer('expiry', Math.min(2 ** 31 - 1, Math.max(1000, remaining - Math.min(60_000, remaining / 2))), () => {
      this.#needToken = true;
      this.#renew();
    });
  }

  /** A stream that carries nothing, not even its keep-alive, for too long is gone. */
  #alive(): void {
    if (this.options.rung === 'sse')
      this.#timer('silent', SILENT_AFTER_MS, () => this.#failed(ABNORMAL, 'the event stream went silent'));
  }

  #stop(): void {
    this.#generation++;
    for (const handle of this.#timers.values()) clearTimeout(handle);
    this.#timers.clear();
    this.#stream$?.close();
    this.#next$?.close();
    this.#stream$ = this.#next$ = null;
    this.#poll?.abort();
    this.#poll = null;
  }

  #timer(name: string, ms: number, callback: () => void): void {
    this.#clear(name);
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        callback();
      }, ms),
    );
  }

  #clear(name: string): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
  }
}
