/**
 * Stream events: what the hub stores and fans out (a publisher's fields normalised, with the hub's
 * `id`, `seq` and timestamps filled in), and the per-user state that travels with them. Each type
 * is the type of its check, so the client reads exactly what the type says.
 */
import {
  arrayOf,
  bool,
  type Check,
  type Infer,
  isoDate,
  json,
  nullable,
  num,
  object,
  oneOf,
  recordOf,
  str,
  union,
  ValidationError,
} from '../validate.js';
import { count, seqNumber, shortName } from './fields.js';

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_CATEGORIES = ['system', 'security', 'billing', 'agents', 'users', 'calls'] as const;
export const ACTIVITY_TYPES = ['authentication', 'agents', 'billing', 'contacts'] as const;
export const COMPONENT_STATES = ['operational', 'degraded', 'down'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];
export const EVENT_KINDS = ['notification', 'activity', 'metrics', 'status', 'agents'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const componentStatus = object(
  { state: oneOf(COMPONENT_STATES) },
  { latencyMs: num({ min: 0, max: 3_600_000 }), message: str({ max: 500 }) },
);
export type ComponentStatus = Infer<typeof componentStatus>;

/**
 * Unread notifications of one user, authoritative from the hub. `byPriority` reads any key, so a
 * priority newer than this client does not refuse the frame.
 */
export type UnreadCounts = {
  total: number;
  byCategory: Record<string, number>;
  byPriority: Partial<Record<Priority, number>>;
};
export const unreadCounts: Check<UnreadCounts> = object({
  total: count,
  byCategory: recordOf(count),
  byPriority: recordOf(count),
});

/** An empty unread count. */
export const noUnread = (): UnreadCounts => ({ total: 0, byCategory: {}, byPriority: {} });

/** Filter for markAllRead: every field given must match. */
export const notificationFilter = object({}, { category: shortName, priority: oneOf(PRIORITIES) });
export type NotificationFilter = Infer<typeof notificationFilter>;

const iso = isoDate;
const anyRecord = json({ maxDepth: 8, maxKeys: 10_000 });

/** A button on a notification; a `url` is followed only when http(s) (`isSafeLink`). */
const notificationAction = object({ id: str({ min: 1 }), label: str() }, { url: str() });
export type NotificationAction = Infer<typeof notificationAction>;

/** Who a notification is about or from; the avatar is shown only when https. */
const notificationActor = object({ name: str() }, { avatarUrl: str() });
export type NotificationActor = Infer<typeof notificationActor>;

const notification = object(
  {
    kind: oneOf(['notification']),
    id: str({ min: 1 }),
    seq: seqNumber,
    title: str(),
    category: str({ min: 1 }),
    priority: oneOf(PRIORITIES),
    createdAt: iso,
  },
  {
    message: str(),
    link: str(),
    data: anyRecord,
    actions: arrayOf(notificationAction, { max: 16 }),
    actor: notificationActor,
    group: str({ min: 1 }),
    resolved: bool,
  },
);
export type RealtimeNotification = Infer<typeof notification>;

/** A time as epoch milliseconds. */
const epochMs = num({ min: 0, int: true });
const listedState = object({}, { read: bool, archived: bool, snoozedUntil: epochMs });

/**
 * A notification as listed for one user, with that user's read flag (false when absent), and
 * `archived: true` / `snoozedUntil` (epoch ms, while ahead) when the user archived or snoozed it.
 */
export const listedNotification = (value: unknown, path: string) =>
  ({ read: false, ...notification(value, path), ...listedState(value, path) }) as RealtimeNotification & {
    read: boolean;
    archived?: true;
    snoozedUntil?: number;
  };
export type ListedNotification = Infer<typeof listedNotification>;

export const activityEvent = object(
  {
    kind: oneOf(['activity']),
    id: str({ min: 1 }),
    seq: seqNumber,
    type: str({ min: 1 }),
    action: str(),
    user: object({ id: str() }, { name: str(), email: str() }),
    at: iso,
  },
  { detail: str() },
);
export type ActivityEvent = Infer<typeof activityEvent>;
export type ActivityUser = ActivityEvent['user'];

const metricsEvent = object({
  kind: oneOf(['metrics']),
  id: str({ min: 1 }),
  seq: seqNumber,
  values: recordOf(num()),
  at: iso,
});
export type MetricsEvent = Infer<typeof metricsEvent>;

const statusComponents = recordOf(componentStatus);
const statusEvent = object({
  kind: oneOf(['status']),
  id: str({ min: 1 }),
  seq: seqNumber,
  components: statusComponents,
  at: iso,
});
export type StatusEvent = Infer<typeof statusEvent>;

const agentsEvent = object({
  kind: oneOf(['agents']),
  id: str({ min: 1 }),
  seq: seqNumber,
  active: count,
  idle: count,
  error: count,
  at: iso,
});
export type AgentsEvent = Infer<typeof agentsEvent>;

export const INBOX_ACTIONS = [
  'unread',
  'archived',
  'unarchived',
  'snoozed',
  'unsnoozed',
  'deleted',
  'restored',
  'woke',
] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

/**
 * Inbox state changed for this user (by one of its sessions, or a snooze came due: `woke`, back
 * unread). `ids` are the notifications changed, `until` the snooze's end, `unread` the user's
 * counts after it; `notifications` (on unarchived, unsnoozed, restored, woke) lets a client put
 * back rows it no longer holds.
 */
const inboxEvent = object(
  {
    kind: oneOf(['inbox']),
    id: str({ min: 1 }),
    seq: seqNumber,
    action: oneOf(INBOX_ACTIONS),
    ids: arrayOf(str()),
    unread: unreadCounts,
  },
  { until: epochMs, notifications: arrayOf(listedNotification) },
);
export type InboxEvent = Infer<typeof inboxEvent>;

/**
 * Read state changed for this user (by this session or another of the same user). Part of the
 * seq'd stream so that a resuming client also catches up on reads made while it was away.
 * `ids` lists notifications now read; `all`, when present, marks every notification with
 * `seq <= all.throughSeq` that matches `all.filter` as read.
 */
const readEvent = object(
  { kind: oneOf(['read']), id: str({ min: 1 }), seq: seqNumber, ids: arrayOf(str()), unread: unreadCounts },
  { all: object({ throughSeq: seqNumber }, { filter: notificationFilter }) },
);
export type ReadEvent = Infer<typeof readEvent>;

/** This user cleared their list: notifications with `seq <= throughSeq` are gone (and read). */
const clearedEvent = object({
  kind: oneOf(['cleared']),
  id: str({ min: 1 }),
  seq: seqNumber,
  throughSeq: seqNumber,
  unread: unreadCounts,
});
export type ClearedEvent = Infer<typeof clearedEvent>;

/**
 * Notification preferences as the hub sends them: the shape of `preferences` (preferences.ts),
 * whose full check (time zone, times, limits) the hub ran when they were saved. Kept apart so a
 * client reads them without carrying the full check (the editing element loads that in its chunk).
 */
export const EMAIL_DIGESTS = ['off', 'hourly', 'daily'] as const;
export const storedPreferences = object({
  channels: recordOf(object({ inApp: bool, push: bool, email: bool })),
  quietHours: nullable(
    object({ timeZone: str(), windows: arrayOf(object({ days: arrayOf(num()), start: str(), end: str() })) }),
  ),
  emailDigest: oneOf(EMAIL_DIGESTS),
});

/** This user saved notification preferences (in this session or another): the whole new document. */
const preferencesEvent = object({
  kind: oneOf(['preferences']),
  id: str({ min: 1 }),
  seq: seqNumber,
  preferences: storedPreferences,
});
export type PreferencesEvent = Infer<typeof preferencesEvent>;

/** Everything in the seq'd stream a client receives. */
export const streamEvent = union('kind', {
  notification,
  activity: activityEvent,
  metrics: metricsEvent,
  status: statusEvent,
  agents: agentsEvent,
  read: readEvent,
  cleared: clearedEvent,
  inbox: inboxEvent,
  preferences: preferencesEvent,
});
export type StreamEvent = Infer<typeof streamEvent>;
/** The stream events every admin may see, as published (not per-user read, inbox or preferences state). */
export type PublicEvent = Exclude<StreamEvent, ReadEvent | ClearedEvent | InboxEvent | PreferencesEvent>;

/**
 * Metric history for chart backfill, column-wise (what uPlot wants): `t` holds epoch seconds,
 * and each series has one value (or null) per entry of `t`.
 */
export const metricHistory = (value: unknown, path: string) => {
  const m = object({ t: arrayOf(num()), series: recordOf(arrayOf(nullable(num()))) })(value, path);
  for (const [name, values] of Object.entries(m.series)) {
    if (values.length !== m.t.length) throw new ValidationError(`${path}.series.${name}`, 'must have one value per t');
  }
  return m;
};
export type MetricHistory = Infer<typeof metricHistory>;

/** The latest system status: every component with its state, and when it was reported. */
export const systemStatusSnapshot = object({ components: statusComponents, at: iso });
export type SystemStatusSnapshot = Infer<typeof systemStatusSnapshot>;

/** The latest agent counts, and when they were reported. */
export const agentSummary = object({ active: count, idle: count, error: count, at: iso });
export type AgentSummary = Infer<typeof agentSummary>;
