/**
 * Unread-count arithmetic for the store's optimistic updates. Counts never go below zero, and
 * every change reports the delta it really applied, so that a rollback restores exact numbers.
 */
import type { ListedNotification, NotificationFilter, UnreadCounts } from './protocol.js';

/** Same as protocol's `noUnread`, kept local so the store alone does not pull in the validators. */
export const zero = (): UnreadCounts => ({ total: 0, byCategory: {}, byPriority: {} });

/** Whether `n` matches a markAllRead filter (every field given must match). */
export const matches = (n: ListedNotification, filter?: NotificationFilter): boolean =>
  (!filter?.category || n.category === filter.category) && (!filter?.priority || n.priority === filter.priority);

/** Unread counts of these notifications, as a delta. */
export function countOf(list: Iterable<ListedNotification>): UnreadCounts {
  const d = zero();
  for (const n of list) {
    d.total++;
    d.byCategory[n.category] = (d.byCategory[n.category] ?? 0) + 1;
    d.byPriority[n.priority] = (d.byPriority[n.priority] ?? 0) + 1;
  }
  return d;
}

/** `counts` with one more unread notification like `n` (the hot path of a burst). */
export const plusOne = ({ total, byCategory, byPriority }: UnreadCounts, n: ListedNotification): UnreadCounts => ({
  total: total + 1,
  byCategory: { ...byCategory, [n.category]: (byCategory[n.category] ?? 0) + 1 },
  byPriority: { ...byPriority, [n.priority]: (byPriority[n.priority] ?? 0) + 1 },
});

/**
 * Adds `sign × delta` to `counts`, never below zero. Returns the new counts and the delta that
 * was actually applied, so that undoing it later restores the exact numbers.
 */
export function shiftCounts(counts: UnreadCounts, delta: UnreadCounts, sign: 1 | -1): [UnreadCounts, UnreadCounts] {
  const applied = zero();
  const move = <K extends string>(from: Partial<Record<K, number>>, to: Partial<Record<K, number>>, key: K, by = 0) => {
    const before = from[key] ?? 0;
    const after = Math.max(0, before + sign * by);
    to[key] = Math.abs(after - before);
    return after;
  };
  const next: UnreadCounts = {
    total: Math.max(0, counts.total + sign * delta.total),
    byCategory: { ...counts.byCategory },
    byPriority: { ...counts.byPriority },
  };
  applied.total = Math.abs(next.total - counts.total);
  for (const [k, v] of Object.entries(delta.byCategory))
    next.byCategory[k] = move(counts.byCategory, applied.byCategory, k, v);
  for (const [k, v] of Object.entries(delta.byPriority) as [keyof UnreadCounts['byPriority'], number][])
    next.byPriority[k] = move(counts.byPriority, applied.byPriority, k, v);
  return [next, applied];
}
