/**
 * Retention on SQLite: each call deletes a bounded prefix of every table (by seq, id or time), at
 * most its batch plus twice what was written since the previous call, so pruning keeps up with any
 * append rate and a call's work follows the traffic.
 */
import type Database from 'better-sqlite3';
import { type RetentionOptions, STORAGE_LIMITS } from '../backend.js';
import { DAY_MS } from './shared.js';
import type { Statements } from './sqlite-statements.js';

export interface SqlitePruneContext {
  retention: RetentionOptions;
  idempotencyMs: number;
  activityKeep: number;
  pruneBatch: number;
  /** Rows written since the previous prune (reset by each prune). */
  written: { stream: number; samples: number; audit: number };
  readLastSeq: () => number;
  /** Metric samples were deleted: a cached history is stale. */
  onMetricsChanged: () => void;
}

/** The prune transaction: `(at) => rows removed per table`. */
export function createSqlitePruner(
  db: Database.Database,
  q: Statements,
  ctx: SqlitePruneContext,
): Database.Transaction<(at: number) => Record<string, number>> {
  /** Given the bounded first batch (`last`) and its first row to keep (`keep`), the seq to delete through. */
  const prefixEnd = (row: { last: number | null; keep: number | null } | undefined): number | null => {
    if (!row || row.last === null) return null;
    if (row.keep === null) return row.last;
    return row.keep > 0 ? row.keep - 1 : null;
  };

  return db.transaction((at: number): Record<string, number> => {
    const removed: Record<string, number> = {};
    // Each table may lose its batch plus twice what was written since the last prune.
    const batch = ctx.pruneBatch + 2 * ctx.written.stream;
    const sampleBatch = ctx.pruneBatch + 2 * ctx.written.samples;

    const streamEnd = prefixEnd(
      q.streamPruneEnd.get({
        batch,
        seqCut: ctx.readLastSeq() - ctx.retention.replayCount,
        createdCut: at - ctx.retention.replayAgeMs,
      }),
    );
    if (streamEnd !== null) removed.stream = q.deleteStreamThrough.run(streamEnd).changes;

    const idsEnd = prefixEnd(q.idsPruneEnd.get({ batch, seqCut: 0, createdCut: at - ctx.idempotencyMs }));
    if (idsEnd !== null) removed.eventIds = q.deleteIdsThrough.run(idsEnd).changes;

    const notificationsEnd = prefixEnd(
      q.notificationsPruneEnd.get({
        batch,
        seqCut: 0,
        createdCut: at - ctx.retention.notificationDays * DAY_MS,
      }),
    );
    if (notificationsEnd !== null) {
      removed.notifications = q.deleteNotificationsThrough.run(notificationsEnd).changes;
      q.deleteAudienceThrough.run(notificationsEnd);
      removed.reads = q.deleteReadsThrough.run(notificationsEnd).changes;
      // Escalation (issue 19): seen flags and steps of notifications no longer kept.
      db.prepare('DELETE FROM notification_seen WHERE seq <= ?').run(notificationsEnd);
      db.prepare('DELETE FROM escalation_steps WHERE seq <= ?').run(notificationsEnd);
      removed.inboxState = q.deleteInboxThrough.run(notificationsEnd).changes;
    }

    const nowT = Math.floor(at / 1000);
    const cutoffT = nowT - ctx.retention.metricsSeconds;
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
    if (removed.metricSamples + future > 0) ctx.onMetricsChanged();

    const activityEnd = q.activityPruneEnd.get(ctx.activityKeep)?.seq;
    if (activityEnd !== undefined) removed.activity = q.deleteActivityThrough.run(activityEnd, batch).changes;

    if (ctx.retention.auditDays > 0) {
      const auditEnd = prefixEnd(
        q.auditPruneEnd.get({
          batch: ctx.pruneBatch + 2 * ctx.written.audit,
          cut: new Date(at - ctx.retention.auditDays * DAY_MS).toISOString(),
        }),
      );
      if (auditEnd !== null) removed.audit = q.deleteAuditThrough.run(auditEnd).changes;
    }

    ctx.written.stream = 0;
    ctx.written.samples = 0;
    ctx.written.audit = 0;
    return removed;
  });
}
