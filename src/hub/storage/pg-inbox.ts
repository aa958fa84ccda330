/**
 * Per-user inbox state on PostgreSQL (archive, snooze, delete for me, mark unread), as on SQLite
 * (sqlite-inbox.ts). A change runs in the user's transaction (their state row locked, so two nodes
 * take turns); a due snooze is claimed with `FOR UPDATE SKIP LOCKED`, so one node wakes it.
 */
import type pg from 'pg';
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
import { cancelStepsRead } from './pg-escalation.js';
import { CATEGORY_EXPR, DROP_EMPTY_STATE, type Queryable, READ_EXPR, rows, VISIBLE_EXPR } from './pg-statements.js';
import { clampInt, MAX_LIST_LIMIT } from './shared.js';

type ListedRow = { json: string; read: boolean; archived: number | null; snoozed_until: number | null };
const LISTED = `n.json, ${READ_EXPR} AS read, s.archived, s.snoozed_until`;
const BY_IDS = 'n.id = ANY(@ids::text[])';
type Params = { user: string; role: string; cleared: number; now: number };

export interface PgInboxContext {
  pool: pg.Pool;
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  lockUser(client: pg.PoolClient, user: string): Promise<void>;
  viewerParams(db: Queryable, viewer: Viewer): Promise<Params>;
}

export function createPgInbox({ pool, transaction, lockUser, viewerParams }: PgInboxContext) {
  const listed = (found: ListedRow[], now: number): ListedNotification[] =>
    found.map((r) => listedWithState(r.json, r.read, r.archived, r.snoozed_until, now));

  return {
    change: (viewer: Viewer, action: InboxChange, asked: string[], until?: number) =>
      transaction(async (client) => {
        const ids = [...new Set(asked)];
        await lockUser(client, viewer.userId);
        const params = await viewerParams(client, viewer);
        const found = await rows<InboxRow & pg.QueryResultRow>(
          client,
          `SELECT n.seq, n.id, ${READ_EXPR} AS read, s.archived, s.deleted, s.snoozed_until, s.unread
           FROM notifications n ${STATE_JOIN} WHERE ${BY_IDS} AND ${VISIBLE_EXPR}`,
          { ...params, ids },
        );
        const writes = planInboxChange(found, action, until);
        for (const w of writes) {
          await rows(client, UPSERT_INBOX_STATE, { ...w, user: viewer.userId, role: viewer.role });
          if (w.dropRead)
            await client.query('DELETE FROM notification_reads WHERE user_id = $1 AND seq = $2', [
              viewer.userId,
              w.seq,
            ]);
        }
        await rows(client, DROP_EMPTY_STATE, params);
        if (CANCELS_ESCALATION.has(action))
          await cancelStepsRead(
            client,
            viewer.userId,
            writes.map((w) => w.seq),
          );
        const done = new Set(writes.map((w) => w.id));
        return ids.filter((id) => done.has(id));
      }),

    async notifications(viewer: Viewer, ids: string[]): Promise<ListedNotification[]> {
      if (!ids.length) return [];
      const params = await viewerParams(pool, viewer);
      const found = await rows<ListedRow>(
        pool,
        `SELECT ${LISTED} FROM notifications n ${STATE_JOIN}
         WHERE ${BY_IDS} AND ${VISIBLE_EXPR} AND coalesce(s.deleted, 0) = 0 ORDER BY n.seq DESC`,
        { ...params, ids },
      );
      return listed(found, params.now);
    },

    async listArchived(
      viewer: Viewer,
      opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
    ): Promise<{ notifications: ListedNotification[]; hasMore: boolean }> {
      const limit = clampInt(opts.limit, 1, MAX_LIST_LIMIT, 50);
      const params = await viewerParams(pool, viewer);
      const found = await rows<ListedRow>(
        pool,
        `SELECT ${LISTED} FROM inbox_state s JOIN notifications n ON n.seq = s.seq
         WHERE s.user_id = @user AND s.archived = 1 AND s.deleted = 0 AND n.seq < @before
           AND ${VISIBLE_EXPR} AND ${CATEGORY_EXPR}
         ORDER BY n.seq DESC LIMIT @limit`,
        {
          ...params,
          before: opts.beforeSeq ?? Number.MAX_SAFE_INTEGER,
          cats: opts.categories == null ? null : [...opts.categories],
          limit: limit + 1,
        },
      );
      return { notifications: listed(found.slice(0, limit), params.now), hasMore: found.length > limit };
    },

    nextSnoozeDue: async (): Promise<number | null> =>
      (await rows<{ t: number | null }>(pool, NEXT_SNOOZE))[0]?.t ?? null,

    wakeSnoozes: (now: number, limit: number): Promise<WokenSnooze[]> =>
      rows<WokenSnooze & pg.QueryResultRow>(
        pool,
        `WITH due AS (
           SELECT s.user_id, s.seq, s.snoozed_until FROM inbox_state s
           WHERE s.snoozed_until <= @now ORDER BY s.snoozed_until LIMIT @limit FOR UPDATE SKIP LOCKED
         )
         UPDATE inbox_state s SET snoozed_until = NULL, unread = 1
         FROM due JOIN notifications n ON n.seq = due.seq
         WHERE s.user_id = due.user_id AND s.seq = due.seq
         RETURNING s.user_id AS "userId", s.role, n.id, due.snoozed_until AS until`,
        { now, limit },
      ),
  };
}
