/**
 * Messages on the socket: client → hub and hub → client, each type the type of its check, and the
 * one place frames are written (`encode*`).
 */
import {
  arrayOf,
  bool,
  type Check,
  type Infer,
  nullable,
  num,
  object,
  oneOf,
  str,
  union,
  ValidationError,
} from '../validate.js';
import {
  activityEvent,
  agentSummary,
  listedNotification,
  metricHistory,
  notificationFilter,
  type StreamEvent,
  storedPreferences,
  streamEvent,
  systemStatusSnapshot,
  unreadCounts,
} from './events.js';
import { LIMITS, ref, seqNumber, shortName } from './fields.js';

/**
 * Protocol version sent in `auth`; the hub refuses a version it does not speak. Version 2 adds the
 * `events` frame (several stream events in one frame); the hub sends it only to clients that said 2.
 */
export const PROTOCOL_VERSION = 2;
/** The oldest protocol version the hub still speaks (1: one `event` frame per stream event). */
export const MIN_PROTOCOL_VERSION = 1;

// Client → hub ---------------------------------------------------------------------------------

const categoryList = arrayOf(shortName, { max: LIMITS.categories });
const nullableCategories = nullable(categoryList);

/** First message on a socket (and later, to present a refreshed token in-session). */
const authMessage = object(
  { type: oneOf(['auth']), token: str({ min: 1, max: 8192 }) },
  {
    protocol: num({ min: 1, int: true, max: 1000 }),
    /** Last seq this client applied; the hub replays what came after, or sends a snapshot. */
    resumeFrom: seqNumber,
    /** The stream `resumeFrom` belongs to (from `welcome.stream`); another stream gets a snapshot. */
    stream: str({ min: 1, max: 128 }),
    /** Categories to receive; omitted or null means every category. */
    categories: nullableCategories,
  },
);
export type AuthMessage = Infer<typeof authMessage>;

/** `t` is the client's clock, echoed back in the pong. */
const pingMessage = object({ type: oneOf(['ping']), t: num() });
export type PingMessage = Infer<typeof pingMessage>;

/** Categories to receive from now on; null (or absent) means every category. */
const subscribeMessage = (value: unknown, path: string) => {
  const msg = object({ type: oneOf(['subscribe']) }, { ref })(value, path);
  const categories = nullableCategories((value as Record<string, unknown>).categories ?? null, 'categories');
  return { ...msg, categories };
};
export type SubscribeMessage = Infer<typeof subscribeMessage>;

/** 1..500 notification ids, as markRead and the inbox actions take them. */
const notificationIds = arrayOf(str({ min: 1, max: LIMITS.idLength }), { min: 1, max: 500 });

const markReadMessage = object({ type: oneOf(['markRead']), ids: notificationIds }, { ref });
export type MarkReadMessage = Infer<typeof markReadMessage>;

/**
 * Notifications a visible tab rendered (in the center's list, or as a toast or the critical
 * banner): the hub records them seen and stops their push escalation. No reply, except an `ack`
 * when a `ref` is given (an HTTP fallback command waits for one).
 */
const seenMessage = object(
  { type: oneOf(['seen']), ids: arrayOf(str({ min: 1, max: LIMITS.idLength }), { min: 1, max: 500 }) },
  { ref },
);
export type SeenMessage = Infer<typeof seenMessage>;

const markAllReadMessage = object({ type: oneOf(['markAllRead']) }, { filter: notificationFilter, ref });
export type MarkAllReadMessage = Infer<typeof markAllReadMessage>;

/** Clear this user's notifications. */
const clearMessage = object({ type: oneOf(['clear']) }, { ref });
export type ClearMessage = Infer<typeof clearMessage>;

/**
 * Inbox actions on notifications of this user, answered like markRead (`ack`, or `error` naming ids
 * the user cannot see) and followed by an `inbox` event to every session of the user. `delete` is
 * "delete for me", `restore` its undo.
 */
export const INBOX_REQUESTS = ['markUnread', 'archive', 'unarchive', 'unsnooze', 'delete', 'restore'] as const;
const inboxMessage = object({ type: oneOf(INBOX_REQUESTS), ids: notificationIds }, { ref });
export type InboxMessage = Infer<typeof inboxMessage>;

/** Hide until `until` (epoch ms; the hub takes 1 s to 90 days ahead of its clock), then back as new. */
const snoozeMessage = object(
  { type: oneOf(['snooze']), ids: notificationIds, until: num({ min: 0, int: true }) },
  { ref },
);
export type SnoozeMessage = Infer<typeof snoozeMessage>;

/** Ask for notifications older than `beforeSeq` (paging into history), of the inbox or the archived view. */
const historyMessage = object(
  { type: oneOf(['history']), beforeSeq: seqNumber },
  { limit: num({ min: 1, max: 100, int: true }), ref, view: oneOf(['inbox', 'archived']) },
);
export type HistoryMessage = Infer<typeof historyMessage>;

/** Ask for a fresh snapshot. */
const refreshMessage = object({ type: oneOf(['refresh']) }, { ref });
export type RefreshMessage = Infer<typeof refreshMessage>;

/** Ask for this admin's notification preferences; answered with `preferences`. */
const getPreferencesMessage = object({ type: oneOf(['getPreferences']) }, { ref });
export type GetPreferencesMessage = Infer<typeof getPreferencesMessage>;

/**
 * Replace this admin's notification preferences (the whole document); answered with
 * `preferences` (what was stored), and every session of the admin gets a `preferences` event.
 * Read here by its shape; the hub then runs the full check (`validatePreferences`: time zone,
 * times, days, limits), which a browser bundle does not carry unless it edits preferences.
 */
const setPreferencesMessage = object({ type: oneOf(['setPreferences']), preferences: storedPreferences }, { ref });
export type SetPreferencesMessage = Infer<typeof setPreferencesMessage>;

export const clientMessage = union('type', {
  auth: authMessage,
  ping: pingMessage,
  subscribe: subscribeMessage,
  markRead: markReadMessage,
  seen: seenMessage,
  markAllRead: markAllReadMessage,
  clear: clearMessage,
  history: historyMessage,
  refresh: refreshMessage,
  markUnread: inboxMessage,
  archive: inboxMessage,
  unarchive: inboxMessage,
  unsnooze: inboxMessage,
  delete: inboxMessage,
  restore: inboxMessage,
  snooze: snoozeMessage,
  getPreferences: getPreferencesMessage,
  setPreferences: setPreferencesMessage,
});
export type ClientMessage = Infer<typeof clientMessage>;

/** Client messages other than auth and ping: the actions a store sends. */
export type ClientAction = Exclude<ClientMessage, AuthMessage | PingMessage>;

// Hub → client ---------------------------------------------------------------------------------

const sessionUser = object({ id: str({ min: 1 }), role: str({ min: 1 }) }, { name: str(), email: str() });
export type SessionUser = Infer<typeof sessionUser>;

/** Sent once a socket authenticates (and after an in-session re-auth, with `reauth: true`). */
const welcomeMessage = object(
  {
    type: oneOf(['welcome']),
    user: sessionUser,
    /** Identifies the hub's stream; seqs are comparable only within one stream. */
    stream: str({ min: 1 }),
    /** True when the hub will replay from `resumeFrom`; false when a snapshot follows instead. */
    resumed: bool,
    /** The hub's latest seq at this moment. */
    seq: seqNumber,
    /** Authoritative unread counts now. */
    unread: unreadCounts,
    /** How often the client should ping, in ms. */
    heartbeatMs: num({ min: 1000 }),
  },
  {
    /** Token expiry (epoch ms), so a client can refresh ahead of it. */
    expiresAt: num(),
    reauth: bool,
  },
);
export type WelcomeMessage = Infer<typeof welcomeMessage>;

/** Everything a session starts from; the client reads an absent `status` or `agents` as null. */
const snapshotMessage = object(
  {
    type: oneOf(['snapshot']),
    /** The hub stream's latest seq when the snapshot was taken; resume from here. */
    seq: seqNumber,
    notifications: arrayOf(listedNotification),
    /** True when older notifications exist (use `history`). */
    hasMore: bool,
    unread: unreadCounts,
    activity: arrayOf(activityEvent),
    metrics: metricHistory,
  },
  { ref, status: nullable(systemStatusSnapshot), agents: nullable(agentSummary) },
);
export type SnapshotMessage = Infer<typeof snapshotMessage>;
export type Snapshot = Omit<SnapshotMessage, 'type' | 'ref'>;

const eventMessage = object({ type: oneOf(['event']), event: streamEvent });
export type EventMessage = Infer<typeof eventMessage>;

/**
 * Several stream events in seq order, in one frame (protocol 2): what one publish, or one replay,
 * holds for this session. An event the client cannot read (say, a kind newer than the client) is
 * left out and named in `refused`; the others still apply.
 */
export interface EventsMessage {
  type: 'events';
  events: StreamEvent[];
  /** Set by the client's parser only: why events of the frame were left out. */
  refused?: string[];
}
const eventsMessage: Check<EventsMessage> = (value, path) => {
  const { events: list } = object({
    type: oneOf(['events']),
    events: arrayOf((v) => v, { min: 1, max: LIMITS.eventsPerFrame }),
  })(value, path);
  const events: StreamEvent[] = [];
  const refused: string[] = [];
  let first: unknown;
  list.forEach((v, i) => {
    try {
      events.push(streamEvent(v, `events[${i}]`));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      first ??= err;
      refused.push(err.message);
    }
  });
  if (!events.length) throw first;
  return refused.length ? { type: 'events', events, refused } : { type: 'events', events };
};

const historyResultMessage = object(
  { type: oneOf(['history']), notifications: arrayOf(listedNotification), hasMore: bool },
  { ref },
);
export type HistoryResultMessage = Infer<typeof historyResultMessage>;

/** This admin's notification preferences: the answer to `getPreferences` and `setPreferences`. */
const preferencesMessage = object({ type: oneOf(['preferences']), preferences: storedPreferences }, { ref });
export type PreferencesMessage = Infer<typeof preferencesMessage>;

const pongMessage = object({ type: oneOf(['pong']), t: num() });
export type PongMessage = Infer<typeof pongMessage>;

const ackMessage = object({ type: oneOf(['ack']), ref });
export type AckMessage = Infer<typeof ackMessage>;

/**
 * Codes an `error` may carry. The hub sends `invalid-message` (a request with a bad field),
 * `unknown-notification` (markRead or an inbox action on ids the user cannot see) and `internal`. It never sends
 * `not-authenticated` (a frame before auth closes with 1008) nor `rate-limited` (a flood closes
 * with 4100); the client still reads them, from hubs that do.
 */
export const ERROR_CODES = [
  'invalid-message',
  'unknown-notification',
  'not-authenticated',
  'rate-limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refused request; `ref` ties it to the request when one was given. */
const errorMessage = object({ type: oneOf(['error']), code: oneOf(ERROR_CODES), message: str({ max: 1000 }) }, { ref });
export type ErrorMessage = Infer<typeof errorMessage>;

export const hubMessage = union('type', {
  welcome: welcomeMessage,
  snapshot: snapshotMessage,
  event: eventMessage,
  events: eventsMessage,
  history: historyResultMessage,
  preferences: preferencesMessage,
  pong: pongMessage,
  ack: ackMessage,
  error: errorMessage,
});
export type HubMessage = Infer<typeof hubMessage>;

/** Serialises a message for the wire; with the two below, the one place frames are written. */
export const encode = (message: ClientMessage | HubMessage): string => JSON.stringify(message);

/** An `event` frame around one stream event already serialised (`JSON.stringify(event)`). */
export const encodeEvent = (eventJson: string): string => `{"type":"event","event":${eventJson}}`;

/** An `events` frame around stream events already serialised, in seq order (at most `LIMITS.eventsPerFrame`). */
export const encodeEvents = (eventJsons: readonly string[]): string =>
  `{"type":"events","events":[${eventJsons.join(',')}]}`;
