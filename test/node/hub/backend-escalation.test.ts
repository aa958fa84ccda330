/**
 * Escalation storage (issue 19) on both backends, in the contract suite's style: the admin
 * registry, seen, steps scheduled in the append transaction, cancelled by seen and reads in
 * theirs, leased once however many nodes claim, retried, and digests.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Priority } from '../../../src/core/protocol.js';
import type { EscalationStepPlan, HubBackend, NewEntry, Viewer } from '../../../src/hub/backend.js';
import { createPostgresBackend } from '../../../src/hub/postgres-backend.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import type { StoreOptions } from '../../../src/hub/storage/shared.js';
import { createTestDatabase } from '../../support/postgres.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const alice: Viewer = { userId: 'alice', role: 'admin' };
const bob: Viewer = { userId: 'bob', role: 'admin' };
const root: Viewer = { userId: 'root', role: 'super_admin' };
const LADDER: EscalationStepPlan[] = [
  { channel: 'push', delayMs: 60_000 },
  { channel: 'email', delayMs: 600_000 },
];

let counter = 0;
function note(
  opts: {
    id?: string;
    priority?: Priority;
    category?: string;
    audience?: NewEntry['audience'];
    escalate?: EscalationStepPlan[];
  } = {},
): NewEntry {
  return {
    event: {
      kind: 'notification',
      id: opts.id ?? `n-${++counter}`,
      title: 'Payments down',
      category: opts.category ?? 'billing',
      priority: opts.priority ?? 'critical',
      createdAt: new Date(T0).toISOString(),
    },
    ...(opts.audience ? { audience: opts.audience } : {}),
    escalate: opts.escalate ?? LADDER,
  };
}

type Factory = (options: StoreOptions) => Promise<HubBackend>;
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A fresh PostgreSQL database per call; `second` opens another node on the same one. */
async function postgresPair(options: StoreOptions): Promise<[HubBackend, () => Promise<HubBackend>]> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  const open = async (node: string) => {
    const backend = await createPostgresBackend({ url: db.url, node, ...options });
    cleanups.push(() => backend.close());
    return backend;
  };
  return [await open('a'), () => open('b')];
}

const BACKENDS: Array<[string, Factory]> = [
  [
    'sqlite',
    async (options) => {
      const backend = createSqliteBackend({ path: ':memory:', ...options });
      cleanups.push(() => backend.close());
      return backend;
    },
  ],
  ['postgres', async (options) => (await postgresPair(options))[0]],
];

const keys = (rows: Array<{ userId: string; channel: string }>) => rows.map((r) => `${r.userId}:${r.channel}`).sort();

for (const [name, factory] of BACKENDS) {
  const open = async () => {
    const clock = { now: T0 };
    const backend = await factory({ now: () => clock.now });
    for (const admin of [alice, bob, root]) await backend.upsertAdmin(admin);
    return { backend, clock };
  };

  describe(`${name} backend: escalation`, () => {
    test('the registry keeps a session-less email and name, and a PUT replaces every field', async () => {
      const { backend } = await open();
      await backend.upsertAdmin({ userId: 'carol', role: 'admin', email: 'carol@example.com', name: 'Carol' });
      await backend.upsertAdmin({ userId: 'carol', role: 'super_admin' });
      assert.deepEqual(await backend.getAdmin('carol'), {
        userId: 'carol',
        role: 'super_admin',
        email: 'carol@example.com',
        name: 'Carol',
      });
      await backend.upsertAdmin({ userId: 'carol', role: 'admin', name: 'C.' }, { replace: true });
      assert.deepEqual(await backend.getAdmin('carol'), { userId: 'carol', role: 'admin', name: 'C.' });
      assert.equal(await backend.getAdmin('nobody'), null);
    });

    test('an append stores one step per known admin of the audience and channel, once, due after the delay', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'all' })]);
      await backend.append([note({ id: 'bob-only', audience: { userIds: ['bob', 'stranger'] } })]);
      await backend.append([note({ id: 'roots', audience: { roles: ['super_admin'] } })]);
      await backend.append([note({ id: 'plain', escalate: [] })]);
      // A retried publish (same id) stores nothing again.
      assert.equal((await backend.append([note({ id: 'all' })]))[0]!.duplicate, true);
      const steps = await backend.escalationSteps();
      const bySeq = (seq: number) => keys(steps.filter((s) => s.seq === seq));
      assert.deepEqual(bySeq(1), ['alice:email', 'alice:push', 'bob:email', 'bob:push', 'root:email', 'root:push']);
      assert.deepEqual(bySeq(2), ['bob:email', 'bob:push']);
      assert.deepEqual(bySeq(3), ['root:email', 'root:push']);
      assert.deepEqual(bySeq(4), []);
      const push = steps.find((s) => s.seq === 1 && s.userId === 'alice' && s.channel === 'push')!;
      assert.equal(push.attempts, 0);
      assert.equal(push.leaseUntil, null);
      assert.ok(push.due >= T0 + 60_000 && push.due < Date.now() + 120_000);
    });

    test('seen cancels that admin’s push steps only; a read cancels every channel', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'a' }), note({ id: 'b' })]);
      assert.equal(await backend.markSeen(alice, ['a', 'unknown']), 1);
      assert.equal(await backend.markSeen(alice, ['a']), 0, 'seen twice counts once');
      assert.deepEqual(keys(await backend.escalationSteps({ userId: 'alice' })), [
        'alice:email',
        'alice:email',
        'alice:push',
      ]);
      assert.equal((await backend.escalationSteps({ userId: 'bob' })).length, 4, 'bob keeps his');
      await backend.markRead(alice, ['a']);
      const left = await backend.escalationSteps({ userId: 'alice' });
      assert.deepEqual(
        left.map((s) => `${s.seq}:${s.channel}`),
        ['2:push', '2:email'],
      );
    });

    test('mark all read (with a filter) and clear cancel the steps they cover', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'c1', category: 'billing' }),
        note({ id: 'c2', category: 'security' }),
        note({ id: 'c3', category: 'billing', priority: 'high' }),
      ]);
      await backend.markAllRead(alice, 3, { category: 'billing' });
      assert.deepEqual([...new Set((await backend.escalationSteps({ userId: 'alice' })).map((s) => s.seq))], [2]);
      await backend.clear(bob, 2);
      assert.deepEqual([...new Set((await backend.escalationSteps({ userId: 'bob' })).map((s) => s.seq))], [3]);
    });

    test('archive, snooze and delete for me cancel that admin’s steps; mark unread and unarchive do not bring them back', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'e1' }), note({ id: 'e2' }), note({ id: 'e3' }), note({ id: 'e4' })]);
      const seqsOf = async (viewer: Viewer) =>
        [...new Set((await backend.escalationSteps({ userId: viewer.userId })).map((s) => s.seq))].sort();
      assert.deepEqual(await backend.changeInbox(alice, 'archived', ['e1']), ['e1']);
      assert.deepEqual(await backend.changeInbox(alice, 'snoozed', ['e2'], T0 + 3_600_000), ['e2']);
      assert.deepEqual(await backend.changeInbox(alice, 'deleted', ['e3']), ['e3']);
      assert.deepEqual(await seqsOf(alice), [4]);
      assert.deepEqual(await seqsOf(bob), [1, 2, 3, 4], 'another admin keeps theirs');
      await backend.changeInbox(alice, 'unarchived', ['e1']);
      await backend.changeInbox(bob, 'unread', ['e4']);
      assert.deepEqual(await seqsOf(alice), [4]);
      assert.deepEqual(await seqsOf(bob), [1, 2, 3, 4], 'mark unread cancels nothing');
    });

    test('a claim leases due steps once, reports read/seen/visible, and a lease runs out', async () => {
      const { backend } = await open();
      await backend.append([note({ id: 'd1', escalate: [{ channel: 'email', delayMs: 0 }] })]);
      const due = (await backend.escalationSteps())[0]!.due;
      assert.deepEqual(
        await backend.claimEscalationSteps({ node: 'n1', now: due - 1, leaseMs: 1000, limit: 10 }),
        [],
        'nothing before it is due',
      );
      await backend.markSeen(bob, ['d1']);
      const first = await backend.claimEscalationSteps({ node: 'n1', now: due, leaseMs: 1000, limit: 10 });
      assert.deepEqual(first.map((s) => s.userId).sort(), ['alice', 'bob', 'root']);
      const bobStep = first.find((s) => s.userId === 'bob')!;
      assert.equal(bobStep.seen, true);
      assert.equal(bobStep.read, false);
      assert.equal(bobStep.visible, true);
      assert.equal(bobStep.attempts, 1);
      assert.equal(bobStep.notification?.id, 'd1');
      assert.deepEqual(bobStep.admin, { userId: 'bob', role: 'admin' });
      assert.deepEqual(
        await backend.claimEscalationSteps({ node: 'n2', now: due + 500, leaseMs: 1000, limit: 10 }),
        [],
        'leased steps are not claimed again',
      );
      // n1 dies; after its lease, n2 takes over; n1's late finish no longer counts.
      const taken = await backend.claimEscalationSteps({ node: 'n2', now: due + 1001, leaseMs: 1000, limit: 10 });
      assert.equal(taken.length, 3);
      assert.equal(taken[0]!.attempts, 2);
      await backend.finishEscalationStep(bobStep, 'n1', { done: true });
      assert.equal((await backend.escalationSteps()).length, 3);
      for (const step of taken) await backend.finishEscalationStep(step, 'n2', { done: true });
      assert.equal((await backend.escalationSteps()).length, 0);
    });

    test('a retry moves the due time, frees the lease and keeps the error', async () => {
      const { backend } = await open();
      await backend.append([
        note({ id: 'r1', audience: { userIds: ['alice'] }, escalate: [{ channel: 'email', delayMs: 0 }] }),
      ]);
      const due = (await backend.escalationSteps())[0]!.due;
      const [step] = await backend.claimEscalationSteps({ node: 'n1', now: due, leaseMs: 60_000, limit: 10 });
      await backend.finishEscalationStep(step!, 'n1', { retryAt: due + 5000, error: 'SMTP down', failed: true });
      const [row] = await backend.escalationSteps();
      assert.deepEqual(
        { due: row!.due, attempts: row!.attempts, leaseUntil: row!.leaseUntil, lastError: row!.lastError },
        { due: due + 5000, attempts: 1, leaseUntil: null, lastError: 'SMTP down' },
      );
      // A hold (quiet hours) is no attempt.
      const [again] = await backend.claimEscalationSteps({ node: 'n1', now: due + 5000, leaseMs: 60_000, limit: 10 });
      assert.equal(again!.attempts, 2);
      await backend.finishEscalationStep(again!, 'n1', { retryAt: due + 9000, failed: false });
      assert.equal((await backend.escalationSteps())[0]!.attempts, 1);
    });

    test('a digest starts its period, then carries the unread lower priorities once', async () => {
      const { backend } = await open();
      await backend.upsertAdmin({ userId: 'alice', role: 'admin', email: 'alice@example.com' });
      const claim = (now: number) =>
        backend.claimDigest({
          userId: 'alice',
          node: 'n1',
          now,
          periodMs: 3_600_000,
          leaseMs: 60_000,
          priorities: ['low', 'medium'],
          limit: 10,
        });
      await backend.append([note({ id: 'before', priority: 'low', escalate: [] })]);
      assert.equal(await claim(T0), null, 'the first call starts the period');
      await backend.append([
        note({ id: 'low', priority: 'low', escalate: [] }),
        note({ id: 'crit', priority: 'critical', escalate: [] }),
        note({ id: 'med', priority: 'medium', escalate: [] }),
      ]);
      await backend.markRead(alice, ['med']);
      assert.equal(await claim(T0 + 1000), null, 'not before the period');
      const digest = await claim(T0 + 3_600_000);
      assert.deepEqual(
        digest?.notifications.map((n) => n.id),
        ['low'],
      );
      assert.equal(await claim(T0 + 3_600_001), null, 'leased');
      await backend.finishDigest('alice', 'n1', { sentAt: T0 + 3_600_000, throughSeq: digest!.throughSeq });
      const next = await claim(T0 + 7_200_000);
      assert.deepEqual(next?.notifications, [], 'nothing new: empty (the engine sends none)');
      assert.deepEqual(
        (await backend.adminsWithEmail('', 10)).map((a) => a.userId),
        ['alice'],
      );
    });
  });
}

describe('postgres backend: escalation in a cluster', () => {
  test('two nodes claiming at once lease each due step to one of them', async () => {
    const [a, openB] = await postgresPair({});
    const b = await openB();
    for (let i = 0; i < 40; i++) await a.upsertAdmin({ userId: `admin-${i}`, role: 'admin' });
    await a.append(Array.from({ length: 5 }, () => note({ escalate: [{ channel: 'email', delayMs: 0 }] })));
    const total = (await a.escalationSteps()).length;
    assert.equal(total, 200);
    const now = Date.now() + 1000;
    const claimed: string[] = [];
    for (let round = 0; round < 20 && claimed.length < total; round++) {
      const [fromA, fromB] = await Promise.all([
        a.claimEscalationSteps({ node: 'a', now, leaseMs: 60_000, limit: 15 }),
        b.claimEscalationSteps({ node: 'b', now, leaseMs: 60_000, limit: 15 }),
      ]);
      for (const step of [...fromA, ...fromB]) claimed.push(`${step.userId}/${step.seq}/${step.channel}`);
    }
    assert.equal(claimed.length, total);
    assert.equal(new Set(claimed).size, total, 'no step leased twice');
  });
});
