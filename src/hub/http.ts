/**
 * The hub's HTTP surface: `POST /v1/events`, `PUT /v1/admins/{id}`, `GET /healthz`, `GET /v1/audit`, and, in demo mode
 * only, `GET /v1/demo-token`. A plain GET on `/v1/ws` answers 426. Every other path is left to
 * the server the hub is mounted on (or answered 404 when the hub owns the server).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminIdOf, putAdmin } from './admins.js';
import type { AuditQuery, AuditRecord, HubBackend } from './backend.js';
import type { Logger } from './log.js';
import type { KeyedRateLimiter } from './rate-limit.js';
import type { TokenCheck } from './session.js';

/** Paths the hub answers. */
export const PATHS = {
  events: '/v1/events',
  ws: '/v1/ws',
  health: '/healthz',
  audit: '/v1/audit',
  demoToken: '/v1/demo-token',
} as const;

const AUDIT_ACTIONS: readonly AuditRecord['action'][] = [
  'connect',
  'disconnect',
  'mark-read',
  'mark-all-read',
  'clear',
  'subscribe',
  'auth-failed',
  'inbox',
  'set-preferences',
  'push-subscribe',
  'push-unsubscribe',
];

/** What one publish returns, per event in order. */
export interface PublishResult {
  accepted: Array<{ id: string; seq: number; duplicate: boolean }>;
}

/** A publish body that failed validation; the message names the field, e.g. `priority: must be one of …`. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** Compares a presented secret against the configured ones in constant time (no early exit). */
export function createKeyMatcher(keys: readonly string[]): (presented: string) => number {
  const digests = keys.map((k) => createHash('sha256').update(k).digest());
  return (presented) => {
    const candidate = createHash('sha256').update(presented).digest();
    let match = -1;
    for (let i = 0; i < digests.length; i++) if (timingSafeEqual(candidate, digests[i]!) && match < 0) match = i;
    return match;
  };
}

export interface HttpContext {
  backend: HubBackend;
  log: Logger;
  /** Index of the matching publish key, or -1. */
  matchPublishKey: (presented: string) => number;
  publish: (body: unknown) => Promise<PublishResult>;
  publishLimiter: KeyedRateLimiter;
  verify: (token: string) => Promise<TokenCheck>;
  clientIp: (req: IncomingMessage) => string;
  originAllowed: (origin: string | undefined) => boolean;
  connections: () => number;
  maxBodyBytes: number;
  /** Present only in demo mode. */
  demoToken?: () => Promise<{ token: string; expiresAt: number }>;
  /** True when the hub owns the server and answers 404 for unknown paths. */
  ownsServer: boolean;
  /** Roles `PUT /v1/admins/{id}` accepts; null: any (a custom token verifier). */
  allowedRoles: readonly string[] | null;
  /** The escalation engine's state for `/healthz` (absent: escalation off). */
  escalation?: () => Record<string, unknown>;
}

type Headers = Record<string, string | number>;

/** Answers JSON (an object, or text already serialised), never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1]! : null;
}

class BodyTooLarge extends Error {}

/** Reads a body up to `limit` bytes; stops reading (and rejects) as soon as it is over. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Returns the request handler; it answers `true` when the path was the hub's. */
export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    switch (path) {
      case PATHS.events:
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' });
        return postEvents(req, res);
      case PATHS.health:
        if (req.method !== 'GET' && req.method !== 'HEAD')
          return sendJson(res, 405, { error: 'use GET' }, { allow: 'GET' });
        return health(res);
      case PATHS.audit:
        if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' }, { allow: 'GET' });
        return audit(req, res, url);
      case PATHS.demoToken:
        return demoToken(req, res);
      case PATHS.ws:
        return sendJson(res, 426, { error: 'this endpoint speaks WebSocket' }, { upgrade: 'websocket' });
      default: {
        const adminId = adminIdOf(path);
        if (adminId === null) return sendJson(res, 404, { error: 'not found' });
        if (req.method !== 'PUT') return sendJson(res, 405, { error: 'use PUT' }, { allow: 'PUT' });
        return putAdminRoute(req, res, adminId);
      }
    }
  };

  /**
   * The caller's bearer credential, after its rate check: a publish key spends from its own bucket
   * per IP; anything else (no key, a wrong key, a token at the audit endpoint) from the IP's
   * `unauthenticated` bucket, shared by both endpoints, so guessing keys is as slow as publishing
   * wherever it is tried. Null when it answered 429.
   */
  const credential = (req: IncomingMessage, res: ServerResponse) => {
    const ip = ctx.clientIp(req);
    const token = bearer(req);
    const keyIndex = token ? ctx.matchPublishKey(token) : -1;
    const rate = ctx.publishLimiter.take(keyIndex < 0 ? `unauthenticated|${ip}` : `key${keyIndex}|${ip}`);
    if (rate.ok) return { ip, token, keyIndex };
    req.resume();
    sendJson(res, 429, { error: 'too many requests' }, { 'retry-after': rate.retryAfterSeconds });
    return null;
  };

  /**
   * The JSON body of a request that must carry a publish key, or null once it answered (429, 401,
   * 413, or 400 for a body that is not JSON).
   */
  const publisherJson = async (
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ ip: string; body: unknown } | null> => {
    const caller = credential(req, res);
    if (!caller) return null;
    const { ip, token, keyIndex } = caller;
    if (keyIndex < 0) {
      req.resume();
      ctx.log.info('publish refused', { ip, reason: token ? 'wrong key' : 'no key' });
      sendJson(
        res,
        401,
        { error: token ? 'publish key not accepted' : 'Authorization: Bearer <publish key> required' },
        { 'www-authenticate': 'Bearer' },
      );
      return null;
    }
    let body: Buffer;
    try {
      body = await readBody(req, ctx.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        req.resume();
        sendJson(res, 413, { error: `body exceeds ${ctx.maxBodyBytes} bytes` }, { connection: 'close' });
        return null;
      }
      throw err;
    }
    try {
      return { ip, body: JSON.parse(body.toString('utf8')) };
    } catch {
      sendJson(res, 400, { error: 'body: is not valid JSON' });
      return null;
    }
  };

  const putAdminRoute = async (req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> => {
    const read = await publisherJson(req, res);
    if (!read) return;
    await putAdmin(res, sendJson, { backend: ctx.backend, rawId, body: read.body, allowedRoles: ctx.allowedRoles });
  };

  const postEvents = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await publisherJson(req, res);
    if (!read) return;
    const { ip, body: parsed } = read;
    try {
      const result = await ctx.publish(parsed);
      ctx.log.debug('published', { ip, count: result.accepted.length });
      return sendJson(res, 202, result);
    } catch (err) {
      if (err instanceof InvalidEventError) return sendJson(res, 400, { error: err.message });
      // Not stored (the database is unreachable, a write failed): nothing was acknowledged, and a
      // retry with the same ids is safe.
      ctx.log.error('publish not stored', { ip, err });
      return sendJson(
        res,
        503,
        { error: 'storage unavailable: nothing was stored; retry with the same event ids' },
        { 'retry-after': 1 },
      );
    }
  };

  const health = async (res: ServerResponse): Promise<void> => {
    let storage: { ok: boolean; detail?: string; node?: string };
    let seq: number | null = null;
    try {
      storage = await ctx.backend.health();
      if (storage.ok) seq = await ctx.backend.latestSeq();
    } catch (err) {
      storage = { ok: false, detail: err instanceof Error ? err.message : 'storage check failed' };
    }
    sendJson(res, storage.ok ? 200 : 503, {
      ok: storage.ok,
      ...(storage.node ? { node: storage.node } : {}),
      storage: storage.ok ? 'ok' : 'unavailable',
      ...(storage.detail ? { detail: storage.detail } : {}),
      connections: ctx.connections(),
      seq,
      ...(ctx.escalation ? { escalation: ctx.escalation() } : {}),
    });
  };

  const audit = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = credential(req, res);
    if (!caller) return;
    const { token, keyIndex } = caller;
    if (!token)
      return sendJson(res, 401, { error: 'Authorization: Bearer <publish key or super_admin token> required' });
    if (keyIndex < 0) {
      const check = await ctx.verify(token);
      if (!check.ok) return sendJson(res, 401, { error: `token not accepted: ${check.reason}` });
      if (check.user.role !== 'super_admin') return sendJson(res, 403, { error: 'the audit trail needs super_admin' });
    }
    const query: AuditQuery = {};
    const params = url.searchParams;
    const intParam = (name: string, min: number, max: number): number | undefined | string => {
      const raw = params.get(name);
      if (raw === null) return undefined;
      const n = Number(raw);
      return Number.isInteger(n) && n >= min && n <= max ? n : `${name}: must be an integer from ${min} to ${max}`;
    };
    const limit = intParam('limit', 1, 1000);
    if (typeof limit === 'string') return sendJson(res, 400, { error: limit });
    const before = intParam('before', 1, Number.MAX_SAFE_INTEGER);
    if (typeof before === 'string') return sendJson(res, 400, { error: before });
    const action = params.get('action');
    if (action !== null && !AUDIT_ACTIONS.includes(action as AuditRecord['action'])) {
      return sendJson(res, 400, { error: `action: must be one of ${AUDIT_ACTIONS.join(', ')}` });
    }
    query.limit = limit ?? 100;
    if (before !== undefined) query.beforeId = before;
    if (action !== null) query.action = action as AuditRecord['action'];
    const user = params.get('user');
    if (user !== null) query.userId = user;
    const entries = await ctx.backend.readAudit(query);
    const last = entries[entries.length - 1];
    sendJson(res, 200, { entries, nextBefore: entries.length === query.limit && last ? last.id : null });
  };

  const demoToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!ctx.demoToken) return sendJson(res, 404, { error: 'not found' });
    const origin = req.headers.origin;
    if (origin !== undefined && !ctx.originAllowed(origin)) {
      return sendJson(res, 403, { error: 'origin not allowed' });
    }
    const cors: Headers = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET', 'access-control-max-age': '600' });
      res.end();
      return;
    }
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' }, { allow: 'GET, OPTIONS' });
    sendJson(res, 200, await ctx.demoToken(), cors);
  };

  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      url = new URL('http://hub.invalid/');
    }
    const path = url.pathname;
    const ours = (Object.values(PATHS) as string[]).includes(path) || adminIdOf(path) !== null;
    if (!ours && !ctx.ownsServer) return false;
    handle(req, res, path, url).catch((err: unknown) => {
      ctx.log.error('request failed', { path, err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
    return true;
  };
}
