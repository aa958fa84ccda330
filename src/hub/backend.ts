/**
 * The seam between the hub's sessions and where events live: storage and fan-out behind one
 * interface. The embedded implementation is SQLite + an in-process emitter (`sqlite-backend.ts`);
 * a multi-node deployment replaces it with one on Redis (streams for the log, pub/sub for
 * fan-out, hashes for read state) without touching sessions, auth or the HTTP surface.
 */
import type {
  ActivityEvent,
  AgentSummary,
  Audience,
  ListedNotification,
  MetricHistory,
  NotificationFilter,
  StreamEvent,
  SystemStatusSnapshot,
  UnreadCounts,
} from '../core/protocol.js';

/** Distributive Omit, so a union keeps its discriminant. */
export type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** One entry of the hub's stream, with who may see it. */
export interface StreamEntry {
  event: StreamEvent;
  /** Absent: every admin. Read/cleared events target their one user. */
  audience?: Audience;
}

/** An event to append; the backend assigns `seq`. */
export interface NewEntry {
  event: WithoutSeq<StreamEvent>;
  audience?: Audience;
}

/** Who is asking, for audience checks. */
export interface Viewer {
  userId: string;
  role: string;
}

export interface AppendResult {
  entry: StreamEntry;
  /** True when an event with this `id` was already stored; `entry` is the stored one. */
  duplicate: boolean;
}

export interface AuditRecord {
  at: string;
  action: 'connect' | 'disconnect' | 'mark-read' | 'mark-all-read' | 'clear' | 'subscribe' | 'auth-failed';
  userId: string | null;
  role: string | null;
  ip: string;
  userAgent: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  limit?: number;
  /** Only rows with id below this (paging backwards). */
  beforeId?: number;
  userId?: string;
  action?: AuditRecord['action'];
}

export interface RetentionOptions {
  /** Stream entries kept for replay (count). */
  replayCount: number;
  /** Stream entries kept for replay (age, ms). */
  replayAgeMs: number;
  /** Metric history kept for backfill (seconds). */
  metricsSeconds: number;
  /** Notifications kept (days). */
  notificationDays: number;
}

export interface HubBackend {
  /** Appends events in order and assigns each a seq; an `id` seen before is not stored again. */
  append(entries: NewEntry[]): AppendResult[];
  /** The latest seq assigned (0 when empty). */
  latestSeq(): number;
  /** Identifies this stream; changes only when the store is wiped. */
  streamId(): string;
  /**
   * Entries after `afterSeq`, oldest first, or null when `afterSeq` is older than what replay
   * retention still holds (the client then gets a snapshot).
   */
  replay(afterSeq: number, limit?: number): StreamEntry[] | null;

  /** Notifications this viewer may see, newest first, with their read flag. */
  listNotifications(
    viewer: Viewer,
    opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
  ): { notifications: ListedNotification[]; hasMore: boolean };
  unreadCounts(viewer: Viewer, categories?: readonly string[] | null): UnreadCounts;
  /** Marks read; returns the ids that were unread, visible to the viewer, and are now read. */
  markRead(viewer: Viewer, ids: string[]): string[];
  /**
   * Of `ids`, those naming a stored notification whose audience includes the viewer (read or not,
   * cleared or not): the rest are unknown to this viewer, whether they exist for others or not.
   */
  knownNotifications(viewer: Viewer, ids: string[]): string[];
  /** Marks every visible notification with seq <= throughSeq matching the filter read. */
  markAllRead(viewer: Viewer, throughSeq: number, filter?: NotificationFilter): number;
  /** Hides (and marks read) every notification with seq <= throughSeq for this viewer. */
  clear(viewer: Viewer, throughSeq: number): void;

  latestStatus(): SystemStatusSnapshot | null;
  latestAgents(): AgentSummary | null;
  recentActivity(limit: number): ActivityEvent[];
  metricHistory(sinceEpochSeconds: number): MetricHistory;

  audit(record: AuditRecord): void;
  readAudit(query: AuditQuery): Array<AuditRecord & { id: number }>;

  /**
   * Fan-out: called with the entries appended by any node, in seq order, as runs (an append of a
   * batch arrives as one run, so the hub can send it to a socket as one frame).
   */
  subscribe(listener: (entries: readonly StreamEntry[]) => void): () => void;

  /** Drops what retention no longer keeps. Called periodically by the hub. */
  prune(now?: number): void;
  /** Is storage usable (for /healthz)? */
  health(): { ok: boolean; detail?: string };
  /** Flushes and closes. */
  close(): void;
}
