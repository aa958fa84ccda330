/**
 * The storage side of the hub under abuse: what publishers, unauthenticated clients and the
 * operating environment (a damaged file, a second hub, another application's database) can do to
 * the SQLite store, and what the hub does instead. Figures each test holds are in docs/security.md.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { SnapshotMessage, WelcomeMessage } from '../../../src/core/protocol.js';
import { AUDIT_LIMITS } from '../../../src/hub/audit.js';
import { type NewEntry, STORAGE_LIMITS } from '../../../src/hub/backend.js';
import { parseCliArgs } from '../../../src/hub/config.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import { CLI_ENV, killAllCli, runCli, startCliHub } from '../../support/cli-process.js';
import {
  closeAllHubs,
  note,
  post,
  signToken,
  startHub,
  TEST_PUBLISH_KEY,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';

const tmpRoot = mkdtempSync(join(tmpdir(), 'admin-realtime-storage-'));
after(async () => {
  killAllCli();
  await closeAllHubs();
  rmSync(tmpRoot, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const nowT = Math.floor(T0 / 1000);
let counter = 0;
const dbPath = (name: string) => join(tmpRoot, `${name}-${++counter}.db`);

/** Worst case for JSON length in the publish range (±1e15): 22 characters each. */
const LONG_VALUE = -1.2345678901234566e-7;

function metricsEntry(atSeconds: number, values: Record<string, number>): NewEntry {
  return { event: { kind: 'metrics', id: `m-${++counter}`, values, at: new Date(atSeconds * 1000).toISOString() } };
}

const names = (n: number, prefix = 'metric') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('storage abuse: metrics', () => {
  test('names past the cap and `at` outside [now - retention, now + skew] are refused with 400', async () => {
    const hub = await startHub({ now: () => T0 });
    const first = Object.fromEntries(names(32).map((n) => [n, 1]));
    const second = Object.fromEntries(names(32, 'other').map((n) => [n, 2]));
    assert.equal((await post(hub, { kind: 'metrics', values: first })).status, 202);
    assert.equal((await post(hub, [{ kind: 'metrics', values: second }])).status, 202);

    const over = await post(hub, [note('kept out too'), { kind: 'metrics', values: { metric0: 3, brandNew: 1 } }]);
    assert.equal(over.status, 400);
    assert.match(
      String(over.body.error),
      /^\[1\]\.values: new metric name "brandNew" refused: .*at most 64 metric names/,
    );
    const future = await post(hub, { kind: 'metrics', values: { metric0: 1 }, at: '2099-01-01T00:00:00Z' });
    assert.equal(future.status, 400);
    assert.match(String(future.body.error), /^at: must be at most 60 s ahead of the hub's clock/);
    const old = new Date(T0 - 3601_000).toISOString();
    const stale = await post(hub, { kind: 'metrics', values: { metric0: 1 }, at: old });
    assert.equal(stale.status, 400);
    assert.match(String(stale.body.error), /^at: must be within the 3600 s of metric history/);
    // Known names at an allowed time still go in; nothing of a refused batch was stored.
    assert.equal((await post(hub, { kind: 'metrics', values: { metric0: 4 } })).status, 202);
    assert.equal(await hub.backend.latestSeq(), 3, 'the refused batch (with its notification) stored nothing');
  });

  test('the attack: 16,000 names dated 2099 leave the snapshot as it was', async () => {
    const hub = await startHub({ now: () => T0 });
    const token = await signToken({ sub: 'watcher' });
    const attack = Array.from({ length: 500 }, (_, i) => ({
      kind: 'metrics',
      at: '2099-01-01T00:00:00Z',
      values: Object.fromEntries(names(32, `x${i}_`).map((n) => [n, 1])),
    }));
    for (let i = 0; i < 2; i++) assert.equal((await post(hub, attack)).status, 400);
    const client = await TestClient.open(hub, token);
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    assert.deepEqual(snapshot.metrics, { t: [], series: {} });
    client.close();
  });

  test('worst-case snapshot: 64 names x 3600 s of 22-character values stays under 256 KiB', async () => {
    const hub = await startHub({ now: () => T0 });
    const all = names(STORAGE_LIMITS.metricNames);
    const rows: NewEntry[] = [];
    for (let s = 3599; s >= 0; s--) {
      rows.push(metricsEntry(nowT - s, Object.fromEntries(all.slice(0, 32).map((n) => [n, LONG_VALUE]))));
      rows.push(metricsEntry(nowT - s, Object.fromEntries(all.slice(32).map((n) => [n, LONG_VALUE]))));
    }
    for (let i = 0; i < rows.length; i += 1000) await hub.backend.append(rows.slice(i, i + 1000));

    const started = performance.now();
    const history = await hub.backend.metricHistory(0);
    const buildMs = performance.now() - started;
    const values = history.t.length * Object.keys(history.series).length;
    assert.equal(Object.keys(history.series).length, 64);
    assert.ok(values <= STORAGE_LIMITS.snapshotMetricValues + 64, `${values} values`);
    assert.ok(history.t[0]! <= nowT - 3590 && history.t.at(-1) === nowT, 'still the whole hour');

    const client = await TestClient.open(hub, await signToken({ sub: 'charts' }));
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    const bytes = Buffer.byteLength(client.raw.find((r) => r.startsWith('{"type":"snapshot"'))!);
    console.log(
      `worst-case snapshot: ${bytes} bytes, ${values} metric values, history built in ${buildMs.toFixed(0)} ms`,
    );
    assert.ok(bytes < 256 * 1024, `snapshot ${bytes} bytes`);
    assert.equal(snapshot.metrics.t.length, history.t.length);
    // The client is not cut for it, and hears what comes next.
    await hub.publish(note('after the snapshot'));
    await client.waitForEvent((e) => e.kind === 'notification', 'live event');
    assert.equal(client.closedWith, null);
    client.close();
  });

  test('a store written before the bounds: future samples pruned, extra names never reach a snapshot', async () => {
    const path = dbPath('legacy-metrics');
    const writer = createSqliteBackend({ path, now: () => T0 });
    await writer.append([metricsEntry(nowT - 5, { activeUsers: 3 })]);
    await writer.close();
    // What an older hub let in: 16,000 names in 2099, 100 current ones (schema 1, no name table).
    const raw = new Database(path);
    // Schema 1 had only these tables: every later migration's (metric_names and beyond) goes.
    const schema1 = new Set(
      'meta stream event_ids notifications notification_audience notification_reads read_marks user_state metric_samples latest activity audit'.split(
        ' ',
      ),
    );
    const later = raw
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all()
      .filter((row) => !schema1.has(row.name));
    for (const { name } of later) raw.exec(`DROP TABLE ${name}`);
    raw.pragma('user_version = 1');
    const put = raw.prepare('INSERT INTO metric_samples (t, name, value) VALUES (?, ?, ?)');
    raw.transaction(() => {
      for (const n of names(16_000, 'future')) put.run(4_070_908_800, n, 1);
      for (const n of names(100, 'now')) put.run(nowT - 1, n, 1);
    })();
    raw.close();

    const backend = createSqliteBackend({ path, now: () => T0 });
    const before = await backend.metricHistory(0);
    assert.ok(
      before.t.every((t) => t <= nowT + 60),
      'no future second',
    );
    assert.equal(Object.keys(before.series).length, 64);
    await backend.prune();
    await backend.close();
    const check = new Database(path, { readonly: true });
    const future = check.prepare('SELECT count(*) AS n FROM metric_samples WHERE t > ?').get(nowT + 60) as {
      n: number;
    };
    check.close();
    assert.equal(future.n, 0, 'the future samples are gone after one prune, so they do not survive a restart');
  });
});

describe('storage abuse: replay retention', () => {
  test('30,000 events: one prune keeps replayCount rows; older resumes get null before any prune', async () => {
    const path = dbPath('replay');
    const clock = { now: T0 };
    const backend = createSqliteBackend({ path, now: () => clock.now });
    const batch = (n: number) =>
      Array.from(
        { length: n },
        (): NewEntry => ({
          event: { kind: 'agents', id: `a-${++counter}`, active: 1, idle: 0, error: 0, at: new Date(T0).toISOString() },
        }),
      );
    for (let i = 0; i < 60; i++) await backend.append(batch(500));
    assert.equal(await backend.latestSeq(), 30_000);
    // Before the pruner ran: retention is what counts.
    assert.equal(await backend.replay(1), null, 'more than replayCount behind');
    assert.equal(await backend.replay(19_999), null);
    assert.equal((await backend.replay(20_000, 500))?.length, 500, 'within retention, one page');
    assert.equal((await backend.replay(29_500))?.length, 500);

    const started = performance.now();
    await backend.prune();
    const pruneMs = performance.now() - started;
    const raw = new Database(path, { readonly: true });
    const rows = (raw.prepare('SELECT count(*) AS n FROM stream').get() as { n: number }).n;
    raw.close();
    console.log(`prune after 30,000 events: ${rows} stream rows kept, ${pruneMs.toFixed(0)} ms`);
    assert.equal(rows, 10_000);

    // Age: an hour later nothing is replayable, whatever is still stored.
    clock.now += 3600_000 + 1;
    assert.equal(await backend.replay(29_000), null);
    await backend.append(batch(1));
    assert.deepEqual(
      (await backend.replay(30_000))?.map((e) => e.event.seq),
      [30_001],
    );
    await backend.close();
  });

  test('ten clients resuming from seq 1 over a 12,000-event backlog get snapshots, not replays', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'resumer' });
    const stream = hub.backend.streamId();
    for (let i = 0; i < 24; i++) await hub.publish(Array.from({ length: 500 }, (_, j) => note(`n ${i}-${j}`)));
    const clients = await Promise.all(
      Array.from({ length: 10 }, () => TestClient.open(hub, token, { resumeFrom: 1, stream })),
    );
    for (const client of clients) {
      assert.equal((client.frames[0] as WelcomeMessage).resumed, false);
      const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
      assert.equal(snapshot.seq, 12_000);
      assert.equal(client.events().length, 0, 'nothing replayed');
      client.close();
    }
  });
});

describe('storage abuse: a damaged database', () => {
  test('a file with overwritten pages: the CLI refuses to start and says what to do', { timeout: 20_000 }, async () => {
    const path = dbPath('corrupt');
    const writer = createSqliteBackend({ path, now: () => T0 });
    for (let i = 0; i < 20; i++) {
      await writer.append(
        Array.from(
          { length: 100 },
          (_, j) =>
            ({
              event: {
                kind: 'notification',
                id: `c-${i}-${j}`,
                title: `x`.repeat(150),
                category: 'system',
                priority: 'low',
                createdAt: new Date(T0).toISOString(),
              },
            }) as NewEntry,
        ),
      );
    }
    await writer.close();
    const size = readFileSync(path).length;
    const fd = openSync(path, 'r+');
    const garbage = Buffer.alloc(4096 * 4, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);

    const { out, exited } = runCli(['--port', '0', '--db', path], CLI_ENV);
    assert.equal(await exited, 1);
    assert.match(out.stderr, /database .* is damaged/);
    assert.match(out.stderr, /restore it from a backup, or move it .* aside/);
  });

  test('corruption met at run time turns /healthz to 503 and keeps it there while publishes succeed', async () => {
    const path = dbPath('corrupt-live');
    const hub = await startHub({ db: path });
    const base = { at: new Date().toISOString(), userId: null, role: null, ip: '198.51.100.1', userAgent: null };
    for (let i = 0; i < 3; i++) await hub.backend.audit({ ...base, action: 'connect' });
    assert.equal((await post(hub, note('before'))).status, 202);

    // Damage the audit table's root page on disk, then make the hub re-read from disk (another
    // connection's write invalidates its page cache).
    const other = new Database(path);
    other.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = other.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'audit'`).get() as {
      rootpage: number;
    };
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (rootpage - 1) * 4096);
    closeSync(fd);
    other.prepare(`INSERT INTO meta (key, value) VALUES ('touched-by-test', '1')`).run();
    other.close();

    // A failed auth writes an audit row: the write fails in the session (logged, not thrown).
    const bad = await TestClient.connect(hub.wsUrl);
    bad.send({ type: 'auth', token: 'not-a-jwt' });
    await bad.waitClosed('auth failure');
    assert.equal((await post(hub, note('after'))).status, 202, 'publishes still work');
    const health = await fetch(`${hub.url}/healthz`);
    const body = (await health.json()) as { ok: boolean; detail?: string };
    assert.equal(health.status, 503);
    assert.match(body.detail ?? '', /corrupt.*restore it from a backup/);
  });
});

describe('storage abuse: one file, one hub', () => {
  test('a second hub on the same file refuses, pointing to the cluster mode; after kill -9 a restart works', {
    timeout: 20_000,
  }, async () => {
    const path = dbPath('shared');
    const first = await startCliHub(path);
    const second = runCli(['--port', '0', '--db', path], CLI_ENV);
    assert.equal(await second.exited, 1);
    assert.match(second.out.stderr, /another hub process is using .*--postgres-url \(see docs\/deploy\.md\)/);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = await startCliHub(path);
    const published = await fetch(`${third.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_PUBLISH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(note('after the restart')),
    });
    assert.equal(published.status, 202);
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
  });

  test('in one process too: a second backend on an open file is refused until the first closes', () => {
    const path = dbPath('same-process');
    const a = createSqliteBackend({ path });
    assert.throws(() => createSqliteBackend({ path }), /another hub process is using/);
    a.close();
    createSqliteBackend({ path }).close();
  });

  test("another application's database is refused and left untouched", { timeout: 20_000 }, async () => {
    const path = dbPath('foreign');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada')`);
    raw.close();
    const { out, exited } = runCli(['--port', '0', '--db', path], CLI_ENV);
    assert.equal(await exited, 1);
    assert.match(out.stderr, /holds tables of another application \(customers\).*own with --db/);
    const check = new Database(path, { readonly: true });
    const tables = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    assert.deepEqual(
      tables.map((t) => t.name),
      ['customers'],
    );
    assert.equal(check.pragma('user_version', { simple: true }), 0);
    check.close();
  });
});

describe('storage abuse: audit trail', () => {
  test('1,302 failed auths from 40 IPs with 15 KB user agents: one bounded row per IP per minute', async () => {
    const clock = { now: T0 };
    const backend = createSqliteBackend({ path: ':memory:', now: () => clock.now });
    const agent = 'A'.repeat(15_000);
    for (let i = 0; i < 1302; i++) {
      await backend.audit({
        at: new Date(clock.now).toISOString(),
        action: 'auth-failed',
        userId: null,
        role: null,
        ip: `203.0.113.${i % 40}`,
        userAgent: agent,
        detail: { code: 4004, reason: 'x'.repeat(5000) },
      });
    }
    const rows = await backend.readAudit({ limit: 1000 });
    assert.equal(rows.length, 40);
    const counts = rows.map((r) => r.detail?.count as number);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      1302,
    );
    for (const row of rows) {
      assert.equal(row.userAgent?.length, AUDIT_LIMITS.userAgent);
      assert.ok(JSON.stringify(row.detail).length <= AUDIT_LIMITS.detailJson);
      assert.equal(typeof row.detail?.truncated, 'number');
    }
    // A minute later the same IP gets a new row.
    clock.now += AUDIT_LIMITS.foldMs;
    await backend.audit({
      at: new Date(clock.now).toISOString(),
      action: 'auth-failed',
      userId: null,
      role: null,
      ip: '203.0.113.1',
      userAgent: null,
    });
    assert.equal((await backend.readAudit({ limit: 1000 })).length, 41);
    await backend.close();
  });

  test('subscribe changes of one client fold per minute; other actions stay one row each', async () => {
    const backend = createSqliteBackend({ path: ':memory:', now: () => T0 });
    const base = { at: new Date(T0).toISOString(), userId: 'alice', role: 'admin', ip: '::1', userAgent: 'ua' };
    for (let i = 0; i < 19; i++)
      await backend.audit({ ...base, action: 'subscribe', detail: { categories: [`c${i}`] } });
    await backend.audit({ ...base, userId: 'bob', action: 'subscribe', detail: { categories: null } });
    for (let i = 0; i < 3; i++) await backend.audit({ ...base, action: 'mark-read', detail: { ids: [`n${i}`] } });
    const rows = await backend.readAudit({});
    assert.deepEqual(
      rows.map((r) => r.action),
      ['mark-read', 'mark-read', 'mark-read', 'subscribe', 'subscribe'],
    );
    assert.deepEqual(rows[4]!.detail, { categories: ['c18'], count: 19, lastAt: base.at }, 'the last state, counted');
    await backend.close();
  });

  test('over sockets: 30 bad tokens from one IP are one row with count 30', async () => {
    const hub = await startHub({ connectionRate: { perSecond: 100, burst: 100 } });
    for (let i = 0; i < 30; i++) {
      const bad = await TestClient.connect(hub.wsUrl, { headers: { 'user-agent': 'B'.repeat(15_000) } });
      bad.send({ type: 'auth', token: 'not-a-jwt' });
      await bad.waitClosed('auth failure');
    }
    const rows = await waitUntil(async () => {
      const r = await hub.backend.readAudit({ action: 'auth-failed' });
      return r[0]?.detail?.count === 30 ? r : null;
    }, 'folded count');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.userAgent?.length, 256);
  });

  test('rows older than --audit-days are pruned; 0 keeps them', async () => {
    for (const [auditDays, kept] of [
      [90, 1],
      [0, 2],
    ] as const) {
      const clock = { now: T0 };
      const backend = createSqliteBackend({ path: ':memory:', now: () => clock.now, retention: { auditDays } });
      const row = () => ({
        at: new Date(clock.now).toISOString(),
        action: 'connect' as const,
        userId: 'a',
        role: 'admin',
        ip: '::1',
        userAgent: null,
      });
      await backend.audit(row());
      clock.now += 91 * 24 * 3600_000;
      await backend.audit(row());
      await backend.prune();
      assert.equal((await backend.readAudit({})).length, kept, `auditDays ${auditDays}`);
      await backend.close();
    }
    const config = parseCliArgs(['--jwt-secret', 's', '--publish-key', 'k'], { ADMIN_REALTIME_AUDIT_DAYS: '30' });
    assert.equal(config.kind === 'ok' && config.options.retention?.auditDays, 30);
    assert.equal(parseCliArgs(['--audit-days', '-1', '--jwt-secret', 's', '--publish-key', 'k'], {}).kind, 'error');
  });
});
