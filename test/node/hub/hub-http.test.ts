import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { SnapshotMessage } from '../../../src/core/protocol.js';
import type { HubBackend } from '../../../src/hub/backend.js';
import { InvalidEventError } from '../../../src/hub/http.js';
import { createHub, type Hub } from '../../../src/hub/hub.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import {
  closeAllHubs,
  note,
  post,
  signToken,
  startHub,
  TEST_PUBLISH_KEY,
  TEST_SECRET,
  TestClient,
} from '../../support/hub-harness.js';

after(closeAllHubs);

describe('hub HTTP', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub();
  });
  after(() => hub.close());

  test('POST /v1/events accepts one event or a batch: 202 with the seqs', async () => {
    const one = await post(hub, note('single', { category: 'system' }));
    assert.equal(one.status, 202);
    const accepted = one.body.accepted as Array<{ id: string; seq: number; duplicate: boolean }>;
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]!.duplicate, false);
    assert.equal(accepted[0]!.seq, hub.backend.latestSeq());

    const batch = await post(hub, [note('b1'), { kind: 'agents', active: 1, idle: 2, error: 0 }]);
    assert.equal(batch.status, 202);
    const seqs = (batch.body.accepted as Array<{ seq: number }>).map((a) => a.seq);
    assert.deepEqual(seqs, [accepted[0]!.seq + 1, accepted[0]!.seq + 2]);
  });

  test('a retried publish with the same id is stored once', async () => {
    const event = note('idempotent', { id: 'evt-retry-1', category: 'billing' });
    const first = await post(hub, event);
    const second = await post(hub, event);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    const [a] = first.body.accepted as Array<{ id: string; seq: number; duplicate: boolean }>;
    const [b] = second.body.accepted as Array<{ id: string; seq: number; duplicate: boolean }>;
    assert.deepEqual(a, { id: 'evt-retry-1', seq: a!.seq, duplicate: false });
    assert.deepEqual(b, { id: 'evt-retry-1', seq: a!.seq, duplicate: true });
    const listed = hub.backend.listNotifications(
      { userId: 'x', role: 'admin' },
      { limit: 100, categories: ['billing'] },
    );
    assert.equal(listed.notifications.filter((n) => n.id === 'evt-retry-1').length, 1);
    assert.equal(hub.publish(event).accepted[0]!.duplicate, true, 'the Node API is idempotent too');
  });

  test('400 for invalid JSON and for an invalid event, naming the field', async () => {
    const bad = await post(hub, null, { raw: '{"kind":' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /not valid JSON/);

    const priority = await post(hub, note('x', { priority: 'urgent' }));
    assert.equal(priority.status, 400);
    assert.match(String(priority.body.error), /^priority: must be one of low, medium, high, critical/);

    const inBatch = await post(hub, [note('ok'), { kind: 'notification' }]);
    assert.equal(inBatch.status, 400);
    assert.equal(inBatch.body.error, '[1].title: is required');

    const link = await post(hub, note('x', { link: 'javascript:alert(1)' }));
    assert.equal(link.status, 400);
    assert.match(String(link.body.error), /^link: /);

    const kind = await post(hub, { kind: 'sms' });
    assert.equal(kind.status, 400);
    assert.match(String(kind.body.error), /^kind: must be one of/);
  });

  test('the Node API validates exactly as HTTP does', () => {
    assert.throws(
      () => hub.publish({ kind: 'notification', title: 'x', priority: 'urgent' }),
      (err: unknown) => err instanceof InvalidEventError && /^priority: must be one of/.test(err.message),
    );
  });

  test('401 without a key or with a wrong key', async () => {
    const none = await post(hub, note('x'), { key: null });
    assert.equal(none.status, 401);
    const wrong = await post(hub, note('x'), { key: 'not-the-key' });
    assert.equal(wrong.status, 401);
    const almost = await post(hub, note('x'), { key: `${TEST_PUBLISH_KEY}x` });
    assert.equal(almost.status, 401);
  });

  test('413 for a body over the limit', async () => {
    const huge = JSON.stringify(note('x', { message: 'a'.repeat(1024 * 1024 + 10) }));
    const declared = await post(hub, null, { raw: huge });
    assert.equal(declared.status, 413);
    // Chunked (no Content-Length): the hub stops at the limit while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${hub.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_PUBLISH_KEY}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'a'.repeat(64 * 1024);
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
  });

  test('GET /healthz reports storage, connections and seq', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'health' }));
    const res = await fetch(`${hub.url}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body, { ok: true, storage: 'ok', connections: 1, seq: hub.backend.latestSeq() });
    client.close();
    await client.closed;
  });

  test('GET /healthz answers 503 when storage is unhealthy', async () => {
    const real = createSqliteBackend({ path: ':memory:' });
    const broken: HubBackend = { ...real, health: () => ({ ok: false, detail: 'disk full' }) };
    const sick = await createHub({ backend: broken, auth: { jwtSecret: TEST_SECRET }, log: 'silent' });
    const res = await fetch(`${sick.url}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.ok, false);
    assert.equal(body.storage, 'unavailable');
    await sick.close();
  });

  test('GET /v1/audit: publish key or super_admin token; filters by user and action', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'audited' }));
    const id = hub.publish(note('to read')).accepted[0]!.id;
    client.send({ type: 'markRead', ids: [id], ref: 'm' });
    await client.waitFor((m) => m.type === 'ack', 'ack');
    client.close();
    await client.closed;

    const get = (query: string, auth?: string) =>
      fetch(`${hub.url}/v1/audit${query}`, auth ? { headers: { authorization: `Bearer ${auth}` } } : {});
    assert.equal((await get('')).status, 401);
    assert.equal((await get('', await signToken({ sub: 'plain', role: 'admin' }))).status, 403);
    assert.equal((await get('', 'wrong-key')).status, 401);

    const byKey = await get('?user=audited', TEST_PUBLISH_KEY);
    assert.equal(byKey.status, 200);
    const rows = ((await byKey.json()) as { entries: Array<Record<string, unknown>> }).entries;
    assert.deepEqual(rows.map((r) => r.action).sort(), ['connect', 'disconnect', 'mark-read']);
    for (const row of rows) {
      assert.equal(row.userId, 'audited');
      assert.equal(row.role, 'admin');
      assert.equal(row.ip, '127.0.0.1');
      assert.ok(typeof row.at === 'string' && !Number.isNaN(Date.parse(row.at)));
      assert.ok('userAgent' in row);
    }

    const byRoot = await get(
      '?user=audited&action=mark-read&limit=5',
      await signToken({ sub: 'root', role: 'super_admin' }),
    );
    assert.equal(byRoot.status, 200);
    const marked = (await byRoot.json()) as { entries: Array<Record<string, unknown>> };
    assert.equal(marked.entries.length, 1);
    assert.deepEqual((marked.entries[0]!.detail as { ids: string[] }).ids, [id]);

    assert.equal((await get('?action=delete-everything', TEST_PUBLISH_KEY)).status, 400);
    assert.equal((await get('?limit=0', TEST_PUBLISH_KEY)).status, 400);
  });

  test('masking is applied before storage and fan-out', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'masked' }));
    const secret = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZ0123456789abcdefghij';
    hub.publish([
      note('Refund for jane.doe@example.com', {
        id: 'mask-1',
        message: `Card 4242 4242 4242 4242 charged; call +44 20 7946 0958; key ${secret}; order INV-2026-000123`,
      }),
      {
        kind: 'activity',
        id: 'mask-2',
        type: 'authentication',
        action: 'sign-in by jane.doe@example.com',
        user: { id: 'u1', name: 'Jane', email: 'jane.doe@example.com' },
        detail: 'from 4242424242424242',
      },
    ]);
    const event = await client.waitForEvent((e) => e.id === 'mask-2', 'activity');
    const raw = client.raw.filter((r) => r.includes('mask-1') || r.includes('mask-2')).join('\n');
    for (const value of ['jane.doe@example.com', '4242 4242 4242 4242', '4242424242424242', '7946 0958 ', secret]) {
      assert.ok(!raw.includes(value), `${value} is masked on the wire`);
    }
    assert.ok(raw.includes('INV-2026-000123'), 'an invoice number is not a secret');
    assert.ok(raw.includes('@example.com'), 'the email domain stays readable');
    assert.equal(event.kind === 'activity' && event.user.name, 'Jane');
    const stored = JSON.stringify(hub.backend.listNotifications({ userId: 'masked', role: 'admin' }, { limit: 10 }));
    assert.ok(!stored.includes('jane.doe@example.com') && !stored.includes(secret), 'stored masked');
    client.close();

    const plain = await startHub({ masking: false });
    plain.publish(note('Refund for jane.doe@example.com', { id: 'plain-1' }));
    const listed = plain.backend.listNotifications({ userId: 'x', role: 'admin' }, { limit: 1 });
    assert.equal(listed.notifications[0]!.title, 'Refund for jane.doe@example.com');
    await plain.close();
  });

  test('GET /v1/demo-token is 404 outside demo mode', async () => {
    assert.equal((await fetch(`${hub.url}/v1/demo-token`)).status, 404);
  });

  test('in demo mode /v1/demo-token issues a working admin token, CORS for allowed origins only', async () => {
    const demo = await startHub({
      auth: {},
      demo: { simulator: false },
      allowedOrigins: ['http://demo.localhost:5173'],
    });
    const refused = await fetch(`${demo.url}/v1/demo-token`, { headers: { origin: 'https://evil.example' } });
    assert.equal(refused.status, 403);
    const res = await fetch(`${demo.url}/v1/demo-token`, { headers: { origin: 'http://demo.localhost:5173' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://demo.localhost:5173');
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: number };
    assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 16 * 60_000, 'short-lived');
    const client = await TestClient.open(demo, token);
    const welcome = client.frames[0]!;
    assert.equal(welcome.type === 'welcome' && welcome.user.role, 'admin');
    client.close();
    await demo.close();
  });

  test('mounted on an existing server: the hub answers its paths, the app keeps the rest', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('app');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const mounted = await createHub({
      server,
      db: ':memory:',
      auth: { jwtSecret: TEST_SECRET },
      publishKey: TEST_PUBLISH_KEY,
      log: 'silent',
    });
    const port = (server.address() as AddressInfo).port;
    assert.equal(mounted.port, port);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/anything`)).text(), 'app');
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const client = await TestClient.open(mounted, await signToken({ sub: 'mounted' }));
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    assert.equal(snapshot.seq, 0);
    const published = await post(mounted, note('via mounted hub'));
    assert.equal(published.status, 202);
    await client.waitForEvent((e) => e.kind === 'notification', 'event');
    await mounted.close();
    assert.equal((await client.waitClosed()).code, 1001);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text(), 'app', 'unmounted cleanly');
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('hub HTTP rate limit', () => {
  test('publishes over the per-key rate get 429 with Retry-After', async () => {
    const hub = await startHub({ publishRate: { perSecond: 0.1, burst: 2 } });
    assert.equal((await post(hub, note('1'))).status, 202);
    assert.equal((await post(hub, note('2'))).status, 202);
    const limited = await post(hub, note('3'));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    await hub.close();
  });

  test('GET /v1/audit: failed keys per IP get 429 with Retry-After, shared with failed publishes', async () => {
    const hub = await startHub({ publishRate: { perSecond: 0.01, burst: 5 } });
    const audit = (key: string) => fetch(`${hub.url}/v1/audit`, { headers: { authorization: `Bearer ${key}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await audit(`guess-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await audit('guess-9');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // The same bucket as failed publish keys: switching endpoints buys no more guesses.
    assert.equal((await post(hub, note('x'), { key: 'another-guess' })).status, 429);
    // The publish key has its own bucket and still reads the audit trail.
    assert.equal((await audit(TEST_PUBLISH_KEY)).status, 200);
    await hub.close();
  });
});
