/**
 * SQL both dialects (SQLite, PostgreSQL) read the same way: read flags, read-mark upkeep, and the
 * end of a bounded prefix for pruning. Parameters are `@name`.
 */

/** Read flag of notification `n` for user @user: read one by one, or covered by a read mark. */
export const READ_EXPR = `(
  EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = @user AND r.seq = n.seq)
  OR EXISTS (
    SELECT 1 FROM read_marks m
    WHERE m.user_id = @user AND n.seq <= m.through_seq
      AND (m.category = '' OR m.category = n.category)
      AND (m.priority = '' OR m.priority = n.priority)
  )
)`;

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
