/**
 * Web Push subscriptions on SQLite: one row per browser endpoint (unique across admins), at most
 * `PUSH_LIMITS.perAdmin` per admin, the oldest (lowest id) replaced first. A re-registration gets a
 * new id, so it counts as the newest.
 */
import type Database from 'better-sqlite3';
import { PUSH_LIMITS, type PushSubscriptionRecord } from '../backend.js';

interface PushRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: string | null;
  created: number;
}

export const pushRecord = (row: PushRow): PushSubscriptionRecord => ({
  endpoint: row.endpoint,
  keys: { p256dh: row.p256dh, auth: row.auth },
  created: Number(row.created),
  userAgent: row.user_agent,
});

export function createSqlitePush(db: Database.Database, now: () => number) {
  const remove = db.prepare<[string], unknown>('DELETE FROM push_subscriptions WHERE endpoint = ?');
  const removeOwn = db.prepare<[string, string], unknown>(
    'DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?',
  );
  const insert = db.prepare<[string, string, string, string, string | null, number], unknown>(
    'INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, user_agent, created) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const trim = db.prepare<[string, string, number], unknown>(
    `DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN
       (SELECT id FROM push_subscriptions WHERE user_id = ? ORDER BY id DESC LIMIT ?)`,
  );
  const list = db.prepare<[string], PushRow>(
    'SELECT endpoint, p256dh, auth, user_agent, created FROM push_subscriptions WHERE user_id = ? ORDER BY id',
  );

  const add = db.transaction((userId: string, sub: Omit<PushSubscriptionRecord, 'created'>) => {
    remove.run(sub.endpoint);
    const agent = sub.userAgent?.slice(0, PUSH_LIMITS.userAgentChars) ?? null;
    insert.run(sub.endpoint, userId, sub.keys.p256dh, sub.keys.auth, agent, now());
    trim.run(userId, userId, PUSH_LIMITS.perAdmin);
  });

  return {
    addPushSubscription: (userId: string, sub: Omit<PushSubscriptionRecord, 'created'>): void => {
      add.immediate(userId, sub);
    },
    removePushSubscription: (userId: string, endpoint: string): boolean =>
      (removeOwn.run(userId, endpoint) as Database.RunResult).changes > 0,
    pushSubscriptions: (userId: string): PushSubscriptionRecord[] => list.all(userId).map(pushRecord),
    dropPushSubscription: (endpoint: string): boolean => (remove.run(endpoint) as Database.RunResult).changes > 0,
  };
}
