import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { isSafeLink, type SnapshotMessage } from '../../../src/core/protocol.js';
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
    assert.equal(accepted[0]!.seq, await hub.backend.latestSeq());

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
    const listed = await hub.backend.listNotifications(
      { userId: 'x', role: 'admin' },
      { limit: 100, categories: ['billing'] },
    );
    assert.equal(listed.notifications.filter((n) => n.id === 'evt-retry-1').length, 1);
    assert.equal((await hub.publish(event)).accepted[0]!.duplicate, true, 'the Node API is idempotent too');
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

  test('the Node API validates exactly as HTTP does', async () => {
    await assert.rejects(
      hub.publish({ kind: 'notification', title: 'x', priority: 'urgent' }),
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
    assert.deepEqual(body, { ok: true, storage: 'ok', connections: 1, seq: await hub.backend.latestSeq() });
    client.close();
    await client.closed;
  });

  test('GET /healthz answers 503 when storage is unhealthy', async () => {
    const real = createSqliteBackend({ path: ':memory:' });
    const broken: HubBackend = { ...real, health: async () => ({ ok: false, detail: 'disk full' }) };
    const sick = await createHub({ backend: broken, auth: { jwtSecret: TEST_SECRET }, log: 'silent' });
    const res = await fetch(`${sick.url}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.ok, false);
    assert.equal(body.storage, 'unavailable');
    await sick.close();
  });

  test('a publish storage cannot take answers 503 with Retry-After, and nothing is acknowledged', async () => {
    const real = createSqliteBackend({ path: ':memory:' });
    const down: HubBackend = { ...real, append: async () => Promise.reject(new Error('connection refused')) };
    const sick = await createHub({
      backend: down,
      auth: { jwtSecret: TEST_SECRET },
      publishKey: TEST_PUBLISH_KEY,
      log: 'silent',
    });
    const res = await post(sick, note('lost?', { id: 'retry-me' }));
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.match(String(res.body.error), /nothing was stored; retry with the same event ids/);
    assert.equal(await real.latestSeq(), 0);
    await sick.close();
  });

  test('GET /v1/audit: publish key or super_admin token; filters by user and action', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'audited' }));
    const id = (await hub.publish(note('to read'))).accepted[0]!.id;
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
    await hub.publish([
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
    const stored = JSON.stringify(
      await hub.backend.listNotifications({ userId: 'masked', role: 'admin' }, { limit: 10 }),
    );
    assert.ok(!stored.includes('jane.doe@example.com') && !stored.includes(secret), 'stored masked');
    client.close();

    const plain = await startHub({ masking: false });
    await plain.publish(note('Refund for jane.doe@example.com', { id: 'plain-1' }));
    const listed = await plain.backend.listNotifications({ userId: 'x', role: 'admin' }, { limit: 1 });
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

describe('hub HTTP: nothing sensitive reaches a client or the SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-mask-'));
  const db = join(dir, 'hub.db');
  let hub: Hub;
  let client: TestClient;
  before(async () => {
    hub = await startHub({ db });
    client = await TestClient.open(hub, await signToken({ sub: 'masked-reader' }));
  });
  after(async () => {
    client?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  const stripe = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZ0123456789abcdefghij';
  /** Each sensitive value as sent, and the part of it that must appear nowhere afterwards. */
  const SENSITIVE: [sent: string, secret: string][] = [
    ['jane.doe@example.com', 'jane.doe'],
    ['jürgen.müller@bücher.de', 'jürgen.müller'],
    ['bob.stone\u200b@example.com', 'bob.stone'],
    ['carol.king＠example.com', 'carol.king'],
    ['+44 20 7946 0958', '20 7946'],
    ['4242 4242 4242 4242', '4242 4242 4242'],
    ['4000.0566.5566.5556', '4000.0566.5566'],
    ['5555_5555_5555_4444', '5555_5555_5555'],
    ['4111\u00a01111\u00a01111\u00a01111', '4111\u00a01111\u00a01111'],
    [stripe, '51HqLyjWDarjtT1zdp7dcXYZ'],
    [jwt, 'IkpXVCJ9.eyJzdWIi'],
  ];
  const all = SENSITIVE.map(([sent]) => sent).join(' / ');
  /** Short fields (title, action, user name: at most 200 characters) carry a few at a time. */
  const few = (...indices: number[]) => indices.map((i) => SENSITIVE[i]![0]).join(' ');
  /** Every secret, also as JSON and URL encoding would write it. */
  const needles = SENSITIVE.flatMap(([, secret]) => [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
  ]);
  const leaks = (text: string) => needles.filter((needle) => text.includes(needle));

  /** Every table of the hub's file, read through a second, read-only connection: name → rows as JSON. */
  function readTables(): Map<string, string> {
    const file = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const names = file.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      return new Map(names.map(({ name }) => [name, JSON.stringify(file.prepare(`SELECT * FROM "${name}"`).all())]));
    } finally {
      file.close();
    }
  }

  test('every text field of every kind is masked on the wire and in every table', async () => {
    const link =
      `https://admin.example.com/customers/${encodeURIComponent('jane.doe@example.com')}/cards/4242-4242-4242-4242` +
      `?email=${encodeURIComponent('jürgen.müller@bücher.de')}&phone=${encodeURIComponent('+44 20 7946 0958')}` +
      `&api_key=${stripe}&tab=billing#token=${jwt}&card=${encodeURIComponent('5555_5555_5555_4444')}`;
    const published = await post(hub, [
      {
        kind: 'notification',
        id: 'mask-e2e-n',
        title: `Refund for ${few(0, 4, 5)}`,
        message: `Details: ${all}; order INV-2026-000123`,
        category: 'billing',
        link,
        createdAt: '2026-11-25T11:00:00+01:00',
        data: {
          customer: SENSITIVE[0]![0],
          contacts: SENSITIVE.map(([sent]) => sent),
          nested: { deeper: { note: all } },
          cardNumber: 4242424242424242,
          invoice: 'INV-2026-000123',
        },
        audience: { roles: ['admin'] },
      },
      {
        kind: 'activity',
        id: 'mask-e2e-a',
        type: 'billing',
        action: `charged ${few(1, 6, 9)}`,
        user: { id: 'u-1001', name: `Jane ${few(2, 3, 7, 8)}`, email: 'jane.doe@example.com' },
        detail: all,
        at: '2026-11-25T10:00:00Z',
      },
      {
        kind: 'status',
        id: 'mask-e2e-s',
        components: { payments: { state: 'degraded', message: `declined ${all}` }, api: { state: 'operational' } },
        at: '2026-11-25T10:00:00Z',
      },
      { kind: 'metrics', id: 'mask-e2e-m', values: { activeCalls: 3 }, at: new Date().toISOString() },
    ]);
    assert.equal(published.status, 202, JSON.stringify(published.body));
    await client.waitForEvent((e) => e.id === 'mask-e2e-m', 'the last event of the batch');

    const wire = client.raw.join('\n');
    assert.deepEqual(leaks(wire), [], 'nothing sensitive on the wire');
    const events = client.events();
    const note = events.find((e) => e.id === 'mask-e2e-n');
    assert.ok(note?.kind === 'notification');
    assert.ok(note.link && isSafeLink(note.link), `the masked link is still an http(s) URL: ${note.link}`);
    const url = new URL(note.link);
    assert.equal(url.host, 'admin.example.com');
    assert.equal(url.searchParams.get('tab'), 'billing');
    assert.deepEqual(leaks(decodeURIComponent(url.href)), [], 'the parsed link, decoded, leaks nothing');
    assert.equal(note.createdAt, '2026-11-25T10:00:00.000Z', 'the offset is applied');
    assert.equal((note.data as { invoice: string }).invoice, 'INV-2026-000123', 'an invoice number is kept');
    assert.ok(wire.includes('@example.com') && wire.includes('4242'), 'domains and last digits stay readable');

    const tables = readTables();
    for (const name of ['stream', 'notifications', 'activity', 'latest', 'event_ids'])
      assert.ok(tables.has(name), name);
    for (const [table, text] of tables) assert.deepEqual(leaks(text), [], `table ${table}`);
    assert.match(tables.get('activity') ?? '', /j•••@example\.com/, 'the stored activity is the masked one');
  });

  test('identifiers that look sensitive are refused with a 400 naming the field, and not stored', async () => {
    const cases: [unknown, string][] = [
      [note('x', { id: 'jane.doe@example.com' }), 'id'],
      [note('x', { id: stripe }), 'id'],
      [note('x', { category: '4242424242424242' }), 'category'],
      [note('x', { data: { 'jane.doe@example.com': 'invited' } }), `data.j•••@example.com (name)`],
      [note('x', { data: { list: [{ [stripe]: 1 }] } }), `data.list[0].sk_live_•••••••• (name)`],
      [note('x', { audience: { roles: ['admin', stripe] } }), 'audience.roles[1]'],
      [{ kind: 'activity', type: 'billing', action: 'a', user: { id: 'jane.doe@example.com' } }, 'user.id'],
      [{ kind: 'activity', type: '02079460958', action: 'a', user: { id: 'u1' } }, 'type'],
      [{ kind: 'metrics', values: { [stripe.slice(0, 40)]: 1 } }, `values.sk_live_•••••••• (name)`],
      [{ kind: 'status', components: { '4242424242424242': { state: 'down' } } }, `components.••••••••••••4242 (name)`],
    ];
    for (const [event, path] of cases) {
      for (const [body, prefix] of [
        [event, ''],
        [[note('fine'), event], '[1].'],
      ] as const) {
        const res = await post(hub, body);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        const error = String(res.body.error);
        assert.ok(error.startsWith(`${prefix}${path}: looks like personal data or a secret`), error);
        assert.match(error, /identifiers are stored and shown as sent, never masked: use an opaque one/);
        assert.deepEqual(leaks(error), [], 'the refusal does not echo the value');
      }
      await assert.rejects(hub.publish(event), /looks like personal data or a secret/, 'the Node API refuses too');
    }
    assert.equal(
      (await post(hub, note('fine', { id: 'evt-2026-11-25-0001', data: { customerId: 'cus_123' } }))).status,
      202,
    );
    const tables = readTables();
    assert.match(tables.get('event_ids') ?? '', /evt-2026-11-25-0001/);
    for (const [table, text] of tables) assert.deepEqual(leaks(text), [], `no refused value in table ${table}`);
  });

  test('impossible timestamps and reserved data keys are refused before storage, naming the field', async () => {
    const date = await post(hub, note('x', { createdAt: '2026-02-31T00:00:00Z' }));
    assert.equal(date.status, 400);
    assert.equal(date.body.error, 'createdAt: has no day 31 in 2026-02 (28 days)');
    const hour = await post(hub, { kind: 'agents', active: 1, idle: 0, error: 0, at: '2026-11-25T24:00:00Z' });
    assert.equal(hour.body.error, 'at: has no time 24:00:00 (hours 00-23, minutes and seconds 00-59)');
    const proto = await post(hub, null, {
      raw: '{"kind":"notification","title":"x","data":{"__proto__":{"admin":true}}}',
    });
    assert.equal(proto.status, 400);
    assert.equal(proto.body.error, 'data.__proto__: is not an allowed name');
    const ctor = await post(hub, note('x', { data: { a: { constructor: 1 } } }));
    assert.equal(ctor.body.error, 'data.a.constructor: is not an allowed name');
  });

  test('the raw SQLite file holds none of the secrets either (after the hub closed)', async () => {
    client.close();
    await hub.close();
    const files = readdirSync(dir).filter((f) => f.startsWith('hub.db'));
    assert.ok(files.includes('hub.db'));
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      for (const needle of needles) assert.ok(!bytes.includes(Buffer.from(needle)), `${f} holds ${needle}`);
    }
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
