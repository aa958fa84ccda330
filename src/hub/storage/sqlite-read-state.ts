/**
 * Per-user read state on SQLite: unread counts (visible minus read, aggregated in SQL), single
 * reads, read marks ("everything through seq N matching a filter is read", O(1) rows per user
 * whatever the number of notifications) and clears; reads end the user's unread overrides
 * (mark unread, a snooze that woke) they cover.
 */
import type Database from 'better-sqlite3';
import type { NotificationFilter, UnreadCounts } from '../../core/protocol.js';
import type { Viewer } from '../backend.js';
import { unreadFromCells } from './shared.js';
import { DROP_EMPTY_STATE, DROP_OVERRIDES_THROUGH } from './sql-fragments.js';
import { prepareStepCancel } from './sqlite-escalation.js';
import type { CountParams, Statements } from './sqlite-statements.js';

/** Categories as the statements take them: null (every category) or a JSON array of names. */
export function categoriesParam(categories: readonly string[] | null | undefined): string | null {
  return categories == null ? null : JSON.stringify(categories);
}

export function createSqliteReadState(
  db: Database.Database,
  q: Statements,
  readLastSeq: () => number,
  now: () => number,
) {
  const dropOverrides = db.prepare<Record<string, unknown>>(DROP_OVERRIDES_THROUGH);
  const dropEmpty = db.prepare<Record<string, unknown>>(DROP_EMPTY_STATE);
  const readOverrides = db.prepare<[string, string]>(
    'UPDATE inbox_state SET unread = 0 WHERE user_id = ? AND seq IN (SELECT value FROM json_each(?))',
  );

  /** A read cancels the user's pending escalation steps (issue 19), in the read's transaction. */
  const cancelSteps = prepareStepCancel(db);

  /** Who is asking, their cleared-through seq and the clock (snoozes end at `now`). */
  function viewerParams(viewer: Viewer) {
    const cleared = q.cleared.get(viewer.userId)?.cleared_through ?? 0;
    return { user: viewer.userId, role: viewer.role, cleared, now: now() };
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
    return unreadFromCells(
      q.countVisible.iterate(params),
      () => q.countRead.iterate(params),
      q.countAdjust.all(params),
    );
  }

  /** Records "everything visible through `through` matching the filter is read" for one user. */
  function addReadMark(userId: string, through: number, category: string, priority: string): void {
    q.upsertMark.run(userId, category, priority, through);
    const params = { user: userId, through, category, priority };
    q.dropSubsumedMarks.run(params);
    q.dropReadsThrough.run(params);
    cancelSteps.through(userId, through, category, priority);
    dropOverrides.run(params);
    dropEmpty.run(params);
  }

  const markRead: Database.Transaction<(viewer: Viewer, ids: string[]) => string[]> = db.transaction(
    (viewer: Viewer, ids: string[]): string[] => {
      const rows = q.unreadByIds.all({ ...viewerParams(viewer), ids: JSON.stringify(ids) });
      for (const row of rows) q.insertRead.run(viewer.userId, row.seq);
      cancelSteps.read(
        viewer.userId,
        rows.map((r) => r.seq),
      );
      if (rows.length) {
        readOverrides.run(viewer.userId, JSON.stringify(rows.map((r) => r.seq)));
        dropEmpty.run({ user: viewer.userId });
      }
      const changed = new Set(rows.map((r) => r.id));
      return ids.filter((id) => changed.has(id));
    },
  );

  const markAllRead: Database.Transaction<(viewer: Viewer, throughSeq: number, filter?: NotificationFilter) => number> =
    db.transaction((viewer: Viewer, throughSeq: number, filter?: NotificationFilter): number => {
      const through = Math.min(Math.floor(throughSeq), readLastSeq());
      if (!(through > 0)) return 0;
      const changed = countUnread(viewer, { through, ...(filter ? { filter } : {}) }).total;
      if (changed > 0) addReadMark(viewer.userId, through, filter?.category ?? '', filter?.priority ?? '');
      return changed;
    });

  const clear: Database.Transaction<(viewer: Viewer, throughSeq: number) => void> = db.transaction(
    (viewer: Viewer, throughSeq: number): void => {
      const through = Math.min(Math.floor(throughSeq), readLastSeq());
      if (!(through > 0)) return;
      q.upsertCleared.run(viewer.userId, through);
      addReadMark(viewer.userId, through, '', '');
    },
  );

  return { viewerParams, countUnread, markRead, markAllRead, clear };
}
