/**
 * Per-user inbox state on every backend (SQLite, and PostgreSQL on a real server): mark unread
 * (also under a read mark), archive and the archived view, snooze hiding and waking once, delete
 * for me and restore, the audience rule, pruning, and a store reopened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { HubBackend, NewEntry, Viewer } from '../../../src/hub/backend.js';
import { createPostgresBackend } from '../../../src/hub/postgres-backend.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import type { StoreOptions } from '../../../src/hub/storage/shared.js';
import { BACKENDS, postgresCopy } from '../../support/backends.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const tmpRoot = mkdtempSync(join(tmpdir(), 'admin-realtime-inbox-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

const alice: Viewer = { userId: 'alice', role: 'admin' };
const bob: Viewer = { userId: 'bob', role: 'admin' };

function note(id: string, opts: { category?: string; audience?: NewEntry['audience'] } = {}): NewEntry {
  return {
    event: {
      kind: 'notification',
      id,
      title: id,
      category: opts.category ?? 'system',
      priority: 'medium',
      createdAt: new Date(T0).toISOString(),
    },
    ...(opts.audience ? { audience: opts.audience } : {}),
  };
}

/** The inbox view as (id, read) pairs, newest first. */
async function inbox(backend: HubBackend, viewer = alice): Promise<Array<[string, boolean]>> {
  const { notifications } = await backend.listNotifications(viewer, { limit: 50 });
  return notifications.map((n) => [n.id, n.read]);
}
const total = async (backend: HubBackend, viewer = alice) => (await backend.unreadCounts(viewer)).total;

for (const [name, factory] of BACKENDS) {
  const open = async (extra: Partial<StoreOptions> = {}) => {
    const clock = { now: T0 };
    const backend = await factory({ now: () => clock.now, ...extra });
    await backend.append([note('n1'), note('n2', { category: 'billing' }), note('n3')]);
    return { backend, clock };
  };

  describe(`${name} backend: inbox state`, () => {
    test('mark unread after mark-all-read: unread again until the next read or read mark', async () => {
      const { backend } = await open();
      assert.equal(await backend.markAllRead(alice, 3), 3);
      assert.equal(await total(backend), 0);
      assert.deepEqual(await backend.changeInbox(alice, 'unread', ['n2', 'n2']), ['n2']);
      assert.deepEqual(await backend.changeInbox(alice, 'unread', ['n2']), [], 'already unread: nothing changes');
      assert.deepEqual(await backend.unreadCounts(alice), {
        total: 1,
        byCategory: { billing: 1 },
        byPriority: { medium: 1 },
      });
      assert.deepEqual(await inbox(backend), [
        ['n3', true],
        ['n2', false],
        ['n1', true],
      ]);
      assert.equal((await backend.unreadCounts(bob)).total, 3, 'per user');
      assert.deepEqual(await backend.markRead(alice, ['n2']), ['n2']);
      assert.equal(await total(backend), 0);
      await backend.changeInbox(alice, 'unread', ['n2', 'n1']);
      assert.equal(await total(backend), 2);
      assert.equal(await backend.markAllRead(alice, 3, { category: 'billing' }), 1);
      assert.deepEqual(await inbox(backend), [
        ['n3', true],
        ['n2', true],
        ['n1', false],
      ]);
      assert.equal(await backend.markAllRead(alice, 3), 1);
      assert.equal(await total(backend), 0);
      await backend.close();
    });

    test('mark unread of a single read', async () => {
      const { backend } = await open();
      await backend.markRead(alice, ['n1']);
      assert.equal(await total(backend), 2);
      assert.deepEqual(await backend.changeInbox(alice, 'unread', ['n1']), ['n1']);
      assert.equal(await total(backend), 3);
      assert.deepEqual(await backend.markRead(alice, ['n1']), ['n1'], 'unread again, so the read changes it');
      assert.equal(await total(backend), 2);
      await backend.close();
    });

    test('archive hides from the inbox and its counts; the archived view lists it; unarchive brings it back', async () => {
      const { backend } = await open();
      await backend.markRead(alice, ['n3']);
      assert.deepEqual(await backend.changeInbox(alice, 'archived', ['n2', 'n3']), ['n2', 'n3']);
      assert.deepEqual(await backend.changeInbox(alice, 'archived', ['n2']), []);
      assert.deepEqual(await inbox(backend), [['n1', false]]);
      assert.deepEqual(await backend.unreadCounts(alice), {
        total: 1,
        byCategory: { system: 1 },
        byPriority: { medium: 1 },
      });
      const archived = await backend.listArchived(alice, { limit: 1 });
      assert.deepEqual(
        archived.notifications.map((n) => [n.id, n.read, n.archived]),
        [['n3', true, true]],
      );
      assert.equal(archived.hasMore, true);
      const older = await backend.listArchived(alice, { limit: 10, beforeSeq: archived.notifications[0]!.seq });
      assert.deepEqual(
        older.notifications.map((n) => n.id),
        ['n2'],
      );
      assert.deepEqual(
        (await backend.listArchived(alice, { limit: 10, categories: ['billing'] })).notifications.map((n) => n.id),
        ['n2'],
      );
      const snap = await backend.snapshot(alice, { notifications: 50, activity: 0, metricsSince: 0 });
      assert.deepEqual(
        snap.notifications.map((n) => n.id),
        ['n1'],
      );
      assert.equal(snap.unread.total, 1);
      assert.deepEqual((await inbox(backend, bob)).length, 3, 'bob archived nothing');
      assert.deepEqual(await backend.changeInbox(alice, 'unarchived', ['n2']), ['n2']);
      assert.deepEqual(
        (await backend.inboxNotifications(alice, ['n2', 'n3'])).map((n) => [n.id, n.archived ?? false]),
        [
          ['n3', true],
          ['n2', false],
        ],
      );
      assert.deepEqual(await inbox(backend), [
        ['n2', false],
        ['n1', false],
      ]);
      assert.equal(await total(backend), 2);
      await backend.close();
    });

    test('snooze hides until it is due; the wake claims it once and it is back unread', async () => {
      const { backend, clock } = await open();
      await backend.markRead(alice, ['n1']);
      const until = T0 + 60_000;
      assert.deepEqual(await backend.changeInbox(alice, 'snoozed', ['n1', 'n2'], until), ['n1', 'n2']);
      assert.deepEqual(await inbox(backend), [['n3', false]]);
      assert.equal(await total(backend), 1);
      assert.equal(await backend.nextSnoozeDue(), until);
      assert.deepEqual(
        (await backend.inboxNotifications(alice, ['n1'])).map((n) => n.snoozedUntil),
        [until],
      );
      assert.deepEqual(await backend.changeInbox(alice, 'unsnoozed', ['n2']), ['n2']);
      assert.equal(await total(backend), 2);
      assert.deepEqual(await backend.wakeSnoozes(clock.now, 10), [], 'not due yet');
      clock.now = until;
      const woken = await backend.wakeSnoozes(clock.now, 10);
      assert.deepEqual(woken, [{ userId: 'alice', role: 'admin', id: 'n1', until }]);
      assert.deepEqual(await backend.wakeSnoozes(clock.now, 10), [], 'claimed once');
      assert.equal(await backend.nextSnoozeDue(), null);
      assert.deepEqual(await inbox(backend), [
        ['n3', false],
        ['n2', false],
        ['n1', false],
      ]);
      assert.equal(await total(backend), 3, 'back as new: read before the snooze, unread after the wake');
      await backend.close();
    });

    test('delete for me hides everywhere; restore brings it back as it was', async () => {
      const { backend } = await open();
      await backend.markRead(alice, ['n1']);
      await backend.changeInbox(alice, 'archived', ['n1']);
      assert.deepEqual(await backend.changeInbox(alice, 'deleted', ['n1', 'n2']), ['n1', 'n2']);
      assert.deepEqual(await backend.changeInbox(alice, 'archived', ['n2']), [], 'a deleted one takes only restore');
      assert.deepEqual(await backend.changeInbox(alice, 'unread', ['n1']), []);
      assert.deepEqual(await inbox(backend), [['n3', false]]);
      assert.equal(await total(backend), 1);
      assert.deepEqual((await backend.listArchived(alice, { limit: 10 })).notifications, []);
      assert.deepEqual(await backend.inboxNotifications(alice, ['n1', 'n2']), []);
      assert.deepEqual(await backend.knownNotifications(alice, ['n1']), ['n1'], 'still known: it can be restored');
      assert.deepEqual(await backend.changeInbox(alice, 'restored', ['n1', 'n2', 'n3']), ['n1', 'n2']);
      assert.deepEqual(
        (await backend.listArchived(alice, { limit: 10 })).notifications.map((n) => [n.id, n.read]),
        [['n1', true]],
      );
      assert.deepEqual(await inbox(backend), [
        ['n3', false],
        ['n2', false],
      ]);
      assert.equal(await total(backend), 2);
      await backend.close();
    });

    test('a user changes only notifications they may see', async () => {
      const { backend } = await open();
      await backend.append([note('for-bob', { audience: { userIds: ['bob'] } })]);
      for (const action of ['archived', 'deleted', 'unread'] as const)
        assert.deepEqual(await backend.changeInbox(alice, action, ['for-bob', 'nope']), []);
      assert.deepEqual(await backend.changeInbox(alice, 'snoozed', ['for-bob'], T0 + 1000), []);
      assert.equal(await backend.nextSnoozeDue(), null);
      assert.deepEqual(await backend.inboxNotifications(alice, ['for-bob']), []);
      assert.deepEqual(await backend.changeInbox(bob, 'archived', ['for-bob']), ['for-bob']);
      assert.deepEqual(
        (await backend.listArchived(bob, { limit: 10 })).notifications.map((n) => n.id),
        ['for-bob'],
      );
      await backend.close();
    });

    test('pruning a notification removes its state (a pending snooze no longer wakes)', async () => {
      const { backend, clock } = await open({ retention: { notificationDays: 1 } });
      await backend.changeInbox(alice, 'snoozed', ['n1'], T0 + 3 * 86_400_000);
      await backend.changeInbox(alice, 'archived', ['n2']);
      clock.now += 2 * 86_400_000;
      await backend.append([note('fresh')]);
      await backend.prune();
      assert.equal(await backend.nextSnoozeDue(), null);
      assert.deepEqual((await backend.listArchived(alice, { limit: 10 })).notifications, []);
      assert.deepEqual(await inbox(backend), [['fresh', false]]);
      await backend.close();
    });
  });
}

describe('inbox state survives a restart', () => {
  const reopenable: Array<[string, () => Promise<(options: StoreOptions) => Promise<HubBackend>>]> = [
    [
      'sqlite',
      async () => {
        const path = join(tmpRoot, `reopen-${Math.random().toString(36).slice(2)}.db`);
        return async (options) => createSqliteBackend({ path, ...options });
      },
    ],
    [
      'postgres',
      async () => {
        const url = await postgresCopy();
        return (options) => createPostgresBackend({ url, node: 'reopen', ...options });
      },
    ],
  ];
  for (const [name, location] of reopenable) {
    test(`${name}: archived, snoozed, deleted and marked-unread state after reopening`, async () => {
      const openAt = await location();
      const now = () => T0;
      const first = await openAt({ now });
      await first.append([note('a'), note('b'), note('c'), note('d')]);
      await first.markAllRead(alice, 4);
      await first.changeInbox(alice, 'unread', ['a']);
      await first.changeInbox(alice, 'archived', ['b']);
      await first.changeInbox(alice, 'snoozed', ['c'], T0 + 5000);
      await first.changeInbox(alice, 'deleted', ['d']);
      await first.close();
      const second = await openAt({ now });
      assert.deepEqual(await inbox(second), [['a', false]]);
      assert.equal(await total(second), 1);
      assert.deepEqual(
        (await second.listArchived(alice, { limit: 10 })).notifications.map((n) => n.id),
        ['b'],
      );
      assert.equal(await second.nextSnoozeDue(), T0 + 5000);
      await second.close();
    });
  }
});
