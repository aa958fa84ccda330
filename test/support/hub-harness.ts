/**
 * Test helpers for the hub over real sockets: start a hub on 127.0.0.1 port 0 with a known
 * secret and publish key, sign tokens with jose, and a `ws` client that collects every frame,
 * checks it against the wire contract, and waits for conditions (never for fixed times).
 */
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { type HubMessage, parseHubMessage, type StreamEvent } from '../../src/core/protocol.js';
import { createHub, type Hub, type HubOptions } from '../../src/hub/hub.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const TEST_PUBLISH_KEY = 'test-publish-key-0123456789';

const started = new Set<Hub>();

/** Closes every hub `startHub` started (idempotent); register with `after(closeAllHubs)`. */
export async function closeAllHubs(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.all(all.map((hub) => hub.close()));
}

/**
 * Starts a hub with an in-memory db, the test secret and publish key, silent logs. With
 * ADMIN_REALTIME_TEST_HUB_BACKEND=postgres, a hub given no storage of its own gets a fresh
 * PostgreSQL database instead (the hub tests then run on the clustered backend).
 */
export async function startHub(options: HubOptions = {}): Promise<Hub> {
  if (
    process.env.ADMIN_REALTIME_TEST_HUB_BACKEND === 'postgres' &&
    !options.db &&
    !options.backend &&
    !options.postgres
  ) {
    const { createTestDatabase } = await import('./postgres.js');
    const db = await createTestDatabase();
    options = { ...options, postgres: { url: db.url, node: 'test' } };
  }
  const hub = await createHub({
    port: 0,
    host: '127.0.0.1',
    db: ':memory:',
    auth: { jwtSecret: TEST_SECRET },
    publishKey: TEST_PUBLISH_KEY,
    log: 'silent',
    ...options,
  });
  started.add(hub);
  return hub;
}

export interface TokenSpec {
  sub: string;
  role?: string | string[];
  /** Seconds until `exp`; negative for an expired token. Default 3600. */
  ttl?: number;
  secret?: string;
  claims?: Record<string, unknown>;
}

/** Signs an HS256 token (the test's own signer, independent of the hub's code). */
export async function signToken(spec: TokenSpec): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: spec.role ?? 'admin', ...spec.claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(spec.sub)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (spec.ttl ?? 3600))
    .sign(new TextEncoder().encode(spec.secret ?? TEST_SECRET));
}

/** Resolves when `condition()` is truthy; rejects after `timeoutMs`. Polls every 5 ms. */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  label: string,
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Closed {
  code: number;
  reason: string;
}

/** A `ws` client that records frames and its close. */
export class TestClient {
  /** Every frame, parsed. */
  readonly frames: HubMessage[] = [];
  /** Raw text of every frame, in order. */
  readonly raw: string[] = [];
  /** Frames that did not pass `parseHubMessage` (should stay empty). */
  readonly invalid: string[] = [];
  closedWith: Closed | null = null;
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      });
    });
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.raw.push(text);
      const parsed = parseHubMessage(text);
      if (parsed.ok) this.frames.push(parsed.value);
      else this.invalid.push(`${parsed.error}: ${text.slice(0, 200)}`);
    });
    ws.on('error', () => {});
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static connect(
    url: string,
    options: { origin?: string; headers?: Record<string, string>; autoPong?: boolean } = {},
  ): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        ...(options.origin ? { origin: options.origin } : {}),
        headers: options.headers ?? {},
        autoPong: options.autoPong ?? true,
      });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        const error = new Error(`upgrade refused: ${res.statusCode}`) as Error & { status?: number; headers?: unknown };
        error.status = res.statusCode;
        error.headers = res.headers;
        res.resume();
        ws.terminate();
        reject(error);
      });
      ws.once('error', (err) => reject(err));
    });
  }

  /** Connects and authenticates; resolves with the welcome. */
  static async open(
    hub: Hub,
    token: string,
    auth: { resumeFrom?: number; stream?: string; categories?: string[] | null; protocol?: number } = {},
  ): Promise<TestClient> {
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'auth', token, ...auth });
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Resolves with the first frame (from the start) that matches. */
  waitFor<T extends HubMessage = HubMessage>(
    predicate: (message: HubMessage) => boolean,
    label: string,
    timeoutMs = 5000,
  ): Promise<T> {
    return waitUntil(
      () => this.frames.find(predicate) as T | undefined,
      `${label} (frames: ${this.summary()})`,
      timeoutMs,
    );
  }

  /** Resolves with the stream event matching, from the start. */
  async waitForEvent(
    predicate: (event: StreamEvent) => boolean,
    label: string,
    timeoutMs = 5000,
  ): Promise<StreamEvent> {
    return waitUntil(() => this.events().find(predicate), `${label} (frames: ${this.summary()})`, timeoutMs);
  }

  /** Resolves with the close; rejects when it does not come in time. */
  async waitClosed(label = 'close', timeoutMs = 5000): Promise<Closed> {
    return waitUntil(() => this.closedWith, label, timeoutMs);
  }

  /** Every stream event received, in order, whether it came in an `event` or an `events` frame. */
  events(): StreamEvent[] {
    return this.frames.flatMap((m) => (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : []));
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  private summary(): string {
    return this.frames
      .slice(-8)
      .map((f) =>
        f.type === 'event'
          ? `event:${f.event.kind}#${f.event.seq}`
          : f.type === 'events'
            ? `events:#${f.events[0]!.seq}…#${f.events.at(-1)!.seq}`
            : f.type,
      )
      .join(',');
  }
}

/** POSTs to the hub's publish endpoint. */
export async function post(
  hub: Hub,
  body: unknown,
  options: { key?: string | null; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const key = options.key === undefined ? TEST_PUBLISH_KEY : options.key;
  const res = await fetch(`${hub.url}/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

/** A notification input with defaults. */
export const note = (title: string, extra: Record<string, unknown> = {}) => ({ kind: 'notification', title, ...extra });
