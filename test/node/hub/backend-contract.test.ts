import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Priority } from '../../../src/core/protocol.js';
import type { NewEntry, StreamEntry, Viewer } from '../../../src/hub/backend.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import type { StoreOptions } from '../../../src/hub/storage/shared.js';
import { SCHEMA_VERSION } from '../../../src/hub/storage/sqlite-schema.js';
import { BACKENDS } from '../../support/backend-factories.js';

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

const seqs = (entries: StreamEntry[] | null) => entries?.map((e) => e.event.seq) ?? null;

for (const [name, factory] of BACKENDS) {
  /** A backend on a fake clock; `clock.now` can be moved. */
  const open = async (extra: Partial<StoreOptions> = {}) => {
    const clock = { now: T0 };
    const backend = await factory({ now: () => clock.now, ...extra });
    return { backend, clock };
  };
  /** What only a SQLite file has (the file, its pragmas, its triggers). */
  const onlySqlite = name === 'sqlite' ? describe : describe.skip;
  const fileTest = name === 'sqlite' ? test : test.skip;

  describe(`${name} backend: append`, () => {
    test('assigns increasing seqs from 1 and fans out after commit, in order, one run per append', async () => {
      const { backend } = await open();
      assert.equal(await backend.latestSeq(), 0);
      const seen: number[][] = [];
      backend.subscribe(async (entries) => {
        seen.push(entries.map((entry) => entry.event.seq));
        // After commit: the listener already sees the entries in storage.
        assert.ok((await backend.latestSeq()) >= entries.at(-1)!.event.seq);
      });
      const results = await backend.append([note(), activity(), note()]);
      assert.deepEqual(
        results.map((r) => [r.entry.event.seq, r.duplicate]),
        [
          [1, false],
          [2, false],
          [3, false],
        ],
      );
      await backend.append([note()]);
      assert.deepEqual(seen, [[1, 2, 3], [4]]);
      assert.equal(await backend.latestSeq(), 4);
      assert.deepEqual(await backend.append([]), []);
      await backend.close();
    });

    test('a repeated id returns the stored entry, is not stored again and not fanned out', async () => {
      const { backend } = await open();
      let fanned = 0;
      backend.subscribe((entries) => {
        fanned += entries.length;
      });
      const first = await backend.append([note({ id: 'pub-1', title: 'Original', audience: { roles: ['admin'] } })]);
      assert.equal(first[0]!.duplicate, false);
      const again = await backend.append([
        note({ id: 'pub-1', title: 'Retry with other text' }),
        note({ id: 'pub-2' }),
      ]);
      assert.equal(again[0]!.duplicate, true);
      assert.equal(again[0]!.entry.event.seq, 1);
      assert.equal((again[0]!.entry.event as { title: string }).title, 'Original');
      assert.deepEqual(again[0]!.entry.audience, { roles: ['admin'] });
      assert.equal(again[1]!.duplicate, false);
      assert.equal(again[1]!.entry.event.seq, 2, 'a duplicate does not consume a seq');
      // Duplicates within one batch.
      const batch = await backend.append([activity('same'), activity('same')]);
      assert.deepEqual(
        batch.map((r) => [r.entry.event.seq, r.duplicate]),
        [
          [3, false],
          [3, true],
        ],
      );
      assert.equal(fanned, 3);
      assert.equal(await backend.latestSeq(), 3);
      assert.equal((await backend.listNotifications(alice, { limit: 10 })).notifications.length, 2);
      await backend.close();
    });

    test('a listener that appends is delivered after the current batch, keeping seq order', async () => {
      const logs: Record<string, unknown>[] = [];
      const { backend } = await open({ log: (o) => logs.push(o) });
      const order: number[][] = [];
      backend.subscribe(async (entries) => {
        order.push(entries.map((entry) => entry.event.seq));
        if (entries[0]!.event.seq === 1) await backend.append([activity()]);
      });
      backend.subscribe((entries) => {
        if (entries.some((entry) => entry.event.seq === 2)) throw new Error('listener bug');
      });
      await backend.append([note(), note()]);
      // The listener's append is its own (later) run; a remote store answers it a turn later.
      for (let i = 0; i < 200 && order.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(order, [[1, 2], [3]]);
      assert.equal(logs.filter((l) => l.msg === 'backend listener failed').length, 1);
      await backend.close();
    });

    test('unsubscribe stops delivery', async () => {
      const { backend } = await open();
      let n = 0;
      const off = backend.subscribe(() => n++);
      await backend.append([note()]);
      off();
      await backend.append([note()]);
      assert.equal(n, 1);
      await backend.close();
    });
  });

  onlySqlite('sqlite backend: file persistence', () => {
    test('seq, stream id, ids and read state survive close and reopen; parent folder is created', async () => {
      const path = join(tmpRoot, 'nested', 'deeper', 'hub.db');
      const a = createSqliteBackend({ path });
      await a.append([note({ id: 'x1' }), note({ id: 'x2' }), activity('x3')]);
      await a.markRead(alice, ['x1']);
      const stream = a.streamId();
      await a.close();
      await a.close(); // idempotent

      const b = createSqliteBackend({ path });
      assert.equal(b.streamId(), stream);
      assert.equal(await b.latestSeq(), 3);
      const dup = await b.append([note({ id: 'x2' })]);
      assert.equal(dup[0]!.duplicate, true);
      assert.equal(dup[0]!.entry.event.seq, 2);
      const fresh = await b.append([note({ id: 'x4' })]);
      assert.equal(fresh[0]!.entry.event.seq, 4);
      assert.deepEqual(seqs(await b.replay(1)), [2, 3, 4], 'resume across a hub restart');
      assert.equal((await b.unreadCounts(alice)).total, 2);
      await b.close();

      const raw = new Database(path, { readonly: true });
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      raw.close();
    });

    test('a new file gets a new stream id', async () => {
      const a = createSqliteBackend({ path: join(tmpRoot, 'one.db') });
      const b = createSqliteBackend({ path: join(tmpRoot, 'two.db') });
      assert.notEqual(a.streamId(), b.streamId());
      assert.match(a.streamId(), /^[0-9a-f-]{36}$/);
      await a.close();
      await b.close();
    });

    test('refuses a database from a newer schema version', () => {
      const path = join(tmpRoot, 'future.db');
      const raw = new Database(path);
      raw.pragma('user_version = 99');
      raw.close();
      assert.throws(() => createSqliteBackend({ path }), /newer than this hub supports/);
    });

    test('health reports a failing write until a write succeeds again', async () => {
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
      await assert.rejects(backend.audit(record), /disk is full/);
      assert.deepEqual(await backend.health(), { ok: false, detail: 'last write failed: disk is full' });
      other.exec('DROP TRIGGER fail_audit');
      other.close();
      await backend.audit(record);
      assert.deepEqual(await backend.health(), { ok: true });
      await backend.close();
    });

    test('retention options left undefined keep their defaults', async () => {
      const { backend } = await open({ retention: { replayCount: undefined as unknown as number, replayAgeMs: 1000 } });
      for (let i = 0; i < 20; i++) await backend.append([note()]);
      await backend.prune();
      assert.deepEqual(seqs(await backend.replay(0))?.length, 20);
      await backend.close();
    });

    test('health reports ok, and not ok after close', async () => {
      const { backend } = await open();
      assert.deepEqual(await backend.health(), { ok: true });
      await backend.close();
      assert.equal((await backend.health()).ok, false);
    });
  });

  describe(`${name} backend: replay`, () => {
    test('returns what came after, in order; [] when up to date; honours limit', async () => {
      const { backend } = await open();
      await backend.append([note(), activity(), note(), note()]);
      assert.deepEqual(seqs(await backend.replay(0)), [1, 2, 3, 4]);
      assert.deepEqual(seqs(await backend.replay(2)), [3, 4]);
      assert.deepEqual(await backend.replay(4), []);
      assert.deepEqual(seqs(await backend.replay(0, 2)), [1, 2]);
      await backend.close();
    });

    test('null when the client is ahead of the stream', async () => {
      const { backend } = await open();
      await backend.append([note()]);
      assert.equal(await backend.replay(5), null);
      assert.equal(await backend.replay(-1), null);
      await backend.close();
    });

    test('null once what the client missed was pruned (by count)', async () => {
      const { backend } = await open({ retention: { replayCount: 3 } });
      for (let i = 0; i < 6; i++) await backend.append([note()]);
      await backend.prune();
      assert.deepEqual(seqs(await backend.replay(3)), [4, 5, 6], 'oldest retained - 1 still resumes');
      assert.equal(await backend.replay(2), null);
      assert.equal(await backend.replay(0), null);
      assert.deepEqual(await backend.replay(6), []);
      await backend.close();
    });

    test('null once what the client missed aged out, even when the log is empty', async () => {
      const { backend, clock } = await open({ retention: { replayAgeMs: 60_000 } });
      await backend.append([note(), note()]);
      clock.now += 30_000;
      await backend.append([note()]);
      clock.now += 45_000; // first two are 75 s old, the third 45 s
      await backend.prune();
      assert.deepEqual(seqs(await backend.replay(2)), [3]);
      assert.equal(await backend.replay(1), null);
      clock.now += 60_000;
      await backend.prune();
      assert.deepEqual(await backend.replay(3), [], 'nothing missed');
      assert.equal(await backend.replay(2), null);
      // The seq keeps counting after the log emptied.
      assert.equal((await backend.append([note()]))[0]!.entry.event.seq, 4);
      await backend.close();
    });

    test('read events carry their audience through replay', async () => {
      const { backend } = await open();
      await backend.append([
        {
          event: { kind: 'read', id: uid('r'), ids: ['n-1'], unread: { total: 0, byCategory: {}, byPriority: {} } },
          audience: { userIds: ['alice'] },
        },
      ]);
      const [entry] = (await backend.replay(0))!;
      assert.equal(entry!.event.kind, 'read');
      assert.deepEqual(entry!.audience, { userIds: ['alice'] });
      await backend.close();
    });
  });

  describe(`${name} backend: notifications`, () => {
    test('audience: absent is everyone; user ids and roles target; empty lists target nobody', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'all' }),
        note({ id: 'to-alice', audience: { userIds: ['alice'] } }),
        note({ id: 'to-supers', audience: { roles: ['super_admin'] } }),
        note({ id: 'alice-or-supers', audience: { userIds: ['alice'], roles: ['super_admin'] } }),
        note({ id: 'empty-object', audience: {} }),
        note({ id: 'nobody', audience: { userIds: [] } }),
      ]);
      const ids = async (v: Viewer) =>
        (await backend.listNotifications(v, { limit: 50 })).notifications.map((n) => n.id).sort();
      assert.deepEqual(await ids(alice), ['alice-or-supers', 'all', 'empty-object', 'to-alice']);
      assert.deepEqual(await ids(bob), ['all', 'empty-object']);
      assert.deepEqual(await ids(root), ['alice-or-supers', 'all', 'empty-object', 'to-supers']);
      assert.equal((await backend.unreadCounts(bob)).total, 2);
      assert.equal((await backend.unreadCounts(root)).total, 4);
      // Marking an invisible notification read is refused.
      assert.deepEqual(await backend.markRead(bob, ['to-alice', 'all']), ['all']);
      await backend.close();
    });

    test('read state is per user; markRead returns only what changed', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'a' }), note({ id: 'b' }), note({ id: 'c' })]);
      assert.deepEqual(await backend.markRead(alice, ['b', 'a', 'missing']), ['b', 'a']);
      assert.deepEqual(await backend.markRead(alice, ['a', 'c', 'c']), ['c']);
      assert.deepEqual(await backend.markRead(alice, ['a']), []);
      const aliceList = (await backend.listNotifications(alice, { limit: 10 })).notifications;
      assert.deepEqual(
        aliceList.map((n) => [n.id, n.read]),
        [
          ['c', true],
          ['b', true],
          ['a', true],
        ],
      );
      const bobList = (await backend.listNotifications(bob, { limit: 10 })).notifications;
      assert.ok(bobList.every((n) => !n.read));
      assert.equal((await backend.unreadCounts(alice)).total, 0);
      assert.equal((await backend.unreadCounts(bob)).total, 3);
      await backend.close();
    });

    test('unread counts by category and priority, optionally for some categories', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'b1', category: 'billing', priority: 'high' }),
        note({ id: 'b2', category: 'billing', priority: 'low' }),
        note({ id: 's1', category: 'security', priority: 'critical' }),
        note({ id: 's2', category: 'security', priority: 'high' }),
        note({ id: 'c1', category: 'calls', priority: 'low' }),
      ]);
      await backend.markRead(alice, ['s2']);
      assert.deepEqual(await backend.unreadCounts(alice), {
        total: 4,
        byCategory: { billing: 2, security: 1, calls: 1 },
        byPriority: { high: 1, low: 2, critical: 1 },
      });
      assert.deepEqual(await backend.unreadCounts(alice, ['billing', 'security']), {
        total: 3,
        byCategory: { billing: 2, security: 1 },
        byPriority: { high: 1, low: 1, critical: 1 },
      });
      assert.deepEqual(await backend.unreadCounts(alice, []), { total: 0, byCategory: {}, byPriority: {} });
      await backend.close();
    });

    test('markAllRead with a filter marks only matching notifications through the seq', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'b1', category: 'billing', priority: 'high' }), // 1
        note({ id: 'b2', category: 'billing', priority: 'low' }), // 2
        note({ id: 's1', category: 'security', priority: 'high' }), // 3
        note({ id: 'b3', category: 'billing', priority: 'high' }), // 4
      ]);
      assert.equal(await backend.markAllRead(alice, 3, { category: 'billing' }), 2);
      assert.equal(await backend.markAllRead(alice, 3, { category: 'billing' }), 0, 'nothing left to change');
      assert.deepEqual((await backend.unreadCounts(alice)).byCategory, { security: 1, billing: 1 });
      assert.equal(await backend.markAllRead(alice, 4, { priority: 'high' }), 2); // s1, b3
      assert.equal((await backend.unreadCounts(alice)).total, 0);
      assert.equal((await backend.unreadCounts(bob)).total, 4, 'other users unaffected');

      // A later notification is not pre-read by a throughSeq beyond the stream.
      assert.equal(await backend.markAllRead(bob, 1000, { category: 'billing', priority: 'high' }), 2);
      await backend.append([note({ id: 'b5', category: 'billing', priority: 'high' })]);
      assert.deepEqual((await backend.unreadCounts(bob)).byCategory, { billing: 2, security: 1 });
      const list = (await backend.listNotifications(bob, { limit: 10 })).notifications;
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
      assert.equal(await backend.markAllRead(bob, await backend.latestSeq()), 3);
      assert.equal((await backend.unreadCounts(bob)).total, 0);
      assert.deepEqual(await backend.markRead(bob, ['b5']), [], 'already read by the mark');
      await backend.close();
    });

    test('overlapping read marks and single reads are counted once', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'bh1', category: 'billing', priority: 'high' }), // 1
        note({ id: 'bh2', category: 'billing', priority: 'high' }), // 2
        note({ id: 'sl1', category: 'security', priority: 'low' }), // 3
      ]);
      assert.deepEqual(await backend.markRead(alice, ['bh1']), ['bh1']);
      assert.equal(await backend.markAllRead(alice, 3, { category: 'billing' }), 1, 'bh1 was already read');
      assert.equal(await backend.markAllRead(alice, 3, { priority: 'high' }), 0);
      await backend.append([note({ id: 'bh3', category: 'billing', priority: 'high' })]); // 4
      assert.deepEqual(await backend.unreadCounts(alice), {
        total: 2,
        byCategory: { billing: 1, security: 1 },
        byPriority: { high: 1, low: 1 },
      });
      assert.deepEqual(
        (await backend.listNotifications(alice, { limit: 10 })).notifications.map((n) => [n.id, n.read]),
        [
          ['bh3', false],
          ['sl1', false],
          ['bh2', true],
          ['bh1', true],
        ],
      );
      await backend.close();
    });

    test('clear hides and marks read through the seq, for that user only', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'a' }), note({ id: 'b' }), note({ id: 'c' })]);
      await backend.clear(alice, 2);
      assert.deepEqual(
        (await backend.listNotifications(alice, { limit: 10 })).notifications.map((n) => n.id),
        ['c'],
      );
      assert.equal((await backend.unreadCounts(alice)).total, 1);
      assert.deepEqual(await backend.markRead(alice, ['a']), [], 'cleared is already read');
      assert.equal((await backend.listNotifications(bob, { limit: 10 })).notifications.length, 3);
      await backend.append([note({ id: 'd' })]);
      assert.deepEqual(
        (await backend.listNotifications(alice, { limit: 10 })).notifications.map((n) => n.id),
        ['d', 'c'],
      );
      await backend.clear(alice, 1); // never moves backwards
      assert.equal((await backend.listNotifications(alice, { limit: 10 })).notifications.length, 2);
      await backend.clear(alice, await backend.latestSeq());
      assert.deepEqual(await backend.listNotifications(alice, { limit: 10 }), { notifications: [], hasMore: false });
      assert.equal((await backend.unreadCounts(alice)).total, 0);
      await backend.close();
    });

    test('history paging: newest first, beforeSeq, limit, hasMore, categories', async () => {
      const { backend } = await open();
      for (let i = 0; i < 25; i++) await backend.append([note({ category: i % 2 ? 'billing' : 'system' })]);
      const page1 = await backend.listNotifications(alice, { limit: 10 });
      assert.deepEqual(
        page1.notifications.map((n) => n.seq),
        [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
      );
      assert.equal(page1.hasMore, true);
      const page2 = await backend.listNotifications(alice, { limit: 10, beforeSeq: 16 });
      assert.equal(page2.notifications[0]!.seq, 15);
      const page3 = await backend.listNotifications(alice, { limit: 10, beforeSeq: 6 });
      assert.deepEqual(
        page3.notifications.map((n) => n.seq),
        [5, 4, 3, 2, 1],
      );
      assert.equal(page3.hasMore, false);
      const exact = await backend.listNotifications(alice, { limit: 5, beforeSeq: 6 });
      assert.equal(exact.hasMore, false);
      const billing = await backend.listNotifications(alice, { limit: 5, categories: ['billing'] });
      assert.deepEqual(
        billing.notifications.map((n) => n.seq),
        [24, 22, 20, 18, 16],
      );
      assert.ok(billing.notifications.every((n) => n.category === 'billing' && n.read === false));
      assert.equal(billing.hasMore, true);
      await backend.close();
    });

    test('10,000 notifications: unread counts stay correct', async () => {
      const { backend } = await open();
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
        if (batch.length === 500) await backend.append(batch.splice(0));
      }
      const counts = await backend.unreadCounts(alice);
      assert.equal(counts.total, 9000);
      assert.equal(
        Object.values(counts.byCategory).reduce((a, b) => a + b, 0),
        9000,
      );
      assert.equal((await backend.unreadCounts(bob)).total, 10_000);
      await backend.markRead(
        alice,
        Array.from({ length: 100 }, (_, i) => `bulk-${i + 1}`),
      );
      assert.equal((await backend.unreadCounts(alice)).total, 9000 - 90);
      await backend.markAllRead(alice, 5000, { category: 'billing' });
      const billingLeft = (await backend.unreadCounts(alice, ['billing'])).total;
      // billing is i % 6 === 2; of those, i % 10 !== 0 are visible to alice; i >= 5000 (seq > 5000) stay unread.
      let expected = 0;
      for (let i = 5000; i < 10_000; i++) if (i % 6 === 2 && i % 10 !== 0) expected++;
      assert.equal(billingLeft, expected);
      await backend.markAllRead(alice, await backend.latestSeq());
      assert.equal((await backend.unreadCounts(alice)).total, 0);
      await backend.close();
    });
  });

  describe(`${name} backend: status, agents, activity, metrics`, () => {
    test('latest status and agents, recent activity newest first', async () => {
      const { backend } = await open({ activityKeep: 3 });
      assert.equal(await backend.latestStatus(), null);
      assert.equal(await backend.latestAgents(), null);
      const at = new Date(T0).toISOString();
      await backend.append([
        { event: { kind: 'status', id: uid('s'), components: { api: { state: 'operational' } }, at } },
        { event: { kind: 'status', id: uid('s'), components: { api: { state: 'degraded', latencyMs: 900 } }, at } },
        { event: { kind: 'agents', id: uid('g'), active: 3, idle: 2, error: 1, at } },
      ]);
      assert.deepEqual(await backend.latestStatus(), {
        components: { api: { state: 'degraded', latencyMs: 900 } },
        at,
      });
      assert.deepEqual(await backend.latestAgents(), { active: 3, idle: 2, error: 1, at });
      for (let i = 0; i < 5; i++) await backend.append([activity(uid('a'), `action ${i}`)]);
      assert.deepEqual(
        (await backend.recentActivity(2)).map((a) => a.action),
        ['action 4', 'action 3'],
      );
      await backend.prune();
      assert.deepEqual(
        (await backend.recentActivity(10)).map((a) => a.action),
        ['action 4', 'action 3', 'action 2'],
      );
      await backend.close();
    });

    test('metric history is column-wise with nulls for gaps, within the window', async () => {
      const { backend, clock } = await open({ retention: { metricsSeconds: 60 } });
      const now = Math.floor(T0 / 1000);
      await backend.append([
        metrics(now - 50, { activeUsers: 10, errorRate: 0.01 }),
        metrics(now - 40, { activeUsers: 12 }),
        metrics(now - 40, { activeCalls: 3 }), // same second, other series
        metrics(now - 30, { errorRate: 0.02, activeUsers: 11 }),
      ]);
      const history = await backend.metricHistory(0);
      assert.deepEqual(history, {
        t: [now - 50, now - 40, now - 30],
        series: {
          activeUsers: [10, 12, 11],
          errorRate: [0.01, null, 0.02],
          activeCalls: [null, 3, null],
        },
      });
      for (const values of Object.values(history.series)) assert.equal(values.length, history.t.length);
      assert.deepEqual((await backend.metricHistory(now - 35)).t, [now - 30]);
      // Same second again: the last value wins.
      await backend.append([metrics(now - 30, { errorRate: 0.5 })]);
      assert.deepEqual((await backend.metricHistory(now - 35)).series.errorRate, [0.5]);
      clock.now += 45_000;
      await backend.prune();
      assert.deepEqual((await backend.metricHistory(0)).t, []);
      await backend.close();
    });
  });

  describe(`${name} backend: prune`, () => {
    fileTest('bounded work per call: a backlog this process did not write drains a batch per call', async () => {
      const path = join(tmpRoot, 'backlog.db');
      const writer = createSqliteBackend({ path, now: () => T0 });
      for (let i = 0; i < 40; i++) await writer.append([activity()]);
      await writer.close();
      const backend = createSqliteBackend({ path, now: () => T0, retention: { replayCount: 5 }, pruneBatch: 10 });
      const oldest = () => rawGet<{ seq: number }>(path, 'SELECT min(seq) AS seq FROM stream').seq;
      await backend.prune();
      assert.equal(oldest(), 11, 'one batch of 10 removed');
      await backend.prune();
      await backend.prune();
      assert.equal(oldest(), 31, 'three batches removed');
      await backend.prune();
      await backend.prune(); // nothing left to do
      assert.equal(oldest(), 36);
      assert.deepEqual(seqs(await backend.replay(35)), [36, 37, 38, 39, 40]);
      await backend.close();
    });

    fileTest(
      'metric samples: a prune always makes progress, even when one second has more rows than a batch',
      async () => {
        const path = join(tmpRoot, 'samples-backlog.db');
        const writer = createSqliteBackend({ path, now: () => T0 });
        const now = Math.floor(T0 / 1000);
        await writer.append([metrics(now, { a: 1, b: 2, c: 3, d: 4, e: 5 }), metrics(now + 1, { a: 1 })]);
        await writer.close();
        const clock = { now: T0 };
        const backend = createSqliteBackend({
          path,
          now: () => clock.now,
          retention: { metricsSeconds: 10 },
          pruneBatch: 2,
        });
        clock.now += 20_000;
        await backend.prune();
        assert.deepEqual(await backend.metricHistory(0), { t: [], series: {} });
        // Bypass the read-side window to see what is really stored.
        clock.now = T0;
        assert.deepEqual((await backend.metricHistory(0)).t, [now + 1]);
        clock.now += 20_000;
        await backend.prune();
        clock.now = T0;
        assert.deepEqual((await backend.metricHistory(0)).t, []);
        await backend.close();
      },
    );

    test('old notifications go with their read rows; newer ones and read state stay', async () => {
      const { backend, clock } = await open({ retention: { notificationDays: 1 } });
      await backend.append([note({ id: 'old-1' }), note({ id: 'old-2' })]);
      await backend.markRead(alice, ['old-1']);
      clock.now += 20 * 3600_000;
      await backend.append([note({ id: 'new-1' }), note({ id: 'new-2' })]);
      await backend.markRead(alice, ['new-1']);
      clock.now += 5 * 3600_000; // old: 25 h, new: 5 h
      await backend.prune();
      const list = (await backend.listNotifications(alice, { limit: 10 })).notifications;
      assert.deepEqual(
        list.map((n) => [n.id, n.read]),
        [
          ['new-2', false],
          ['new-1', true],
        ],
      );
      assert.equal((await backend.unreadCounts(alice)).total, 1);
      await backend.close();
    });

    test('event ids are remembered for idempotency for at least 24 h, then forgotten', async () => {
      const { backend, clock } = await open();
      await backend.append([activity('retry-me')]);
      clock.now += 23 * 3600_000;
      await backend.prune();
      assert.equal(
        (await backend.append([activity('retry-me')]))[0]!.duplicate,
        true,
        'stream already pruned, id kept',
      );
      clock.now += 2 * 3600_000;
      await backend.prune();
      const again = await backend.append([activity('retry-me')]);
      assert.equal(again[0]!.duplicate, false);
      assert.equal(again[0]!.entry.event.seq, 2);
      await backend.close();
    });

    test('a notification id stays taken while the notification is kept', async () => {
      const { backend, clock } = await open();
      await backend.append([note({ id: 'keep-me', title: 'First' })]);
      clock.now += 3 * 24 * 3600_000;
      await backend.prune();
      const again = await backend.append([note({ id: 'keep-me', title: 'Second' })]);
      assert.equal(again[0]!.duplicate, true);
      assert.equal((again[0]!.entry.event as { title: string }).title, 'First');
      await backend.close();
    });
  });

  describe(`${name} backend: audit`, () => {
    test('append-only trail, newest first, paging by beforeId, filters', async () => {
      const { backend } = await open();
      const base = { at: new Date(T0).toISOString(), ip: '203.0.113.7', userAgent: 'test', role: 'admin' };
      await backend.audit({ ...base, action: 'connect', userId: 'alice' });
      await backend.audit({ ...base, action: 'mark-read', userId: 'alice', detail: { ids: ['n-1', 'n-2'] } });
      await backend.audit({ ...base, action: 'connect', userId: 'bob' });
      await backend.audit({ ...base, action: 'auth-failed', userId: null, role: null, userAgent: null });
      await backend.audit({ ...base, action: 'disconnect', userId: 'alice' });

      const all = await backend.readAudit({});
      assert.deepEqual(
        all.map((r) => r.id),
        [5, 4, 3, 2, 1],
      );
      assert.deepEqual(all[3], {
        ...base,
        id: 2,
        action: 'mark-read',
        userId: 'alice',
        detail: { ids: ['n-1', 'n-2'] },
      });
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
        (await backend.readAudit({ limit: 2 })).map((r) => r.id),
        [5, 4],
      );
      assert.deepEqual(
        (await backend.readAudit({ limit: 2, beforeId: 4 })).map((r) => r.id),
        [3, 2],
      );
      assert.deepEqual(
        (await backend.readAudit({ userId: 'alice' })).map((r) => r.id),
        [5, 2, 1],
      );
      assert.deepEqual(
        (await backend.readAudit({ action: 'connect' })).map((r) => r.userId),
        ['bob', 'alice'],
      );
      assert.deepEqual(
        (await backend.readAudit({ userId: 'alice', action: 'connect', beforeId: 5 })).map((r) => r.id),
        [1],
      );
      await backend.close();
    });
  });
}
