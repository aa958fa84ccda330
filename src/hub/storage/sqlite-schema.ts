/**
 * Schema of the embedded SQLite store, versioned with `PRAGMA user_version`. Each migration runs
 * once, in order, inside one transaction; a database written by a newer version is refused
 * rather than guessed at.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The store cannot be opened as it is; the message says what to do. */
export class StorageStartError extends Error {
  override readonly name = 'StorageStartError';
}

type Migration = (db: Database.Database) => void;

const MIGRATIONS: Migration[] = [
  // 1: initial schema.
  (db) => {
    db.exec(`
      -- Key/value facts about the store: stream_id (random, created with the db), last_seq.
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- The seq'd stream, for replay on resume. Pruned by count and age (a prefix at a time).
      CREATE TABLE stream (
        seq      INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        kind     TEXT NOT NULL,
        json     TEXT NOT NULL,
        audience TEXT,
        created  INTEGER NOT NULL
      );

      -- Every event id appended, kept longer than the stream (>= 24 h) for idempotent publishes.
      CREATE TABLE event_ids (
        id      TEXT PRIMARY KEY,
        seq     INTEGER NOT NULL,
        created INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX event_ids_seq ON event_ids (seq);

      -- Notifications, kept for days. aud_all = 1 when every admin may see it.
      CREATE TABLE notifications (
        seq      INTEGER PRIMARY KEY,
        id       TEXT NOT NULL UNIQUE,
        category TEXT NOT NULL,
        priority TEXT NOT NULL,
        aud_all  INTEGER NOT NULL,
        audience TEXT,
        json     TEXT NOT NULL,
        created  INTEGER NOT NULL
      );
      CREATE INDEX notifications_category ON notifications (category, seq);
      -- Covering index for unread aggregation (seq is the rowid, so it is included).
      CREATE INDEX notifications_counts ON notifications (category, priority, aud_all);

      -- One row per targeted user ('u') or role ('r') of a notification with an audience.
      CREATE TABLE notification_audience (
        seq   INTEGER NOT NULL,
        kind  TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (seq, kind, value)
      ) WITHOUT ROWID;

      -- Notifications one user marked read one by one.
      CREATE TABLE notification_reads (
        user_id TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX notification_reads_seq ON notification_reads (seq);

      -- "Everything through seq N matching (category, priority) is read" ('' = any), per user:
      -- mark-all-read in O(1) rows whatever the number of notifications.
      CREATE TABLE read_marks (
        user_id     TEXT NOT NULL,
        category    TEXT NOT NULL,
        priority    TEXT NOT NULL,
        through_seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, category, priority)
      ) WITHOUT ROWID;

      -- Per-user cleared-through seq.
      CREATE TABLE user_state (
        user_id         TEXT PRIMARY KEY,
        cleared_through INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;

      -- One value per metric per epoch second, for chart backfill.
      CREATE TABLE metric_samples (
        t     INTEGER NOT NULL,
        name  TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (t, name)
      ) WITHOUT ROWID;

      -- Latest 'status' and 'agents' events.
      CREATE TABLE latest (
        kind TEXT PRIMARY KEY,
        seq  INTEGER NOT NULL,
        json TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Recent activity (the newest N are kept).
      CREATE TABLE activity (
        seq  INTEGER PRIMARY KEY,
        json TEXT NOT NULL
      );

      -- Append-only audit trail of admin actions.
      CREATE TABLE audit (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         TEXT NOT NULL,
        action     TEXT NOT NULL,
        user_id    TEXT,
        role       TEXT,
        ip         TEXT NOT NULL,
        user_agent TEXT,
        detail     TEXT
      );
      CREATE INDEX audit_user ON audit (user_id, id);
      CREATE INDEX audit_action ON audit (action, id);
    `);
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    put.run('stream_id', randomUUID());
    put.run('last_seq', '0');
  },
  // 2: metric names with the second of their newest sample, so the number of names kept is
  // bounded and counted without scanning the samples.
  (db) => {
    db.exec(`
      CREATE TABLE metric_names (
        name   TEXT PRIMARY KEY,
        last_t INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO metric_names (name, last_t) SELECT name, max(t) FROM metric_samples GROUP BY name;
    `);
  },
  // 3: per-user inbox state of a notification (issue 17): archived, deleted for the user, snoozed
  // until (epoch ms), and unread = 1 to override reads and read marks (mark unread, a snooze that
  // woke). `role` is the user's role at the last change (a woken snooze's counts are read with it).
  (db) => {
    db.exec(`
      CREATE TABLE inbox_state (
        user_id       TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        role          TEXT NOT NULL,
        archived      INTEGER NOT NULL DEFAULT 0,
        deleted       INTEGER NOT NULL DEFAULT 0,
        snoozed_until INTEGER,
        unread        INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX inbox_state_seq ON inbox_state (seq);
      CREATE INDEX inbox_state_snoozed ON inbox_state (snoozed_until) WHERE snoozed_until IS NOT NULL;
    `);
  },
  // 4: escalation (issue 19): admins the hub knows, what each saw, pending escalation steps, digests.
  (db) => {
    db.exec(`
      -- The latest of each admin: from their newest session's token, or PUT /v1/admins/{id}.
      CREATE TABLE IF NOT EXISTS admins (
        user_id TEXT PRIMARY KEY,
        role    TEXT NOT NULL,
        email   TEXT,
        name    TEXT,
        updated INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS admins_role ON admins (role);
      -- Notifications a visible tab rendered for the user.
      CREATE TABLE IF NOT EXISTS notification_seen (
        user_id TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS notification_seen_seq ON notification_seen (seq);
      -- One pending step per (admin, notification, channel); deleted once sent, cancelled or given up.
      CREATE TABLE IF NOT EXISTS escalation_steps (
        user_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        channel     TEXT NOT NULL,
        due         INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        lease_until INTEGER,
        leased_by   TEXT,
        last_error  TEXT,
        PRIMARY KEY (user_id, seq, channel)
      );
      CREATE INDEX IF NOT EXISTS escalation_steps_due ON escalation_steps (due);
      CREATE INDEX IF NOT EXISTS escalation_steps_seq ON escalation_steps (seq);
      -- Per admin: the last digest of lower priorities (time and the seq it went through).
      CREATE TABLE IF NOT EXISTS escalation_digests (
        user_id     TEXT PRIMARY KEY,
        last_sent   INTEGER NOT NULL,
        through_seq INTEGER NOT NULL,
        lease_until INTEGER,
        leased_by   TEXT
      ) WITHOUT ROWID;
    `);
  },
  // 5: notification preferences, one document per admin (issue 19 item 5).
  (db) => {
    db.exec(`
      CREATE TABLE preferences (
        user_id TEXT PRIMARY KEY,
        json    TEXT NOT NULL,
        updated INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 6: browsers registered for Web Push, per admin; the endpoint is unique across admins.
  (db) => {
    db.exec(`
      CREATE TABLE push_subscriptions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint   TEXT NOT NULL UNIQUE,
        user_id    TEXT NOT NULL,
        p256dh     TEXT NOT NULL,
        auth       TEXT NOT NULL,
        user_agent TEXT,
        created    INTEGER NOT NULL
      );
      CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, id);
    `);
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Tables of the file that are not SQLite's own. */
function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all()
    .map((r) => r.name);
}

/**
 * Brings `db` up to SCHEMA_VERSION. Throws `StorageStartError` for a database written by a newer
 * version, and for a file that holds another application's tables (never migrated into).
 */
export function migrate(db: Database.Database, path = 'the database'): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StorageStartError(
      `admin-realtime: database schema version ${current} is newer than this hub supports (${SCHEMA_VERSION}); ` +
        'run the newer hub, or restore a backup made with this version',
    );
  }
  const present = tables(db);
  const ours = current > 0 && present.includes('meta') && present.includes('stream');
  if ((current === 0 && present.length > 0) || (current > 0 && !ours)) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '');
    throw new StorageStartError(
      `admin-realtime: ${path} holds tables of another application (${shown}) and not the hub's schema; ` +
        'the hub does not write into it. Give the hub a file of its own with --db (ADMIN_REALTIME_DB).',
    );
  }
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = current; v < SCHEMA_VERSION; v++) {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
