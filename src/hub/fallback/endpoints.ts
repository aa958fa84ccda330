/**
 * The fallback rungs, for networks where the WebSocket cannot open or stays silent, beside
 * `/v1/ws` on the same origin and port:
 *
 * - `POST /v1/tickets` (`Authorization: Bearer <JWT>`, body: the stream's opening fields) → a
 *   single-use ticket, valid `ticketTtlMs`, for the one request that cannot carry a header:
 * - `GET /v1/sse?ticket=…` → `text/event-stream`: the hub messages, one `data:` line each;
 * - `POST /v1/poll` (Bearer, body: the opening fields, with `resumeFrom` the cursor) → the
 *   messages after the cursor, at once when there are some, else when the next arrives or after
 *   `pollTimeoutMs`;
 * - `POST /v1/commands` (Bearer, body: one client message) → the hub's reply to it.
 *
 * Every stream and poll is a `Session` over an HTTP adapter (http-socket.ts), so auth, resume by
 * seq, subscriptions, fan-out and limits are the WebSocket's. Nothing depends on the node that
 * served an earlier request: a ticket opens on any node sharing the ticket secret, a poll carries
 * its cursor, and a command runs against storage, its events reaching the stream through the
 * backend's fan-out. No credential is read from a URL: a `token` query parameter is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AuthMessage,
  type ClientMessage,
  PROTOCOL_VERSION,
  parseClientMessage,
  REQUEST_TYPES,
  validateClientMessage,
  validatePreferences,
} from '../../core/protocol.js';
import type { AuditRecord, HubBackend } from '../backend.js';
import { sendJson } from '../http.js';
import type { Logger } from '../log.js';
import { KeyedRateLimiter, type RateDecision, type RateLimit } from '../rate-limit.js';
import { type Peer, Session, type SessionContext, type TokenCheck } from '../session.js';
import { CollectSocket, type HttpSocket, SseSocket } from './http-socket.js';
import { type StreamOpening, Tickets } from './tickets.js';

/** Paths of the fallback rungs. */
export const FALLBACK_PATHS = {
  tickets: '/v1/tickets',
  sse: '/v1/sse',
  poll: '/v1/poll',
  commands: '/v1/commands',
} as const;

/** Defaults of the fallback options (documented in docs/hub.md). */
export const FALLBACK_DEFAULTS = {
  ticketTtlMs: 10_000,
  pollTimeoutMs: 20_000,
  sseHeartbeatMs: 15_000,
  requestRate: { perSecond: 20, burst: 100 },
  /** A poll answers early once it holds this much, so a long catch-up comes in pieces. */
  pollMaxBytes: 256 * 1024,
  /** Polls one client (address and token) may have waiting at once; more answer 429. */
  pollsPerClient: 8,
  /** How long a command may wait for its reply. */
  commandTimeoutMs: 10_000,
} as const;

/** Query parameters that would put a credential in a URL (and in every log on the way). */
const CREDENTIAL_PARAMS = ['token', 'access_token', 'jwt', 'authorization'];
/** A JWT: three base64url parts. A ticket has no dots. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
/** Client messages a command may carry: every request but `subscribe` (it and `auth` belong to the stream's opening). */
const COMMANDS = REQUEST_TYPES.filter((type) => type !== 'subscribe');

/** What a hub's `fallback` option may set. */
export interface FallbackOptions {
  /**
   * Key material for tickets (any string; nodes of one cluster share it, so a ticket from one
   * opens a stream on another). Default: random per process, which suits a single node.
   */
  ticketSecret?: string;
  /** How long a ticket may wait before it opens a stream, ms; default 10 000. */
  ticketTtlMs?: number;
  /** How long a poll waits for a message before it answers empty, ms; default 20 000. */
  pollTimeoutMs?: number;
  /** Interval of the SSE keep-alive (a comment line and a `pong` frame), ms; default 15 000. */
  sseHeartbeatMs?: number;
  /** Polls after the first and commands, per client IP and token; default 20/s, burst 100. Over it: 429. */
  requestRate?: RateLimit;
}

export interface FallbackContext extends FallbackOptions {
  /** The hub's session context (backend, verify, limits, fan-out). */
  session: SessionContext;
  backend: HubBackend;
  log: Logger;
  now: () => number;
  verify: (token: string) => Promise<TokenCheck>;
  clientIp: (req: IncomingMessage) => string;
  originAllowed: (origin: string | undefined) => boolean;
  /** The upgrades' per-IP limiter: a ticket and a first poll cost what an upgrade costs. */
  connectionLimiter: KeyedRateLimiter;
  maxBodyBytes: number;
  /** Whether a new session may start now (not closing, under `maxConnections`). */
  admit(): RateDecision;
  /** Counts a session as the hub's (capacity, `/healthz`, closed on shutdown). */
  adopt(session: Session): void;
}

export interface FallbackEndpoints {
  /** Answers the request when its path is a fallback path; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Drops idle rate-limit buckets (the hub's housekeeping). */
  sweep(): void;
}

/** An answer with its status; the message goes out as `{error}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/** The `Authorization: Bearer` credential, or a 401. */
export function bearer(req: IncomingMessage): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new HttpError(401, 'Authorization: Bearer <JWT> required', { 'www-authenticate': 'Bearer' });
  return m[1]!;
}

/** The body as JSON (`{}` when empty), at most `limit` bytes (413 above, 400 when not JSON). */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: is not valid JSON');
  }
}

/** Checks a stream's opening fields exactly as the `auth` message's. */
function opening(body: unknown): StreamOpening {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'body: must be an object');
  if ('token' in body) throw new HttpError(400, 'token: goes in the Authorization header, never in the body or URL');
  const parsed = validateClientMessage({ ...body, type: 'auth', token: '-' });
  if (!parsed.ok) throw new HttpError(400, parsed.error);
  const { resumeFrom, stream, categories, protocol } = parsed.value as AuthMessage;
  return {
    ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    ...(stream !== undefined ? { stream } : {}),
    ...(categories !== undefined ? { categories } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
  };
}

type Headers = Record<string, string>;

/**
 * Answers a request whose handler threw: an `HttpError` with its status, anything else 500 (and
 * logged as `label`); CORS headers for an allowed origin, so the page can read why.
 */
export function answerFailure(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  ctx: { originAllowed: (origin: string | undefined) => boolean; log: Logger },
  label: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  req.resume();
  const origin = req.headers.origin;
  const cors = ctx.originAllowed(origin) ? corsHeaders(origin) : {};
  if (err instanceof HttpError) sendJson(res, err.status, { error: err.message }, { ...cors, ...err.headers });
  else {
    ctx.log.error(label, { path: req.url?.split('?')[0], err });
    sendJson(res, 500, { error: 'internal error' }, cors);
  }
}

/** A page on another origin may read the answer (its origin passed the allowlist). */
export const corsHeaders = (origin: string | undefined): Headers =>
  origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};

/** The close code of an ended session as an HTTP status for a command. */
const closeStatus = (code: number) => (code < 4100 ? 401 : code < 4200 ? 429 : 503);

export function createFallbackEndpoints(ctx: FallbackContext): FallbackEndpoints {
  const tickets = new Tickets(ctx.ticketSecret, ctx.ticketTtlMs ?? FALLBACK_DEFAULTS.ticketTtlMs, ctx.now);
  const requestLimiter = new KeyedRateLimiter(ctx.requestRate ?? FALLBACK_DEFAULTS.requestRate, ctx.now);
  const pollTimeoutMs = ctx.pollTimeoutMs ?? FALLBACK_DEFAULTS.pollTimeoutMs;
  const sseHeartbeatMs = ctx.sseHeartbeatMs ?? FALLBACK_DEFAULTS.sseHeartbeatMs;

  /** Polls waiting now, per client (address and token). */
  const waitingPolls = new Map<string, number>();
  /** Sessions of one poll: their catch-up being sent is what the poll waits for. */
  const onCaughtUp = new Map<Session, () => void>();
  /**
   * A poll or a command is one request, not a connection: its session's connect and disconnect
   * are not audited (its actions and auth failures are), nor logged above debug.
   */
  const quiet = (logConnect: boolean): SessionContext => {
    const { backend, log } = ctx.session;
    const audit = (record: AuditRecord) =>
      record.action === 'disconnect' || (record.action === 'connect' && !logConnect)
        ? undefined
        : backend.audit(record);
    // A proxy, not a copy: the backend may be a class whose methods need their own `this`.
    const audited = new Proxy(backend, {
      get: (target, key) => {
        if (key === 'audit') return audit;
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const demoted: Logger = {
      debug: (msg, fields) => log.debug(msg, fields),
      info: (msg, fields) => log.debug(msg, fields),
      warn: (msg, fields) => log.warn(msg, fields),
      error: (msg, fields) => log.error(msg, fields),
      always: (msg, fields) => log.always(msg, fields),
      level: log.level,
    };
    return {
      ...ctx.session,
      backend: audited,
      log: demoted,
      caughtUp: (session) => {
        ctx.session.caughtUp?.(session);
        onCaughtUp.get(session)?.();
      },
    };
  };

  /**
   * Polls and commands are counted per address and credential: admins behind one corporate NAT
   * each get the full rate, and one client cannot spend another's.
   */
  const clientKey = (req: IncomingMessage, token: string) =>
    `${ctx.clientIp(req)}|${createHash('sha256').update(token).digest('base64url').slice(0, 16)}`;

  const limit = (decision: RateDecision) => {
    if (!decision.ok) throw new HttpError(429, 'too many requests', { 'retry-after': decision.retryAfterSeconds });
  };

  const start = (req: IncomingMessage, socket: HttpSocket, context: SessionContext): Session => {
    limit(ctx.admit());
    const peer: Peer = {
      ip: ctx.clientIp(req),
      userAgent: req.headers['user-agent'] ?? null,
      origin: req.headers.origin ?? null,
    };
    const session = new Session(socket, peer, context);
    ctx.adopt(session);
    return session;
  };

  const issueTicket = async (req: IncomingMessage, res: ServerResponse, cors: Headers) => {
    limit(ctx.connectionLimiter.take(ctx.clientIp(req)));
    const token = bearer(req);
    const fields = opening(await readJson(req, ctx.maxBodyBytes));
    const check = await ctx.verify(token);
    if (!check.ok) {
      // The close code too, so a client acts on it as on the WebSocket's (4001: refresh the token).
      const close = { code: check.code, reason: check.reason };
      return sendJson(res, 401, { error: `token not accepted (${check.code}): ${check.reason}`, close }, cors);
    }
    const { ticket, expiresAt } = tickets.issue({
      user: check.user,
      ...(check.expiresAt !== undefined ? { expiresAt: check.expiresAt } : {}),
      ...(check.validUntil !== undefined ? { validUntil: check.validUntil } : {}),
      opening: fields,
    });
    sendJson(res, 200, { ticket, expiresAt }, cors);
  };

  const openStream = (req: IncomingMessage, res: ServerResponse, url: URL, cors: Headers) => {
    const ticket = url.searchParams.get('ticket');
    if (!ticket) throw new HttpError(400, 'ticket: required (POST /v1/tickets with Authorization: Bearer <JWT>)');
    if (JWT_SHAPE.test(ticket)) throw new HttpError(400, 'ticket: this is a JWT; a token never goes in a URL');
    const redeemed = tickets.redeem(ticket);
    if (!redeemed.ok) throw new HttpError(401, redeemed.reason);
    const { user, expiresAt, validUntil, opening: fields } = redeemed.claims;
    const check: TokenCheck = {
      ok: true,
      user,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(validUntil !== undefined ? { validUntil } : {}),
    };
    const socket = new SseSocket(res, sseHeartbeatMs, ctx.now);
    // The ticket was verified when issued: the session takes its user as its token check.
    start(req, socket, { ...ctx.session, verify: async () => check });
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      ...cors,
    });
    res.write(': admin-realtime stream\n\n');
    socket.receive({ type: 'auth', token: 'ticket', ...fields });
  };

  /** Runs one request-sized session; `settle` answers the request, exactly once. */
  const transient = (
    req: IncomingMessage,
    res: ServerResponse,
    context: SessionContext,
    onFrame: (frame: string, socket: CollectSocket, session: Session) => void,
    timeoutMs: number,
    onTimeout: (socket: CollectSocket, session: Session) => void,
  ) => {
    let session: Session | undefined;
    const socket: CollectSocket = new CollectSocket((frame) => {
      if (session) onFrame(frame, socket, session);
    });
    session = start(req, socket, context);
    const started = session;
    const timer = setTimeout(() => onTimeout(socket, started), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      onCaughtUp.delete(started);
      started.close(1000, 'answered');
    };
    // The client went away (or the answer was written): nothing more to wait for.
    res.once('close', done);
    return { socket, session: started, done };
  };

  const poll = async (req: IncomingMessage, res: ServerResponse, cors: Headers) => {
    const token = bearer(req);
    const fields = opening(await readJson(req, ctx.maxBodyBytes));
    const first = fields.resumeFrom === undefined;
    // A first poll (a snapshot) costs what an upgrade does; the next ones what a request does.
    const key = clientKey(req, token);
    limit(first ? ctx.connectionLimiter.take(ctx.clientIp(req)) : requestLimiter.take(key));
    // A waiting poll holds a session for up to pollTimeoutMs: a client may hold only a few at once.
    const waiting = waitingPolls.get(key) ?? 0;
    if (waiting >= FALLBACK_DEFAULTS.pollsPerClient)
      throw new HttpError(429, `too many polls waiting: at most ${FALLBACK_DEFAULTS.pollsPerClient} per client`, {
        'retry-after': 1,
      });
    waitingPolls.set(key, waiting + 1);
    res.once('close', () => {
      const left = (waitingPolls.get(key) ?? 1) - 1;
      if (left > 0) waitingPolls.set(key, left);
      else waitingPolls.delete(key);
    });
    let answered = false;
    let caughtUp = false;
    const answer = (socket: CollectSocket, session: Session) => {
      if (answered) return;
      answered = true;
      // Read in one synchronous run with the frames: everything up to the cursor is in them or
      // was not for this user, so the next poll resumes from the cursor with nothing lost.
      const close = socket.closed && socket.closed.reason !== 'answered' ? socket.closed : null;
      const body = `{"messages":[${socket.frames.join(',')}],"cursor":${session.lastSeq}${
        close ? `,"close":${JSON.stringify(close)}` : ''
      }}`;
      run.done();
      sendJson(res, 200, body, cors);
    };
    const soon = (socket: CollectSocket, session: Session) => setImmediate(() => answer(socket, session));
    const run = transient(
      req,
      res,
      quiet(first),
      (_frame, socket, session) => {
        // After the catch-up, the first live frame ends the poll; a long catch-up answers in pieces.
        if (caughtUp || socket.bytes > FALLBACK_DEFAULTS.pollMaxBytes) soon(socket, session);
      },
      pollTimeoutMs,
      answer,
    );
    run.socket.once('close', () => soon(run.socket, run.session));
    onCaughtUp.set(run.session, () => {
      caughtUp = true;
      // Caught up with something beyond the welcome: answer now. Otherwise wait for the next frame.
      if (run.socket.frames.length > 1) soon(run.socket, run.session);
    });
    run.socket.receive({ type: 'auth', token, ...fields, protocol: fields.protocol ?? PROTOCOL_VERSION });
  };

  const command = async (req: IncomingMessage, res: ServerResponse, cors: Headers) => {
    const token = bearer(req);
    const body = await readJson(req, ctx.maxBodyBytes);
    const parsed = parseClientMessage(JSON.stringify(body), ctx.maxBodyBytes);
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    const message = parsed.value as ClientMessage;
    if (!(COMMANDS as readonly string[]).includes(message.type))
      throw new HttpError(
        400,
        `type: a command is one of ${COMMANDS.join(', ')}; categories and tokens change by reopening the stream`,
      );
    if (message.type === 'setPreferences') {
      const checked = validatePreferences(message.preferences, 'preferences');
      if (!checked.ok) throw new HttpError(400, checked.error);
    }
    limit(requestLimiter.take(clientKey(req, token)));
    const ref = 'ref' in message && message.ref ? message.ref : undefined;
    const internalRef = ref ?? `http-${randomBytes(6).toString('base64url')}`;
    // Joining at the log's end replays nothing and builds no snapshot: only the command's reply.
    const [latest, stream] = await Promise.all([ctx.backend.latestSeq(), ctx.backend.streamId()]);
    let answered = false;
    const reply = (status: number, payload: unknown) => {
      if (answered) return;
      answered = true;
      run.done();
      sendJson(res, status, payload, cors);
    };
    const run = transient(
      req,
      res,
      quiet(false),
      (frame) => {
        const m = JSON.parse(frame) as { type: string; ref?: string };
        const mine = message.type === 'ping' ? m.type === 'pong' : m.ref === internalRef && m.type !== 'welcome';
        if (!mine) return;
        if (!ref) delete m.ref;
        reply(200, m);
      },
      FALLBACK_DEFAULTS.commandTimeoutMs,
      () => reply(504, { error: `the hub did not answer ${message.type} in time` }),
    );
    run.socket.once('close', () => {
      const close = run.socket.closed ?? { code: 1006, reason: '' };
      reply(closeStatus(close.code), { error: close.reason || `session closed (${close.code})`, close });
    });
    run.socket.receive({ type: 'auth', token, protocol: PROTOCOL_VERSION, resumeFrom: latest, stream });
    run.socket.receive(message.type === 'ping' ? message : { ...message, ref: internalRef });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => {
    for (const name of CREDENTIAL_PARAMS)
      if (url.searchParams.has(name))
        throw new HttpError(400, `${name}: a credential never goes in a URL; send Authorization: Bearer <JWT>`);
    const origin = req.headers.origin;
    if (!ctx.originAllowed(origin)) throw new HttpError(403, 'origin not allowed');
    const cors = corsHeaders(origin);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': path === FALLBACK_PATHS.sse ? 'GET' : 'POST',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const method = path === FALLBACK_PATHS.sse ? 'GET' : 'POST';
    if (req.method !== method) throw new HttpError(405, `use ${method}`, { allow: `${method}, OPTIONS` });
    switch (path) {
      case FALLBACK_PATHS.tickets:
        return issueTicket(req, res, cors);
      case FALLBACK_PATHS.sse:
        return openStream(req, res, url, cors);
      case FALLBACK_PATHS.poll:
        return poll(req, res, cors);
      default:
        return command(req, res, cors);
    }
  };

  const paths = new Set<string>(Object.values(FALLBACK_PATHS));
  return {
    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://hub.invalid');
      } catch {
        return false;
      }
      if (!paths.has(url.pathname)) return false;
      route(req, res, url.pathname, url).catch((err: unknown) =>
        answerFailure(req, res, err, ctx, 'fallback request failed'),
      );
      return true;
    },
    sweep() {
      requestLimiter.sweep();
    },
  };
}
