/**
 * What one admin sees: the audience and category rule applied to every fanned-out or replayed
 * entry, and the snapshot sent after auth or on `refresh`.
 */
import type { ListedNotification, SnapshotMessage, UnreadCounts } from '../core/protocol.js';
import type { HubBackend, StreamEntry, Viewer } from './backend.js';

/** Notifications in a snapshot, activity items in a snapshot, metric history span. */
export const SNAPSHOT_NOTIFICATIONS = 50;
export const SNAPSHOT_ACTIVITY = 50;
export const METRIC_HISTORY_SECONDS = 3600;

/**
 * Can this viewer, subscribed to these categories, see this entry? Audience lists are a union: a
 * listed user id or a listed role lets the viewer in. No audience (or one with neither list) is
 * every admin; an empty list targets nobody — the same rule the backend applies to stored lists.
 * Only notifications are category-filtered; metrics, status, agents and activity reach everyone.
 * A notification of a category the admin switched in-app off for (`muted`) is left out unless critical.
 */
export function canSee(
  viewer: Viewer,
  categories: ReadonlySet<string> | null,
  entry: StreamEntry,
  muted: ReadonlySet<string> | null = null,
): boolean {
  const audience = entry.audience;
  if (audience && (audience.userIds !== undefined || audience.roles !== undefined)) {
    if (!audience.userIds?.includes(viewer.userId) && !audience.roles?.includes(viewer.role)) return false;
  }
  const event = entry.event;
  if (event.kind !== 'notification') return true;
  return (categories === null || categories.has(event.category)) && !isMuted(event, muted);
}

/** Below critical, in a category the admin switched in-app off for. */
const isMuted = (n: { category: string; priority: string }, muted: ReadonlySet<string> | null) =>
  muted !== null && n.priority !== 'critical' && muted.has(n.category);

/** The listed notifications an admin sees in-app: those of muted categories only when critical. */
export const unmuted = (list: ListedNotification[], muted: ReadonlySet<string> | null): ListedNotification[] =>
  muted === null ? list : list.filter((n) => !isMuted(n, muted));

/** Backend pages read at most for one `history` answer when in-app off hides rows. */
const MUTED_PAGES = 10;

/**
 * A `history` page without what in-app off hides, still `limit` long when the backend has more: a
 * page the hidden rows emptied would leave the client asking for the same `beforeSeq` again.
 */
export async function historyPage(
  backend: HubBackend,
  viewer: Viewer,
  opts: { beforeSeq: number; limit: number; categories: readonly string[] | null; view?: 'inbox' | 'archived' },
  muted: ReadonlySet<string> | null,
): Promise<{ notifications: ListedNotification[]; hasMore: boolean }> {
  const out: ListedNotification[] = [];
  const { view, ...query } = opts;
  let beforeSeq = opts.beforeSeq;
  for (let page = 0; page < MUTED_PAGES; page++) {
    const { notifications, hasMore } = await (view === 'archived'
      ? backend.listArchived(viewer, { ...query, beforeSeq })
      : backend.listNotifications(viewer, { ...query, beforeSeq }));
    out.push(...unmuted(notifications, muted));
    if (out.length >= opts.limit)
      return { notifications: out.slice(0, opts.limit), hasMore: hasMore || out.length > opts.limit };
    if (!hasMore || !notifications.length) return { notifications: out, hasMore };
    beforeSeq = notifications.at(-1)!.seq;
  }
  return { notifications: out, hasMore: true };
}

/**
 * Unread counts without what in-app off hides: for each muted category, its unread below
 * critical leaves the total, the category and the priorities (one count query per muted category).
 */
export async function inAppUnread(
  backend: HubBackend,
  viewer: Viewer,
  muted: ReadonlySet<string> | null,
  counts?: UnreadCounts,
): Promise<UnreadCounts> {
  const all = counts ?? (await backend.unreadCounts(viewer));
  if (muted === null) return all;
  const out: UnreadCounts = { total: all.total, byCategory: { ...all.byCategory }, byPriority: { ...all.byPriority } };
  for (const category of muted) {
    if (!out.byCategory[category]) continue;
    const one = await backend.unreadCounts(viewer, [category]);
    for (const [priority, n] of Object.entries(one.byPriority) as [keyof UnreadCounts['byPriority'], number][]) {
      if (priority === 'critical' || !n) continue;
      out.total -= n;
      out.byCategory[category] = (out.byCategory[category] ?? 0) - n;
      out.byPriority[priority] = Math.max(0, (out.byPriority[priority] ?? 0) - n);
    }
    if (!out.byCategory[category]) delete out.byCategory[category];
  }
  for (const [priority, n] of Object.entries(out.byPriority)) if (!n) delete out.byPriority[priority as never];
  return out;
}

/** Builds the snapshot a session gets after auth (or on `refresh`), read at one seq. */
export async function buildSnapshot(
  backend: HubBackend,
  viewer: Viewer,
  categories: readonly string[] | null,
  nowMs: number,
  ref?: string,
  muted: ReadonlySet<string> | null = null,
): Promise<SnapshotMessage> {
  const parts = await backend.snapshot(viewer, {
    notifications: SNAPSHOT_NOTIFICATIONS,
    activity: SNAPSHOT_ACTIVITY,
    metricsSince: Math.floor(nowMs / 1000) - METRIC_HISTORY_SECONDS,
    categories,
  });
  if (muted !== null) {
    parts.notifications = unmuted(parts.notifications, muted);
    parts.unread = await inAppUnread(backend, viewer, muted, parts.unread);
  }
  const snapshot: SnapshotMessage = { type: 'snapshot', ...parts };
  if (ref !== undefined) snapshot.ref = ref;
  return snapshot;
}
