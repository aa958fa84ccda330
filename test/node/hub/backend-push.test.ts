/**
 * Web Push subscriptions on both backends (the contract suite's way: SQLite in memory, and a real
 * PostgreSQL on a fresh database): per admin, endpoint unique across admins, capped, dropped.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type HubBackend, PUSH_LIMITS } from '../../../src/hub/backend.js';
import { createPostgresBackend } from '../../../src/hub/postgres-backend.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import { createTestDatabase } from '../../support/postgres.js';
import { generateSubscriptionKeys } from '../../support/web-push-decrypt.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

const BACKENDS: Array<[string, (now: () => number) => Promise<HubBackend>]> = [
  ['sqlite', async (now) => createSqliteBackend({ path: ':memory:', now })],
  [
    'postgres',
    async (now) => {
      const db = await createTestDatabase();
      cleanup.push(db.drop);
      return createPostgresBackend({ url: db.url, node: 'push-test', now });
    },
  ],
];

const sub = (endpoint: string, userAgent: string | null = 'Mozilla/5.0 test') => ({
  endpoint,
  keys: generateSubscriptionKeys().keys,
  userAgent,
});

for (const [name, factory] of BACKENDS) {
  describe(`${name} backend: push subscriptions`, () => {
    const open = async () => {
      const clock = { now: T0 };
      const backend = await factory(() => clock.now);
      cleanup.push(() => backend.close());
      return { backend, clock };
    };

    test('stored per admin with keys, user agent and registration time, oldest first', async () => {
      const { backend, clock } = await open();
      const first = sub('https://push.example/a');
      await backend.addPushSubscription('alice', first);
      clock.now += 1000;
      await backend.addPushSubscription('alice', sub('https://push.example/b', null));
      await backend.addPushSubscription('bob', sub('https://push.example/c'));
      const alice = await backend.pushSubscriptions('alice');
      assert.deepEqual(
        alice.map((s) => [s.endpoint, s.created, s.userAgent]),
        [
          ['https://push.example/a', T0, 'Mozilla/5.0 test'],
          ['https://push.example/b', T0 + 1000, null],
        ],
      );
      assert.deepEqual(alice[0]!.keys, first.keys);
      assert.deepEqual(
        (await backend.pushSubscriptions('bob')).map((s) => s.endpoint),
        ['https://push.example/c'],
      );
      assert.deepEqual(await backend.pushSubscriptions('nobody'), []);
    });

    test('an endpoint is unique: registered again (by anyone) it replaces the earlier row and counts as newest', async () => {
      const { backend } = await open();
      await backend.addPushSubscription('alice', sub('https://push.example/shared'));
      await backend.addPushSubscription('alice', sub('https://push.example/other'));
      const again = sub('https://push.example/shared', 'Firefox');
      await backend.addPushSubscription('alice', again);
      const alice = await backend.pushSubscriptions('alice');
      assert.deepEqual(
        alice.map((s) => s.endpoint),
        ['https://push.example/other', 'https://push.example/shared'],
      );
      assert.deepEqual([alice[1]!.keys, alice[1]!.userAgent], [again.keys, 'Firefox']);
      // The browser now signs in as bob: it belongs to bob only.
      await backend.addPushSubscription('bob', sub('https://push.example/shared'));
      assert.deepEqual(
        (await backend.pushSubscriptions('alice')).map((s) => s.endpoint),
        ['https://push.example/other'],
      );
      assert.deepEqual(
        (await backend.pushSubscriptions('bob')).map((s) => s.endpoint),
        ['https://push.example/shared'],
      );
    });

    test(`at most ${PUSH_LIMITS.perAdmin} per admin: a new one replaces that admin's oldest`, async () => {
      const { backend } = await open();
      const extra = 3;
      for (let i = 0; i < PUSH_LIMITS.perAdmin + extra; i++) {
        await backend.addPushSubscription('alice', sub(`https://push.example/${i}`));
      }
      await backend.addPushSubscription('bob', sub('https://push.example/bob'));
      const kept = (await backend.pushSubscriptions('alice')).map((s) => s.endpoint);
      assert.equal(kept.length, PUSH_LIMITS.perAdmin);
      assert.deepEqual(kept[0], `https://push.example/${extra}`);
      assert.deepEqual(kept.at(-1), `https://push.example/${PUSH_LIMITS.perAdmin + extra - 1}`);
      assert.equal((await backend.pushSubscriptions('bob')).length, 1);
    });

    test('the user agent is cut to its bound', async () => {
      const { backend } = await open();
      await backend.addPushSubscription('alice', sub('https://push.example/ua', 'U'.repeat(5000)));
      const [stored] = await backend.pushSubscriptions('alice');
      assert.equal(stored!.userAgent, 'U'.repeat(PUSH_LIMITS.userAgentChars));
    });

    test('remove takes only the admin own endpoint; drop takes it whoever registered it', async () => {
      const { backend } = await open();
      await backend.addPushSubscription('alice', sub('https://push.example/x'));
      await backend.addPushSubscription('alice', sub('https://push.example/y'));
      assert.equal(await backend.removePushSubscription('bob', 'https://push.example/x'), false);
      assert.equal(await backend.removePushSubscription('alice', 'https://push.example/x'), true);
      assert.equal(await backend.removePushSubscription('alice', 'https://push.example/x'), false);
      assert.equal(await backend.dropPushSubscription('https://push.example/y'), true);
      assert.equal(await backend.dropPushSubscription('https://push.example/y'), false);
      assert.deepEqual(await backend.pushSubscriptions('alice'), []);
    });
  });
}
