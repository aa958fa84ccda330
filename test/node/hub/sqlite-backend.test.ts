import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Priority } from '../../../src/core/protocol.js';
import type { NewEntry, StreamEntry, Viewer } from '../../../src/hub/backend.js';
import { createSqliteBackend, type SqliteBackendOptions } from '../../../src/hub/sqlite-backend.js';
import { SCHEMA_VERSION } from '../../../src/hub/storage/sqlite-schema.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const tmpRoot = mkdtempSync(join(tmpdir(), 'admin-realtime-sqlite-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

const alice: Viewer = { userId: 'alice', role: 'admin' };
const bob: Viewer = { userId: 'bob', role: 'admin' };
const root: Viewer = { userId: 'root', role: 'super_admin' };

let counter = 0;
const uid = (prefix: string) => `${prefix}-${++counter}`;

function note(
  opts: { id?: string; category?: string; priority?: Priority; title?: string; audience?: NewEntry['audience'] } = {},
): NewEntry {
  return {
    event: {
      kind: 'notification',
      id: opts.id ?? uid('n'),
      title: opts.title ?? 'Hello',
      category: opts.category ?? 'system',
      priority: opts.priority ?? 'medium',
      createdAt: new Date(T0).toISOString(),
    },
    ...(opts.audience ? { audience: opts.audience } : {}),
  };
}

function activity(id = uid('a'), action = 'signed in'): NewEntry {
  return {
    event: {
      kind: 'activity',
      id,
      type: 'authentication',
      action,
      user: { id: 'u1', name: 'User One' },
      at: new Date(T0).toISOString(),
    },
  };
}

function metrics(atSeconds: number, values: Record<string, number>): NewEntry {
  return { event: { kind: 'metrics', id: uid('m'), values, at: new Date(atSeconds * 1000).toISOString() } };
}

/** One row of a query on the file, read by another connection (what is really stored). */
function rawGet<T>(path: string, sql: string): T {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare(sql).get() as T;
  } finally {
    raw.close();
  }
}

/** A backend on a fake clock; `clock.now` can be moved. */
function open(extra: Partial<SqliteBackendOptions> = {}) {
  const clock = { now: T0 };
  const backend = createSqliteBackend({ path: ':memory:', now: () => clock.now, ...extra });
  return { backend, clock };
}

const seqs = (entries: StreamEntry[] | null) => entries?.map((e) => e.event.seq) ?? null;

describe('sqlite backend: append', () => {
  test('assigns increasing seqs from 1 and fans out after commit, in order, one run per append', () => {
    const { backend } = open();
    assert.equal(backend.latestSeq(), 0);
    const seen: number[][] = [];
    backend.subscribe((entries) => {
      seen.push(entries.map((entry) => entry.event.seq));
      // After commit: the listener already sees the entries in storage.
      assert.ok(backend.latestSeq() >= entries.at(-1)!.event.seq);
    });
    const results = backend.append([note(), activity(), note()]);
    assert.deepEqual(
      results.map((r) => [r.entry.event.seq, r.duplicate]),
      [
        [1, false],
        [2, false],
        [3, false],
      ],
    );
    backend.append([note()]);
    assert.deepEqual(seen, [[1, 2, 3], [4]]);
    assert.equal(backend.latestSeq(), 4);
    assert.deepEqual(backend.append([]), []);
    backend.close();
  });

  test('a repeated id returns the stored entry, is not stored again and not fanned out', () => {
    const { backend } = open();
    let fanned = 0;
    backend.subscribe((entries) => {
      fanned += entries.length;
    });
    const first = backend.append([note({ id: 'pub-1', title: 'Original', audience: { roles: ['admin'] } })]);
    assert.equal(first[0]!.duplicate, false);
    const again = backend.append([note({ id: 'pub-1', title: 'Retry with other text' }), note({ id: 'pub-2' })]);
    assert.equal(again[0]!.duplicate, true);
    assert.equal(again[0]!.entry.event.seq, 1);
    assert.equal((again[0]!.entry.event as { title: string }).title, 'Original');
    assert.deepEqual(again[0]!.entry.audience, { roles: ['admin'] });
    assert.equal(again[1]!.duplicate, false);
    assert.equal(again[1]!.entry.event.seq, 2, 'a duplicate does not consume a seq');
    // Duplicates within one batch.
    const batch = backend.append([activity('same'), activity('same')]);
    assert.deepEqual(
      batch.map((r) => [r.entry.event.seq, r.duplicate]),
      [
        [3, false],
        [3, true],
      ],
    );
    assert.equal(fanned, 3);
    assert.equal(backend.latestSeq(), 3);
    assert.equal(backend.listNotifications(alice, { limit: 10 }).notifications.length, 2);
    backend.close();
  });

  test('a listener that appends is delivered after the current batch, keeping seq order', () => {
    const logs: Record<string, unknown>[] = [];
    const { backend } = open({ log: (o) => logs.push(o) });
    const order: number[][] = [];
    backend.subscribe((entries) => {
      order.push(entries.map((entry) => entry.event.seq));
      if (entries[0]!.event.seq === 1) backend.append([activity()]);
    });
    backend.subscribe((entries) => {
      if (entries.some((entry) => entry.event.seq === 2)) throw new Error('listener bug');
    });
    backend.append([note(), note()]);
    assert.deepEqual(order, [[1, 2], [3]]);
    assert.equal(logs.filter((l) => l.msg === 'backend listener failed').length, 1);
    backend.close();
  });

  test('unsubscribe stops delivery', () => {
    const { backend } = open();
    let n = 0;
    const off = backend.subscribe(() => n++);
    backend.append([note()]);
    off();
    backend.append([note()]);
    assert.equal(n, 1);
    backend.close();
  });
});

describe('sqlite backend: file persistence', () => {
  test('seq, stream id, ids and read state survive close and reopen; parent folder is created', () => {
    const path = join(tmpRoot, 'nested', 'deeper', 'hub.db');
    const a = createSqliteBackend({ path });
    a.append([note({ id: 'x1' }), note({ id: 'x2' }), activity('x3')]);
    a.markRead(alice, ['x1']);
    const stream = a.streamId();
    a.close();
    a.close(); // idempotent

    const b = createSqliteBackend({ path });
    assert.equal(b.streamId(), stream);
    assert.equal(b.latestSeq(), 3);
    const dup = b.append([note({ id: 'x2' })]);
    assert.equal(dup[0]!.duplicate, true);
    assert.equal(dup[0]!.entry.event.seq, 2);
    const fresh = b.append([note({ id: 'x4' })]);
    assert.equal(fresh[0]!.entry.event.seq, 4);
    assert.deepEqual(seqs(b.replay(1)), [2, 3, 4], 'resume across a hub restart');
    assert.equal(b.unreadCounts(alice).total, 2);
    b.close();

    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  test('a new file gets a new stream id', () => {
    const a = createSqliteBackend({ path: join(tmpRoot, 'one.db') });
    const b = createSqliteBackend({ path: join(tmpRoot, 'two.db') });
    assert.notEqual(a.streamId(), b.streamId());
    assert.match(a.streamId(), /^[0-9a-f-]{36}$/);
    a.close();
    b.close();
  });

  test('refuses a database from a newer schema version', () => {
    const path = join(tmpRoot, 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => createSqliteBackend({ path }), /newer than this hub supports/);
  });

  test('health reports a failing write until a write succeeds again', () => {
    const path = join(tmpRoot, 'health.db');
    const backend = createSqliteBackend({ path });
    const other = new Database(path);
    other.exec(`CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk is full'); END`);
    const record = {
      at: new Date(T0).toISOString(),
      action: 'connect',
      userId: 'alice',
      role: 'admin',
      ip: '::1',
      userAgent: null,
    } as const;
    assert.throws(() => backend.audit(record), /disk is full/);
    assert.deepEqual(backend.health(), { ok: false, detail: 'last write failed: disk is full' });
    other.exec('DROP TRIGGER fail_audit');
    other.close();
    backend.audit(record);
    assert.deepEqual(backend.health(), { ok: true });
    backend.close();
  });

  test('retention options left undefined keep their defaults', () => {
    const { backend } = open({ retention: { replayCount: undefined as unknown as number, replayAgeMs: 1000 } });
    for (let i = 0; i < 20; i++) backend.append([note()]);
    backend.prune();
    assert.deepEqual(seqs(backend.replay(0))?.length, 20);
    backend.close();
  });

  test('health reports ok, and not ok after close', () => {
    const { backend } = open();
    assert.deepEqual(backend.health(), { ok: true });
    backend.close();
    assert.equal(backend.health().ok, false);
  });
});

describe('sqlite backend: replay', () => {
  test('returns what came after, in order; [] when up to date; honours limit', () => {
    const { backend } = open();
    backend.append([note(), activity(), note(), note()]);
    assert.deepEqual(seqs(backend.replay(0)), [1, 2, 3, 4]);
    assert.deepEqual(seqs(backend.replay(2)), [3, 4]);
    assert.deepEqual(backend.replay(4), []);
    assert.deepEqual(seqs(backend.replay(0, 2)), [1, 2]);
    backend.close();
  });

  test('null when the client is ahead of the stream', () => {
    const { backend } = open();
    backend.append([note()]);
    assert.equal(backend.replay(5), null);
    assert.equal(backend.replay(-1), null);
    backend.close();
  });

  test('null once what the client missed was pruned (by count)', () => {
    const { backend } = open({ retention: { replayCount: 3 } });
    for (let i = 0; i < 6; i++) backend.append([note()]);
    backend.prune();
    assert.deepEqual(seqs(backend.replay(3)), [4, 5, 6], 'oldest retained - 1 still resumes');
    assert.equal(backend.replay(2), null);
    assert.equal(backend.replay(0), null);
    assert.deepEqual(backend.replay(6), []);
    backend.close();
  });

  test('null once what the client missed aged out, even when the log is empty', () => {
    const { backend, clock } = open({ retention: { replayAgeMs: 60_000 } });
    backend.append([note(), note()]);
    clock.now += 30_000;
    backend.append([note()]);
    clock.now += 45_000; // first two are 75 s old, the third 45 s
    backend.prune();
    assert.deepEqual(seqs(backend.replay(2)), [3]);
    assert.equal(backend.replay(1), null);
    clock.now += 60_000;
    backend.prune();
    assert.deepEqual(backend.replay(3), [], 'nothing missed');
    assert.equal(backend.replay(2), null);
    // The seq keeps counting after the log emptied.
    assert.equal(backend.append([note()])[0]!.entry.event.seq, 4);
    backend.close();
  });

  test('read events carry their audience through replay', () => {
    const { backend } = open();
    backend.append([
      {
        event: { kind: 'read', id: uid('r'), ids: ['n-1'], unread: { total: 0, byCategory: {}, byPriority: {} } },
        audience: { userIds: ['alice'] },
      },
    ]);
    const [entry] = backend.replay(0)!;
    assert.equal(entry!.event.kind, 'read');
    assert.deepEqual(entry!.audience, { userIds: ['alice'] });
    backend.close();
  });
});

describe('sqlite backend: notifications', () => {
  test('audience: absent is everyone; user ids and roles target; empty lists target nobody', () => {
    const { backend } = open();
    backend.append([
      note({ id: 'all' }),
      note({ id: 'to-alice', audience: { userIds: ['alice'] } }),
      note({ id: 'to-supers', audience: { roles: ['super_admin'] } }),
      note({ id: 'alice-or-supers', audience: { userIds: ['alice'], roles: ['super_admin'] } }),
      note({ id: 'empty-object', audience: {} }),
      note({ id: 'nobody', audience: { userIds: [] } }),
    ]);
    const ids = (v: Viewer) =>
      backend
        .listNotifications(v, { limit: 50 })
        .notifications.map((n) => n.id)
        .sort();
    assert.deepEqual(ids(alice), ['alice-or-supers', 'all', 'empty-object', 'to-alice']);
    assert.deepEqual(ids(bob), ['all', 'empty-object']);
    assert.deepEqual(ids(root), ['alice-or-supers', 'all', 'empty-object', 'to-supers']);
    assert.equal(backend.unreadCounts(bob).total, 2);
    assert.equal(backend.unreadCounts(root).total, 4);
    // Marking an invisible notification read is refused.
    assert.deepEqual(backend.markRead(bob, ['to-alice', 'all']), ['all']);
    backend.close();
  });

  test('read state is per user; markRead returns only what changed', () => {
    const { backend } = open();
    backend.append([note({ id: 'a' }), note({ id: 'b' }), note({ id: 'c' })]);
    assert.deepEqual(backend.markRead(alice, ['b', 'a', 'missing']), ['b', 'a']);
    assert.deepEqual(backend.markRead(alice, ['a', 'c', 'c']), ['c']);
    assert.deepEqual(backend.markRead(alice, ['a']), []);
    const aliceList = backend.listNotifications(alice, { limit: 10 }).notifications;
    assert.deepEqual(
      aliceList.map((n) => [n.id, n.read]),
      [
        ['c', true],
        ['b', true],
        ['a', true],
      ],
    );
    const bobList = backend.listNotifications(bob, { limit: 10 }).notifications;
    assert.ok(bobList.every((n) => !n.read));
    assert.equal(backend.unreadCounts(alice).total, 0);
    assert.equal(backend.unreadCounts(bob).total, 3);
    backend.close();
  });

  test('unread counts by category and priority, optionally for some categories', () => {
    const { backend } = open();
    backend.append([
      note({ id: 'b1', category: 'billing', priority: 'high' }),
      note({ id: 'b2', category: 'billing', priority: 'low' }),
      note({ id: 's1', category: 'security', priority: 'critical' }),
      note({ id: 's2', category: 'security', priority: 'high' }),
      note({ id: 'c1', category: 'calls', priority: 'low' }),
    ]);
    backend.markRead(alice, ['s2']);
    assert.deepEqual(backend.unreadCounts(alice), {
      total: 4,
      byCategory: { billing: 2, security: 1, calls: 1 },
      byPriority: { high: 1, low: 2, critical: 1 },
    });
    assert.deepEqual(backend.unreadCounts(alice, ['billing', 'security']), {
      total: 3,
      byCategory: { billing: 2, security: 1 },
      byPriority: { high: 1, low: 1, critical: 1 },
    });
    assert.deepEqual(backend.unreadCounts(alice, []), { total: 0, byCategory: {}, byPriority: {} });
    backend.close();
  });

  test('markAllRead with a filter marks only matching notifications through the seq', () => {
    const { backend } = open();
    backend.append([
      note({ id: 'b1', category: 'billing', priority: 'high' }), // 1
      note({ id: 'b2', category: 'billing', priority: 'low' }), // 2
      note({ id: 's1', category: 'security', priority: 'high' }), // 3
      note({ id: 'b3', category: 'billing', priority: 'high' }), // 4
    ]);
    assert.equal(backend.markAllRead(alice, 3, { category: 'billing' }), 2);
    assert.equal(backend.markAllRead(alice, 3, { category: 'billing' }), 0, 'nothing left to change');
    assert.deepEqual(backend.unreadCounts(alice).byCategory, { security: 1, billing: 1 });
    assert.equal(backend.markAllRead(alice, 4, { priority: 'high' }), 2); // s1, b3
    assert.equal(backend.unreadCounts(alice).total, 0);
    assert.equal(backend.unreadCounts(bob).total, 4, 'other users unaffected');

    // A later notification is not pre-read by a throughSeq beyond the stream.
    assert.equal(backend.markAllRead(bob, 1000, { category: 'billing', priority: 'high' }), 2);
    backend.append([note({ id: 'b5', category: 'billing', priority: 'high' })]);
    assert.deepEqual(backend.unreadCounts(bob).byCategory, { billing: 2, security: 1 });
    const list = backend.listNotifications(bob, { limit: 10 }).notifications;
    assert.deepEqual(
      list.map((n) => [n.id, n.read]),
      [
        ['b5', false],
        ['b3', true],
        ['s1', false],
        ['b2', false],
        ['b1', true],
      ],
    );
    // Without a filter: everything visible through the seq.
    assert.equal(backend.markAllRead(bob, backend.latestSeq()), 3);
    assert.equal(backend.unreadCounts(bob).total, 0);
    assert.deepEqual(backend.markRead(bob, ['b5']), [], 'already read by the mark');
    backend.close();
  });

  test('overlapping read marks and single reads are counted once', () => {
    const { backend } = open();
    backend.append([
      note({ id: 'bh1', category: 'billing', priority: 'high' }), // 1
      note({ id: 'bh2', category: 'billing', priority: 'high' }), // 2
      note({ id: 'sl1', category: 'security', priority: 'low' }), // 3
    ]);
    assert.deepEqual(backend.markRead(alice, ['bh1']), ['bh1']);
    assert.equal(backend.markAllRead(alice, 3, { category: 'billing' }), 1, 'bh1 was already read');
    assert.equal(backend.markAllRead(alice, 3, { priority: 'high' }), 0);
    backend.append([note({ id: 'bh3', category: 'billing', priority: 'high' })]); // 4
    assert.deepEqual(backend.unreadCounts(alice), {
      total: 2,
      byCategory: { billing: 1, security: 1 },
      byPriority: { high: 1, low: 1 },
    });
    assert.deepEqual(
      backend.listNotifications(alice, { limit: 10 }).notifications.map((n) => [n.id, n.read]),
      [
        ['bh3', false],
        ['sl1', false],
        ['bh2', true],
        ['bh1', true],
      ],
    );
    backend.close();
  });

  test('clear hides and marks read through the seq, for that user only', () => {
    const { backend } = open();
    backend.append([note({ id: 'a' }), note({ id: 'b' }), note({ id: 'c' })]);
    backend.clear(alice, 2);
    assert.deepEqual(
      backend.listNotifications(alice, { limit: 10 }).notifications.map((n) => n.id),
      ['c'],
    );
    assert.equal(backend.unreadCounts(alice).total, 1);
    assert.deepEqual(backend.markRead(alice, ['a']), [], 'cleared is already read');
    assert.equal(backend.listNotifications(bob, { limit: 10 }).notifications.length, 3);
    backend.append([note({ id: 'd' })]);
    assert.deepEqual(
      backend.listNotifications(alice, { limit: 10 }).notifications.map((n) => n.id),
      ['d', 'c'],
    );
    backend.clear(alice, 1); // never moves backwards
    assert.equal(backend.listNotifications(alice, { limit: 10 }).notifications.length, 2);
    backend.clear(alice, backend.latestSeq());
    assert.deepEqual(backend.listNotifications(alice, { limit: 10 }), { notifications: [], hasMore: false });
    assert.equal(backend.unreadCounts(alice).total, 0);
    backend.close();
  });

  test('history paging: newest first, beforeSeq, limit, hasMore, categories', () => {
    const { backend } = open();
    for (let i = 0; i < 25; i++) backend.append([note({ category: i % 2 ? 'billing' : 'system' })]);
    const page1 = backend.listNotifications(alice, { limit: 10 });
    assert.deepEqual(
      page1.notifications.map((n) => n.seq),
      [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
    );
    assert.equal(page1.hasMore, true);
    const page2 = backend.listNotifications(alice, { limit: 10, beforeSeq: 16 });
    assert.equal(page2.notifications[0]!.seq, 15);
    const page3 = backend.listNotifications(alice, { limit: 10, beforeSeq: 6 });
    assert.deepEqual(
      page3.notifications.map((n) => n.seq),
      [5, 4, 3, 2, 1],
    );
    assert.equal(page3.hasMore, false);
    const exact = backend.listNotifications(alice, { limit: 5, beforeSeq: 6 });
    assert.equal(exact.hasMore, false);
    const billing = backend.listNotifications(alice, { limit: 5, categories: ['billing'] });
    assert.deepEqual(
      billing.notifications.map((n) => n.seq),
      [24, 22, 20, 18, 16],
    );
    assert.ok(billing.notifications.every((n) => n.category === 'billing' && n.read === false));
    assert.equal(billing.hasMore, true);
    backend.close();
  });

  test('10,000 notifications: unread counts stay correct', () => {
    const { backend } = open();
    const categories = ['system', 'security', 'billing', 'agents', 'users', 'calls'];
    const priorities: Priority[] = ['low', 'medium', 'high', 'critical'];
    const batch: NewEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      batch.push(
        note({
          id: `bulk-${i}`,
          category: categories[i % 6]!,
          priority: priorities[i % 4]!,
          ...(i % 10 === 0 ? { audience: { userIds: ['bob'] } } : {}),
        }),
      );
      if (batch.length === 500) backend.append(batch.splice(0));
    }
    const counts = backend.unreadCounts(alice);
    assert.equal(counts.total, 9000);
    assert.equal(
      Object.values(counts.byCategory).reduce((a, b) => a + b, 0),
      9000,
    );
    assert.equal(backend.unreadCounts(bob).total, 10_000);
    backend.markRead(
      alice,
      Array.from({ length: 100 }, (_, i) => `bulk-${i + 1}`),
    );
    assert.equal(backend.unreadCounts(alice).total, 9000 - 90);
    backend.markAllRead(alice, 5000, { category: 'billing' });
    const billingLeft = backend.unreadCounts(alice, ['billing']).total;
    // billing is i % 6 === 2; of those, i % 10 !== 0 are visible to alice; i >= 5000 (seq > 5000) stay unread.
    let expected = 0;
    for (let i = 5000; i < 10_000; i++) if (i % 6 === 2 && i % 10 !== 0) expected++;
    assert.equal(billingLeft, expected);
    backend.markAllRead(alice, backend.latestSeq());
    assert.equal(backend.unreadCounts(alice).total, 0);
    backend.close();
  });
});

describe('sqlite backend: status, agents, activity, metrics', () => {
  test('latest status and agents, recent activity newest first', () => {
    const { backend } = open({ activityKeep: 3 });
    assert.equal(backend.latestStatus(), null);
    assert.equal(backend.latestAgents(), null);
    const at = new Date(T0).toISOString();
    backend.append([
      { event: { kind: 'status', id: uid('s'), components: { api: { state: 'operational' } }, at } },
      { event: { kind: 'status', id: uid('s'), components: { api: { state: 'degraded', latencyMs: 900 } }, at } },
      { event: { kind: 'agents', id: uid('g'), active: 3, idle: 2, error: 1, at } },
    ]);
    assert.deepEqual(backend.latestStatus(), { components: { api: { state: 'degraded', latencyMs: 900 } }, at });
    assert.deepEqual(backend.latestAgents(), { active: 3, idle: 2, error: 1, at });
    for (let i = 0; i < 5; i++) backend.append([activity(uid('a'), `action ${i}`)]);
    assert.deepEqual(
      backend.recentActivity(2).map((a) => a.action),
      ['action 4', 'action 3'],
    );
    backend.prune();
    assert.deepEqual(
      backend.recentActivity(10).map((a) => a.action),
      ['action 4', 'action 3', 'action 2'],
    );
    backend.close();
  });

  test('metric history is column-wise with nulls for gaps, within the window', () => {
    const { backend, clock } = open({ retention: { metricsSeconds: 60 } });
    const now = Math.floor(T0 / 1000);
    backend.append([
      metrics(now - 50, { activeUsers: 10, errorRate: 0.01 }),
      metrics(now - 40, { activeUsers: 12 }),
      metrics(now - 40, { activeCalls: 3 }), // same second, other series
      metrics(now - 30, { errorRate: 0.02, activeUsers: 11 }),
    ]);
    const history = backend.metricHistory(0);
    assert.deepEqual(history, {
      t: [now - 50, now - 40, now - 30],
      series: {
        activeUsers: [10, 12, 11],
        errorRate: [0.01, null, 0.02],
        activeCalls: [null, 3, null],
      },
    });
    for (const values of Object.values(history.series)) assert.equal(values.length, history.t.length);
    assert.deepEqual(backend.metricHistory(now - 35).t, [now - 30]);
    // Same second again: the last value wins.
    backend.append([metrics(now - 30, { errorRate: 0.5 })]);
    assert.deepEqual(backend.metricHistory(now - 35).series.errorRate, [0.5]);
    clock.now += 45_000;
    backend.prune();
    assert.deepEqual(backend.metricHistory(0).t, []);
    backend.close();
  });
});

describe('sqlite backend: prune', () => {
  test('bounded work per call: a backlog this process did not write drains a batch per call', () => {
    const path = join(tmpRoot, 'backlog.db');
    const writer = createSqliteBackend({ path, now: () => T0 });
    for (let i = 0; i < 40; i++) writer.append([activity()]);
    writer.close();
    const backend = createSqliteBackend({ path, now: () => T0, retention: { replayCount: 5 }, pruneBatch: 10 });
    const oldest = () => rawGet<{ seq: number }>(path, 'SELECT min(seq) AS seq FROM stream').seq;
    backend.prune();
    assert.equal(oldest(), 11, 'one batch of 10 removed');
    backend.prune();
    backend.prune();
    assert.equal(oldest(), 31, 'three batches removed');
    backend.prune();
    backend.prune(); // nothing left to do
    assert.equal(oldest(), 36);
    assert.deepEqual(seqs(backend.replay(35)), [36, 37, 38, 39, 40]);
    backend.close();
  });

  test('metric samples: a prune always makes progress, even when one second has more rows than a batch', () => {
    const path = join(tmpRoot, 'samples-backlog.db');
    const writer = createSqliteBackend({ path, now: () => T0 });
    const now = Math.floor(T0 / 1000);
    writer.append([metrics(now, { a: 1, b: 2, c: 3, d: 4, e: 5 }), metrics(now + 1, { a: 1 })]);
    writer.close();
    const clock = { now: T0 };
    const backend = createSqliteBackend({
      path,
      now: () => clock.now,
      retention: { metricsSeconds: 10 },
      pruneBatch: 2,
    });
    clock.now += 20_000;
    backend.prune();
    assert.deepEqual(backend.metricHistory(0), { t: [], series: {} });
    // Bypass the read-side window to see what is really stored.
    clock.now = T0;
    assert.deepEqual(backend.metricHistory(0).t, [now + 1]);
    clock.now += 20_000;
    backend.prune();
    clock.now = T0;
    assert.deepEqual(backend.metricHistory(0).t, []);
    backend.close();
  });

  test('old notifications go with their read rows; newer ones and read state stay', () => {
    const { backend, clock } = open({ retention: { notificationDays: 1 } });
    backend.append([note({ id: 'old-1' }), note({ id: 'old-2' })]);
    backend.markRead(alice, ['old-1']);
    clock.now += 20 * 3600_000;
    backend.append([note({ id: 'new-1' }), note({ id: 'new-2' })]);
    backend.markRead(alice, ['new-1']);
    clock.now += 5 * 3600_000; // old: 25 h, new: 5 h
    backend.prune();
    const list = backend.listNotifications(alice, { limit: 10 }).notifications;
    assert.deepEqual(
      list.map((n) => [n.id, n.read]),
      [
        ['new-2', false],
        ['new-1', true],
      ],
    );
    assert.equal(backend.unreadCounts(alice).total, 1);
    backend.close();
  });

  test('event ids are remembered for idempotency for at least 24 h, then forgotten', () => {
    const { backend, clock } = open();
    backend.append([activity('retry-me')]);
    clock.now += 23 * 3600_000;
    backend.prune();
    assert.equal(backend.append([activity('retry-me')])[0]!.duplicate, true, 'stream already pruned, id kept');
    clock.now += 2 * 3600_000;
    backend.prune();
    const again = backend.append([activity('retry-me')]);
    assert.equal(again[0]!.duplicate, false);
    assert.equal(again[0]!.entry.event.seq, 2);
    backend.close();
  });

  test('a notification id stays taken while the notification is kept', () => {
    const { backend, clock } = open();
    backend.append([note({ id: 'keep-me', title: 'First' })]);
    clock.now += 3 * 24 * 3600_000;
    backend.prune();
    const again = backend.append([note({ id: 'keep-me', title: 'Second' })]);
    assert.equal(again[0]!.duplicate, true);
    assert.equal((again[0]!.entry.event as { title: string }).title, 'First');
    backend.close();
  });
});

describe('sqlite backend: audit', () => {
  test('append-only trail, newest first, paging by beforeId, filters', () => {
    const { backend } = open();
    const base = { at: new Date(T0).toISOString(), ip: '203.0.113.7', userAgent: 'test', role: 'admin' };
    backend.audit({ ...base, action: 'connect', userId: 'alice' });
    backend.audit({ ...base, action: 'mark-read', userId: 'alice', detail: { ids: ['n-1', 'n-2'] } });
    backend.audit({ ...base, action: 'connect', userId: 'bob' });
    backend.audit({ ...base, action: 'auth-failed', userId: null, role: null, userAgent: null });
    backend.audit({ ...base, action: 'disconnect', userId: 'alice' });

    const all = backend.readAudit({});
    assert.deepEqual(
      all.map((r) => r.id),
      [5, 4, 3, 2, 1],
    );
    assert.deepEqual(all[3], { ...base, id: 2, action: 'mark-read', userId: 'alice', detail: { ids: ['n-1', 'n-2'] } });
    assert.deepEqual(all[1], {
      id: 4,
      at: base.at,
      ip: base.ip,
      action: 'auth-failed',
      userId: null,
      role: null,
      userAgent: null,
      detail: { count: 1, lastAt: base.at },
    });
    assert.deepEqual(
      backend.readAudit({ limit: 2 }).map((r) => r.id),
      [5, 4],
    );
    assert.deepEqual(
      backend.readAudit({ limit: 2, beforeId: 4 }).map((r) => r.id),
      [3, 2],
    );
    assert.deepEqual(
      backend.readAudit({ userId: 'alice' }).map((r) => r.id),
      [5, 2, 1],
    );
    assert.deepEqual(
      backend.readAudit({ action: 'connect' }).map((r) => r.userId),
      ['bob', 'alice'],
    );
    assert.deepEqual(
      backend.readAudit({ userId: 'alice', action: 'connect', beforeId: 5 }).map((r) => r.id),
      [1],
    );
    backend.close();
  });
});
