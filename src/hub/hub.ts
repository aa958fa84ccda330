/**
 * `createHub(options)`: the reference hub. Mounts on an existing `http.Server` (answering only its
 * own paths and the upgrade of `/v1/ws`) or starts its own. Publishes are validated, masked,
 * stored and fanned out; each fanned-out entry is serialised once and the same string goes to
 * every socket that may see it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import { WebSocketServer } from 'ws';
import { CloseCode, closeReason } from '../core/protocol.js';
import { createAdminRecorder } from './admins.js';
import { type AlertRuleInput, type AlertRules, createAlertRules } from './alert-rules/index.js';
import { type AuthOptions, createDemoTokenSigner, createVerifier, DEFAULT_ROLES } from './auth.js';
import type { HubBackend, RetentionOptions, StreamEntry } from './backend.js';
import { ConnectionGuard, defaultPendingLimits } from './connection-guard.js';
import { createHubEscalation, type HubEscalationOptions } from './escalation/index.js';
import { EventFrames } from './event-frames.js';
import { createFallbackEndpoints, type FallbackOptions } from './fallback/endpoints.js';
import { createHttpHandler, createKeyMatcher, PATHS, type PublishResult } from './http.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { createMasker, type MaskingOptions } from './masking.js';
import type { PostgresBackendOptions } from './postgres-backend.js';
import { preferencePolicy } from './preferences.js';
import { createPublisher } from './publish.js';
import { createPushChannel } from './push/channel.js';
import { createPushEndpoints } from './push/endpoints.js';
import { assertVapid, type VapidOptions } from './push/vapid.js';
import { KeyedRateLimiter, type RateLimit } from './rate-limit.js';
import { type Peer, Session, type SessionContext, type TokenCheck } from './session.js';
import { startSnoozeWaker } from './snooze-waker.js';
import { createSqliteBackend } from './sqlite-backend.js';
import { createClientIp, createOriginCheck, createProxyTrust, rejectUpgrade } from './upgrade.js';

export type { MaskingOptions };

export interface HubOptions {
  /** Mount on this server instead of starting one; the hub then answers only its own paths. */
  server?: Server;
  /** Port for the hub's own server; default 0 (any free port). Ignored with `server`. */
  port?: number;
  /** Interface for the hub's own server; default `127.0.0.1` (loopback only — set `0.0.0.0` to expose). */
  host?: string;

  /** How tokens are verified (one key source: `jwtSecret`, `publicKey` or `jwksUrl`). */
  auth?: AuthOptions;
  /** A custom verifier instead of `auth` (e.g. sessions of an existing login system). */
  verifyToken?: (token: string) => Promise<TokenCheck>;
  /** Key(s) a publisher sends as `Authorization: Bearer <key>`; several allow rotation. Without one, `POST /v1/events` answers 401. */
  publishKey?: string | readonly string[];

  /** Storage and fan-out; default a SQLite backend on `db` (or PostgreSQL with `postgres`). The hub closes it on `close()`. */
  backend?: HubBackend;
  /** SQLite file for the default backend; default `./data/admin-realtime.db`; `:memory:` works. */
  db?: string;
  /**
   * PostgreSQL instead of SQLite: every hub with the same `url` joins one cluster (one stream,
   * shared state, fan-out by LISTEN/NOTIFY). `node` names this process in logs and `/healthz`.
   */
  postgres?: { url: string; node?: string | undefined } & Partial<
    Pick<PostgresBackendOptions, 'probeMs' | 'probeTimeoutMs' | 'reconnectMs' | 'catchUpMs' | 'poolSize'>
  >;
  /** Retention for the default backend. */
  retention?: Partial<RetentionOptions>;

  /**
   * Browser origins allowed to open the WebSocket (`https://admin.example.com`); `*` allows any.
   * Default none: every browser (which always sends `Origin`) is refused until configured.
   */
  allowedOrigins?: readonly string[];
  /**
   * Accept an upgrade without an `Origin` header (a non-browser client: a server, a CLI, a test).
   * Default true: browsers always send `Origin`, so its absence is not a cross-site page, and the
   * token is still required. Set false to admit browsers only.
   */
  allowMissingOrigin?: boolean;
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed: addresses or CIDRs, IPv4 or IPv6
   * (`['127.0.0.1']`, `['10.0.0.0/8', '::1']`; IPv4-mapped IPv6 peers count as IPv4). A request
   * from one of them is attributed to the rightmost address in the header that is not a trusted
   * proxy; from anyone else, to its socket's peer. Default none (the header is ignored).
   */
  trustProxy?: readonly string[];

  /** Largest inbound frame, KiB; default 64. Bigger frames close that socket with 1009. */
  maxFrameKiB?: number;
  /**
   * Outbound bytes a socket may have queued before it is closed as a slow consumer (4102); default
   * 1 MiB. A resume replay is paced by the socket's drain instead. Also the most inbound frames may
   * wait to be handled (behind a token check or a replay) before the socket is closed with 4100.
   */
  maxBufferedBytes?: number;
  /** Largest `POST /v1/events` body, bytes; default 1 MiB (413 above). */
  maxBodyBytes?: number;
  /** Sockets at once; a socket over it is closed with 4103 and `retry-after=5`. Default 10 000. */
  maxConnections?: number;
  /**
   * Connections not yet past their request headers or (a WebSocket) its authentication, per peer
   * address and in total; over either, the connection is answered 429 / 503 and closed at once.
   * Default: in total a quarter of the process's open-file limit (16 to 1,024; 1,024 where it cannot
   * be read), per address a quarter of that (4 to 64). Trusted proxies have no per-address cap.
   */
  pendingConnections?: { perIp?: number; total?: number };
  /** Time for a connection to send its request headers, ms; default 5000 (then it is cut). */
  headerTimeoutMs?: number;
  /** Time for a whole HTTP request, body included, on the hub's own server, ms; default 10 000. */
  requestTimeoutMs?: number;
  /** Time for the first `auth` message, ms; default 5000 (then close 4101). */
  authTimeoutMs?: number;
  /** Protocol ping interval, ms; a socket that missed one pong is cut. Default 30 000. */
  heartbeatMs?: number;

  /** Upgrades per client IP; default 1/s, burst 30. Over it: HTTP 429 at the upgrade. */
  connectionRate?: RateLimit;
  /** Messages per socket; default 20/s, burst 60. Over it: close 4100 with `retry-after=N`. */
  messageRate?: RateLimit;
  /** Publishes per key and IP; default 50/s, burst 200. Over it: 429 with Retry-After. */
  publishRate?: RateLimit;

  /** Mask emails, phone numbers, card numbers and secrets in notification and activity text; default true. */
  masking?: boolean | MaskingOptions;

  /**
   * Demo mode: enables `GET /v1/demo-token` (a short-lived admin token for the demo page; never
   * outside demo mode) and, unless `simulator: false`, runs the voice-AI platform simulator.
   * Without a key source in `auth`, a random HS256 secret is generated.
   */
  demo?: boolean | { simulator?: boolean; tokenTtlSeconds?: number };

  /**
   * Alert rules (docs/hub.md#alert-rules): a metric or component condition held for a time raises
   * a notification with `group: "rule.<name>"`, once while it holds, and a `resolved` one when it
   * clears. Checked at start (throws `AlertRulesError`).
   */
  alertRules?: readonly AlertRuleInput[];

  /**
   * The fallback rungs (`/v1/tickets`, `/v1/sse`, `/v1/poll`, `/v1/commands`) for networks that
   * block or buffer WebSockets: ticket secret and lifetime, poll length, SSE heartbeat, request rate.
   * See docs/hub.md#fallback-transports for defaults.
   */
  fallback?: FallbackOptions;

  /**
   * Escalation of notifications admins have not seen (push) or read (email) to other channels:
   * the ladder, `smtp` for email, other `channels` (Web Push), `panelUrl` for links, the policy
   * seam. Off while no channel is set. See docs/hub.md#escalation.
   */
  escalation?: HubEscalationOptions;
  /**
   * Web Push: the VAPID key pair and subject (checked at start; `VapidConfigError` when unusable).
   * Serves `GET /v1/push/key` and `POST`/`DELETE /v1/push/subscriptions`; the channel that sends is
   * `createPushChannel` (push/channel.ts). `allowIpEndpoints` accepts endpoints on an IP address
   * and sends to hosts on internal addresses (a private push service, tests); default false
   * (registrations on IP literals and hosts resolving to internal addresses are refused); `agent` an https agent for the requests to
   * push services (one trusting a private push service's CA). With `push`, escalation sends the
   * ladder's push steps through it (and is on with the default ladder when `escalation` is not
   * given). See docs/hub.md#web-push.
   */
  push?: { vapid: VapidOptions; allowIpEndpoints?: boolean; agent?: HttpsAgent };

  /** A logger, or the level for the default JSON-lines logger on stdout; default `info`. */
  log?: Logger | LogLevel;
  /** Clock (epoch ms); for tests. */
  now?: () => number;
}

export interface Hub {
  /** `http://host:port` of the hub. */
  readonly url: string;
  /** `ws://host:port/v1/ws`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly server: Server;
  readonly backend: HubBackend;
  /**
   * Validates (exactly as `POST /v1/events`), masks and stores, and fans out on the next turn of
   * the event loop together with anything else published in this one. Resolves once the events are
   * committed (what `POST /v1/events` answers with 202); rejects with `InvalidEventError`.
   */
  publish(events: unknown): Promise<PublishResult>;
  /** Sockets open and served (one that is closing no longer counts). */
  connections(): number;
  /**
   * Sends what was published and not yet fanned out, closes every socket with 1001 (asking the
   * clients to spread their return, `retry-within`), stops timers, closes storage and (when the hub
   * owns it) the server.
   */
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  db: './data/admin-realtime.db',
  maxFrameKiB: 64,
  maxBufferedBytes: 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxConnections: 10_000,
  authTimeoutMs: 5000,
  headerTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  heartbeatMs: 30_000,
  connectionRate: { perSecond: 1, burst: 30 },
  messageRate: { perSecond: 20, burst: 60 },
  publishRate: { perSecond: 50, burst: 200 },
  demoTokenTtlSeconds: 15 * 60,
  pruneEveryMs: 60_000,
  httpCloseGraceMs: 1000,
  /**
   * On shutdown, clients are asked to come back spread over (sessions ÷ this) seconds, at least
   * 0.25 s and at most 30 s. The reconnect storm bench (bench/report.md, 2 cores) saw the hub take
   * up to 670 attempts in one second with every client resumed; this stays below that.
   */
  reconnectsPerSecond: 500,
} as const;

/** Seconds over which `sessions` clients are asked to return after a shutdown (`retry-within`). */
export function returnSpreadSeconds(sessions: number): number {
  return Math.min(30, Math.max(0.25, sessions / DEFAULTS.reconnectsPerSecond));
}

/** Starts (or mounts) a hub. Resolves once it is listening. */
/**
 * The escalation the hub runs: `options.escalation` with the Web Push channel when `push` is set
 * (escalation then runs with the default ladder even without `escalation`), the admin's stored
 * preferences as the policy (channels per category, quiet hours) and as the digest schedule,
 * unless the options give their own.
 */
function escalationOptions(options: HubOptions, backend: HubBackend, log: Logger): HubEscalationOptions | undefined {
  if (!options.escalation && !options.push) return undefined;
  const given = options.escalation ?? {};
  const channels = [...(given.channels ?? [])];
  if (options.push && !channels.some((c) => c.name === 'push'))
    channels.push(
      createPushChannel({
        backend,
        vapid: options.push.vapid,
        log,
        allowInternalAddresses: options.push.allowIpEndpoints ?? false,
        ...(options.push.agent ? { agent: options.push.agent } : {}),
      }),
    );
  return {
    ...given,
    channels,
    policy: given.policy ?? preferencePolicy(backend),
    digestFor: given.digestFor ?? (async (userId) => (await backend.getPreferences(userId)).emailDigest),
  };
}

export async function createHub(options: HubOptions = {}): Promise<Hub> {
  const now = options.now ?? Date.now;
  const log =
    typeof options.log === 'object' ? options.log : createLogger({ level: options.log ?? 'info', now: options.now });
  const demo = options.demo ? (options.demo === true ? {} : options.demo) : null;

  let auth = options.auth ?? {};
  const hasKeySource = Boolean(auth.jwtSecret || auth.publicKey || auth.jwksUrl);
  if (demo && !hasKeySource && !options.verifyToken) {
    auth = { ...auth, jwtSecret: randomBytes(32).toString('base64url') };
    log.info('demo mode: generated a random JWT secret');
  }
  if (options.push) assertVapid(options.push.vapid);
  const verify = options.verifyToken ?? createVerifier(auth);
  const signDemoToken = demo && auth.jwtSecret ? createDemoTokenSigner(auth.jwtSecret) : null;
  if (demo && !signDemoToken) throw new Error('demo mode needs an HS256 jwtSecret (or none, to generate one)');

  const backendLog = ({ level, msg, ...rest }: Record<string, unknown>) => {
    const at = level === 'error' || level === 'warn' || level === 'debug' ? level : 'info';
    log[at](String(msg ?? 'backend'), rest);
  };
  const backend =
    options.backend ??
    (options.postgres
      ? // Loaded only for a cluster: a SQLite hub never opens pg.
        await (await import('./postgres-backend.js')).createPostgresBackend({
          ...options.postgres,
          node: options.postgres.node ?? undefined,
          retention: options.retention,
          now,
          log: backendLog,
        })
      : createSqliteBackend({ path: options.db ?? DEFAULTS.db, retention: options.retention, now, log: backendLog }));

  const maskingOn = options.masking !== false;
  const mask = maskingOn
    ? createMasker(typeof options.masking === 'object' ? options.masking : {})
    : (text: string) => text;

  const publishKeys = options.publishKey === undefined ? [] : [options.publishKey].flat().filter(Boolean);
  const matchPublishKey = createKeyMatcher(publishKeys);
  const originAllowed = createOriginCheck(options.allowedOrigins ?? [], options.allowMissingOrigin ?? true);
  const isTrustedProxy = createProxyTrust(options.trustProxy ?? []);
  const clientIp = createClientIp(isTrustedProxy);
  const connectionLimiter = new KeyedRateLimiter(options.connectionRate ?? DEFAULTS.connectionRate, now);
  const publishLimiter = new KeyedRateLimiter(options.publishRate ?? DEFAULTS.publishRate, now);
  const maxConnections = options.maxConnections ?? DEFAULTS.maxConnections;
  const maxFrameBytes = Math.max(1, Math.floor((options.maxFrameKiB ?? DEFAULTS.maxFrameKiB) * 1024));

  const pendingDefaults = defaultPendingLimits();
  const headerTimeoutMs = options.headerTimeoutMs ?? DEFAULTS.headerTimeoutMs;
  const guard = new ConnectionGuard(
    {
      perIp: options.pendingConnections?.perIp ?? pendingDefaults.perIp,
      total: options.pendingConnections?.total ?? pendingDefaults.total,
      headerTimeoutMs,
    },
    isTrustedProxy,
    log,
  );
  /** Upgraded sockets still pending (not authenticated), by session. */
  const unauthenticated = new Map<Session, Duplex>();
  const authenticated = (session: Session) => {
    const socket = unauthenticated.get(session);
    if (!socket) return;
    unauthenticated.delete(session);
    guard.release(socket);
  };

  const sessions = new Set<Session>();
  const live = new Set<Session>();
  let closing = false;
  let whenEmpty: (() => void) | null = null;

  /** Sockets open and served (a socket that is closing no longer counts). */
  const openConnections = () => {
    let count = 0;
    for (const session of sessions) if (!session.isClosing) count++;
    return count;
  };

  let escalation: ReturnType<typeof createHubEscalation>;
  try {
    escalation = createHubEscalation(escalationOptions(options, backend, log), {
      backend,
      log,
      now,
      node: options.postgres?.node,
      mask,
    });
  } catch (err) {
    await backend.close();
    throw err;
  }
  const publish = createPublisher(backend, mask, now, escalation?.engine.plan);
  let alerts: AlertRules | null = null;
  if (options.alertRules) {
    try {
      alerts = createAlertRules(options.alertRules, { backend, publish, mask, log });
    } catch (err) {
      await escalation?.close();
      await backend.close();
      throw err;
    }
  }

  // Fan-out, once per turn of the event loop: the entries of every publish made in one turn (a
  // burst, or publishes that queued while the hub was busy) go to each socket together, in one
  // frame for clients that batch and in one write either way. Each event is serialised once and
  // each distinct frame encoded once, so sockets that see the same entries send the same bytes.
  // A hub at ease delivers each publish on its own, a turn later; a hub behind makes fewer, larger
  // writes instead of falling further behind.
  let pending: StreamEntry[] = [];
  let pendingTurn: ReturnType<typeof setImmediate> | undefined;
  const cancelTurn = () => {
    if (pendingTurn) clearImmediate(pendingTurn);
    pendingTurn = undefined;
  };
  const deliverPending = () => {
    cancelTurn();
    if (pending.length === 0) return;
    const frames = new EventFrames(pending);
    pending = [];
    for (const session of live) {
      try {
        session.deliver(frames);
      } catch (err) {
        log.error('delivery failed', { session: session.id, err });
      }
    }
  };
  const waker = startSnoozeWaker(backend, now, log);
  const unsubscribe = backend.subscribe((entries) => {
    for (const entry of entries) pending.push(entry);
    pendingTurn ??= setImmediate(deliverPending);
    waker.offer(entries);
  });
  /** No more fan-out: off the backend, and no turn left scheduled. */
  const stopFanOut = () => {
    unsubscribe();
    cancelTurn();
  };
  // Subscribed after the fan-out, so a sample is queued for the sockets before a rule reacts to it.
  try {
    await alerts?.start();
  } catch (err) {
    stopFanOut();
    await alerts?.close();
    await backend.close();
    throw err;
  }

  const sessionContext: SessionContext = {
    backend,
    log,
    now,
    recordAdmin: createAdminRecorder(backend, log, now),
    verify,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    authTimeoutMs: options.authTimeoutMs ?? DEFAULTS.authTimeoutMs,
    maxFrameBytes,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    messageRate: options.messageRate ?? DEFAULTS.messageRate,
    deliverPending,
    join: (session) => {
      authenticated(session);
      live.add(session);
    },
    leave: (session) => live.delete(session),
    gone: (session) => {
      authenticated(session);
      sessions.delete(session);
      if (sessions.size === 0) whenEmpty?.();
    },
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });

  const ownsServer = !options.server;
  // Node checks these timeouts every connectionsCheckingInterval; the guard's own timer covers a
  // connection's first headers, these a keep-alive connection's later requests and slow bodies.
  const server =
    options.server ??
    createServer({
      headersTimeout: headerTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    });
  // A TLS server hands out the TLS socket (the one requests arrive on) once the handshake is done.
  const connectionEvent = server instanceof TlsServer ? 'secureConnection' : 'connection';
  server.on(connectionEvent, guard.admit);
  const handleHttp = createHttpHandler({
    backend,
    log,
    matchPublishKey,
    publish,
    publishLimiter,
    verify,
    clientIp,
    originAllowed,
    connections: openConnections,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    ownsServer,
    allowedRoles: options.verifyToken ? null : auth.allowedRoles?.length ? auth.allowedRoles : DEFAULT_ROLES,
    ...(escalation ? { escalation: escalation.engine.health } : {}),
    ...(signDemoToken
      ? {
          demoToken: async () => {
            const ttl = demo?.tokenTtlSeconds ?? DEFAULTS.demoTokenTtlSeconds;
            const token = await signDemoToken({ sub: 'demo-admin', role: 'admin', name: 'Demo Admin' }, ttl);
            return { token, expiresAt: now() + ttl * 1000 };
          },
        }
      : {}),
  });

  const fallback = createFallbackEndpoints({
    ...options.fallback,
    session: sessionContext,
    backend,
    log,
    now,
    verify,
    clientIp,
    originAllowed,
    connectionLimiter,
    maxBodyBytes: maxFrameBytes,
    admit: () =>
      closing || sessions.size >= maxConnections ? { ok: false, retryAfterSeconds: closing ? 1 : 5 } : { ok: true },
    adopt: (session) => sessions.add(session),
  });

  const push = options.push
    ? createPushEndpoints({
        backend,
        log,
        verify,
        clientIp,
        originAllowed,
        connectionLimiter,
        publicKey: options.push.vapid.publicKey,
        allowIpEndpoints: options.push.allowIpEndpoints ?? false,
        now,
      })
    : null;

  // Mounted: take over 'request' so the host app's handlers see only paths that are not the hub's.
  const hostRequestListeners = ownsServer ? [] : (server.listeners('request') as Array<(...a: unknown[]) => void>);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    guard.headersDone(req.socket, false);
    if (fallback.handle(req, res) || push?.handle(req, res) || handleHttp(req, res)) return;
    for (const listener of hostRequestListeners) listener.call(server, req, res);
  };
  if (!ownsServer) server.removeAllListeners('request');
  server.on('request', onRequest);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://hub.invalid').pathname;
    } catch {
      path = '';
    }
    guard.headersDone(socket, path === PATHS.ws);
    if (path !== PATHS.ws) {
      // Another upgrade handler on a shared server may want it; alone, refuse rather than hang.
      if (ownsServer || server.listeners('upgrade').length <= 1) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const ip = clientIp(req);
    const origin = req.headers.origin;
    if (closing) return rejectUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': '1' });
    if (!originAllowed(origin)) {
      log.info('upgrade refused: origin', { ip, origin: origin ?? null });
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    const rate = connectionLimiter.take(ip);
    if (!rate.ok) {
      log.info('upgrade refused: connection rate', { ip });
      return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(rate.retryAfterSeconds) });
    }
    const atCapacity = sessions.size >= maxConnections;
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (atCapacity) {
        // Closed after the upgrade, not refused before it: a browser sees only the close code,
        // and 4103 with a retry-after tells its client to back off for that long.
        log.warn('connection refused: at capacity', { ip, connections: sessions.size });
        ws.on('error', () => {});
        ws.close(CloseCode.Overloaded, closeReason('hub-at-capacity', 5));
        return;
      }
      const userAgent = req.headers['user-agent'] ?? null;
      const peer: Peer = { ip, userAgent, origin: origin ?? null };
      const session = new Session(ws, peer, sessionContext);
      sessions.add(session);
      unauthenticated.set(session, socket);
      log.debug('socket opened', { ip, origin: origin ?? null });
    });
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const session of sessions) session.heartbeat();
  }, sessionContext.heartbeatMs);
  /** The prune in progress, if any: one at a time, and close() waits for it. */
  let pruning: Promise<void> | null = null;
  const prune = (): Promise<void> => {
    pruning ??= backend
      .prune(now())
      .catch((err: unknown) => log.error('prune failed', { err }))
      .finally(() => {
        pruning = null;
      });
    return pruning;
  };
  // Once at start (a store that was down a while, or written by an older hub, is brought within
  // retention before it serves), then every minute; each call's work follows the append rate.
  await prune();
  const housekeeping = setInterval(() => {
    connectionLimiter.sweep();
    publishLimiter.sweep();
    fallback.sweep();
    void prune();
  }, DEFAULTS.pruneEveryMs);
  housekeeping.unref();

  if (ownsServer) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? DEFAULTS.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      // Nothing may keep the process alive after a failed start (e.g. the port is taken).
      clearInterval(heartbeat);
      clearInterval(housekeeping);
      server.off(connectionEvent, guard.admit);
      await alerts?.close();
      stopFanOut();
      await waker.stop();
      wss.close();
      await escalation?.close();
      await backend.close();
      throw err;
    }
  }

  // Imported only in demo mode: a hub without it never loads the simulator (the package ships it).
  let simulator: { stop(): void } | null = null;
  if (demo && demo.simulator !== false) {
    const { startSimulator } = await import('./simulator.js');
    const fresh = (await backend.latestSeq()) === 0;
    simulator = startSimulator({
      publish: (events) => {
        publish(events).catch((err: unknown) => log.error('simulator publish failed', { err }));
      },
      now,
      // A fresh demo database gets the last 15 minutes of history, so the page is live at once.
      backfillSeconds: fresh ? 15 * 60 : 0,
    });
  }

  if (escalation) {
    escalation.engine.start();
    log.info('escalation', { channels: Object.keys(escalation.engine.health().channels) });
  }

  const address = () => {
    const a = server.address() as AddressInfo | null;
    const port = a?.port ?? 0;
    const family = a?.family;
    let host = a?.address ?? options.host ?? DEFAULTS.host;
    if (host === '0.0.0.0' || host === '::') host = family === 'IPv6' && host === '::' ? '[::1]' : '127.0.0.1';
    else if (host.includes(':')) host = `[${host}]`;
    return { host, port };
  };

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      clearInterval(heartbeat);
      clearInterval(housekeeping);
      simulator?.stop();
      await alerts?.close(); // what a rule is publishing is stored before storage closes
      server.off('upgrade', onUpgrade);
      server.off('request', onRequest);
      server.off(connectionEvent, guard.admit);
      if (!ownsServer) for (const listener of hostRequestListeners) server.on('request', listener);
      // Sessions close with 1001; each is cut after a short grace if its peer never answers.
      if (sessions.size) {
        const empty = new Promise<void>((resolve) => {
          whenEmpty = resolve;
        });
        deliverPending(); // what was published before close() reaches the sockets before their close frame
        const reason = closeReason('hub shutting down', returnSpreadSeconds(sessions.size), 'retry-within');
        for (const session of sessions) session.close(CloseCode.GoingAway, reason);
        await empty;
      }
      stopFanOut();
      wss.close();
      guard.stop();
      if (ownsServer) {
        await new Promise<void>((resolve) => {
          // A connection that never sends (or never finishes) its request — a half-open link,
          // a slow client — would hold close() until Node's header timeout; cut it after a grace.
          const force = setTimeout(() => server.closeAllConnections(), DEFAULTS.httpCloseGraceMs);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
      }
      await pruning;
      await waker.stop();
      await escalation?.close();
      try {
        await backend.close();
      } catch (err) {
        log.error('closing storage failed', { err });
      }
      log.info('hub closed');
    })();
    return closed;
  };

  return {
    get url() {
      const { host, port } = address();
      return `http://${host}:${port}`;
    },
    get wsUrl() {
      const { host, port } = address();
      return `ws://${host}:${port}${PATHS.ws}`;
    },
    get port() {
      return address().port;
    },
    server,
    backend,
    publish,
    connections: openConnections,
    close,
  };
}
