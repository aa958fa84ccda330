/**
 * The embedded `HubBackend`: SQLite (better-sqlite3, WAL) for the stream log, notifications, read
 * state, metrics, latest status and the audit trail, plus an in-process emitter for fan-out.
 * One hub process owns one database file (a second one is refused, see storage/sqlite-open.ts);
 * a cluster of hubs uses the PostgreSQL backend.
 *
 * Each call is a few prepared statements, run synchronously when the method is called (so calls
 * keep the order they were made in), answered as a settled Promise for the asynchronous seam. The
 * statements, read state, pruning and audit trail live in storage/. In process there are only the
 * statements, the last metric history built (until the next sample) and the audit fold windows
 * (at most `AUDIT_LIMITS.foldKeys`), so memory stays flat however long the hub runs.
 */
import type {
  ActivityEvent,
  AgentsEvent,
  Audience,
  ListedNotification,
  MetricHistory,
  RealtimeNotification,
  StatusEvent,
  StreamEvent,
} from '../core/protocol.js';
import { boundAuditRecord } from './audit.js';
import {
  type AppendResult,
  EventRefusedError,
  type HubBackend,
  metricNameRefusal,
  metricTimeRefusal,
  type NewEntry,
  type SnapshotParts,
  STORAGE_LIMITS,
  type StreamEntry,
  type Viewer,
} from './backend.js';
import {
  bucketHistory,
  clampInt,
  epochSeconds,
  historyWindow,
  MAX_LIST_LIMIT,
  normaliseAudience,
  parseEntry,
  resolveStoreOptions,
  type StoreOptions,
} from './storage/shared.js';
import { createSqliteAudit } from './storage/sqlite-audit.js';
import { createSqliteEscalation } from './storage/sqlite-escalation.js';
import { createSqliteInbox } from './storage/sqlite-inbox.js';
import { isCorruption, openSqlite } from './storage/sqlite-open.js';
import { createSqlitePreferences } from './storage/sqlite-preferences.js';
import { createSqlitePruner } from './storage/sqlite-prune.js';
import { createSqlitePush } from './storage/sqlite-push.js';
import { categoriesParam, createSqliteReadState } from './storage/sqlite-read-state.js';
import { prepareStatements } from './storage/sqlite-statements.js';

export { DEFAULT_RETENTION } from './storage/shared.js';

export interface SqliteBackendOptions extends StoreOptions {
  /** Database file, or ':memory:'. The parent folder is created when missing. */
  path: string;
}

type WriteKind = 'append' | 'read-state' | 'audit' | 'prune';

/** The synchronous store behind the Promise-based backend. */
type SyncBackend = {
  [K in keyof HubBackend]: HubBackend[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => R
    : HubBackend[K];
};

/** Creates the SQLite backend. Opens (and migrates) the database synchronously. */
export function createSqliteBackend(options: SqliteBackendOptions): HubBackend {
  const { retention, now, log, idempotencyMs, activityKeep, pruneBatch } = resolveStoreOptions(options);
  const memory = options.path === ':memory:' || options.path === '';
  const { db, release } = openSqlite(options.path);
  let closed = false;
  const q = prepareStatements(db);

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
  const ping = db.prepare('SELECT 1');

  const streamIdValue = q.getMeta.get('stream_id')!.value;
  const readLastSeq = (): number => Number(q.getMeta.get('last_seq')?.value ?? 0);

  const readState = createSqliteReadState(db, q, readLastSeq, now);
  const inbox = createSqliteInbox(db, readState.viewerParams);
  const escalation = createSqliteEscalation(db, now);
  const auditTrail = createSqliteAudit(db, q, now, () => {
    writtenSincePrune.audit += 1;
  });
  const preferences = createSqlitePreferences(db, now);
  const pruneTx = createSqlitePruner(db, q, {
    retention,
    idempotencyMs,
    activityKeep,
    pruneBatch,
    written: writtenSincePrune,
    readLastSeq,
    onMetricsChanged: () => {
      metricsVersion += 1;
    },
  });

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
      return row ? parseEntry(row.json, row.audience) : null;
    }
    const row = q.streamBySeq.get(known.seq) ?? q.notificationBySeq.get(known.seq);
    if (row) return parseEntry(row.json, row.audience);
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

  function store(
    event: StreamEvent,
    input: NewEntry,
    audience: Audience | undefined,
    created: number,
    index: number,
  ): void {
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
        if (input.escalate?.length) escalation.schedule(event.seq, input.escalate, created);
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
      store(event, input, audience, created, index);
      const entry: StreamEntry = audience ? { event, audience } : { event };
      results.push({ entry, duplicate: false });
      fresh.push(entry);
    }
    if (fresh.length > 0) q.setMeta.run('last_seq', String(seq));
    writtenSincePrune.stream += fresh.length;
    return { results, fresh };
  });

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------
  function listNotifications(
    viewer: Viewer,
    opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
  ): { notifications: ListedNotification[]; hasMore: boolean } {
    const limit = clampInt(opts.limit, 1, MAX_LIST_LIMIT, 50);
    const rows = q.list.all({
      ...readState.viewerParams(viewer),
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
  }

  function metricHistory(sinceEpochSeconds: number): MetricHistory {
    // Never more than the retention window nor past the clock's skew, even if prune() has not
    // run for a while (or the store predates these bounds).
    const { since, until } = historyWindow(sinceEpochSeconds, now(), retention.metricsSeconds);
    const key = `${since}/${until}/${metricsVersion}`;
    if (historyCache?.key === key) return historyCache.history;
    const points = q.samplePoints.get(since, until)?.n ?? 0;
    const rows = (function* () {
      for (const row of q.samples.iterate(since, until)) {
        yield { t: row.t, values: JSON.parse(row.values) as Record<string, number> };
      }
    })();
    const history = bucketHistory(rows, points, q.metricNameCount.get()?.n ?? 1);
    historyCache = { key, history };
    return history;
  }

  const recentActivity = (limit: number) =>
    q.recentActivity.all(clampInt(limit, 0, activityKeep, 50)).map((row) => JSON.parse(row.json) as ActivityEvent);

  function latest<K extends 'status' | 'agents'>(kind: K) {
    const row = q.latest.get(kind);
    return row ? JSON.parse(row.json) : null;
  }

  // -------------------------------------------------------------------------------------------
  // The backend
  // -------------------------------------------------------------------------------------------
  const backend: SyncBackend = {
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
      return q.replay.all(afterSeq, max).map((row) => parseEntry(row.json, row.audience));
    },

    listNotifications,

    unreadCounts: (viewer, categories) => readState.countUnread(viewer, { categories: categories ?? null }),

    markRead(viewer, ids) {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string'))];
      if (unique.length === 0) return [];
      return write('read-state', () => readState.markRead.immediate(viewer, unique));
    },

    knownNotifications(viewer, ids) {
      if (ids.length === 0) return [];
      const known = new Set(
        q.knownByIds.all({ user: viewer.userId, role: viewer.role, ids: JSON.stringify(ids) }).map((r) => r.id),
      );
      return ids.filter((id) => known.has(id));
    },

    markAllRead(viewer, throughSeq, filter) {
      return write('read-state', () => readState.markAllRead.immediate(viewer, throughSeq, filter));
    },

    clear(viewer, throughSeq) {
      write('read-state', () => readState.clear.immediate(viewer, throughSeq));
    },

    latestInGroups: (groups) =>
      groups.length === 0
        ? []
        : q.latestInGroups.all(JSON.stringify(groups)).map((row) => JSON.parse(row.json) as RealtimeNotification),

    latestStatus() {
      const event = latest('status') as StatusEvent | null;
      return event && { components: event.components, at: event.at };
    },

    latestAgents() {
      const event = latest('agents') as AgentsEvent | null;
      return event && { active: event.active, idle: event.idle, error: event.error, at: event.at };
    },

    recentActivity,

    metricHistory,

    snapshot(viewer, opts): SnapshotParts {
      // One synchronous run: nothing is appended between these reads.
      const categories = opts.categories ?? null;
      const { notifications, hasMore } = listNotifications(viewer, { limit: opts.notifications, categories });
      return {
        seq: readLastSeq(),
        notifications,
        hasMore,
        unread: readState.countUnread(viewer),
        activity: recentActivity(opts.activity),
        status: backend.latestStatus(),
        agents: backend.latestAgents(),
        metrics: metricHistory(opts.metricsSince),
      };
    },

    audit(record) {
      write('audit', () => auditTrail.write(boundAuditRecord(record)));
    },

    readAudit: (query) => auditTrail.read(query),

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

    ...createSqlitePush(db, now),

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

    changeInbox: (viewer, action, ids, until) => write('read-state', () => inbox.change(viewer, action, ids, until)),
    inboxNotifications: inbox.notifications,
    listArchived: inbox.listArchived,
    nextSnoozeDue: inbox.nextSnoozeDue,
    wakeSnoozes: (at, limit) => write('read-state', () => inbox.wakeSnoozes(at, limit)),
    // Escalation (issue 19)
    upsertAdmin: (admin, opts) => write('read-state', () => escalation.upsertAdmin(admin, opts)),
    getAdmin: escalation.getAdmin,
    markSeen: (viewer, ids) => write('read-state', () => escalation.markSeen(viewer, ids)),
    claimEscalationSteps: (opts) => write('read-state', () => escalation.claimEscalationSteps(opts)),
    finishEscalationStep: (step, node, outcome) =>
      write('read-state', () => escalation.finishEscalationStep(step, node, outcome)),
    escalationSteps: escalation.escalationSteps,
    claimDigest: (opts) => write('read-state', () => escalation.claimDigest(opts)),
    finishDigest: (userId, node, outcome) => write('read-state', () => escalation.finishDigest(userId, node, outcome)),
    adminsWithEmail: escalation.adminsWithEmail,
    getPreferences: (userId) => preferences.getPreferences(userId),
    setPreferences(userId, prefs) {
      write('read-state', () => preferences.setPreferences(userId, prefs));
    },
  };
  return asPromised(backend, noteCorruption);
}

/**
 * The Promise-based backend over the synchronous one: each call runs at once (in call order) and
 * answers a settled Promise. A read that meets a damaged page marks the store corrupt as a failed
 * write does.
 */
function asPromised(sync: SyncBackend, noteCorruption: (err: unknown) => void): HubBackend {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(sync) as [keyof HubBackend, (...a: unknown[]) => unknown][]) {
    if (name === 'subscribe' || name === 'streamId') {
      out[name] = method;
      continue;
    }
    out[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve(method(...args));
      } catch (err) {
        noteCorruption(err);
        return Promise.reject(err);
      }
    };
  }
  return out as unknown as HubBackend;
}
