/**
 * Per-user inbox state on SQLite (archive, snooze, delete for me, mark unread): the changes a
 * session asks for, the archived view, the notifications an event puts back, and the snoozes that
 * come due. The inbox view's filters and counts read the same table (sqlite-statements.ts).
 */
import type Database from 'better-sqlite3';
import type { ListedNotification } from '../../core/protocol.js';
import type { Viewer } from '../backend.js';
import {
  CANCELS_ESCALATION,
  type InboxChange,
  type InboxRow,
  listedWithState,
  NEXT_SNOOZE,
  planInboxChange,
  STATE_JOIN,
  UPSERT_INBOX_STATE,
  type WokenSnooze,
} from './inbox-state.js';
import { clampInt, MAX_LIST_LIMIT } from './shared.js';
import { DROP_EMPTY_STATE, READ_EXPR } from './sql-fragments.js';
import { prepareStepCancel } from './sqlite-escalation.js';
import { categoriesParam } from './sqlite-read-state.js';
import { CATEGORY_EXPR, VISIBLE_EXPR } from './sqlite-statements.js';

type ListedRow = { json: string; read: number; archived: number | null; snoozed_until: number | null };
const LISTED = `n.json AS json, ${READ_EXPR} AS read, s.archived AS archived, s.snoozed_until AS snoozed_until`;
const BY_IDS = 'n.id IN (SELECT value FROM json_each(@ids))';

export function createSqliteInbox(
  db: Database.Database,
  viewerParams: (viewer: Viewer) => { user: string; role: string; cleared: number; now: number },
) {
  const cancelSteps = prepareStepCancel(db);
  const rowsByIds = db.prepare<Record<string, unknown>, InboxRow>(
    `SELECT n.seq AS seq, n.id AS id, ${READ_EXPR} AS read, s.archived AS archived, s.deleted AS deleted,
       s.snoozed_until AS snoozed_until, s.unread AS unread
     FROM notifications n ${STATE_JOIN} WHERE ${BY_IDS} AND ${VISIBLE_EXPR}`,
  );
  const upsert = db.prepare<Record<string, unknown>>(UPSERT_INBOX_STATE);
  const dropRead = db.prepare<[string, number]>('DELETE FROM notification_reads WHERE user_id = ? AND seq = ?');
  const dropEmpty = db.prepare<Record<string, unknown>>(DROP_EMPTY_STATE);
  const listedByIds = db.prepare<Record<string, unknown>, ListedRow>(
    `SELECT ${LISTED} FROM notifications n ${STATE_JOIN}
     WHERE ${BY_IDS} AND ${VISIBLE_EXPR} AND coalesce(s.deleted, 0) = 0 ORDER BY n.seq DESC`,
  );
  const archivedList = db.prepare<Record<string, unknown>, ListedRow>(
    `SELECT ${LISTED} FROM inbox_state s JOIN notifications n ON n.seq = s.seq
     WHERE s.user_id = @user AND s.archived = 1 AND s.deleted = 0 AND n.seq < @before
       AND ${VISIBLE_EXPR} AND ${CATEGORY_EXPR}
     ORDER BY n.seq DESC LIMIT @limit`,
  );
  const nextDue = db.prepare<[], { t: number | null }>(NEXT_SNOOZE);
  const due = db.prepare<[number, number], { userId: string; role: string; seq: number; id: string; until: number }>(
    `SELECT s.user_id AS userId, s.role AS role, s.seq AS seq, n.id AS id, s.snoozed_until AS until
     FROM inbox_state s JOIN notifications n ON n.seq = s.seq
     WHERE s.snoozed_until <= ? ORDER BY s.snoozed_until LIMIT ?`,
  );
  const wake = db.prepare<[string, number]>(
    'UPDATE inbox_state SET snoozed_until = NULL, unread = 1 WHERE user_id = ? AND seq = ?',
  );

  const listed = (rows: ListedRow[], now: number): ListedNotification[] =>
    rows.map((r) => listedWithState(r.json, r.read, r.archived, r.snoozed_until, now));

  const change = db.transaction((viewer: Viewer, action: InboxChange, ids: string[], until?: number): string[] => {
    const params = viewerParams(viewer);
    const writes = planInboxChange(rowsByIds.all({ ...params, ids: JSON.stringify(ids) }), action, until);
    for (const w of writes) {
      upsert.run({ ...w, user: viewer.userId, role: viewer.role });
      if (w.dropRead) dropRead.run(viewer.userId, w.seq);
    }
    dropEmpty.run(params);
    if (CANCELS_ESCALATION.has(action))
      cancelSteps.read(
        viewer.userId,
        writes.map((w) => w.seq),
      );
    const done = new Set(writes.map((w) => w.id));
    return ids.filter((id) => done.has(id));
  });

  const wakeDue = db.transaction((now: number, limit: number): WokenSnooze[] => {
    const rows = due.all(now, limit);
    for (const row of rows) wake.run(row.userId, row.seq);
    return rows.map(({ userId, role, id, until }) => ({ userId, role, id, until }));
  });

  return {
    /** Applies `action` to the ids the viewer may see; answers the ids it changed, in asked order. */
    change: (viewer: Viewer, action: InboxChange, ids: string[], until?: number) =>
      change.immediate(viewer, action, [...new Set(ids)], until),
    /** The viewer's notifications among `ids` (not deleted), with their state, newest first. */
    notifications(viewer: Viewer, ids: string[]): ListedNotification[] {
      if (!ids.length) return [];
      const params = viewerParams(viewer);
      return listed(listedByIds.all({ ...params, ids: JSON.stringify(ids) }), params.now);
    },
    /** The archived view: archived and not deleted, newest first. */
    listArchived(viewer: Viewer, opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null }) {
      const limit = clampInt(opts.limit, 1, MAX_LIST_LIMIT, 50);
      const params = viewerParams(viewer);
      const rows = archivedList.all({
        ...params,
        before: opts.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        cats: categoriesParam(opts.categories),
        limit: limit + 1,
      });
      return { notifications: listed(rows.slice(0, limit), params.now), hasMore: rows.length > limit };
    },
    nextSnoozeDue: (): number | null => nextDue.get()?.t ?? null,
    /** Claims snoozes due at `now` (at most `limit`): each is unread again and no longer snoozed. */
    wakeSnoozes: (now: number, limit: number) => wakeDue.immediate(now, limit),
  };
}
