/**
 * SQL both dialects (SQLite, PostgreSQL) read the same way: read flags, read-mark upkeep, and the
 * end of a bounded prefix for pruning. Parameters are `@name`.
 */

/**
 * Inbox state of notification `n` for @user hides it from the inbox view (snapshot, history, unread
 * counts): archived, deleted for the user, or snoozed until after @now.
 */
export const INBOX_HIDDEN = `EXISTS (
  SELECT 1 FROM inbox_state s WHERE s.user_id = @user AND s.seq = n.seq
    AND (s.archived = 1 OR s.deleted = 1 OR s.snoozed_until > @now)
)`;

/** The user marked `n` unread (or its snooze woke): unread whatever reads and read marks say. */
const UNREAD_OVERRIDE = `EXISTS (SELECT 1 FROM inbox_state s WHERE s.user_id = @user AND s.seq = n.seq AND s.unread = 1)`;

/** Read by reads and read marks alone (`READ_EXPR` without the user's unread overrides). */
export const BASE_READ_EXPR = `(
  EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = @user AND r.seq = n.seq)
  OR EXISTS (
    SELECT 1 FROM read_marks m
    WHERE m.user_id = @user AND n.seq <= m.through_seq
      AND (m.category = '' OR m.category = n.category)
      AND (m.priority = '' OR m.priority = n.priority)
  )
)`;

/** Read flag of notification `n` for user @user: read one by one, or covered by a read mark, and not marked unread. */
export const READ_EXPR = `(NOT ${UNREAD_OVERRIDE} AND ${BASE_READ_EXPR})`;

/**
 * Unread overrides a new read mark (@user, @through, @category, @priority: '' = any) covers, then
 * the user's state rows left with nothing in them.
 */
export const DROP_OVERRIDES_THROUGH = `UPDATE inbox_state SET unread = 0
  WHERE user_id = @user AND unread = 1 AND seq <= @through
    AND (@category = '' AND @priority = ''
         OR seq IN (SELECT n.seq FROM notifications n WHERE n.seq <= @through
                    AND (@category = '' OR n.category = @category)
                    AND (@priority = '' OR n.priority = @priority)))`;
/**
 * What the user's inbox state changes in the unread counts of `visible - read` (which ignore it),
 * per (category, priority), driven from the user's state rows: minus the hidden ones counted
 * unread there, plus the overridden ones counted read there (or below @floor). `scope` is the
 * dialect's count filter without its floor.
 */
export function countAdjustSql(scope: string): string {
  const baseUnread = `(n.seq > @floor AND NOT ${BASE_READ_EXPR})`;
  return `SELECT n.category AS category, n.priority AS priority,
    sum(CASE WHEN s.archived = 1 OR s.deleted = 1 OR s.snoozed_until > @now
          THEN (CASE WHEN ${baseUnread} THEN -1 ELSE 0 END)
        WHEN s.unread = 1 AND NOT ${baseUnread} THEN 1 ELSE 0 END) AS c
  FROM inbox_state s JOIN notifications n ON n.seq = s.seq
  WHERE s.user_id = @user AND ${scope}
  GROUP BY n.category, n.priority`;
}

export const DROP_EMPTY_STATE = `DELETE FROM inbox_state
  WHERE user_id = @user AND archived = 0 AND deleted = 0 AND snoozed_until IS NULL AND unread = 0`;

/** Marks made redundant by a broader one with a higher or equal through_seq. */
export const DROP_SUBSUMED_MARKS = `DELETE FROM read_marks
  WHERE user_id = @user AND through_seq <= @through
    AND (@category = '' OR category = @category)
    AND (@priority = '' OR priority = @priority)
    AND NOT (category = @category AND priority = @priority)`;
/** Single read rows made redundant by a read mark. */
export const DROP_READS_THROUGH = `DELETE FROM notification_reads
  WHERE user_id = @user AND seq <= @through
    AND (@category = '' AND @priority = ''
         OR seq IN (SELECT n.seq FROM notifications n WHERE n.seq <= @through
                    AND (@category = '' OR n.category = @category)
                    AND (@priority = '' OR n.priority = @priority)))`;

/**
 * For a table keyed by seq with a `created` time: within its oldest `@batch` rows, the last seq
 * (`last`) and the first one retention still keeps (`keep`), so pruning deletes a bounded prefix.
 */
export function pruneEndSql(table: 'stream' | 'event_ids' | 'notifications'): string {
  return `SELECT
    (SELECT max(seq) FROM (SELECT seq FROM ${table} ORDER BY seq LIMIT @batch) b) AS last,
    (SELECT min(seq) FROM (SELECT seq, created FROM ${table} ORDER BY seq LIMIT @batch) b
       WHERE seq > @seqCut AND created >= @createdCut) AS keep`;
}
