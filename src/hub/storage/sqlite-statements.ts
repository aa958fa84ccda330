/**
 * The SQLite backend's statements, prepared once per database: the SQL for the stream, read
 * state, unread counts, metric history, audit trail and pruning.
 */
import type Database from 'better-sqlite3';
import type { Priority } from '../../core/protocol.js';
import type { AuditRow } from './audit-rows.js';
import {
  countAdjustSql,
  DROP_READS_THROUGH,
  DROP_SUBSUMED_MARKS,
  INBOX_HIDDEN,
  pruneEndSql,
  READ_EXPR,
} from './sql-fragments.js';

/** Notification `n` is addressed to (@user, @role). */
export const AUDIENCE_EXPR = `(
  n.aud_all = 1
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'u' AND a.value = @user)
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'r' AND a.value = @role)
)`;
/** Visibility of notification `n` to (@user, @role), excluding what the user cleared (@cleared). */
export const VISIBLE_EXPR = `(n.seq > @cleared AND ${AUDIENCE_EXPR})`;

/** Category filter: @cats is null (every category) or a JSON array of names. */
export const CATEGORY_EXPR = `(@cats IS NULL OR n.category IN (SELECT value FROM json_each(@cats)))`;

/**
 * Notifications counted by the unread queries: visible to the viewer (above @cleared and in its
 * audience), above @floor (the larger of @cleared and the user's global read mark: everything at
 * or below it is read), through @through, matching the optional @category / @priority / @cats.
 */
export const COUNT_SCOPE = `n.seq <= @through
  AND (@category IS NULL OR n.category = @category)
  AND (@priority IS NULL OR n.priority = @priority)
  AND ${CATEGORY_EXPR} AND ${VISIBLE_EXPR}`;
export const COUNT_FILTER = `n.seq > @floor AND ${COUNT_SCOPE}`;

/**
 * Seqs above @floor this user has read: single reads plus what filtered read marks cover. Driven
 * from the user's (few) rows, so counting never probes read state once per notification.
 */
export const READ_SET = `
  SELECT r.seq FROM notification_reads r WHERE r.user_id = @user AND r.seq > @floor AND r.seq <= @through
  UNION
  SELECT n2.seq FROM read_marks m JOIN notifications n2
    ON n2.seq > @floor AND n2.seq <= min(m.through_seq, @through)
    AND (m.category = '' OR n2.category = m.category)
    AND (m.priority = '' OR n2.priority = m.priority)
  WHERE m.user_id = @user`;

export interface StreamRow {
  seq: number;
  json: string;
  audience: string | null;
}

/** Bind parameters as better-sqlite3 takes them: positional (a tuple) or named (one object). */
type Params<P> = P extends unknown[] ? P : [P];

/**
 * The part of a prepared statement the backend uses. Written out because @types/better-sqlite3
 * declares its statement type in a namespace it does not export, so the hub package's declaration
 * build cannot print the inferred one.
 */
export interface Statement<P extends unknown[] | object = unknown[], R = unknown> {
  run(...params: Params<P>): Database.RunResult;
  get(...params: Params<P>): R | undefined;
  all(...params: Params<P>): R[];
  iterate(...params: Params<P>): IterableIterator<R>;
}

/** Prepares every statement of the backend on `db` (migrated). */
export function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> =>
    db.prepare<P, R>(sql) as unknown as Statement<P, R>;
  return {
    getMeta: prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),

    idSeq: prepare<[string], { seq: number }>('SELECT seq FROM event_ids WHERE id = ?'),
    streamByEventId: prepare<[string], StreamRow>('SELECT seq, json, audience FROM stream WHERE event_id = ?'),
    streamBySeq: prepare<[number], StreamRow>('SELECT seq, json, audience FROM stream WHERE seq = ?'),
    notificationBySeq: prepare<[number], StreamRow>('SELECT seq, json, audience FROM notifications WHERE seq = ?'),
    notificationById: prepare<[string], StreamRow>('SELECT seq, json, audience FROM notifications WHERE id = ?'),
    insertId: prepare<[string, number, number]>('INSERT INTO event_ids (id, seq, created) VALUES (?, ?, ?)'),
    insertStream: prepare<[number, string, string, string, string | null, number]>(
      'INSERT INTO stream (seq, event_id, kind, json, audience, created) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertNotification: prepare<[number, string, string, string, number, string | null, string, number]>(
      `INSERT INTO notifications (seq, id, category, priority, aud_all, audience, json, created)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertAudience: prepare<[number, string, string]>(
      'INSERT OR IGNORE INTO notification_audience (seq, kind, value) VALUES (?, ?, ?)',
    ),
    insertActivity: prepare<[number, string]>('INSERT INTO activity (seq, json) VALUES (?, ?)'),
    upsertLatest: prepare<[string, number, string]>(
      `INSERT INTO latest (kind, seq, json) VALUES (?, ?, ?)
     ON CONFLICT (kind) DO UPDATE SET seq = excluded.seq, json = excluded.json`,
    ),
    upsertSample: prepare<[number, string, number]>(
      `INSERT INTO metric_samples (t, name, value) VALUES (?, ?, ?)
     ON CONFLICT (t, name) DO UPDATE SET value = excluded.value`,
    ),
    metricNameKnown: prepare<[string], { one: number }>('SELECT 1 AS one FROM metric_names WHERE name = ?'),
    metricNameCount: prepare<[], { n: number }>('SELECT count(*) AS n FROM metric_names'),
    upsertMetricName: prepare<[string, number]>(
      `INSERT INTO metric_names (name, last_t) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET last_t = max(last_t, excluded.last_t)`,
    ),

    replay: prepare<[number, number], StreamRow>(
      'SELECT seq, json, audience FROM stream WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    firstAfter: prepare<[number], { seq: number; created: number }>(
      'SELECT seq, created FROM stream WHERE seq > ? ORDER BY seq LIMIT 1',
    ),

    cleared: prepare<[string], { cleared_through: number }>('SELECT cleared_through FROM user_state WHERE user_id = ?'),
    globalMark: prepare<[string], { through_seq: number }>(
      `SELECT through_seq FROM read_marks WHERE user_id = ? AND category = '' AND priority = ''`,
    ),
    list: prepare<Record<string, unknown>, { json: string; read: number }>(
      `SELECT n.json AS json, ${READ_EXPR} AS read
     FROM notifications n
     WHERE n.seq < @before AND ${VISIBLE_EXPR} AND ${CATEGORY_EXPR} AND NOT ${INBOX_HIDDEN}
     ORDER BY n.seq DESC LIMIT @limit`,
    ),
    // Unread = visible - read, each aggregated in SQL per (category, priority). The visible count
    // scans the narrow covering index, already grouped; the planner would otherwise pick a rowid
    // range over the wide rows plus a temp b-tree (several times slower).
    countVisible: prepare<CountParams, CountRow>(
      `SELECT n.category AS category, n.priority AS priority, count(*) AS c
     FROM notifications n INDEXED BY notifications_counts WHERE ${COUNT_FILTER}
     GROUP BY n.category, n.priority`,
    ),
    countRead: prepare<CountParams, CountRow>(
      `SELECT n.category AS category, n.priority AS priority, count(*) AS c
     FROM notifications n WHERE n.seq IN (${READ_SET}) AND ${COUNT_FILTER}
     GROUP BY n.category, n.priority`,
    ),
    // What the user's inbox state (hidden rows, unread overrides) changes in the two counts above.
    countAdjust: prepare<CountParams, CountRow>(countAdjustSql(COUNT_SCOPE)),
    unreadByIds: prepare<Record<string, unknown>, { seq: number; id: string }>(
      `SELECT n.seq AS seq, n.id AS id
     FROM notifications n
     WHERE n.id IN (SELECT value FROM json_each(@ids)) AND ${VISIBLE_EXPR} AND NOT ${READ_EXPR}`,
    ),
    latestInGroups: prepare<[string], { json: string }>(
      `SELECT n.json AS json FROM notifications n JOIN (
         SELECT max(seq) AS seq FROM notifications
         WHERE json_extract(json, '$.group') IN (SELECT value FROM json_each(?))
         GROUP BY json_extract(json, '$.group')
       ) latest ON n.seq = latest.seq`,
    ),
    knownByIds: prepare<Record<string, unknown>, { id: string }>(
      `SELECT n.id AS id FROM notifications n WHERE n.id IN (SELECT value FROM json_each(@ids)) AND ${AUDIENCE_EXPR}`,
    ),
    insertRead: prepare<[string, number]>('INSERT OR IGNORE INTO notification_reads (user_id, seq) VALUES (?, ?)'),
    upsertMark: prepare<[string, string, string, number]>(
      `INSERT INTO read_marks (user_id, category, priority, through_seq) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id, category, priority) DO UPDATE SET through_seq = max(through_seq, excluded.through_seq)`,
    ),
    dropSubsumedMarks: prepare<Record<string, unknown>>(DROP_SUBSUMED_MARKS),
    dropReadsThrough: prepare<Record<string, unknown>>(DROP_READS_THROUGH),
    upsertCleared: prepare<[string, number]>(
      `INSERT INTO user_state (user_id, cleared_through) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET cleared_through = max(cleared_through, excluded.cleared_through)`,
    ),

    latest: prepare<[string], { json: string }>('SELECT json FROM latest WHERE kind = ?'),
    recentActivity: prepare<[number], { json: string }>('SELECT json FROM activity ORDER BY seq DESC LIMIT ?'),
    // One row per second with its values as a JSON object: three times faster to read than a row
    // per sample (SQLite writes doubles with 17 digits, so they parse back exactly).
    samples: prepare<[number, number], { t: number; values: string }>(
      `SELECT t, json_group_object(name, value) AS "values" FROM metric_samples
     WHERE t >= ? AND t <= ? GROUP BY t ORDER BY t`,
    ),
    samplePoints: prepare<[number, number], { n: number }>(
      'SELECT count(DISTINCT t) AS n FROM metric_samples WHERE t >= ? AND t <= ?',
    ),

    insertAudit: prepare<[string, string, string | null, string | null, string, string | null, string | null]>(
      'INSERT INTO audit (at, action, user_id, role, ip, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateAuditDetail: prepare<[string | null, number]>('UPDATE audit SET detail = ? WHERE id = ?'),

    // Pruning: each finds the end of a bounded prefix to delete, then deletes it.
    streamPruneEnd: prepare<PruneParams, PruneRow>(pruneEndSql('stream')),
    deleteStreamThrough: prepare<[number]>('DELETE FROM stream WHERE seq <= ?'),
    idsPruneEnd: prepare<PruneParams, PruneRow>(pruneEndSql('event_ids')),
    deleteIdsThrough: prepare<[number]>('DELETE FROM event_ids WHERE seq <= ?'),
    notificationsPruneEnd: prepare<PruneParams, PruneRow>(pruneEndSql('notifications')),
    deleteNotificationsThrough: prepare<[number]>('DELETE FROM notifications WHERE seq <= ?'),
    deleteAudienceThrough: prepare<[number]>('DELETE FROM notification_audience WHERE seq <= ?'),
    deleteReadsThrough: prepare<[number]>('DELETE FROM notification_reads WHERE seq <= ?'),
    deleteInboxThrough: prepare<[number]>('DELETE FROM inbox_state WHERE seq <= ?'),
    samplesPruneEnd: prepare<[number, number], { t: number }>(
      'SELECT t FROM metric_samples WHERE t < ? ORDER BY t LIMIT 1 OFFSET ?',
    ),
    deleteSamplesBefore: prepare<[number]>('DELETE FROM metric_samples WHERE t < ?'),
    deleteSamplesThrough: prepare<[number]>('DELETE FROM metric_samples WHERE t <= ?'),
    activityPruneEnd: prepare<[number], { seq: number }>('SELECT seq FROM activity ORDER BY seq DESC LIMIT 1 OFFSET ?'),
    deleteActivityThrough: prepare<[number, number]>(
      'DELETE FROM activity WHERE seq IN (SELECT seq FROM activity WHERE seq <= ? ORDER BY seq LIMIT ?)',
    ),
    // Samples dated past the clock's skew (stored by an older hub, or before the clock moved back).
    deleteFutureSamples: prepare<[number]>('DELETE FROM metric_samples WHERE t > ?'),
    deleteNamesBefore: prepare<[number]>('DELETE FROM metric_names WHERE last_t < ?'),
    clearNames: prepare('DELETE FROM metric_names'),
    rebuildNames: prepare(
      'INSERT INTO metric_names (name, last_t) SELECT name, max(t) FROM metric_samples GROUP BY name',
    ),
    auditPruneEnd: prepare<{ batch: number; cut: string }, PruneRow>(
      `SELECT
      (SELECT max(id) FROM (SELECT id FROM audit ORDER BY id LIMIT @batch)) AS last,
      (SELECT min(id) FROM (SELECT id, at FROM audit ORDER BY id LIMIT @batch) WHERE at >= @cut) AS keep`,
    ),
    deleteAuditThrough: prepare<[number]>('DELETE FROM audit WHERE id <= ?'),
  };
}

/** The prepared statements. */
export type Statements = ReturnType<typeof prepareStatements>;

export interface CountParams {
  user: string;
  role: string;
  cleared: number;
  floor: number;
  through: number;
  category: string | null;
  priority: string | null;
  cats: string | null;
  now: number;
}

export interface CountRow {
  category: string;
  priority: Priority;
  c: number;
}

export interface PruneParams {
  batch: number;
  seqCut: number;
  createdCut: number;
}

export interface PruneRow {
  last: number | null;
  keep: number | null;
}

export type { AuditRow };
