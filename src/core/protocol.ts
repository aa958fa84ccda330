/**
 * The wire contract between the browser client and the hub: every message as a type, plus the
 * runtime checks that both sides run at their edge. Nothing else in the project parses frames.
 * `docs/protocol.md` describes the same contract for people.
 */
import {
  arrayOf,
  bool,
  type Check,
  checkKey,
  isoDate,
  isRecord,
  json,
  num,
  object,
  oneOf,
  recordOf,
  str,
  union,
  ValidationError,
} from './validate.js';

export { ValidationError } from './validate.js';

/**
 * Protocol version sent in `auth`; the hub refuses a version it does not speak. Version 2 adds the
 * `events` frame (several stream events in one frame); the hub sends it only to clients that said 2.
 */
export const PROTOCOL_VERSION = 2;
/** The oldest protocol version the hub still speaks (1: one `event` frame per stream event). */
export const MIN_PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Close codes: the range says what the client must do, so an unknown code is still handled.
// ---------------------------------------------------------------------------------------------

/** Close codes the hub uses. 4000–4099 stop, 4100–4199 back off, 4200–4299 reconnect at once. */
export const CloseCode = {
  /** Normal closure by the client. */
  Normal: 1000,
  /** Hub shutting down (SIGTERM); reconnect promptly. */
  GoingAway: 1001,
  /** A frame broke the protocol (malformed JSON, unknown type, binary). */
  PolicyViolation: 1008,
  /** A frame exceeded the hub's inbound limit. */
  MessageTooBig: 1009,
  /** The token's `exp` has passed; a client with a tokenProvider fetches one new token. */
  TokenExpired: 4001,
  /** The token is valid but its role is not allowed. */
  Forbidden: 4003,
  /** The token could not be verified (signature, algorithm, issuer, audience, nbf, shape). */
  InvalidToken: 4004,
  /** A token for a different user was sent mid-session. */
  UserMismatch: 4005,
  /** The client speaks a protocol version the hub does not. */
  UnsupportedProtocol: 4006,
  /** Too many messages on this socket; reason carries `retry-after=N`. */
  RateLimited: 4100,
  /** No `auth` message within the hub's auth timeout. */
  AuthTimeout: 4101,
  /** The client did not read fast enough; its outbound buffer overflowed. */
  SlowConsumer: 4102,
  /** Too many connections from this address, or the hub is at capacity; `retry-after=N`. */
  Overloaded: 4103,
  /** The hub is restarting; reconnect at once and resume. */
  HubRestarting: 4200,
  /** The hub needs the client to reconnect and resume (e.g. after a storage failover). */
  ResumeRequired: 4201,
} as const;

/** What a client does after a close, decided by the code's range. */
export type CloseAction = 'stop' | 'refresh-token' | 'backoff' | 'reconnect-now';

/** The documented close-code policy (also in docs/protocol.md). */
export function closeAction(code: number): CloseAction {
  if (code === CloseCode.TokenExpired) return 'refresh-token';
  if (code >= 4000 && code <= 4099) return 'stop';
  if (code >= 4100 && code <= 4199) return 'backoff';
  if (code >= 4200 && code <= 4299) return 'reconnect-now';
  if (code === CloseCode.GoingAway) return 'reconnect-now';
  return 'backoff';
}

/**
 * Hints a close reason may carry after its slug, as `slug; name=seconds`:
 * - `retry-after`: the least wait before the next attempt (rate limit, overload);
 * - `retry-within`: a "reconnect at once" close asks clients to spread their return over this
 *   span, so that a hub closing a thousand sockets does not get a thousand attempts in the same
 *   quarter second.
 */
export type RetryHint = 'retry-after' | 'retry-within';

/**
 * Builds a close reason, e.g. `rate-limited; retry-after=5` or `hub shutting down; retry-within=2`.
 * Seconds round up: to whole seconds for `retry-after`, to tenths for `retry-within`.
 */
export function closeReason(slug: string, seconds?: number, hint: RetryHint = 'retry-after'): string {
  if (seconds === undefined) return slug;
  return `${slug}; ${hint}=${hint === 'retry-after' ? Math.ceil(seconds) : Math.ceil(seconds * 10) / 10}`;
}

/** Reads a hint (seconds, decimals allowed) out of a close reason, in ms; undefined when absent. */
export function retryHintMs(reason: string, hint: RetryHint = 'retry-after'): number | undefined {
  const m = new RegExp(`${hint}=(\\d{1,6}(?:\\.\\d{1,3})?)`).exec(reason);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Events a publisher posts (POST /v1/events, hub.publish()).
// ---------------------------------------------------------------------------------------------

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_CATEGORIES = ['system', 'security', 'billing', 'agents', 'users', 'calls'] as const;
export const ACTIVITY_TYPES = ['authentication', 'agents', 'billing', 'contacts'] as const;
export const COMPONENT_STATES = ['operational', 'degraded', 'down'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];
/** Metric names the elements know; any other short name is carried and charted too. */
export const KNOWN_METRICS = ['activeUsers', 'activeCalls', 'systemLoad', 'responseTimeMs', 'errorRate'] as const;

export const EVENT_KINDS = ['notification', 'activity', 'metrics', 'status', 'agents'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Limits on what a publisher may post; documented in docs/protocol.md. */
export const LIMITS = {
  idLength: 128,
  titleLength: 200,
  messageLength: 2000,
  linkLength: 2048,
  nameLength: 64,
  detailLength: 1000,
  dataKeys: 50,
  dataDepth: 4,
  metricNames: 32,
  statusComponents: 32,
  audienceEntries: 1000,
  batchSize: 500,
  categories: 64,
  /** Stream events in one `events` frame. */
  eventsPerFrame: 500,
} as const;

const shortName = str({ min: 1, max: LIMITS.nameLength, pattern: /^[A-Za-z0-9_.-]+$/ });
const eventId = str({ min: 1, max: LIMITS.idLength, pattern: /^[\x21-\x7e]+$/ });
const count = num({ min: 0, int: true, max: 1e9 });

/** True when `url` is an absolute http(s) URL; anything else is never rendered as a link. */
export function isSafeLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

const link: Check<string> = (value, path) => {
  const s = str({ min: 1, max: LIMITS.linkLength })(value, path);
  if (!isSafeLink(s)) throw new ValidationError(path, 'must be an absolute http:// or https:// URL');
  const url = new URL(s);
  if (url.username || url.password) throw new ValidationError(path, 'must not carry a user name or password');
  return s;
};

/** A name a publisher chooses that the hub and clients use as a key (category, type, role). */
const publishedName: Check<string> = (value, path) => checkKey(shortName(value, path), path);

export interface Audience {
  userIds?: string[];
  roles?: string[];
}

export interface NotificationInput {
  kind: 'notification';
  id?: string;
  title: string;
  message?: string;
  category?: string;
  priority?: Priority;
  link?: string;
  createdAt?: string;
  data?: Record<string, unknown>;
  audience?: Audience;
}

export interface ActivityUser {
  id: string;
  name?: string;
  email?: string;
}

export interface ActivityInput {
  kind: 'activity';
  id?: string;
  type: string;
  action: string;
  user: ActivityUser;
  detail?: string;
  at?: string;
}

export interface MetricsInput {
  kind: 'metrics';
  id?: string;
  values: Record<string, number>;
  at?: string;
}

export interface ComponentStatus {
  state: ComponentState;
  latencyMs?: number;
  message?: string;
}

export interface StatusInput {
  kind: 'status';
  id?: string;
  components: Record<string, ComponentStatus>;
  at?: string;
}

export interface AgentsInput {
  kind: 'agents';
  id?: string;
  active: number;
  idle: number;
  error: number;
  at?: string;
}

export type EventInput = NotificationInput | ActivityInput | MetricsInput | StatusInput | AgentsInput;

const audience = object(
  {},
  {
    userIds: arrayOf(str({ min: 1, max: 256 }), { max: LIMITS.audienceEntries }),
    roles: arrayOf(publishedName, { max: 32 }),
  },
);

const notificationInput = object(
  { kind: oneOf(['notification']), title: str({ min: 1, max: LIMITS.titleLength }) },
  {
    id: eventId,
    message: str({ max: LIMITS.messageLength }),
    category: publishedName,
    priority: oneOf(PRIORITIES),
    link,
    createdAt: isoDate,
    data: json({ maxDepth: LIMITS.dataDepth, maxKeys: LIMITS.dataKeys }),
    audience,
  },
);

const activityInput = object(
  {
    kind: oneOf(['activity']),
    type: publishedName,
    action: str({ min: 1, max: LIMITS.titleLength }),
    user: object({ id: str({ min: 1, max: 256 }) }, { name: str({ max: 200 }), email: str({ max: 320 }) }),
  },
  { id: eventId, detail: str({ max: LIMITS.detailLength }), at: isoDate },
);

const metricsInput = object(
  {
    kind: oneOf(['metrics']),
    values: recordOf(num({ min: -1e15, max: 1e15 }), { maxKeys: LIMITS.metricNames, key: shortName }),
  },
  { id: eventId, at: isoDate },
);

const componentStatus = object(
  { state: oneOf(COMPONENT_STATES) },
  { latencyMs: num({ min: 0, max: 3_600_000 }), message: str({ max: 500 }) },
);

const statusInput = object(
  {
    kind: oneOf(['status']),
    components: recordOf(componentStatus, { maxKeys: LIMITS.statusComponents, key: shortName }),
  },
  { id: eventId, at: isoDate },
);

const agentsInput = object(
  { kind: oneOf(['agents']), active: count, idle: count, error: count },
  { id: eventId, at: isoDate },
);

const eventInput = union<EventInput>('kind', {
  notification: notificationInput as Check<EventInput>,
  activity: activityInput as Check<EventInput>,
  metrics: metricsInput as Check<EventInput>,
  status: statusInput as Check<EventInput>,
  agents: agentsInput as Check<EventInput>,
});

// ---------------------------------------------------------------------------------------------
// Events as the hub stores and fans them out: the publisher's fields, normalised, with the hub's
// `id`, `seq` and timestamps filled in.
// ---------------------------------------------------------------------------------------------

export interface RealtimeNotification {
  kind: 'notification';
  id: string;
  seq: number;
  title: string;
  message?: string;
  category: string;
  priority: Priority;
  link?: string;
  createdAt: string;
  data?: Record<string, unknown>;
}

export interface ActivityEvent {
  kind: 'activity';
  id: string;
  seq: number;
  type: string;
  action: string;
  user: ActivityUser;
  detail?: string;
  at: string;
}

export interface MetricsEvent {
  kind: 'metrics';
  id: string;
  seq: number;
  values: Record<string, number>;
  at: string;
}

export interface StatusEvent {
  kind: 'status';
  id: string;
  seq: number;
  components: Record<string, ComponentStatus>;
  at: string;
}

export interface AgentsEvent {
  kind: 'agents';
  id: string;
  seq: number;
  active: number;
  idle: number;
  error: number;
  at: string;
}

/** Unread notifications of one user, authoritative from the hub. */
export interface UnreadCounts {
  total: number;
  byCategory: Record<string, number>;
  byPriority: Partial<Record<Priority, number>>;
}

/** Filter for markAllRead: every field given must match. */
export interface NotificationFilter {
  category?: string;
  priority?: Priority;
}

/**
 * Read state changed for this user (by this session or another of the same user). Part of the
 * seq'd stream so that a resuming client also catches up on reads made while it was away.
 * `ids` lists notifications now read; `all`, when present, marks every notification with
 * `seq <= all.throughSeq` that matches `all.filter` as read.
 */
export interface ReadEvent {
  kind: 'read';
  id: string;
  seq: number;
  ids: string[];
  all?: { throughSeq: number; filter?: NotificationFilter };
  unread: UnreadCounts;
}

/** This user cleared their list: notifications with `seq <= throughSeq` are gone (and read). */
export interface ClearedEvent {
  kind: 'cleared';
  id: string;
  seq: number;
  throughSeq: number;
  unread: UnreadCounts;
}

export type PublicEvent = RealtimeNotification | ActivityEvent | MetricsEvent | StatusEvent | AgentsEvent;
/** Everything in the seq'd stream a client receives. */
export type StreamEvent = PublicEvent | ReadEvent | ClearedEvent;

/** A notification as listed for one user, with that user's read flag. */
export type ListedNotification = RealtimeNotification & { read: boolean };

/**
 * Metric history for chart backfill, column-wise (what uPlot wants): `t` holds epoch seconds,
 * and each series has one value (or null) per entry of `t`.
 */
export interface MetricHistory {
  t: number[];
  series: Record<string, (number | null)[]>;
}

/** The latest system status: every component with its state, and when it was reported. */
export interface SystemStatusSnapshot {
  components: Record<string, ComponentStatus>;
  at: string;
}

export interface AgentSummary {
  active: number;
  idle: number;
  error: number;
  at: string;
}

export interface Snapshot {
  /** The hub stream's latest seq when the snapshot was taken; resume from here. */
  seq: number;
  notifications: ListedNotification[];
  /** True when older notifications exist (use `history`). */
  hasMore: boolean;
  unread: UnreadCounts;
  activity: ActivityEvent[];
  status: SystemStatusSnapshot | null;
  agents: AgentSummary | null;
  metrics: MetricHistory;
}

export interface SessionUser {
  id: string;
  role: string;
  name?: string;
  email?: string;
}

// ---------------------------------------------------------------------------------------------
// Client → hub
// ---------------------------------------------------------------------------------------------

/** First message on a socket (and later, to present a refreshed token in-session). */
export interface AuthMessage {
  type: 'auth';
  token: string;
  protocol?: number;
  /** Last seq this client applied; the hub replays what came after, or sends a snapshot. */
  resumeFrom?: number;
  /** The stream `resumeFrom` belongs to (from `welcome.stream`); another stream gets a snapshot. */
  stream?: string;
  /** Categories to receive; omitted or null means every category. */
  categories?: string[] | null;
}

export interface PingMessage {
  type: 'ping';
  /** Client clock, echoed back in the pong. */
  t: number;
}

export interface SubscribeMessage {
  type: 'subscribe';
  /** Categories to receive from now on; null means every category. */
  categories: string[] | null;
  ref?: string;
}

export interface MarkReadMessage {
  type: 'markRead';
  ids: string[];
  ref?: string;
}

export interface MarkAllReadMessage {
  type: 'markAllRead';
  filter?: NotificationFilter;
  ref?: string;
}

export interface ClearMessage {
  type: 'clear';
  ref?: string;
}

/** Ask for notifications older than `beforeSeq` (paging into history). */
export interface HistoryMessage {
  type: 'history';
  beforeSeq: number;
  limit?: number;
  ref?: string;
}

/** Ask for a fresh snapshot. */
export interface RefreshMessage {
  type: 'refresh';
  ref?: string;
}

export type ClientMessage =
  | AuthMessage
  | PingMessage
  | SubscribeMessage
  | MarkReadMessage
  | MarkAllReadMessage
  | ClearMessage
  | HistoryMessage
  | RefreshMessage;

/** Client messages other than auth and ping: the actions a store sends. */
export type ClientAction = Exclude<ClientMessage, AuthMessage | PingMessage>;

const ref = str({ min: 1, max: 64 });
const categoryList = arrayOf(shortName, { max: LIMITS.categories });
const nullableCategories: Check<string[] | null> = (value, path) => (value === null ? null : categoryList(value, path));
const filter = object({}, { category: shortName, priority: oneOf(PRIORITIES) });
const seqNumber = num({ min: 0, int: true });

const clientMessage = union<ClientMessage>('type', {
  auth: object(
    { type: oneOf(['auth']), token: str({ min: 1, max: 8192 }) },
    {
      protocol: num({ min: 1, int: true, max: 1000 }),
      resumeFrom: seqNumber,
      stream: str({ min: 1, max: 128 }),
      categories: nullableCategories,
    },
  ) as Check<ClientMessage>,
  ping: object({ type: oneOf(['ping']), t: num() }) as Check<ClientMessage>,
  subscribe: ((value: unknown, path: string) => {
    const msg = object({ type: oneOf(['subscribe']) }, { ref })(value, path);
    const categories = nullableCategories((value as Record<string, unknown>).categories ?? null, 'categories');
    return { ...msg, categories };
  }) as Check<ClientMessage>,
  markRead: object(
    { type: oneOf(['markRead']), ids: arrayOf(str({ min: 1, max: LIMITS.idLength }), { min: 1, max: 500 }) },
    { ref },
  ) as Check<ClientMessage>,
  markAllRead: object({ type: oneOf(['markAllRead']) }, { filter, ref }) as Check<ClientMessage>,
  clear: object({ type: oneOf(['clear']) }, { ref }) as Check<ClientMessage>,
  history: object(
    { type: oneOf(['history']), beforeSeq: seqNumber },
    { limit: num({ min: 1, max: 100, int: true }), ref },
  ) as Check<ClientMessage>,
  refresh: object({ type: oneOf(['refresh']) }, { ref }) as Check<ClientMessage>,
});

// ---------------------------------------------------------------------------------------------
// Hub → client
// ---------------------------------------------------------------------------------------------

/** Sent once a socket authenticates (and after an in-session re-auth, with `reauth: true`). */
export interface WelcomeMessage {
  type: 'welcome';
  user: SessionUser;
  /** Identifies the hub's stream; seqs are comparable only within one stream. */
  stream: string;
  /** True when the hub will replay from `resumeFrom`; false when a snapshot follows instead. */
  resumed: boolean;
  /** The hub's latest seq at this moment. */
  seq: number;
  /** Authoritative unread counts now. */
  unread: UnreadCounts;
  /** How often the client should ping, in ms. */
  heartbeatMs: number;
  /** Token expiry (epoch ms), so a client can refresh ahead of it. */
  expiresAt?: number;
  reauth?: boolean;
}

export interface SnapshotMessage extends Snapshot {
  type: 'snapshot';
  ref?: string;
}

export interface EventMessage {
  type: 'event';
  event: StreamEvent;
}

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

export interface HistoryResultMessage {
  type: 'history';
  ref?: string;
  notifications: ListedNotification[];
  hasMore: boolean;
}

export interface PongMessage {
  type: 'pong';
  t: number;
}

export interface AckMessage {
  type: 'ack';
  ref: string;
}

/**
 * Codes an `error` may carry. The hub sends `invalid-message` (a request with a bad field),
 * `unknown-notification` (markRead of ids the user cannot see) and `internal`. It never sends
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
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  ref?: string;
}

export type HubMessage =
  | WelcomeMessage
  | SnapshotMessage
  | EventMessage
  | EventsMessage
  | HistoryResultMessage
  | PongMessage
  | AckMessage
  | ErrorMessage;

const iso = isoDate;
const anyRecord = json({ maxDepth: 8, maxKeys: 10_000 });
const unreadCounts = object({
  total: count,
  byCategory: recordOf(count),
  byPriority: recordOf(count),
}) as Check<UnreadCounts>;

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
  { message: str(), link: str(), data: anyRecord },
);
const listedNotification = ((value: unknown, path: string) => ({
  ...notification(value, path),
  read: bool((value as Record<string, unknown>).read ?? false, `${path}.read`),
})) as Check<ListedNotification>;

const activityEvent = object(
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
const metricsEvent = object({
  kind: oneOf(['metrics']),
  id: str({ min: 1 }),
  seq: seqNumber,
  values: recordOf(num()),
  at: iso,
});
const statusComponents = recordOf(componentStatus);
const statusEvent = object({
  kind: oneOf(['status']),
  id: str({ min: 1 }),
  seq: seqNumber,
  components: statusComponents,
  at: iso,
});
const agentsEvent = object({
  kind: oneOf(['agents']),
  id: str({ min: 1 }),
  seq: seqNumber,
  active: count,
  idle: count,
  error: count,
  at: iso,
});
const readEvent = object(
  { kind: oneOf(['read']), id: str({ min: 1 }), seq: seqNumber, ids: arrayOf(str()), unread: unreadCounts },
  { all: object({ throughSeq: seqNumber }, { filter }) },
);
const clearedEvent = object({
  kind: oneOf(['cleared']),
  id: str({ min: 1 }),
  seq: seqNumber,
  throughSeq: seqNumber,
  unread: unreadCounts,
});
const streamEvent = union<StreamEvent>('kind', {
  notification: notification as Check<StreamEvent>,
  activity: activityEvent as Check<StreamEvent>,
  metrics: metricsEvent as Check<StreamEvent>,
  status: statusEvent as Check<StreamEvent>,
  agents: agentsEvent as Check<StreamEvent>,
  read: readEvent as Check<StreamEvent>,
  cleared: clearedEvent as Check<StreamEvent>,
});

const metricHistory: Check<MetricHistory> = (value, path) => {
  const m = object({ t: arrayOf(num()), series: recordOf(arrayOf((v, p) => (v === null ? null : num()(v, p)))) })(
    value,
    path,
  );
  for (const [name, values] of Object.entries(m.series)) {
    if (values.length !== m.t.length) throw new ValidationError(`${path}.series.${name}`, 'must have one value per t');
  }
  return m;
};

const hubMessage = union<HubMessage>('type', {
  welcome: object(
    {
      type: oneOf(['welcome']),
      user: object({ id: str({ min: 1 }), role: str({ min: 1 }) }, { name: str(), email: str() }),
      stream: str({ min: 1 }),
      resumed: bool,
      seq: seqNumber,
      unread: unreadCounts,
      heartbeatMs: num({ min: 1000 }),
    },
    { expiresAt: num(), reauth: bool },
  ) as Check<HubMessage>,
  snapshot: object(
    {
      type: oneOf(['snapshot']),
      seq: seqNumber,
      notifications: arrayOf(listedNotification),
      hasMore: bool,
      unread: unreadCounts,
      activity: arrayOf(activityEvent),
      metrics: metricHistory,
    },
    {
      ref,
      status: object({ components: statusComponents, at: iso }),
      agents: object({ active: count, idle: count, error: count, at: iso }),
    },
  ) as Check<HubMessage>,
  event: object({ type: oneOf(['event']), event: streamEvent }) as Check<HubMessage>,
  events: ((value: unknown, path: string) => {
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
  }) as Check<HubMessage>,
  history: object(
    { type: oneOf(['history']), notifications: arrayOf(listedNotification), hasMore: bool },
    { ref },
  ) as Check<HubMessage>,
  pong: object({ type: oneOf(['pong']), t: num() }) as Check<HubMessage>,
  ack: object({ type: oneOf(['ack']), ref }) as Check<HubMessage>,
  error: object(
    { type: oneOf(['error']), code: oneOf(ERROR_CODES), message: str({ max: 1000 }) },
    { ref },
  ) as Check<HubMessage>,
});

// ---------------------------------------------------------------------------------------------
// Parsing at the edge. These never throw: they return the message or the reason it was refused.
// ---------------------------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; path?: string };

function parseWith<T>(check: Check<T>, input: unknown): Parsed<T> {
  try {
    return { ok: true, value: check(input, '') };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, error: err.message, path: err.path };
    if (err instanceof RangeError) return { ok: false, error: 'message is nested too deeply' };
    return { ok: false, error: 'message could not be read' };
  }
}

/** Reads a text frame as JSON, or says why it cannot be read. */
function readFrame(frame: unknown, maxBytes: number): { ok: true; data: unknown } | { ok: false; error: string } {
  if (typeof frame !== 'string') return { ok: false, error: 'frame must be UTF-8 JSON text, not binary' };
  if (frame.length > maxBytes) return { ok: false, error: `frame exceeds ${maxBytes} bytes` };
  try {
    return { ok: true, data: JSON.parse(frame) };
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
}

function parseFrame<T>(check: Check<T>, frame: unknown, maxBytes: number): Parsed<T> {
  const read = readFrame(frame, maxBytes);
  return read.ok ? parseWith(check, read.data) : read;
}

/** A client message that was refused, and whether it was a readable request the hub answers. */
export type ParsedClientMessage =
  | { ok: true; value: ClientMessage }
  | {
      ok: false;
      error: string;
      path?: string;
      /**
       * Set when the frame is a readable request with a bad field: a JSON object whose `type` is a
       * known client type other than `auth`. The hub answers it with `error {code:
       * 'invalid-message', ref}` and the session goes on; a frame without it is unreadable and
       * closes the socket (1008). `ref` is the request's, when it is a valid ref.
       */
      request?: { type: Exclude<ClientMessage['type'], 'auth'>; ref?: string };
    };

const REQUEST_TYPES = ['ping', 'subscribe', 'markRead', 'markAllRead', 'clear', 'history', 'refresh'] as const;

function validateClient(value: unknown): ParsedClientMessage {
  const parsed = parseWith(clientMessage, value);
  if (parsed.ok || !isRecord(value)) return parsed;
  const type = REQUEST_TYPES.find((t) => t === value.type);
  if (!type) return parsed;
  const valid = parseWith(ref, value.ref);
  return { ...parsed, request: valid.ok ? { type, ref: valid.value } : { type } };
}

/** Hub side: reads one text frame from a client. */
export function parseClientMessage(frame: unknown, maxBytes = 64 * 1024): ParsedClientMessage {
  const read = readFrame(frame, maxBytes);
  return read.ok ? validateClient(read.data) : read;
}

/** Client side: reads one text frame from the hub. */
export const parseHubMessage = (frame: unknown, maxBytes = 16 * 1024 * 1024): Parsed<HubMessage> =>
  parseFrame(hubMessage, frame, maxBytes);

/** Validates a decoded client message (for transports that are not raw text frames). */
export const validateClientMessage = (value: unknown): ParsedClientMessage => validateClient(value);

/** Validates a decoded hub message. */
export const validateHubMessage = (value: unknown): Parsed<HubMessage> => parseWith(hubMessage, value);

/** Validates one event a publisher posted. The error names the bad field, e.g. `priority: must be one of …`. */
export const validateEventInput = (value: unknown): Parsed<EventInput> => parseWith(eventInput, value);

/**
 * Validates a publish body: one event or an array of them. Errors in a batch are prefixed with
 * the index, e.g. `[3].title: is required`.
 */
export function validatePublishBody(value: unknown): Parsed<EventInput[]> {
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, error: 'body: batch must hold at least one event' };
    if (value.length > LIMITS.batchSize)
      return { ok: false, error: `body: batch must hold at most ${LIMITS.batchSize} events` };
    const out: EventInput[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = parseWith(eventInput, value[i]);
      if (!r.ok) return { ok: false, error: `[${i}].${r.error}`, path: `[${i}]${r.path ? `.${r.path}` : ''}` };
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  const r = parseWith(eventInput, value);
  return r.ok ? { ok: true, value: [r.value] } : r;
}

/** Serialises a message for the wire; with the two below, the one place frames are written. */
export const encode = (message: ClientMessage | HubMessage): string => JSON.stringify(message);

/** An `event` frame around one stream event already serialised (`JSON.stringify(event)`). */
export const encodeEvent = (eventJson: string): string => `{"type":"event","event":${eventJson}}`;

/** An `events` frame around stream events already serialised, in seq order (at most `LIMITS.eventsPerFrame`). */
export const encodeEvents = (eventJsons: readonly string[]): string =>
  `{"type":"events","events":[${eventJsons.join(',')}]}`;

/** An empty unread count. */
export const noUnread = (): UnreadCounts => ({ total: 0, byCategory: {}, byPriority: {} });
