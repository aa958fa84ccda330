/**
 * Escalation on SQLite (issue 19): the admin registry, seen per (user, notification), pending
 * escalation steps (scheduled in the append transaction, cancelled in the seen/read transaction,
 * leased by the engine) and digests. A single hub owns the file, but a step is leased all the
 * same, so a tick that overlaps a slow send never takes the same step twice.
 */
import type Database from 'better-sqlite3';
import type {
  AdminRecord,
  ClaimedDigest,
  ClaimedEscalationStep,
  DigestClaim,
  EscalationOutcome,
  EscalationStepKey,
  EscalationStepPlan,
  EscalationStepRow,
  Viewer,
} from '../backend.js';
import {
  type AdminRow,
  adminFromRow,
  CANCEL_STEPS_THROUGH,
  type ClaimedRow,
  claimedDetailsSql,
  claimedFromRow,
  digestNotificationsSql,
  scheduleStepsSql,
} from './escalation-sql.js';
import { AUDIENCE_EXPR } from './sqlite-statements.js';

const AUD_ALL = 'n.aud_all = 1';

/** The statements that cancel a user's steps when notifications are read (used by read state). */
export function prepareStepCancel(db: Database.Database) {
  const bySeq = db.prepare<[string, number]>('DELETE FROM escalation_steps WHERE user_id = ? AND seq = ?');
  const byMark = db.prepare<Record<string, unknown>>(CANCEL_STEPS_THROUGH);
  return {
    /** Read one by one: every channel's steps of these notifications. */
    read(userId: string, seqs: readonly number[]): void {
      for (const seq of seqs) bySeq.run(userId, seq);
    },
    /** A read mark (mark all read, clear) through `through` matching the filter ('' = any). */
    through(userId: string, through: number, category: string, priority: string): void {
      byMark.run({ user: userId, through, category, priority });
    },
  };
}

export function createSqliteEscalation(db: Database.Database, now: () => number) {
  const q = {
    schedule: db.prepare<Record<string, unknown>>(
      scheduleStepsSql(AUD_ALL, '(SELECT @seq AS seq, @channel AS channel, @due AS due) p'),
    ),
    upsertAdmin: db.prepare<Record<string, unknown>>(
      `INSERT INTO admins (user_id, role, email, name, updated) VALUES (@user, @role, @email, @name, @now)
       ON CONFLICT (user_id) DO UPDATE SET role = excluded.role,
         email = CASE WHEN @replace = 1 THEN excluded.email ELSE coalesce(excluded.email, admins.email) END,
         name = CASE WHEN @replace = 1 THEN excluded.name ELSE coalesce(excluded.name, admins.name) END,
         updated = excluded.updated`,
    ),
    getAdmin: db.prepare<[string], AdminRow>('SELECT user_id, role, email, name FROM admins WHERE user_id = ?'),
    seenCandidates: db.prepare<Record<string, unknown>, { seq: number }>(
      `SELECT n.seq AS seq FROM notifications n WHERE n.id IN (SELECT value FROM json_each(@ids)) AND ${AUDIENCE_EXPR}`,
    ),
    insertSeen: db.prepare<[string, number]>('INSERT OR IGNORE INTO notification_seen (user_id, seq) VALUES (?, ?)'),
    cancelPush: db.prepare<[string, number]>(
      `DELETE FROM escalation_steps WHERE user_id = ? AND seq = ? AND channel = 'push'`,
    ),
    lease: db.prepare<Record<string, unknown>, EscalationStepKey>(
      `UPDATE escalation_steps SET lease_until = @until, leased_by = @node, attempts = attempts + 1
       WHERE rowid IN (SELECT rowid FROM escalation_steps
                       WHERE due <= @now AND (lease_until IS NULL OR lease_until < @now)
                       ORDER BY due LIMIT @limit)
       RETURNING user_id AS userId, seq, channel`,
    ),
    details: db.prepare<[string, number, string], ClaimedRow>(
      `${claimedDetailsSql(AUD_ALL)} WHERE s.user_id = ? AND s.seq = ? AND s.channel = ?`,
    ),
    done: db.prepare<[string, number, string, string]>(
      'DELETE FROM escalation_steps WHERE user_id = ? AND seq = ? AND channel = ? AND leased_by = ?',
    ),
    retry: db.prepare<Record<string, unknown>>(
      `UPDATE escalation_steps SET due = @due, lease_until = NULL, leased_by = NULL,
         last_error = coalesce(@error, last_error), attempts = attempts - CASE WHEN @failed = 1 THEN 0 ELSE 1 END
       WHERE user_id = @user AND seq = @seq AND channel = @channel AND leased_by = @node`,
    ),
    steps: db.prepare<Record<string, unknown>, EscalationStepRow>(
      `SELECT user_id AS userId, seq, channel, due, attempts, lease_until AS leaseUntil, leased_by AS leasedBy,
         last_error AS lastError
       FROM escalation_steps WHERE @user IS NULL OR user_id = @user ORDER BY due, seq LIMIT @limit`,
    ),
    digestRow: db.prepare<[string], { last_sent: number; through_seq: number; lease_until: number | null }>(
      'SELECT last_sent, through_seq, lease_until FROM escalation_digests WHERE user_id = ?',
    ),
    startDigest: db.prepare<[string, number, number]>(
      'INSERT OR IGNORE INTO escalation_digests (user_id, last_sent, through_seq) VALUES (?, ?, ?)',
    ),
    leaseDigest: db.prepare<[number, string, string]>(
      'UPDATE escalation_digests SET lease_until = ?, leased_by = ? WHERE user_id = ?',
    ),
    digestNotes: db.prepare<Record<string, unknown>, { seq: number; json: string }>(
      digestNotificationsSql(AUD_ALL, '(SELECT value FROM json_each(@priorities))'),
    ),
    finishDigest: db.prepare<Record<string, unknown>>(
      `UPDATE escalation_digests SET last_sent = coalesce(@sentAt, last_sent),
         through_seq = coalesce(@through, through_seq), lease_until = @hold, leased_by = NULL
       WHERE user_id = @user AND leased_by = @node`,
    ),
    lastSeq: db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'last_seq'`),
    adminsWithEmail: db.prepare<[string, number], AdminRow>(
      `SELECT user_id, role, email, name FROM admins WHERE email IS NOT NULL AND user_id > ? ORDER BY user_id LIMIT ?`,
    ),
  };

  /** Stores the steps of a notification just appended (called inside the append transaction). */
  function schedule(seq: number, steps: readonly EscalationStepPlan[], created: number): void {
    for (const step of steps) q.schedule.run({ seq, channel: step.channel, due: created + step.delayMs });
  }

  const markSeen = db.transaction((viewer: Viewer, ids: string[]): number => {
    let added = 0;
    for (const { seq } of q.seenCandidates.all({ user: viewer.userId, role: viewer.role, ids: JSON.stringify(ids) })) {
      added += q.insertSeen.run(viewer.userId, seq).changes;
      q.cancelPush.run(viewer.userId, seq);
    }
    return added;
  });

  const claim = db.transaction(
    (opts: { node: string; now: number; leaseMs: number; limit: number }): ClaimedEscalationStep[] => {
      const leased = q.lease.all({ node: opts.node, now: opts.now, until: opts.now + opts.leaseMs, limit: opts.limit });
      return leased.flatMap((key) => {
        const row = q.details.get(key.userId, key.seq, key.channel);
        return row ? [claimedFromRow(row)] : [];
      });
    },
  );

  const claimDigest = db.transaction((opts: DigestClaim): ClaimedDigest | null => {
    const row = q.digestRow.get(opts.userId);
    if (!row) {
      // The first period starts now: a digest covers what arrives once it is on.
      q.startDigest.run(opts.userId, opts.now, Number(q.lastSeq.get()?.value ?? 0));
      return null;
    }
    if (row.last_sent + opts.periodMs > opts.now) return null;
    if (row.lease_until !== null && row.lease_until >= opts.now) return null;
    const admin = q.getAdmin.get(opts.userId);
    if (!admin) return null;
    q.leaseDigest.run(opts.now + opts.leaseMs, opts.node, opts.userId);
    const notes = q.digestNotes.all({
      user: opts.userId,
      after: row.through_seq,
      priorities: JSON.stringify(opts.priorities),
      limit: opts.limit,
    });
    return {
      admin: adminFromRow(admin),
      notifications: notes.map((n) => JSON.parse(n.json)),
      throughSeq: notes.at(-1)?.seq ?? Number(q.lastSeq.get()?.value ?? row.through_seq),
    };
  });

  return {
    schedule,
    upsertAdmin(admin: AdminRecord, opts: { replace?: boolean } = {}): void {
      q.upsertAdmin.run({
        user: admin.userId,
        role: admin.role,
        email: admin.email ?? null,
        name: admin.name ?? null,
        now: now(),
        replace: opts.replace ? 1 : 0,
      });
    },
    getAdmin(userId: string): AdminRecord | null {
      const row = q.getAdmin.get(userId);
      return row ? adminFromRow(row) : null;
    },
    markSeen(viewer: Viewer, ids: string[]): number {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string'))];
      return unique.length ? markSeen.immediate(viewer, unique) : 0;
    },
    claimEscalationSteps: (opts: { node: string; now: number; leaseMs: number; limit: number }) =>
      claim.immediate(opts),
    finishEscalationStep(step: EscalationStepKey, node: string, outcome: EscalationOutcome): void {
      if ('done' in outcome) q.done.run(step.userId, step.seq, step.channel, node);
      else
        q.retry.run({
          user: step.userId,
          seq: step.seq,
          channel: step.channel,
          node,
          due: outcome.retryAt,
          error: outcome.error ?? null,
          failed: outcome.failed ? 1 : 0,
        });
    },
    escalationSteps(filter: { userId?: string; limit?: number } = {}): EscalationStepRow[] {
      return q.steps.all({ user: filter.userId ?? null, limit: filter.limit ?? 1000 });
    },
    claimDigest: (opts: DigestClaim) => claimDigest.immediate(opts),
    finishDigest(
      userId: string,
      node: string,
      outcome: { sentAt: number; throughSeq: number } | { retryAt: number },
    ): void {
      q.finishDigest.run({
        user: userId,
        node,
        sentAt: 'sentAt' in outcome ? outcome.sentAt : null,
        through: 'sentAt' in outcome ? outcome.throughSeq : null,
        hold: 'retryAt' in outcome ? outcome.retryAt : null,
      });
    },
    adminsWithEmail(afterUserId: string, limit: number): AdminRecord[] {
      return q.adminsWithEmail.all(afterUserId, limit).map(adminFromRow);
    },
  };
}
