/**
 * The browser side of Web Push, beside the hub's other `/v1/` paths:
 *
 * - `GET /v1/push/key` → `{publicKey}`: the VAPID public key a page subscribes with
 *   (`applicationServerKey`); public, no credential.
 * - `POST /v1/push/subscriptions` (`Authorization: Bearer <admin JWT>`, body: the browser's
 *   `PushSubscription` as JSON) → 201: registers that browser for the token's admin.
 * - `DELETE /v1/push/subscriptions` (Bearer, body `{endpoint}`) → 200 `{removed}`: unregisters it.
 *
 * Origins are checked as on the fallback rungs (`allowedOrigins`), with CORS for the allowed ones;
 * a registration costs what a WebSocket upgrade does from the same address. The endpoint is a
 * capability URL (whoever holds it can push to that browser): it is never logged whole.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { type HubBackend, PUSH_LIMITS } from '../backend.js';
import { answerFailure, bearer, corsHeaders, HttpError, readJson } from '../fallback/endpoints.js';
import { sendJson } from '../http.js';
import type { Logger } from '../log.js';
import type { KeyedRateLimiter } from '../rate-limit.js';
import type { TokenCheck } from '../session.js';
import { base64urlBytes, p256PublicKeyBytes } from './vapid.js';

/** Paths of the Web Push endpoints. */
export const PUSH_PATHS = {
  key: '/v1/push/key',
  subscriptions: '/v1/push/subscriptions',
} as const;

/** Bounds of a registration (documented in docs/hub.md#web-push). */
export const PUSH_BODY_LIMITS = {
  /** Largest request body, bytes. */
  bodyBytes: 4096,
  /** Longest endpoint URL, characters (the push services' are a few hundred). */
  endpointChars: 2048,
} as const;

export interface PushEndpointsContext {
  backend: HubBackend;
  log: Logger;
  verify: (token: string) => Promise<TokenCheck>;
  clientIp: (req: IncomingMessage) => string;
  originAllowed: (origin: string | undefined) => boolean;
  /** The upgrades' per-IP limiter: a registration costs what an upgrade costs. */
  connectionLimiter: KeyedRateLimiter;
  /** The VAPID public key, base64url. */
  publicKey: string;
  /** Accept endpoints whose host is an IP address (a push service on a private network, tests). Default false. */
  allowIpEndpoints?: boolean;
  /** The hub's clock (epoch ms), for audit rows. */
  now: () => number;
}

/** An endpoint as it may appear in a log: its origin only (the path is the capability). */
export const endpointForLog = (endpoint: string): string => {
  try {
    return `${new URL(endpoint).origin}/…`;
  } catch {
    return '(not a URL)';
  }
};

/** Checks `endpoint`; throws a 400 naming what is wrong. */
function checkEndpoint(endpoint: unknown, allowIp: boolean): string {
  if (typeof endpoint !== 'string' || endpoint.length === 0) throw new HttpError(400, 'endpoint: must be a string');
  if (endpoint.length > PUSH_BODY_LIMITS.endpointChars)
    throw new HttpError(400, `endpoint: must be at most ${PUSH_BODY_LIMITS.endpointChars} characters`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HttpError(400, 'endpoint: is not a URL');
  }
  if (url.protocol !== 'https:') throw new HttpError(400, 'endpoint: must be an https: URL (a push service)');
  if (url.username || url.password) throw new HttpError(400, 'endpoint: must not carry credentials');
  if (!allowIp && (isIP(url.hostname.replace(/^\[|\]$/g, '')) || url.hostname === 'localhost'))
    throw new HttpError(400, 'endpoint: must name a push service host, not an IP address or localhost');
  return endpoint;
}

/** A `PushSubscription.toJSON()` body, checked. */
function subscription(body: unknown, allowIp: boolean) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'body: must be a PushSubscription object ({endpoint, keys: {p256dh, auth}})');
  const { endpoint, keys } = body as { endpoint?: unknown; keys?: unknown };
  const checked = checkEndpoint(endpoint, allowIp);
  if (typeof keys !== 'object' || keys === null) throw new HttpError(400, 'keys: must be an object {p256dh, auth}');
  const { p256dh, auth } = keys as { p256dh?: unknown; auth?: unknown };
  // Browsers send unpadded base64url; padding is tolerated and stored without.
  const unpad = (v: unknown) => (typeof v === 'string' ? v.replace(/={1,2}$/, '') : v);
  const publicKey = p256PublicKeyBytes(unpad(p256dh));
  if (!publicKey)
    throw new HttpError(400, 'keys.p256dh: must be the base64url of an uncompressed P-256 public key (65 bytes)');
  const secret = base64urlBytes(unpad(auth), 16);
  if (!secret) throw new HttpError(400, 'keys.auth: must be the base64url of a 16-byte secret');
  return { endpoint: checked, keys: { p256dh: publicKey.toString('base64url'), auth: secret.toString('base64url') } };
}

export function createPushEndpoints(ctx: PushEndpointsContext) {
  const allowIp = ctx.allowIpEndpoints ?? false;

  const admin = async (req: IncomingMessage) => {
    const rate = ctx.connectionLimiter.take(ctx.clientIp(req));
    if (!rate.ok) throw new HttpError(429, 'too many requests', { 'retry-after': rate.retryAfterSeconds });
    const check = await ctx.verify(bearer(req));
    if (!check.ok) throw new HttpError(401, `token not accepted (${check.code}): ${check.reason}`);
    return check.user;
  };

  /** An audit row for a registration or its removal (the endpoint by origin only); a failed write is logged. */
  const audit = async (
    req: IncomingMessage,
    action: 'push-subscribe' | 'push-unsubscribe',
    user: { id: string; role: string },
    endpoint: string,
  ) => {
    try {
      await ctx.backend.audit({
        at: new Date(ctx.now()).toISOString(),
        action,
        userId: user.id,
        role: user.role,
        ip: ctx.clientIp(req),
        userAgent: req.headers['user-agent'] ?? null,
        detail: { endpoint: endpointForLog(endpoint) },
      });
    } catch (err) {
      ctx.log.error('audit write failed', { action, err });
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const origin = req.headers.origin;
    if (!ctx.originAllowed(origin)) throw new HttpError(403, 'origin not allowed');
    const cors = corsHeaders(origin);
    const methods = path === PUSH_PATHS.key ? 'GET' : 'POST, DELETE';
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': methods,
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (path === PUSH_PATHS.key) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET', { allow: 'GET, OPTIONS' });
      return sendJson(res, 200, { publicKey: ctx.publicKey }, cors);
    }
    if (req.method === 'POST') {
      const user = await admin(req);
      const sub = subscription(await readJson(req, PUSH_BODY_LIMITS.bodyBytes), allowIp);
      const userAgent = req.headers['user-agent'] ?? null;
      await ctx.backend.addPushSubscription(user.id, { ...sub, userAgent });
      ctx.log.info('push subscription registered', { user: user.id, endpoint: endpointForLog(sub.endpoint) });
      await audit(req, 'push-subscribe', user, sub.endpoint);
      return sendJson(res, 201, { registered: true, perAdmin: PUSH_LIMITS.perAdmin }, cors);
    }
    if (req.method === 'DELETE') {
      const user = await admin(req);
      const body = await readJson(req, PUSH_BODY_LIMITS.bodyBytes);
      if (typeof body !== 'object' || body === null) throw new HttpError(400, 'body: must be {endpoint}');
      const endpoint = (body as { endpoint?: unknown }).endpoint;
      if (typeof endpoint !== 'string' || endpoint.length === 0 || endpoint.length > PUSH_BODY_LIMITS.endpointChars)
        throw new HttpError(400, `endpoint: must be a string of 1 to ${PUSH_BODY_LIMITS.endpointChars} characters`);
      const removed = await ctx.backend.removePushSubscription(user.id, endpoint);
      if (removed) {
        ctx.log.info('push subscription removed', { user: user.id, endpoint: endpointForLog(endpoint) });
        await audit(req, 'push-unsubscribe', user, endpoint);
      }
      return sendJson(res, 200, { removed }, cors);
    }
    throw new HttpError(405, `use ${methods}`, { allow: `${methods}, OPTIONS` });
  };

  const paths = new Set<string>(Object.values(PUSH_PATHS));
  return {
    /** Answers the request when its path is a push path; false otherwise. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      let path: string;
      try {
        path = new URL(req.url ?? '/', 'http://hub.invalid').pathname;
      } catch {
        return false;
      }
      if (!paths.has(path)) return false;
      route(req, res, path).catch((err: unknown) => answerFailure(req, res, err, ctx, 'push request failed'));
      return true;
    },
  };
}
