/**
 * Escalation on PostgreSQL (issue 19): the admin registry, seen per (user, notification), pending
 * escalation steps and digests, shared by every node. Steps are scheduled in the append
 * transaction of the node that appended, cancelled in the seen/read transaction, and leased with
 * `FOR UPDATE SKIP LOCKED` plus a lease time, so one node sends each step however many poll.
 */
import type pg from 'pg';
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
import { AUDIENCE_EXPR, type Queryable, rows } from './pg-statements.js';

const AUD_ALL = 'n.aud_all';

/** Runs `fn` in one transaction of the backend. */
type Transaction = <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/** Stores the steps of notifications just appended, inside the append transaction. */
export async function scheduleSteps(
  client: Queryable,
  notes: ReadonlyArray<{ seq: number; steps: readonly EscalationStepPlan[] }>,
  created: number,
): Promise<void> {
  const plan = notes.flatMap((n) => n.steps.map((s) => [n.seq, s.channel, created + s.delayMs] as const));
  if (!plan.length) return;
  await client.query(
    scheduleStepsSql(AUD_ALL, 'unnest($1::bigint[], $2::text[], $3::bigint[]) AS p(seq, channel, due)'),
    [plan.map((p) => p[0]), plan.map((p) => p[1]), plan.map((p) => p[2])],
  );
}

/** A read cancels the user's pending steps (every channel), in the read's transaction. */
export async function cancelStepsRead(client: Queryable, userId: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length)
    await client.query('DELETE FROM escalation_steps WHERE user_id = $1 AND seq = ANY($2::bigint[])', [userId, seqs]);
}

/** A read mark (mark all read, clear) cancels the user's steps it covers. */
export async function cancelStepsThrough(
  client: Queryable,
  userId: string,
  through: number,
  category: string,
  priority: string,
): Promise<void> {
  await rows(client, CANCEL_STEPS_THROUGH, { user: userId, through, category, priority });
}

/** The escalation methods of the PostgreSQL backend. */
export function createPgEscalation(pool: pg.Pool, transaction: Transaction, now: () => number) {
  return {
    async upsertAdmin(admin: AdminRecord, opts: { replace?: boolean } = {}): Promise<void> {
      await rows(
        pool,
        `INSERT INTO admins (user_id, role, email, name, updated) VALUES (@user, @role, @email, @name, @now)
         ON CONFLICT (user_id) DO UPDATE SET role = excluded.role,
           email = CASE WHEN @replace THEN excluded.email ELSE coalesce(excluded.email, admins.email) END,
           name = CASE WHEN @replace THEN excluded.name ELSE coalesce(excluded.name, admins.name) END,
           updated = excluded.updated`,
        {
          user: admin.userId,
          role: admin.role,
          email: admin.email ?? null,
          name: admin.name ?? null,
          now: now(),
          replace: Boolean(opts.replace),
        },
      );
    },

    async getAdmin(userId: string): Promise<AdminRecord | null> {
      const found = await rows<AdminRow>(pool, 'SELECT user_id, role, email, name FROM admins WHERE user_id = @user', {
        user: userId,
      });
      return found[0] ? adminFromRow(found[0]) : null;
    },

    markSeen(viewer: Viewer, ids: string[]): Promise<number> {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string'))];
      if (!unique.length) return Promise.resolve(0);
      return transaction(async (client) => {
        const seqs = (
          await rows<{ seq: number }>(
            client,
            `SELECT n.seq FROM notifications n WHERE n.id = ANY(@ids::text[]) AND ${AUDIENCE_EXPR}`,
            { user: viewer.userId, role: viewer.role, ids: unique },
          )
        ).map((r) => r.seq);
        if (!seqs.length) return 0;
        const added = await client.query(
          'INSERT INTO notification_seen (user_id, seq) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING',
          [viewer.userId, seqs],
        );
        await client.query(
          `DELETE FROM escalation_steps WHERE user_id = $1 AND seq = ANY($2::bigint[]) AND channel = 'push'`,
          [viewer.userId, seqs],
        );
        return added.rowCount ?? 0;
      });
    },

    claimEscalationSteps(opts: {
      node: string;
      now: number;
      leaseMs: number;
      limit: number;
    }): Promise<ClaimedEscalationStep[]> {
      return transaction(async (client) => {
        // Rows another node is leasing right now are skipped, not waited for; a lease that ran out
        // (its node died mid-send) is taken over.
        const leased = await rows<{ user_id: string; seq: number; channel: string }>(
          client,
          `UPDATE escalation_steps s SET lease_until = @until, leased_by = @node, attempts = s.attempts + 1
           FROM (SELECT user_id, seq, channel FROM escalation_steps
                 WHERE due <= @now AND (lease_until IS NULL OR lease_until < @now)
                 ORDER BY due LIMIT @limit FOR UPDATE SKIP LOCKED) c
           WHERE s.user_id = c.user_id AND s.seq = c.seq AND s.channel = c.channel
           RETURNING s.user_id, s.seq, s.channel`,
          { until: opts.now + opts.leaseMs, node: opts.node, now: opts.now, limit: opts.limit },
        );
        if (!leased.length) return [];
        const details = await rows<ClaimedRow>(
          client,
          `${claimedDetailsSql(AUD_ALL)}
           WHERE (s.user_id, s.seq, s.channel) IN (SELECT * FROM unnest(@users::text[], @seqs::bigint[], @channels::text[]))`,
          {
            users: leased.map((r) => r.user_id),
            seqs: leased.map((r) => r.seq),
            channels: leased.map((r) => r.channel),
          },
        );
        return details.map(claimedFromRow);
      });
    },

    async finishEscalationStep(step: EscalationStepKey, node: string, outcome: EscalationOutcome): Promise<void> {
      const key = { user: step.userId, seq: step.seq, channel: step.channel, node };
      if ('done' in outcome) {
        await rows(
          pool,
          'DELETE FROM escalation_steps WHERE user_id = @user AND seq = @seq AND channel = @channel AND leased_by = @node',
          key,
        );
        return;
      }
      await rows(
        pool,
        `UPDATE escalation_steps SET due = @due, lease_until = NULL, leased_by = NULL,
           last_error = coalesce(@error::text, last_error), attempts = attempts - CASE WHEN @failed THEN 0 ELSE 1 END
         WHERE user_id = @user AND seq = @seq AND channel = @channel AND leased_by = @node`,
        { ...key, due: outcome.retryAt, error: outcome.error ?? null, failed: outcome.failed },
      );
    },

    escalationSteps(filter: { userId?: string; limit?: number } = {}): Promise<EscalationStepRow[]> {
      return rows<EscalationStepRow>(
        pool,
        `SELECT user_id AS "userId", seq, channel, due, attempts, lease_until AS "leaseUntil", leased_by AS "leasedBy",
           last_error AS "lastError"
         FROM escalation_steps WHERE @user::text IS NULL OR user_id = @user::text ORDER BY due, seq LIMIT @limit`,
        { user: filter.userId ?? null, limit: filter.limit ?? 1000 },
      );
    },

    claimDigest(opts: DigestClaim): Promise<ClaimedDigest | null> {
      return transaction(async (client) => {
        const lastSeq = async () =>
          (await rows<{ last_seq: number }>(client, 'SELECT last_seq FROM seq_counter'))[0]!.last_seq;
        const row = (
          await rows<{ last_sent: number; through_seq: number; lease_until: number | null }>(
            client,
            'SELECT last_sent, through_seq, lease_until FROM escalation_digests WHERE user_id = @user FOR UPDATE SKIP LOCKED',
            { user: opts.userId },
          )
        )[0];
        if (!row) {
          // The first period starts now (a conflict: another node started it, or holds its lock).
          await rows(
            client,
            `INSERT INTO escalation_digests (user_id, last_sent, through_seq) VALUES (@user, @now, @seq)
             ON CONFLICT DO NOTHING`,
            { user: opts.userId, now: opts.now, seq: await lastSeq() },
          );
          return null;
        }
        if (row.last_sent + opts.periodMs > opts.now) return null;
        if (row.lease_until !== null && row.lease_until >= opts.now) return null;
        const admin = (
          await rows<AdminRow>(client, 'SELECT user_id, role, email, name FROM admins WHERE user_id = @user', {
            user: opts.userId,
          })
        )[0];
        if (!admin) return null;
        await rows(
          client,
          'UPDATE escalation_digests SET lease_until = @until, leased_by = @node WHERE user_id = @user',
          {
            until: opts.now + opts.leaseMs,
            node: opts.node,
            user: opts.userId,
          },
        );
        const notes = await rows<{ seq: number; json: string }>(
          client,
          digestNotificationsSql(AUD_ALL, '(SELECT unnest(@priorities::text[]))'),
          { user: opts.userId, after: row.through_seq, priorities: [...opts.priorities], limit: opts.limit },
        );
        return {
          admin: adminFromRow(admin),
          notifications: notes.map((n) => JSON.parse(n.json)),
          throughSeq: notes.at(-1)?.seq ?? (await lastSeq()),
        };
      });
    },

    async finishDigest(
      userId: string,
      node: string,
      outcome: { sentAt: number; throughSeq: number } | { retryAt: number },
    ): Promise<void> {
      await rows(
        pool,
        `UPDATE escalation_digests SET last_sent = coalesce(@sentAt::bigint, last_sent),
           through_seq = coalesce(@through::bigint, through_seq), lease_until = @hold::bigint, leased_by = NULL
         WHERE user_id = @user AND leased_by = @node`,
        {
          user: userId,
          node,
          sentAt: 'sentAt' in outcome ? outcome.sentAt : null,
          through: 'sentAt' in outcome ? outcome.throughSeq : null,
          hold: 'retryAt' in outcome ? outcome.retryAt : null,
        },
      );
    },

    async adminsWithEmail(afterUserId: string, limit: number): Promise<AdminRecord[]> {
      return (
        await rows<AdminRow>(
          pool,
          `SELECT user_id, role, email, name FROM admins WHERE email IS NOT NULL AND user_id > @after
           ORDER BY user_id LIMIT @limit`,
          { after: afterUserId, limit },
        )
      ).map(adminFromRow);
    },
  };
}
