/**
 * Per-user inbox state (archived, snoozed until, deleted for me, marked unread), the part both
 * dialects share: what an action changes in a user's state row, and how a row is listed.
 */
import type { InboxAction, ListedNotification, RealtimeNotification } from '../../core/protocol.js';

/** An action a session asks for (`woke` is the hub's own, when a snooze comes due). */
export type InboxChange = Exclude<InboxAction, 'woke'>;

/**
 * Actions by which an admin has dealt with a notification: its pending escalation steps (push,
 * email) are cancelled in the same transaction, as a read cancels them.
 */
export const CANCELS_ESCALATION: ReadonlySet<InboxChange> = new Set<InboxChange>(['archived', 'snoozed', 'deleted']);

/** A due snooze the hub claimed: the notification is unread again for `userId`. */
export interface WokenSnooze {
  userId: string;
  /** The role the user had when they snoozed it (for the audience of their counts). */
  role: string;
  id: string;
  until: number;
}

/** A user's state of one notification, as stored (0/1 flags; absent row: all zero). */
export interface InboxRow {
  seq: number;
  id: string;
  /** Read for the user now (reads, read marks and overrides). */
  read: boolean | number;
  archived: number | null;
  deleted: number | null;
  snoozed_until: number | null;
  unread: number | null;
}

/** The state row to write for one notification. */
export interface InboxWrite {
  seq: number;
  id: string;
  archived: number;
  deleted: number;
  snoozedUntil: number | null;
  unread: number;
  /** Drop the user's single read of it (mark unread). */
  dropRead: boolean;
}

/**
 * What `change` does to each row (the notifications the user may see among those asked): the
 * writes for the rows it changes. A deleted notification takes only `restored`.
 */
export function planInboxChange(rows: readonly InboxRow[], change: InboxChange, until?: number): InboxWrite[] {
  const out: InboxWrite[] = [];
  for (const row of rows) {
    const w: InboxWrite = {
      seq: row.seq,
      id: row.id,
      archived: row.archived ?? 0,
      deleted: row.deleted ?? 0,
      snoozedUntil: row.snoozed_until ?? null,
      unread: row.unread ?? 0,
      dropRead: false,
    };
    if (w.deleted && change !== 'restored') continue;
    let changed = true;
    switch (change) {
      case 'unread':
        changed = Boolean(row.read);
        w.unread = 1;
        w.dropRead = true;
        break;
      case 'archived':
      case 'unarchived': {
        const next = change === 'archived' ? 1 : 0;
        changed = w.archived !== next;
        w.archived = next;
        break;
      }
      case 'snoozed':
      case 'unsnoozed': {
        const next = change === 'snoozed' ? (until ?? null) : null;
        changed = w.snoozedUntil !== next;
        w.snoozedUntil = next;
        break;
      }
      case 'deleted':
        w.deleted = 1;
        break;
      case 'restored':
        changed = w.deleted === 1;
        w.deleted = 0;
        break;
    }
    if (changed) out.push(w);
  }
  return out;
}

/** A listed notification with the user's flags: `archived`, and `snoozedUntil` while it is ahead. */
export function listedWithState(
  json: string,
  read: boolean | number,
  archived: number | null,
  snoozedUntil: number | null,
  now: number,
): ListedNotification {
  const listed: ListedNotification = { ...(JSON.parse(json) as RealtimeNotification), read: Boolean(read) };
  if (archived) listed.archived = true;
  if (snoozedUntil !== null && Number(snoozedUntil) > now) listed.snoozedUntil = Number(snoozedUntil);
  return listed;
}

/** Most due snoozes woken in one pass; the hub comes back for the rest at once. */
export const WAKE_BATCH = 200;

/** Writes one state row (@user, @role, @seq and the `InboxWrite` fields); both dialects. */
export const UPSERT_INBOX_STATE = `INSERT INTO inbox_state (user_id, seq, role, archived, deleted, snoozed_until, unread)
  VALUES (@user, @seq, @role, @archived, @deleted, @snoozedUntil, @unread)
  ON CONFLICT (user_id, seq) DO UPDATE SET role = excluded.role, archived = excluded.archived,
    deleted = excluded.deleted, snoozed_until = excluded.snoozed_until, unread = excluded.unread`;

/** A user's state columns next to a notification `n` (alias `s`, absent when it has none). */
export const STATE_JOIN = 'LEFT JOIN inbox_state s ON s.user_id = @user AND s.seq = n.seq';

/** The earliest snooze pending, of a notification still kept. */
export const NEXT_SNOOZE = `SELECT min(s.snoozed_until) AS t FROM inbox_state s
  JOIN notifications n ON n.seq = s.seq WHERE s.snoozed_until IS NOT NULL`;
