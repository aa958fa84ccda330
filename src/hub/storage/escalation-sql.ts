/**
 * SQL of escalation (issue 19) that both dialects read the same way: the admins a notification
 * reaches, the steps a read cancels, and the flags a claimed step is decided on. Parameters are
 * `@name`; `aud_all` is spelled per dialect (`n.aud_all = 1` in SQLite, `n.aud_all` in PostgreSQL).
 */
import type { AdminRecord, ClaimedEscalationStep } from '../backend.js';
import { DROP_READS_THROUGH, READ_EXPR } from './sql-fragments.js';

/** Admin `a` is in the audience of notification `n`. */
export function adminInAudience(audAll: string): string {
  return `(${audAll}
    OR EXISTS (SELECT 1 FROM notification_audience x WHERE x.seq = n.seq AND x.kind = 'u' AND x.value = a.user_id)
    OR EXISTS (SELECT 1 FROM notification_audience x WHERE x.seq = n.seq AND x.kind = 'r' AND x.value = a.role))`;
}

/**
 * One pending step per known admin of a notification's audience, for each planned row of `plan`
 * (a row source aliased `p` with columns seq, channel, due). `WHERE true` keeps SQLite's parser
 * from reading ON CONFLICT as part of the join.
 */
export function scheduleStepsSql(audAll: string, plan: string): string {
  return `INSERT INTO escalation_steps (user_id, seq, channel, due, attempts)
    SELECT a.user_id, n.seq, p.channel, p.due, 0
    FROM ${plan} JOIN notifications n ON n.seq = p.seq JOIN admins a ON ${adminInAudience(audAll)}
    WHERE true
    ON CONFLICT DO NOTHING`;
}

/**
 * A read mark (mark all read, clear) cancels the user's pending steps it covers: every step at or
 * below @through matching the optional @category / @priority ('' = any), as the single reads it
 * makes redundant.
 */
export const CANCEL_STEPS_THROUGH = DROP_READS_THROUGH.replace('notification_reads', 'escalation_steps');

/** Read flag of notification `n` for the admin of step `s`. */
export const STEP_READ_EXPR = READ_EXPR.replaceAll('@user', 's.user_id');

/** Seen flag of notification `n` for the admin of step `s`. */
export const STEP_SEEN_EXPR = `EXISTS (SELECT 1 FROM notification_seen v WHERE v.user_id = s.user_id AND v.seq = s.seq)`;

/**
 * Decides a claimed step: the stored notification and admin, and whether the admin may still see
 * it (their current role, above what they cleared), has read or has seen it.
 */
export function claimedDetailsSql(audAll: string): string {
  return `SELECT s.user_id AS user_id, s.seq AS seq, s.channel AS channel, s.due AS due, s.attempts AS attempts,
      n.json AS json, a.role AS role, a.email AS email, a.name AS name,
      CASE WHEN n.seq IS NULL OR a.user_id IS NULL THEN 0
           WHEN n.seq > coalesce((SELECT u.cleared_through FROM user_state u WHERE u.user_id = s.user_id), 0)
                AND ${adminInAudience(audAll)} THEN 1 ELSE 0 END AS visible,
      CASE WHEN n.seq IS NOT NULL AND ${STEP_READ_EXPR} THEN 1 ELSE 0 END AS read,
      CASE WHEN ${STEP_SEEN_EXPR} THEN 1 ELSE 0 END AS seen
    FROM escalation_steps s
    LEFT JOIN notifications n ON n.seq = s.seq
    LEFT JOIN admins a ON a.user_id = s.user_id`;
}

/** Unread notifications of @user (role @role) after @after in the digest's priorities, oldest first. */
export function digestNotificationsSql(audAll: string, priorityIn: string): string {
  return `SELECT n.seq AS seq, n.json AS json FROM notifications n, admins a
    WHERE a.user_id = @user AND n.seq > @after AND n.priority IN ${priorityIn}
      AND n.seq > coalesce((SELECT u.cleared_through FROM user_state u WHERE u.user_id = @user), 0)
      AND ${adminInAudience(audAll)} AND NOT ${READ_EXPR}
    ORDER BY n.seq LIMIT @limit`;
}

/** A row of `claimedDetailsSql`. */
export interface ClaimedRow {
  user_id: string;
  seq: number;
  channel: 'push' | 'email';
  due: number;
  attempts: number;
  json: string | null;
  role: string | null;
  email: string | null;
  name: string | null;
  visible: number;
  read: number;
  seen: number;
}

/** A row of the admins table. */
export interface AdminRow {
  user_id: string;
  role: string;
  email: string | null;
  name: string | null;
}

/** An admin row as the backend answers it. */
export function adminFromRow(row: AdminRow): AdminRecord {
  return {
    userId: row.user_id,
    role: row.role,
    ...(row.email ? { email: row.email } : {}),
    ...(row.name ? { name: row.name } : {}),
  };
}

/** A claimed row as the engine takes it. */
export function claimedFromRow(row: ClaimedRow): ClaimedEscalationStep {
  return {
    userId: row.user_id,
    seq: Number(row.seq),
    channel: row.channel,
    due: Number(row.due),
    attempts: Number(row.attempts),
    admin:
      row.role === null
        ? null
        : adminFromRow({ user_id: row.user_id, role: row.role, email: row.email, name: row.name }),
    notification: row.json === null ? null : JSON.parse(row.json),
    visible: Number(row.visible) === 1,
    read: Number(row.read) === 1,
    seen: Number(row.seen) === 1,
  };
}
