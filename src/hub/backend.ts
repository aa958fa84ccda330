/**
 * The seam between the hub's sessions and where events live: storage and fan-out behind one
 * interface. The embedded implementation is SQLite + an in-process emitter (`sqlite-backend.ts`);
 * a cluster of hubs shares one PostgreSQL (`postgres-backend.ts`: the log and state in tables,
 * fan-out by LISTEN/NOTIFY) without touching sessions, auth or the HTTP surface.
 */
import type {
  ActivityEvent,
  AgentSummary,
  Audience,
  ListedNotification,
  MetricHistory,
  NotificationFilter,
  Preferences,
  RealtimeNotification,
  Snapshot,
  StreamEvent,
  SystemStatusSnapshot,
  UnreadCounts,
} from '../core/protocol.js';

import type { InboxChange, WokenSnooze } from './storage/inbox-state.js';

export type { InboxChange, WokenSnooze };

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
  /**
   * Escalation steps of a new notification: in the append's transaction the backend stores one
   * pending step per known admin of its audience and per step (due = stored time + delay).
   */
  escalate?: readonly EscalationStepPlan[];
}

// Escalation (issue 19) --------------------------------------------------------------------------

/** A channel an escalation step goes out on. */
export type EscalationChannelName = 'push' | 'email';

/** One rung of a notification's escalation ladder. */
export interface EscalationStepPlan {
  channel: EscalationChannelName;
  delayMs: number;
}

/** An admin the hub knows: from their latest session's token, or registered with `PUT /v1/admins/{id}`. */
export interface AdminRecord {
  userId: string;
  role: string;
  email?: string;
  name?: string;
}

/** One pending step: (admin, notification, channel). */
export interface EscalationStepKey {
  userId: string;
  seq: number;
  channel: EscalationChannelName;
}

/** A pending step as stored (for `/healthz` and tests). */
export interface EscalationStepRow extends EscalationStepKey {
  due: number;
  attempts: number;
  leaseUntil: number | null;
  leasedBy: string | null;
  lastError: string | null;
}

/** A due step this node leased, with what deciding about it needs, read in the claim. */
export interface ClaimedEscalationStep extends EscalationStepKey {
  due: number;
  /** Attempts including this one. */
  attempts: number;
  /** Null when the admin is no longer registered. */
  admin: AdminRecord | null;
  /** Null when the notification is no longer stored. */
  notification: RealtimeNotification | null;
  /** The admin may still see it (audience with their current role, not cleared). */
  visible: boolean;
  read: boolean;
  seen: boolean;
}

/** What became of a claimed step: sent or dropped (`done`), or tried again at `retryAt`. */
export type EscalationOutcome = { done: true } | { retryAt: number; error?: string; failed: boolean };

/** What `claimDigest` asks for: the admin's digest if due at `now` (`periodMs` since the last). */
export interface DigestClaim {
  userId: string;
  node: string;
  now: number;
  periodMs: number;
  leaseMs: number;
  priorities: readonly string[];
  /** Notifications in one digest at most. */
  limit: number;
}

/** A digest of lower priorities claimed for one admin: unread notifications after `afterSeq`. */
export interface ClaimedDigest {
  admin: AdminRecord;
  notifications: RealtimeNotification[];
  /** The highest seq considered (the digest then starts after it). */
  throughSeq: number;
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
  action:
    | 'connect'
    | 'disconnect'
    | 'mark-read'
    | 'mark-all-read'
    | 'clear'
    | 'subscribe'
    | 'auth-failed'
    | 'inbox'
    | 'set-preferences'
    | 'push-subscribe'
    | 'push-unsubscribe';
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

/**
 * Storage bounds every backend holds, whatever a publisher sends (documented in docs/hub.md):
 * a snapshot's metric history stays a few hundred KiB however many names and samples arrive.
 */
export const STORAGE_LIMITS = {
  /** Metric names kept at once; a new name past it is refused (400). A name is released when its samples age out. */
  metricNames: 64,
  /** How far in the future a metrics `at` may be (clock skew between the publisher and the hub), ms. */
  metricFutureSkewMs: 60_000,
  /**
   * Values (names x points) in a snapshot's metric history: past it, points are merged into
   * buckets of a few seconds (the last value of each), so the window stays one hour long.
   */
  snapshotMetricValues: 8192,
} as const;

/**
 * Why a metrics sample dated `atSeconds` (epoch seconds) is refused at `nowMs` by a store keeping
 * `metricsSeconds` of history, or null: beyond the clock's skew ahead, or older than the history.
 */
export function metricTimeRefusal(atSeconds: number, nowMs: number, metricsSeconds: number): string | null {
  const nowT = Math.floor(nowMs / 1000);
  const skew = Math.floor(STORAGE_LIMITS.metricFutureSkewMs / 1000);
  if (atSeconds > nowT + skew)
    return `must be at most ${skew} s ahead of the hub's clock (${new Date(nowMs).toISOString()})`;
  if (atSeconds < nowT - metricsSeconds)
    return `must be within the ${metricsSeconds} s of metric history the hub keeps`;
  return null;
}

/** Why a new metric name is refused once `STORAGE_LIMITS.metricNames` are kept. */
export function metricNameRefusal(name: string, metricsSeconds: number): string {
  return (
    `new metric name "${name}" refused: the hub keeps at most ${STORAGE_LIMITS.metricNames} metric names ` +
    `(a name is released ${metricsSeconds} s after its last sample)`
  );
}

/**
 * An event the store refuses for what is already stored or for the clock (too many metric names,
 * an `at` out of the window); the publisher answers 400 with `field: reason`.
 */
export class EventRefusedError extends Error {
  override readonly name = 'EventRefusedError';
  constructor(
    /** Index of the event in the appended batch. */
    readonly index: number,
    /** The refused field, e.g. `values` or `at`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
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
  /** Audit rows kept (days); 0 keeps them forever. */
  auditDays: number;
}

/** A browser registered for Web Push by one admin (the `PushSubscription` the browser gave). */
export interface PushSubscriptionRecord {
  /** The push service URL; unique across admins. A capability: never log it whole. */
  endpoint: string;
  /** The browser's P-256 public key and auth secret, base64url (RFC 8291). */
  keys: { p256dh: string; auth: string };
  /** When it was (last) registered, epoch ms. */
  created: number;
  /** The registering browser's User-Agent, bounded; null when absent. */
  userAgent: string | null;
}

/** Bounds of the push subscriptions a backend keeps (documented in docs/hub.md#web-push). */
export const PUSH_LIMITS = {
  /** Subscriptions per admin; a new one past it replaces that admin's oldest. */
  perAdmin: 10,
  /** Characters of User-Agent kept. */
  userAgentChars: 256,
} as const;

/** What a session's snapshot holds, read at one point of the stream (`seq`). */
export type SnapshotParts = Snapshot;

/**
 * Every call answers a Promise, so a backend may live across the network (PostgreSQL). Ordering
 * the hub relies on: an `append` resolves only after the run was committed and handed to every
 * `subscribe` listener of this process, so a reply sent after it never overtakes what it appended.
 */
export interface HubBackend {
  /**
   * Appends events in order and assigns each a seq; an `id` seen before is not stored again.
   * Rejects with `EventRefusedError` (and stores nothing of the batch) for an event past
   * `STORAGE_LIMITS`. Resolves after commit and after the local listeners got the new entries.
   */
  append(entries: NewEntry[]): Promise<AppendResult[]>;
  /** The latest seq assigned (0 when empty). */
  latestSeq(): Promise<number>;
  /** Identifies this stream; changes only when the store is wiped (read once, at open). */
  streamId(): string;
  /**
   * Entries after `afterSeq`, oldest first, at most `limit` of them (a page: call again from the
   * last seq returned), or null when `afterSeq` is older than what replay retention promises —
   * more than `replayCount` behind the latest seq, or its next entry older than `replayAgeMs` —
   * whether or not pruning has deleted it yet (the client then gets a snapshot). A later page
   * may answer null too, when retention moved past it meanwhile.
   */
  replay(afterSeq: number, limit?: number): Promise<StreamEntry[] | null>;

  /** Notifications this viewer may see, newest first, with their read flag. */
  listNotifications(
    viewer: Viewer,
    opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
  ): Promise<{ notifications: ListedNotification[]; hasMore: boolean }>;
  unreadCounts(viewer: Viewer, categories?: readonly string[] | null): Promise<UnreadCounts>;
  /** Marks read; returns the ids that were unread, visible to the viewer, and are now read. */
  markRead(viewer: Viewer, ids: string[]): Promise<string[]>;
  /**
   * Of `ids`, those naming a stored notification whose audience includes the viewer (read or not,
   * cleared or not): the rest are unknown to this viewer, whether they exist for others or not.
   */
  knownNotifications(viewer: Viewer, ids: string[]): Promise<string[]>;
  /** Marks every visible notification with seq <= throughSeq matching the filter read. */
  markAllRead(viewer: Viewer, throughSeq: number, filter?: NotificationFilter): Promise<number>;
  /** Hides (and marks read) every notification with seq <= throughSeq for this viewer. */
  clear(viewer: Viewer, throughSeq: number): Promise<void>;

  /**
   * For each of `groups`, the newest stored notification carrying it (a group with none is left
   * out). Read once at start by the alert rules, to know which incidents are open; not indexed.
   */
  latestInGroups(groups: readonly string[]): Promise<RealtimeNotification[]>;

  latestStatus(): Promise<SystemStatusSnapshot | null>;
  latestAgents(): Promise<AgentSummary | null>;
  recentActivity(limit: number): Promise<ActivityEvent[]>;
  metricHistory(sinceEpochSeconds: number): Promise<MetricHistory>;
  /**
   * Everything a snapshot shows, read consistently at one seq (nothing appended after `seq` is in
   * it), so the live entries that follow it are neither missed nor counted twice.
   */
  snapshot(
    viewer: Viewer,
    opts: {
      notifications: number;
      activity: number;
      metricsSince: number;
      categories?: readonly string[] | null;
    },
  ): Promise<SnapshotParts>;

  /**
   * Stores an audit row, bounded (`AUDIT_LIMITS` in audit.ts: user agent, detail size) and with
   * repeats folded (`auth-failed` per IP, `subscribe` per user and client, per minute) into one
   * row whose `detail.count` grows.
   */
  audit(record: AuditRecord): Promise<void>;
  readAudit(query: AuditQuery): Promise<Array<AuditRecord & { id: number }>>;

  /**
   * Fan-out: called with the entries appended by any node, in seq order, as runs (an append of a
   * batch arrives as one run, so the hub can send it to a socket as one frame), each entry once.
   */
  subscribe(listener: (entries: readonly StreamEntry[]) => void): () => void;

  /** Drops what retention no longer keeps. Called periodically by the hub. */
  prune(now?: number): Promise<void>;
  /**
   * Is storage usable (for /healthz)? Not while a kind of write (append, audit, read state,
   * prune) last failed, and never again in this process once the database reported corruption.
   * A clustered backend also answers false while it does not hear the cluster. `node` names this
   * process in a cluster.
   */
  health(): Promise<{ ok: boolean; detail?: string; node?: string }>;
  /** Flushes and closes (timers, connections). */
  close(): Promise<void>;

  // --- Escalation (issue 19): admin registry, seen, escalation steps, digests ---
  /**
   * Records an admin. `replace` (the publisher's `PUT /v1/admins/{id}`) sets every field; otherwise
   * (a session) an absent email or name keeps the one stored.
   */
  upsertAdmin(admin: AdminRecord, opts?: { replace?: boolean }): Promise<void>;
  getAdmin(userId: string): Promise<AdminRecord | null>;
  /**
   * Records that the viewer saw these notifications (those it may see) and, in the same
   * transaction, drops the viewer's pending push steps for them; answers how many were new.
   */
  markSeen(viewer: Viewer, ids: string[]): Promise<number>;
  /**
   * Leases up to `limit` steps due at `now` whose lease is free or expired, for `leaseMs`, to
   * `node` (several nodes never lease one step at once), counting an attempt each.
   */
  claimEscalationSteps(opts: {
    node: string;
    now: number;
    leaseMs: number;
    limit: number;
  }): Promise<ClaimedEscalationStep[]>;
  /** Ends a step this node still leases (a lease taken over meanwhile is left alone). */
  finishEscalationStep(step: EscalationStepKey, node: string, outcome: EscalationOutcome): Promise<void>;
  /** Pending steps, oldest due first (at most `limit`, default 1000). */
  escalationSteps(filter?: { userId?: string; limit?: number }): Promise<EscalationStepRow[]>;
  /**
   * Leases the digest of `userId` when its last one is at least `periodMs` old, and reads the
   * unread notifications of `priorities` since; null when not due or leased elsewhere.
   */
  claimDigest(opts: DigestClaim): Promise<ClaimedDigest | null>;
  /** Ends a claimed digest: sent (or empty) through `throughSeq`, or retried at `retryAt`. */
  finishDigest(
    userId: string,
    node: string,
    outcome: { sentAt: number; throughSeq: number } | { retryAt: number },
  ): Promise<void>;
  /** Registered admins with an email (for digests), after `afterUserId`, at most `limit`. */
  adminsWithEmail(afterUserId: string, limit: number): Promise<AdminRecord[]>;

  // Inbox (issue 17 item 1): per-user archived, snoozed-until, deleted-for-me and mark-unread
  // state. The inbox view (listNotifications, snapshot, unreadCounts) leaves out what is archived,
  // deleted or snoozed past now; mark unread overrides reads and read marks until the next read.
  /**
   * Applies an inbox action to the notifications among `ids` the viewer may see (not cleared);
   * answers the ids whose state changed, in the order asked. `until` (epoch ms) is the snooze's end.
   */
  changeInbox(viewer: Viewer, action: InboxChange, ids: string[], until?: number): Promise<string[]>;
  /** The viewer's notifications among `ids`, not deleted, with read flag and state, newest first. */
  inboxNotifications(viewer: Viewer, ids: string[]): Promise<ListedNotification[]>;
  /** The archived view: archived and not deleted, newest first (like `listNotifications`). */
  listArchived(
    viewer: Viewer,
    opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
  ): Promise<{ notifications: ListedNotification[]; hasMore: boolean }>;
  /** The earliest snooze end pending (epoch ms), or null. */
  nextSnoozeDue(): Promise<number | null>;
  /**
   * Claims up to `limit` snoozes due at `now`: each is unread again for its user and snoozed no
   * more. A snooze is claimed once, whichever node asks first.
   */
  wakeSnoozes(now: number, limit: number): Promise<WokenSnooze[]>;

  // Notification preferences (issue 19 item 5) --------------------------------------------------
  /** The admin's preferences; the defaults (`defaultPreferences()`) when they never saved any. */
  getPreferences(userId: string): Promise<Preferences>;
  /** Replaces the admin's preferences with a document the protocol's check accepted. */
  setPreferences(userId: string, preferences: Preferences): Promise<void>;

  // Web Push (issue 19 item 4) -----------------------------------------------------------------
  /**
   * Registers a browser for `userId`: an endpoint already stored (for anyone) is replaced, so a
   * browser that switched admins belongs to the last one; past `PUSH_LIMITS.perAdmin` the admin's
   * oldest subscription is dropped.
   */
  addPushSubscription(userId: string, sub: Omit<PushSubscriptionRecord, 'created'>): Promise<void>;
  /** Removes one of `userId`'s subscriptions; false when that admin had no such endpoint. */
  removePushSubscription(userId: string, endpoint: string): Promise<boolean>;
  /** `userId`'s subscriptions, oldest first. */
  pushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]>;
  /** Drops an endpoint whoever registered it (the push service answered 404 or 410); false when unknown. */
  dropPushSubscription(endpoint: string): Promise<boolean>;
}
