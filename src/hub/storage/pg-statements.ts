/**
 * SQL of the PostgreSQL backend, with `@name` parameters bound to `$n` by `bind` (the same
 * fragments as the SQLite store's where the dialects agree).
 */
import type pg from 'pg';
import { countAdjustSql, INBOX_HIDDEN, READ_EXPR } from './sql-fragments.js';

export {
  DROP_EMPTY_STATE,
  DROP_OVERRIDES_THROUGH,
  DROP_READS_THROUGH,
  DROP_SUBSUMED_MARKS,
  pruneEndSql,
  READ_EXPR,
} from './sql-fragments.js';

/** Something to run a query on: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'> | pg.Pool;

/** Turns `@name` parameters into `$n` and the values in order (a name used twice is bound once). */
export function bind(sql: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const names: string[] = [];
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) {
      if (!(name in params)) throw new Error(`missing SQL parameter @${name}`);
      i = names.push(name) - 1;
    }
    return `$${i + 1}`;
  });
  return { text, values: names.map((n) => params[n]) };
}

/** Runs `sql` with named parameters; answers its rows. */
export async function rows<T extends pg.QueryResultRow>(
  db: Queryable,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const { text, values } = bind(sql, params);
  return (await db.query<T>(text, values)).rows;
}

/** Notification `n` is addressed to (@user, @role). */
export const AUDIENCE_EXPR = `(
  n.aud_all
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'u' AND a.value = @user)
  OR EXISTS (SELECT 1 FROM notification_audience a WHERE a.seq = n.seq AND a.kind = 'r' AND a.value = @role)
)`;

/** Visible to (@user, @role): in its audience and above what the user cleared (@cleared). */
export const VISIBLE_EXPR = `(n.seq > @cleared AND ${AUDIENCE_EXPR})`;

/** Category filter: @cats is null (every category) or an array of names. */
export const CATEGORY_EXPR = `(@cats::text[] IS NULL OR n.category = ANY(@cats::text[]))`;

/**
 * Notifications counted by the unread queries: visible, above @floor (the larger of @cleared and
 * the user's global read mark), through @through, matching the optional @category / @priority.
 */
const COUNT_SCOPE = `n.seq <= @through
  AND (@category::text IS NULL OR n.category = @category::text)
  AND (@priority::text IS NULL OR n.priority = @priority::text)
  AND ${CATEGORY_EXPR} AND ${VISIBLE_EXPR}`;
export const COUNT_FILTER = `n.seq > @floor AND ${COUNT_SCOPE}`;

/** Seqs above @floor this user has read: single reads plus what filtered read marks cover. */
export const READ_SET = `
  SELECT r.seq FROM notification_reads r WHERE r.user_id = @user AND r.seq > @floor AND r.seq <= @through
  UNION
  SELECT n2.seq FROM read_marks m JOIN notifications n2
    ON n2.seq > @floor AND n2.seq <= LEAST(m.through_seq, @through)
    AND (m.category = '' OR n2.category = m.category)
    AND (m.priority = '' OR n2.priority = m.priority)
  WHERE m.user_id = @user`;

export const COUNT_VISIBLE = `SELECT n.category, n.priority, count(*) AS c FROM notifications n
  WHERE ${COUNT_FILTER} GROUP BY n.category, n.priority`;
export const COUNT_READ = `SELECT n.category, n.priority, count(*) AS c FROM notifications n
  WHERE n.seq IN (${READ_SET}) AND ${COUNT_FILTER} GROUP BY n.category, n.priority`;

/** What the user's inbox state (hidden rows, unread overrides) changes in the two counts above. */
export const COUNT_ADJUST = countAdjustSql(COUNT_SCOPE);

export const LIST = `SELECT n.json, ${READ_EXPR} AS read FROM notifications n
  WHERE n.seq < @before AND ${VISIBLE_EXPR} AND ${CATEGORY_EXPR} AND NOT ${INBOX_HIDDEN}
  ORDER BY n.seq DESC LIMIT @limit`;

export const UNREAD_BY_IDS = `SELECT n.seq, n.id FROM notifications n
  WHERE n.id = ANY(@ids::text[]) AND ${VISIBLE_EXPR} AND NOT ${READ_EXPR}`;
export const LATEST_IN_GROUPS = `SELECT DISTINCT ON (g) json FROM (
    SELECT json, seq, (json::jsonb)->>'group' AS g FROM notifications
  ) n WHERE g = ANY(@groups::text[]) ORDER BY g, seq DESC`;

export const KNOWN_BY_IDS = `SELECT n.id FROM notifications n WHERE n.id = ANY(@ids::text[]) AND ${AUDIENCE_EXPR}`;

export const UPSERT_MARK = `INSERT INTO read_marks (user_id, category, priority, through_seq) VALUES (@user, @category, @priority, @through)
  ON CONFLICT (user_id, category, priority) DO UPDATE SET through_seq = GREATEST(read_marks.through_seq, excluded.through_seq)`;
