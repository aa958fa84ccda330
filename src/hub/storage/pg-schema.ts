/**
 * Schema of the PostgreSQL store, versioned in `schema_version`. Migrations run at start under a
 * session advisory lock, so several nodes starting at once migrate once (the others wait, then
 * find the schema current); a database written by a newer version is refused.
 */
import type pg from 'pg';
import { StorageStartError } from './sqlite-open.js';

/** Advisory lock keys of the hub (two int4s: the hub's namespace, then the lock). */
export const LOCKS = {
  namespace: 0x61_72_74_68, // 'arth'
  migrate: 1,
  prune: 2,
} as const;

const MIGRATIONS: string[] = [
  // 1: initial schema, the SQLite store's tables with PostgreSQL types.
  `
  CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
  INSERT INTO meta (key, value) VALUES ('stream_id', gen_random_uuid()::text);
  -- The seq counter: its one row is locked by every append transaction until commit, so seqs are
  -- assigned in commit order across every node.
  CREATE TABLE seq_counter (one boolean PRIMARY KEY DEFAULT true CHECK (one), last_seq bigint NOT NULL);
  INSERT INTO seq_counter (last_seq) VALUES (0);
  CREATE TABLE stream (
    seq bigint PRIMARY KEY, event_id text NOT NULL UNIQUE, kind text NOT NULL, json text NOT NULL,
    audience text, created bigint NOT NULL
  );
  CREATE TABLE event_ids (id text PRIMARY KEY, seq bigint NOT NULL, created bigint NOT NULL);
  CREATE INDEX event_ids_seq ON event_ids (seq);
  CREATE TABLE notifications (
    seq bigint PRIMARY KEY, id text NOT NULL UNIQUE, category text NOT NULL, priority text NOT NULL,
    aud_all boolean NOT NULL, audience text, json text NOT NULL, created bigint NOT NULL
  );
  CREATE INDEX notifications_counts ON notifications (category, priority, aud_all, seq);
  CREATE TABLE notification_audience (
    seq bigint NOT NULL, kind text NOT NULL, value text NOT NULL, PRIMARY KEY (seq, kind, value)
  );
  CREATE INDEX notification_audience_value ON notification_audience (kind, value, seq);
  CREATE TABLE notification_reads (user_id text NOT NULL, seq bigint NOT NULL, PRIMARY KEY (user_id, seq));
  CREATE INDEX notification_reads_seq ON notification_reads (seq);
  CREATE TABLE read_marks (
    user_id text NOT NULL, category text NOT NULL, priority text NOT NULL, through_seq bigint NOT NULL,
    PRIMARY KEY (user_id, category, priority)
  );
  CREATE TABLE user_state (user_id text PRIMARY KEY, cleared_through bigint NOT NULL DEFAULT 0);
  CREATE TABLE metric_samples (t bigint NOT NULL, name text NOT NULL, value double precision NOT NULL, PRIMARY KEY (t, name));
  CREATE TABLE metric_names (name text PRIMARY KEY, last_t bigint NOT NULL);
  CREATE TABLE latest (kind text PRIMARY KEY, seq bigint NOT NULL, json text NOT NULL);
  CREATE TABLE activity (seq bigint PRIMARY KEY, json text NOT NULL);
  CREATE TABLE audit (
    id bigserial PRIMARY KEY, at text NOT NULL, action text NOT NULL, user_id text, role text,
    ip text NOT NULL, user_agent text, detail text
  );
  CREATE INDEX audit_user ON audit (user_id, id);
  CREATE INDEX audit_action ON audit (action, id);
  `,
  // 2: per-user inbox state of a notification (issue 17), as in the SQLite store's migration 3.
  `
  CREATE TABLE inbox_state (
    user_id text NOT NULL, seq bigint NOT NULL, role text NOT NULL,
    archived smallint NOT NULL DEFAULT 0, deleted smallint NOT NULL DEFAULT 0,
    snoozed_until bigint, unread smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, seq)
  );
  CREATE INDEX inbox_state_seq ON inbox_state (seq);
  CREATE INDEX inbox_state_snoozed ON inbox_state (snoozed_until) WHERE snoozed_until IS NOT NULL;
  `,
  // 3: escalation (issue 19): admins the hub knows, what each saw, pending escalation steps, digests.
  `
  CREATE TABLE admins (user_id text PRIMARY KEY, role text NOT NULL, email text, name text, updated bigint NOT NULL);
  CREATE INDEX admins_role ON admins (role);
  CREATE TABLE notification_seen (user_id text NOT NULL, seq bigint NOT NULL, PRIMARY KEY (user_id, seq));
  CREATE INDEX notification_seen_seq ON notification_seen (seq);
  CREATE TABLE escalation_steps (
    user_id text NOT NULL, seq bigint NOT NULL, channel text NOT NULL, due bigint NOT NULL,
    attempts integer NOT NULL DEFAULT 0, lease_until bigint, leased_by text, last_error text,
    PRIMARY KEY (user_id, seq, channel)
  );
  CREATE INDEX escalation_steps_due ON escalation_steps (due);
  CREATE INDEX escalation_steps_seq ON escalation_steps (seq);
  CREATE TABLE escalation_digests (
    user_id text PRIMARY KEY, last_sent bigint NOT NULL, through_seq bigint NOT NULL, lease_until bigint, leased_by text
  );
  `,
  // 4: notification preferences, one document per admin (issue 19 item 5).
  `CREATE TABLE preferences (user_id text PRIMARY KEY, json text NOT NULL, updated bigint NOT NULL);`,
  // 5: browsers registered for Web Push, per admin; the endpoint is unique across admins.
  `
  CREATE TABLE push_subscriptions (
    id bigserial PRIMARY KEY, endpoint text NOT NULL UNIQUE, user_id text NOT NULL, p256dh text NOT NULL,
    auth text NOT NULL, user_agent text, created bigint NOT NULL
  );
  CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, id);
  `,
];

/** The schema version this code writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to `PG_SCHEMA_VERSION`, one node at a time. */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCKS.namespace, LOCKS.migrate]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT max(version) AS version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > PG_SCHEMA_VERSION) {
      throw new StorageStartError(
        `admin-realtime: database schema version ${current} is newer than this hub supports (${PG_SCHEMA_VERSION}); ` +
          'run the newer hub on this database',
      );
    }
    for (let v = current; v < PG_SCHEMA_VERSION; v++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[v]!);
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCKS.namespace, LOCKS.migrate]);
  }
}
