/**
 * The embedded `HubBackend`: SQLite (better-sqlite3, WAL) for the stream log, notifications, read
 * state, metrics, latest status and the audit trail, plus an in-process emitter for fan-out.
 * One hub process owns one database file (a second one is refused, see storage/sqlite-open.ts);
 * a multi-node deployment uses another backend.
 *
 * Everything is synchronous (better-sqlite3): each call is a few prepared statements. In process
 * there are only the statements, the last metric history built (until the next sample) and the
 * audit fold windows (at most `AUDIT_LIMITS.foldKeys`), so memory stays flat however long the
 * hub runs.
 */
import type Database from 'better-sqlite3';
import type {
  ActivityEvent,
  AgentSummary,
  AgentsEvent,
  Audience,
  ListedNotification,
  MetricHistory,
  NotificationFilter,
  Priority,
  RealtimeNotification,
  StatusEvent,
  StreamEvent,
  SystemStatusSnapshot,
  UnreadCounts,
} from '../core/protocol.js';
import { AUDIT_LIMITS, auditDetailJson, auditFoldKey, boundAuditRecord } from './audit.js';
import {
  type AppendResult,
  type AuditQuery,
  type AuditRecord,
  EventRefusedError,
  type HubBackend,
  metricNameRefusal,
  metricTimeRefusal,
  type NewEntry,
  type RetentionOptions,
  STORAGE_LIMITS,
  type StreamEntry,
  type Viewer,
} from './backend.js';
import { isCorruption, openSqlite } from './storage/sqlite-open.js';

export const DEFAULT_RETENTION: RetentionOptions = {
  replayCount: 10_000,
  replayAgeMs: 60 * 60 * 1000,
  metricsSeconds: 3600,
  notificationDays: 30,
  auditDays: 90,
};

export interface SqliteBackendOptions {
  /** Database file, or ':memory:'. The parent folder is created when missing. */
  path: string;
  retention?: Partial<RetentionOptions>;
  /** Clock (epoch ms); injectable for tests. */
  now?: () => number;
  /** Structured log sink (prune results, listener errors). */
  log?: (obj: Record<string, unknown>) => void;
  /** How long an event id is remembered for idempotent publishes (ms, default 24 h, at least replayAgeMs). */
  idempotencyMs?: number;
  /** Activity entries kept (default 500). */
  activityKeep?: number;
  /**
   * Rows each table may lose per `prune()` call beyond twice what was written since the previous
   * call (default 5000): pruning keeps up with any append rate, and a call's work stays
   * proportional to the traffic it follows.
   */
  pruneBatch?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_LIST_LIMIT = 500;
const MAX_AUDIT_LIMIT = 1000;

/** Read flag of notification `n` for user @user: read one by one, or covered by a read mark. */
const READ_EXPR = `(
  EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = @user AND r.seq = n.seq)
  OR EXISTS (
    SELECT 1 FROM read_marks m
    WHERE m.user_id = @user AND n.seq <= m.through_seq
      AND (m.category = '' OR m.category = n.category)
      AND (m.priority = '' OR m.priority = n.priority)
  )
)`;

/** Notification `n` is addressed to (@user, @role). */
const AUDIENCE_EXPR = `(
  n.aud_all = 1
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'u' AND a.value = @user)
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'r' AND a.value = @role)
)`;
/** Visibility of notification `n` to (@user, @role), excluding what the user cleared (@cleared). */
const VISIBLE_EXPR = `(n.seq > @cleared AND ${AUDIENCE_EXPR})`;

/** Category filter: @cats is null (every category) or a JSON array of names. */
const CATEGORY_EXPR = `(@cats IS NULL OR n.category IN (SELECT value FROM json_each(@cats)))`;

/**
 * Notifications counted by the unread queries: visible to the viewer, above @floor (cleared or
 * globally marked read), through @through, matching the optional @category / @priority / @cats.
 */
const COUNT_FILTER = `n.seq > @floor AND n.seq <= @through
  AND (@category IS NULL OR n.category = @category)
  AND (@priority IS NULL OR n.priority = @priority)
  AND ${CATEGORY_EXPR} AND ${VISIBLE_EXPR}`;

/**
 * Seqs above @floor this user has read: single reads plus what filtered read marks cover. Driven
 * from the user's (few) rows, so counting never probes read state once per notification.
 */
const READ_SET = `
  SELECT r.seq FROM notification_reads r WHERE r.user_id = @user AND r.seq > @floor AND r.seq <= @through
  UNION
  SELECT n2.seq FROM read_marks m JOIN notifications n2
    ON n2.seq > @floor AND n2.seq <= min(m.through_seq, @through)
    AND (m.category = '' OR n2.category = m.category)
    AND (m.priority = '' OR n2.priority = m.priority)
  WHERE m.user_id = @user`;

type WriteKind = 'append' | 'read-state' | 'audit' | 'prune';

interface StreamRow {
  seq: number;
  json: string;
  audience: string | null;
}

/** An audience with no userIds and no roles field is "every admin"; empty lists target nobody. */
/**
 * For a table keyed by seq with a `created` time: within its oldest `@batch` rows, the last seq
 * (`last`) and the first one retention still keeps (`keep`), so pruning deletes a bounded prefix.
 */
function pruneEndSql(table: 'stream' | 'event_ids' | 'notifications'): string {
  return `SELECT
    (SELECT max(seq) FROM (SELECT seq FROM ${table} ORDER BY seq LIMIT @batch)) AS last,
    (SELECT min(seq) FROM (SELECT seq, created FROM ${table} ORDER BY seq LIMIT @batch)
       WHERE seq > @seqCut AND created >= @createdCut) AS keep`;
}

function normaliseAudience(audience: Audience | undefined): Audience | undefined {
  if (!audience) return undefined;
  if (audience.userIds === undefined && audience.roles === undefined) return undefined;
  const out: Audience = {};
  if (audience.userIds !== undefined) out.userIds = [...new Set(audience.userIds)];
  if (audience.roles !== undefined) out.roles = [...new Set(audience.roles)];
  return out;
}

function toEntry(json: string, audience: string | null): StreamEntry {
  const event = JSON.parse(json) as StreamEvent;
  return audience ? { event, audience: JSON.parse(audience) as Audience } : { event };
}

function epochSeconds(iso: string | undefined, fallbackMs: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Math.floor((Number.isFinite(ms) ? ms : fallbackMs) / 1000);
}

function categoriesParam(categories: readonly string[] | null | undefined): string | null {
  return categories == null ? null : JSON.stringify(categories);
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** Creates the SQLite backend. Opens (and migrates) the database synchronously. */
export function createSqliteBackend(options: SqliteBackendOptions): HubBackend {
  const retention: RetentionOptions = { ...DEFAULT_RETENTION };
  for (const [key, value] of Object.entries(options.retention ?? {}) as [keyof RetentionOptions, unknown][]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) retention[key] = value;
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const idempotencyMs = Math.max(options.idempotencyMs ?? DAY_MS, retention.replayAgeMs);
  const activityKeep = Math.max(1, options.activityKeep ?? 500);
  const pruneBatch = Math.max(1, options.pruneBatch ?? 5000);

  const memory = options.path === ':memory:' || options.path === '';
  const { db, release } = openSqlite(options.path);
  let closed = false;

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------
  const q = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),

    idSeq: db.prepare<[string], { seq: number }>('SELECT seq FROM event_ids WHERE id = ?'),
    streamByEventId: db.prepare<[string], StreamRow>('SELECT seq, json, audience FROM stream WHERE event_id = ?'),
    streamBySeq: db.prepare<[number], StreamRow>('SELECT seq, json, audience FROM stream WHERE seq = ?'),
    notificationBySeq: db.prepare<[number], StreamRow>('SELECT seq, json, audience FROM notifications WHERE seq = ?'),
    notificationById: db.prepare<[string], StreamRow>('SELECT seq, json, audience FROM notifications WHERE id = ?'),
    insertId: db.prepare<[string, number, number]>('INSERT INTO event_ids (id, seq, created) VALUES (?, ?, ?)'),
    insertStream: db.prepare<[number, string, string, string, string | null, number]>(
      'INSERT INTO stream (seq, event_id, kind, json, audience, created) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertNotification: db.prepare<[number, string, string, string, number, string | null, string, number]>(
      `INSERT INTO notifications (seq, id, category, priority, aud_all, audience, json, created)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertAudience: db.prepare<[number, string, string]>(
      'INSERT OR IGNORE INTO notification_audience (seq, kind, value) VALUES (?, ?, ?)',
    ),
    insertActivity: db.prepare<[number, string]>('INSERT INTO activity (seq, json) VALUES (?, ?)'),
    upsertLatest: db.prepare<[string, number, string]>(
      `INSERT INTO latest (kind, seq, json) VALUES (?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET seq = excluded.seq, json = excluded.json`,
    ),
    upsertSample: db.prepare<[number, string, number]>(
      `INSERT INTO metric_samples (t, name, value) VALUES (?, ?, ?)
       ON CONFLICT (t, name) DO UPDATE SET value = excluded.value`,
    ),
    metricNameKnown: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM metric_names WHERE name = ?'),
    metricNameCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM metric_names'),
    upsertMetricName: db.prepare<[string, number]>(
      `INSERT INTO metric_names (name, last_t) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET last_t = max(last_t, excluded.last_t)`,
    ),

    replay: db.prepare<[number, number], StreamRow>(
      'SELECT seq, json, audience FROM stream WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    firstAfter: db.prepare<[number], { seq: number; created: number }>(
      'SELECT seq, created FROM stream WHERE seq > ? ORDER BY seq LIMIT 1',
    ),

    cleared: db.prepare<[string], { cleared_through: number }>(
      'SELECT cleared_through FROM user_state WHERE user_id = ?',
    ),
    globalMark: db.prepare<[string], { through_seq: number }>(
      `SELECT through_seq FROM read_marks WHERE user_id = ? AND category = '' AND priority = ''`,
    ),
    list: db.prepare<Record<string, unknown>, { json: string; read: number }>(
      `SELECT n.json AS json, ${READ_EXPR} AS read
       FROM notifications n
       WHERE n.seq < @before AND ${VISIBLE_EXPR} AND ${CATEGORY_EXPR}
       ORDER BY n.seq DESC LIMIT @limit`,
    ),
    // Unread = visible - read, each aggregated in SQL per (category, priority). The visible count
    // scans the narrow covering index, already grouped; the planner would otherwise pick a rowid
    // range over the wide rows plus a temp b-tree (several times slower).
    countVisible: db.prepare<CountParams, CountRow>(
      `SELECT n.category AS category, n.priority AS priority, count(*) AS c
       FROM notifications n INDEXED BY notifications_counts WHERE ${COUNT_FILTER}
       GROUP BY n.category, n.priority`,
    ),
    countRead: db.prepare<CountParams, CountRow>(
      `SELECT n.category AS category, n.priority AS priority, count(*) AS c
       FROM notifications n WHERE n.seq IN (${READ_SET}) AND ${COUNT_FILTER}
       GROUP BY n.category, n.priority`,
    ),
    unreadByIds: db.prepare<Record<string, unknown>, { seq: number; id: string }>(
      `SELECT n.seq AS seq, n.id AS id
       FROM notifications n
       WHERE n.id IN (SELECT value FROM json_each(@ids)) AND ${VISIBLE_EXPR} AND NOT ${READ_EXPR}`,
    ),
    knownByIds: db.prepare<Record<string, unknown>, { id: string }>(
      `SELECT n.id AS id FROM notifications n WHERE n.id IN (SELECT value FROM json_each(@ids)) AND ${AUDIENCE_EXPR}`,
    ),
    insertRead: db.prepare<[string, number]>('INSERT OR IGNORE INTO notification_reads (user_id, seq) VALUES (?, ?)'),
    upsertMark: db.prepare<[string, string, string, number]>(
      `INSERT INTO read_marks (user_id, category, priority, through_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, category, priority) DO UPDATE SET through_seq = max(through_seq, excluded.through_seq)`,
    ),
    // Marks made redundant by a broader one with a higher or equal through_seq.
    dropSubsumedMarks: db.prepare<Record<string, unknown>>(
      `DELETE FROM read_marks
       WHERE user_id = @user AND through_seq <= @through
         AND (@category = '' OR category = @category)
         AND (@priority = '' OR priority = @priority)
         AND NOT (category = @category AND priority = @priority)`,
    ),
    // Single read rows made redundant by a read mark.
    dropReadsThrough: db.prepare<Record<string, unknown>>(
      `DELETE FROM notification_reads
       WHERE user_id = @user AND seq <= @through
         AND (@category = '' AND @priority = ''
              OR seq IN (SELECT n.seq FROM notifications n WHERE n.seq <= @through
                         AND (@category = '' OR n.category = @category)
                         AND (@priority = '' OR n.priority = @priority)))`,
    ),
    upsertCleared: db.prepare<[string, number]>(
      `INSERT INTO user_state (user_id, cleared_through) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET cleared_through = max(cleared_through, excluded.cleared_through)`,
    ),

    latest: db.prepare<[string], { json: string }>('SELECT json FROM latest WHERE kind = ?'),
    recentActivity: db.prepare<[number], { json: string }>('SELECT json FROM activity ORDER BY seq DESC LIMIT ?'),
    // One row per second with its values as a JSON object: three times faster to read than a row
    // per sample (SQLite writes doubles with 17 digits, so they parse back exactly).
    samples: db.prepare<[number, number], { t: number; values: string }>(
      `SELECT t, json_group_object(name, value) AS "values" FROM metric_samples
       WHERE t >= ? AND t <= ? GROUP BY t ORDER BY t`,
    ),
    samplePoints: db.prepare<[number, number], { n: number }>(
      'SELECT count(DISTINCT t) AS n FROM metric_samples WHERE t >= ? AND t <= ?',
    ),

    insertAudit: db.prepare<[string, string, string | null, string | null, string, string | null, string | null]>(
      'INSERT INTO audit (at, action, user_id, role, ip, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateAuditDetail: db.prepare<[string | null, number]>('UPDATE audit SET detail = ? WHERE id = ?'),

    // Pruning: each finds the end of a bounded prefix to delete, then deletes it.
    streamPruneEnd: db.prepare<PruneParams, PruneRow>(pruneEndSql('stream')),
    deleteStreamThrough: db.prepare<[number]>('DELETE FROM stream WHERE seq <= ?'),
    idsPruneEnd: db.prepare<PruneParams, PruneRow>(pruneEndSql('event_ids')),
    deleteIdsThrough: db.prepare<[number]>('DELETE FROM event_ids WHERE seq <= ?'),
    notificationsPruneEnd: db.prepare<PruneParams, PruneRow>(pruneEndSql('notifications')),
    deleteNotificationsThrough: db.prepare<[number]>('DELETE FROM notifications WHERE seq <= ?'),
    deleteAudienceThrough: db.prepare<[number]>('DELETE FROM notification_audience WHERE seq <= ?'),
    deleteReadsThrough: db.prepare<[number]>('DELETE FROM notification_reads WHERE seq <= ?'),
    samplesPruneEnd: db.prepare<[number, number], { t: number }>(
      'SELECT t FROM metric_samples WHERE t < ? ORDER BY t LIMIT 1 OFFSET ?',
    ),
    deleteSamplesBefore: db.prepare<[number]>('DELETE FROM metric_samples WHERE t < ?'),
    deleteSamplesThrough: db.prepare<[number]>('DELETE FROM metric_samples WHERE t <= ?'),
    activityPruneEnd: db.prepare<[number], { seq: number }>(
      'SELECT seq FROM activity ORDER BY seq DESC LIMIT 1 OFFSET ?',
    ),
    deleteActivityThrough: db.prepare<[number, number]>(
      'DELETE FROM activity WHERE seq IN (SELECT seq FROM activity WHERE seq <= ? ORDER BY seq LIMIT ?)',
    ),
    // Samples dated past the clock's skew (stored by an older hub, or before the clock moved back).
    deleteFutureSamples: db.prepare<[number]>('DELETE FROM metric_samples WHERE t > ?'),
    deleteNamesBefore: db.prepare<[number]>('DELETE FROM metric_names WHERE last_t < ?'),
    clearNames: db.prepare('DELETE FROM metric_names'),
    rebuildNames: db.prepare(
      'INSERT INTO metric_names (name, last_t) SELECT name, max(t) FROM metric_samples GROUP BY name',
    ),
    auditPruneEnd: db.prepare<{ batch: number; cut: string }, PruneRow>(
      `SELECT
        (SELECT max(id) FROM (SELECT id FROM audit ORDER BY id LIMIT @batch)) AS last,
        (SELECT min(id) FROM (SELECT id, at FROM audit ORDER BY id LIMIT @batch) WHERE at >= @cut) AS keep`,
    ),
    deleteAuditThrough: db.prepare<[number]>('DELETE FROM audit WHERE id <= ?'),
  };

  /**
   * The last failure of each kind of write, reported by health() until a write of that kind
   * succeeds again (so publishes that succeed do not hide an audit trail that cannot be written),
   * and corruption, reported until the process ends: the file must be restored or moved.
   */
  const writeErrors = new Map<WriteKind, string>();
  let corruption: string | null = null;
  const noteCorruption = (err: unknown) => {
    if (corruption === null && isCorruption(err)) {
      corruption = err instanceof Error ? err.message : String(err);
      log({ level: 'error', msg: 'database is corrupt: restore it from a backup or move it aside', err: corruption });
    }
  };
  const write = <T>(kind: WriteKind, fn: () => T): T => {
    try {
      const result = fn();
      writeErrors.delete(kind);
      return result;
    } catch (err) {
      if (!(err instanceof EventRefusedError)) {
        writeErrors.set(kind, err instanceof Error ? err.message : String(err));
        noteCorruption(err);
      }
      throw err;
    }
  };
  /** Rows written since the previous prune, so each prune deletes at least twice as many. */
  const writtenSincePrune = { stream: 0, samples: 0, audit: 0 };
  /** Bumped when metric samples change, so the snapshot's metric history is built once per change. */
  let metricsVersion = 0;
  let historyCache: { key: string; history: MetricHistory } | null = null;
  /** Audit rows that later repeats fold into, by fold key (insertion order = oldest first). */
  const auditFolds = new Map<string, { id: number; until: number; count: number }>();

  const auditStatements = new Map<string, Database.Statement<[Record<string, unknown>], AuditRow>>();
  const ping = db.prepare('SELECT 1');

  const streamIdValue = q.getMeta.get('stream_id')!.value;
  const readLastSeq = (): number => Number(q.getMeta.get('last_seq')?.value ?? 0);

  // -------------------------------------------------------------------------------------------
  // Append and fan-out
  // -------------------------------------------------------------------------------------------
  const listeners = new Set<(entries: readonly StreamEntry[]) => void>();
  /** Runs committed but not yet delivered (non-empty only while delivering). */
  const pending: StreamEntry[][] = [];
  let delivering = false;

  function deliver(entries: StreamEntry[]): void {
    if (!entries.length) return;
    pending.push(entries);
    // A listener that appends (e.g. a read event in reaction) queues behind the current run,
    // so every listener still sees entries in seq order.
    if (delivering) return;
    delivering = true;
    try {
      for (let run = pending.shift(); run; run = pending.shift()) {
        for (const listener of [...listeners]) {
          try {
            listener(run);
          } catch (err) {
            log({ level: 'error', msg: 'backend listener failed', seq: run[0]!.event.seq, err: String(err) });
          }
        }
      }
    } finally {
      delivering = false;
      pending.length = 0;
    }
  }

  function findDuplicate(id: string, event: NewEntry['event'], audience: Audience | undefined): StreamEntry | null {
    const known = q.idSeq.get(id);
    if (!known) {
      // Ids are remembered for idempotencyMs; a notification kept longer still blocks its id.
      const row = q.streamByEventId.get(id) ?? q.notificationById.get(id);
      return row ? toEntry(row.json, row.audience) : null;
    }
    const row = q.streamBySeq.get(known.seq) ?? q.notificationBySeq.get(known.seq);
    if (row) return toEntry(row.json, row.audience);
    // The event itself aged out of every table; its id and seq are still remembered.
    const stored = { ...event, seq: known.seq } as StreamEvent;
    return audience ? { event: stored, audience } : { event: stored };
  }

  /**
   * Checks a metrics event against the clock and the names kept, and stores its samples; throws
   * `EventRefusedError` (the transaction then stores nothing of the batch).
   */
  function storeSamples(event: Extract<StreamEvent, { kind: 'metrics' }>, index: number, created: number): void {
    const t = epochSeconds(event.at, created);
    const refusal = metricTimeRefusal(t, created, retention.metricsSeconds);
    if (refusal) throw new EventRefusedError(index, 'at', refusal);
    for (const [name, value] of Object.entries(event.values)) {
      if (!Number.isFinite(value)) continue;
      if (!q.metricNameKnown.get(name) && q.metricNameCount.get()!.n >= STORAGE_LIMITS.metricNames) {
        throw new EventRefusedError(index, 'values', metricNameRefusal(name, retention.metricsSeconds));
      }
      q.upsertMetricName.run(name, t);
      q.upsertSample.run(t, name, value);
      writtenSincePrune.samples += 1;
    }
    metricsVersion += 1;
  }

  function store(event: StreamEvent, audience: Audience | undefined, created: number, index: number): void {
    const json = JSON.stringify(event);
    const audienceJson = audience ? JSON.stringify(audience) : null;
    q.insertId.run(event.id, event.seq, created);
    q.insertStream.run(event.seq, event.id, event.kind, json, audienceJson, created);
    switch (event.kind) {
      case 'notification': {
        q.insertNotification.run(
          event.seq,
          event.id,
          event.category,
          event.priority,
          audience ? 0 : 1,
          audienceJson,
          json,
          created,
        );
        for (const userId of audience?.userIds ?? []) q.insertAudience.run(event.seq, 'u', userId);
        for (const role of audience?.roles ?? []) q.insertAudience.run(event.seq, 'r', role);
        break;
      }
      case 'activity':
        q.insertActivity.run(event.seq, json);
        break;
      case 'status':
      case 'agents':
        q.upsertLatest.run(event.kind, event.seq, json);
        break;
      case 'metrics':
        storeSamples(event, index, created);
        break;
      default:
        // 'read' and 'cleared' live in the stream only.
        break;
    }
  }

  const appendTx = db.transaction((entries: NewEntry[]) => {
    const results: AppendResult[] = [];
    const fresh: StreamEntry[] = [];
    const created = now();
    let seq = readLastSeq();
    for (const [index, input] of entries.entries()) {
      const id = input.event.id;
      if (typeof id !== 'string' || id === '') throw new TypeError('append: every event needs an id');
      const audience = normaliseAudience(input.audience);
      const duplicate = findDuplicate(id, input.event, audience);
      if (duplicate) {
        results.push({ entry: duplicate, duplicate: true });
        continue;
      }
      seq += 1;
      const event = { ...input.event, seq } as StreamEvent;
      store(event, audience, created, index);
      const entry: StreamEntry = audience ? { event, audience } : { event };
      results.push({ entry, duplicate: false });
      fresh.push(entry);
    }
    if (fresh.length > 0) q.setMeta.run('last_seq', String(seq));
    writtenSincePrune.stream += fresh.length;
    return { results, fresh };
  });

  // -------------------------------------------------------------------------------------------
  // Per-viewer helpers
  // -------------------------------------------------------------------------------------------
  function viewerParams(viewer: Viewer) {
    const cleared = q.cleared.get(viewer.userId)?.cleared_through ?? 0;
    return { user: viewer.userId, role: viewer.role, cleared };
  }

  /** Unread counts of `viewer` through `through`, optionally filtered. */
  function countUnread(
    viewer: Viewer,
    opts: { through?: number; categories?: readonly string[] | null; filter?: NotificationFilter } = {},
  ): UnreadCounts {
    const base = viewerParams(viewer);
    const params: CountParams = {
      ...base,
      // Everything through the user's global read mark is read: count only above it.
      floor: Math.max(base.cleared, q.globalMark.get(viewer.userId)?.through_seq ?? 0),
      through: opts.through ?? Number.MAX_SAFE_INTEGER,
      category: opts.filter?.category ?? null,
      priority: opts.filter?.priority ?? null,
      cats: categoriesParam(opts.categories),
    };
    // At most (categories x priorities) rows each.
    const cells = new Map<string, CountRow>();
    for (const row of q.countVisible.iterate(params)) cells.set(`${row.priority}\u0000${row.category}`, row);
    if (cells.size > 0) {
      for (const row of q.countRead.iterate(params)) {
        const cell = cells.get(`${row.priority}\u0000${row.category}`);
        if (cell) cell.c -= row.c;
      }
    }
    const counts: UnreadCounts = { total: 0, byCategory: {}, byPriority: {} };
    for (const { category, priority, c } of cells.values()) {
      if (c <= 0) continue;
      counts.total += c;
      counts.byCategory[category] = (counts.byCategory[category] ?? 0) + c;
      counts.byPriority[priority] = (counts.byPriority[priority] ?? 0) + c;
    }
    return counts;
  }

  /** Records "everything visible through `through` matching the filter is read" for one user. */
  function addReadMark(userId: string, through: number, category: string, priority: string): void {
    q.upsertMark.run(userId, category, priority, through);
    const params = { user: userId, through, category, priority };
    q.dropSubsumedMarks.run(params);
    q.dropReadsThrough.run(params);
  }

  const markReadTx = db.transaction((viewer: Viewer, ids: string[]): string[] => {
    const rows = q.unreadByIds.all({ ...viewerParams(viewer), ids: JSON.stringify(ids) });
    for (const row of rows) q.insertRead.run(viewer.userId, row.seq);
    const changed = new Set(rows.map((r) => r.id));
    return ids.filter((id) => changed.has(id));
  });

  const markAllReadTx = db.transaction((viewer: Viewer, throughSeq: number, filter?: NotificationFilter): number => {
    const through = Math.min(Math.floor(throughSeq), readLastSeq());
    if (!(through > 0)) return 0;
    const changed = countUnread(viewer, { through, ...(filter ? { filter } : {}) }).total;
    if (changed > 0) addReadMark(viewer.userId, through, filter?.category ?? '', filter?.priority ?? '');
    return changed;
  });

  const clearTx = db.transaction((viewer: Viewer, throughSeq: number): void => {
    const through = Math.min(Math.floor(throughSeq), readLastSeq());
    if (!(through > 0)) return;
    q.upsertCleared.run(viewer.userId, through);
    addReadMark(viewer.userId, through, '', '');
  });

  // -------------------------------------------------------------------------------------------
  // Pruning
  // -------------------------------------------------------------------------------------------
  /** Given the bounded first batch (`last`) and its first row to keep (`keep`), the seq to delete through. */
  const prefixEnd = (row: { last: number | null; keep: number | null } | undefined): number | null => {
    if (!row || row.last === null) return null;
    if (row.keep === null) return row.last;
    return row.keep > 0 ? row.keep - 1 : null;
  };

  const pruneTx = db.transaction((at: number) => {
    const removed: Record<string, number> = {};
    // Each table may lose its batch plus twice what was written since the last prune.
    const batch = pruneBatch + 2 * writtenSincePrune.stream;
    const sampleBatch = pruneBatch + 2 * writtenSincePrune.samples;

    const streamEnd = prefixEnd(
      q.streamPruneEnd.get({
        batch,
        seqCut: readLastSeq() - retention.replayCount,
        createdCut: at - retention.replayAgeMs,
      }),
    );
    if (streamEnd !== null) removed.stream = q.deleteStreamThrough.run(streamEnd).changes;

    const idsEnd = prefixEnd(q.idsPruneEnd.get({ batch, seqCut: 0, createdCut: at - idempotencyMs }));
    if (idsEnd !== null) removed.eventIds = q.deleteIdsThrough.run(idsEnd).changes;

    const notificationsEnd = prefixEnd(
      q.notificationsPruneEnd.get({
        batch,
        seqCut: 0,
        createdCut: at - retention.notificationDays * DAY_MS,
      }),
    );
    if (notificationsEnd !== null) {
      removed.notifications = q.deleteNotificationsThrough.run(notificationsEnd).changes;
      q.deleteAudienceThrough.run(notificationsEnd);
      removed.reads = q.deleteReadsThrough.run(notificationsEnd).changes;
    }

    const nowT = Math.floor(at / 1000);
    const cutoffT = nowT - retention.metricsSeconds;
    // The second at offset batch-1 bounds the work (plus that second's other series, at most).
    const sampleBound = q.samplesPruneEnd.get(cutoffT, sampleBatch - 1)?.t;
    removed.metricSamples = (
      sampleBound === undefined ? q.deleteSamplesBefore.run(cutoffT) : q.deleteSamplesThrough.run(sampleBound)
    ).changes;
    // Only a store written before `at` was checked holds these (or the clock went back): once.
    const future = q.deleteFutureSamples.run(nowT + Math.floor(STORAGE_LIMITS.metricFutureSkewMs / 1000)).changes;
    if (future > 0) {
      removed.futureSamples = future;
      q.clearNames.run();
      q.rebuildNames.run();
    }
    removed.metricNames = q.deleteNamesBefore.run(cutoffT).changes;
    if (removed.metricSamples + future > 0) metricsVersion += 1;

    const activityEnd = q.activityPruneEnd.get(activityKeep)?.seq;
    if (activityEnd !== undefined) removed.activity = q.deleteActivityThrough.run(activityEnd, batch).changes;

    if (retention.auditDays > 0) {
      const auditEnd = prefixEnd(
        q.auditPruneEnd.get({
          batch: pruneBatch + 2 * writtenSincePrune.audit,
          cut: new Date(at - retention.auditDays * DAY_MS).toISOString(),
        }),
      );
      if (auditEnd !== null) removed.audit = q.deleteAuditThrough.run(auditEnd).changes;
    }

    writtenSincePrune.stream = 0;
    writtenSincePrune.samples = 0;
    writtenSincePrune.audit = 0;
    return removed;
  });

  // -------------------------------------------------------------------------------------------
  // Metric history
  // -------------------------------------------------------------------------------------------
  /**
   * Samples from `since` through `until`, one column per second, for at most `metricNames` names;
   * past `snapshotMetricValues` values, consecutive seconds merge into buckets (each keeps its
   * last second and each name's last value in it), so the history stays an hour wide and small.
   */
  function readHistory(since: number, until: number): MetricHistory {
    const points = q.samplePoints.get(since, until)?.n ?? 0;
    if (points === 0) return { t: [], series: {} };
    const names = Math.max(1, Math.min(q.metricNameCount.get()?.n ?? 1, STORAGE_LIMITS.metricNames));
    const width = Math.max(1, Math.ceil((points * names) / STORAGE_LIMITS.snapshotMetricValues));
    const t: number[] = [];
    const series = new Map<string, (number | null)[]>();
    let bucket = Number.NaN;
    for (const row of q.samples.iterate(since, until)) {
      const b = Math.floor(row.t / width);
      if (b !== bucket) {
        bucket = b;
        t.push(row.t);
      } else t[t.length - 1] = row.t;
      for (const [name, value] of Object.entries(JSON.parse(row.values) as Record<string, number>)) {
        let values = series.get(name);
        if (!values) {
          if (series.size >= STORAGE_LIMITS.metricNames) continue; // a store from before the cap
          values = [];
          series.set(name, values);
        }
        values[t.length - 1] = value;
      }
    }
    for (const values of series.values()) for (let i = 0; i < t.length; i++) values[i] ??= null;
    return { t, series: Object.fromEntries(series) };
  }

  // -------------------------------------------------------------------------------------------
  // Audit
  // -------------------------------------------------------------------------------------------
  /** Inserts a row, or folds a repeat into the row its key wrote less than `foldMs` ago. */
  function writeAudit(record: AuditRecord): void {
    const at = now();
    const key = auditFoldKey(record);
    const fold = key === null ? undefined : auditFolds.get(key);
    if (fold && at < fold.until) {
      fold.count += 1;
      q.updateAuditDetail.run(auditDetailJson(record.detail, { count: fold.count, lastAt: record.at }), fold.id);
      return;
    }
    const detail = auditDetailJson(record.detail, key === null ? undefined : { count: 1, lastAt: record.at });
    const { userId, role, ip, userAgent } = record;
    const id = Number(q.insertAudit.run(record.at, record.action, userId, role, ip, userAgent, detail).lastInsertRowid);
    writtenSincePrune.audit += 1;
    if (key === null) return;
    auditFolds.delete(key);
    if (auditFolds.size >= AUDIT_LIMITS.foldKeys) {
      for (const [k, f] of auditFolds) if (f.until <= at) auditFolds.delete(k);
      if (auditFolds.size >= AUDIT_LIMITS.foldKeys) auditFolds.delete(auditFolds.keys().next().value as string);
    }
    auditFolds.set(key, { id, until: at + AUDIT_LIMITS.foldMs, count: 1 });
  }

  function auditStatement(query: AuditQuery) {
    const where: string[] = [];
    if (query.beforeId !== undefined) where.push('id < @beforeId');
    if (query.userId !== undefined) where.push('user_id = @userId');
    if (query.action !== undefined) where.push('action = @action');
    const key = where.join(' AND ');
    let stmt = auditStatements.get(key); // at most 8 shapes
    if (!stmt) {
      stmt = db.prepare<Record<string, unknown>, AuditRow>(
        `SELECT id, at, action, user_id, role, ip, user_agent, detail FROM audit
         ${where.length ? `WHERE ${key}` : ''} ORDER BY id DESC LIMIT @limit`,
      );
      auditStatements.set(key, stmt);
    }
    return stmt;
  }

  // -------------------------------------------------------------------------------------------
  // The backend
  // -------------------------------------------------------------------------------------------
  const backend: HubBackend = {
    append(entries) {
      if (entries.length === 0) return [];
      const { results, fresh } = write('append', () => appendTx.immediate(entries));
      if (fresh.length > 0) deliver(fresh);
      return results;
    },

    latestSeq: readLastSeq,

    streamId: () => streamIdValue,

    replay(afterSeq, limit) {
      const latest = readLastSeq();
      if (!Number.isInteger(afterSeq) || afterSeq < 0 || afterSeq > latest) return null;
      if (afterSeq === latest) return [];
      // What retention promises, not what the pruner has deleted so far.
      if (afterSeq < latest - retention.replayCount) return null;
      const first = q.firstAfter.get(afterSeq);
      if (!first || first.seq !== afterSeq + 1 || first.created < now() - retention.replayAgeMs) return null;
      const max = limit === undefined ? -1 : clampInt(limit, 0, Number.MAX_SAFE_INTEGER, 0);
      return q.replay.all(afterSeq, max).map((row) => toEntry(row.json, row.audience));
    },

    listNotifications(viewer, opts) {
      const limit = clampInt(opts.limit, 1, MAX_LIST_LIMIT, 50);
      const rows = q.list.all({
        ...viewerParams(viewer),
        before: opts.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        cats: categoriesParam(opts.categories),
        limit: limit + 1,
      });
      const hasMore = rows.length > limit;
      const notifications = rows.slice(0, limit).map(
        (row): ListedNotification => ({
          ...(JSON.parse(row.json) as RealtimeNotification),
          read: row.read === 1,
        }),
      );
      return { notifications, hasMore };
    },

    unreadCounts: (viewer, categories) => countUnread(viewer, { categories: categories ?? null }),

    markRead(viewer, ids) {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string'))];
      if (unique.length === 0) return [];
      return write('read-state', () => markReadTx.immediate(viewer, unique));
    },

    knownNotifications(viewer, ids) {
      if (ids.length === 0) return [];
      const known = new Set(
        q.knownByIds.all({ user: viewer.userId, role: viewer.role, ids: JSON.stringify(ids) }).map((r) => r.id),
      );
      return ids.filter((id) => known.has(id));
    },

    markAllRead(viewer, throughSeq, filter) {
      return write('read-state', () => markAllReadTx.immediate(viewer, throughSeq, filter));
    },

    clear(viewer, throughSeq) {
      write('read-state', () => clearTx.immediate(viewer, throughSeq));
    },

    latestStatus(): SystemStatusSnapshot | null {
      const row = q.latest.get('status');
      if (!row) return null;
      const event = JSON.parse(row.json) as StatusEvent;
      return { components: event.components, at: event.at };
    },

    latestAgents(): AgentSummary | null {
      const row = q.latest.get('agents');
      if (!row) return null;
      const event = JSON.parse(row.json) as AgentsEvent;
      return { active: event.active, idle: event.idle, error: event.error, at: event.at };
    },

    recentActivity(limit) {
      const n = clampInt(limit, 0, activityKeep, 50);
      return q.recentActivity.all(n).map((row) => JSON.parse(row.json) as ActivityEvent);
    },

    metricHistory(sinceEpochSeconds) {
      // Never more than the retention window nor past the clock's skew, even if prune() has not
      // run for a while (or the store predates these bounds).
      const nowT = Math.floor(now() / 1000);
      const since = Math.max(Math.floor(sinceEpochSeconds), nowT - retention.metricsSeconds);
      const until = nowT + Math.floor(STORAGE_LIMITS.metricFutureSkewMs / 1000);
      const key = `${since}/${until}/${metricsVersion}`;
      if (historyCache?.key === key) return historyCache.history;
      const history = readHistory(since, until);
      historyCache = { key, history };
      return history;
    },

    audit(record) {
      write('audit', () => writeAudit(boundAuditRecord(record)));
    },

    readAudit(query) {
      const params: Record<string, unknown> = { limit: clampInt(query.limit, 1, MAX_AUDIT_LIMIT, 100) };
      if (query.beforeId !== undefined) params.beforeId = query.beforeId;
      if (query.userId !== undefined) params.userId = query.userId;
      if (query.action !== undefined) params.action = query.action;
      const rows = auditStatement(query).all(params);
      return rows.map((row) => {
        const record: AuditRecord & { id: number } = {
          id: row.id,
          at: row.at,
          action: row.action as AuditRecord['action'],
          userId: row.user_id,
          role: row.role,
          ip: row.ip,
          userAgent: row.user_agent,
        };
        if (row.detail !== null) record.detail = JSON.parse(row.detail) as Record<string, unknown>;
        return record;
      });
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    prune(at = now()) {
      const removed = write('prune', () => pruneTx.immediate(at));
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      if (total > 0) log({ level: 'debug', msg: 'pruned storage', ...removed });
    },

    health() {
      if (closed) return { ok: false, detail: 'closed' };
      if (corruption !== null) {
        return { ok: false, detail: `database corrupt (${corruption}): restore it from a backup or move it aside` };
      }
      try {
        ping.get();
        const failed = writeErrors.values().next();
        return failed.done ? { ok: true } : { ok: false, detail: `last write failed: ${failed.value}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      try {
        if (!memory) db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (err) {
        log({ level: 'warn', msg: 'wal checkpoint failed on close', err: String(err) });
      }
      release();
    },
  };
  // A read that meets a damaged page marks the store corrupt as a failed write does.
  for (const [name, method] of Object.entries(backend) as [keyof HubBackend, (...a: unknown[]) => unknown][]) {
    if (name === 'health' || name === 'close' || name === 'subscribe') continue;
    (backend as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      try {
        return method(...args);
      } catch (err) {
        noteCorruption(err);
        throw err;
      }
    };
  }
  return backend;
}

interface CountParams {
  user: string;
  role: string;
  cleared: number;
  floor: number;
  through: number;
  category: string | null;
  priority: string | null;
  cats: string | null;
}

interface CountRow {
  category: string;
  priority: Priority;
  c: number;
}

interface PruneParams {
  batch: number;
  seqCut: number;
  createdCut: number;
}

interface PruneRow {
  last: number | null;
  keep: number | null;
}

interface AuditRow {
  id: number;
  at: string;
  action: string;
  user_id: string | null;
  role: string | null;
  ip: string;
  user_agent: string | null;
  detail: string | null;
}
