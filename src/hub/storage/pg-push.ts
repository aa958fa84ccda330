/**
 * Web Push subscriptions on PostgreSQL: the SQLite store's rules (storage/sqlite-push.ts) over a
 * pool. A registration runs in one transaction holding an advisory lock on its admin, so two
 * browsers registering at once on two nodes still leave at most `PUSH_LIMITS.perAdmin`.
 */
import type pg from 'pg';
import { PUSH_LIMITS, type PushSubscriptionRecord } from '../backend.js';
import { LOCKS } from './pg-schema.js';
import { rows } from './pg-statements.js';
import { pushRecord } from './sqlite-push.js';

type Transaction = <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

export function createPgPush(pool: pg.Pool, transaction: Transaction, now: () => number) {
  return {
    addPushSubscription: (userId: string, sub: Omit<PushSubscriptionRecord, 'created'>): Promise<void> =>
      transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.namespace, `push:${userId}`]);
        await client.query('DELETE FROM push_subscriptions WHERE endpoint = $1', [sub.endpoint]);
        await client.query(
          `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, user_agent, created)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            sub.endpoint,
            userId,
            sub.keys.p256dh,
            sub.keys.auth,
            sub.userAgent?.slice(0, PUSH_LIMITS.userAgentChars) ?? null,
            now(),
          ],
        );
        await client.query(
          `DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN
             (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`,
          [userId, PUSH_LIMITS.perAdmin],
        );
      }),
    removePushSubscription: async (userId: string, endpoint: string): Promise<boolean> =>
      ((await pool.query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2', [userId, endpoint]))
        .rowCount ?? 0) > 0,
    pushSubscriptions: async (userId: string): Promise<PushSubscriptionRecord[]> =>
      (
        await rows<Parameters<typeof pushRecord>[0]>(
          pool,
          'SELECT endpoint, p256dh, auth, user_agent, created FROM push_subscriptions WHERE user_id = @user ORDER BY id',
          { user: userId },
        )
      ).map(pushRecord),
    dropPushSubscription: async (endpoint: string): Promise<boolean> =>
      ((await pool.query('DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint])).rowCount ?? 0) > 0,
  };
}
