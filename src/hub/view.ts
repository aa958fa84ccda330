/**
 * What one admin sees: the audience and category rule applied to every fanned-out or replayed
 * entry, and the snapshot sent after auth or on `refresh`.
 */
import type { SnapshotMessage } from '../core/protocol.js';
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
 */
export function canSee(viewer: Viewer, categories: ReadonlySet<string> | null, entry: StreamEntry): boolean {
  const audience = entry.audience;
  if (audience && (audience.userIds !== undefined || audience.roles !== undefined)) {
    if (!audience.userIds?.includes(viewer.userId) && !audience.roles?.includes(viewer.role)) return false;
  }
  const event = entry.event;
  return !(event.kind === 'notification' && categories !== null && !categories.has(event.category));
}

/** Builds the snapshot a session gets after auth (or on `refresh`), read at one seq. */
export async function buildSnapshot(
  backend: HubBackend,
  viewer: Viewer,
  categories: readonly string[] | null,
  nowMs: number,
  ref?: string,
): Promise<SnapshotMessage> {
  const parts = await backend.snapshot(viewer, {
    notifications: SNAPSHOT_NOTIFICATIONS,
    activity: SNAPSHOT_ACTIVITY,
    metricsSince: Math.floor(nowMs / 1000) - METRIC_HISTORY_SECONDS,
    categories,
  });
  const snapshot: SnapshotMessage = { type: 'snapshot', ...parts };
  if (ref !== undefined) snapshot.ref = ref;
  return snapshot;
}
