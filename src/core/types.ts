/**
 * Public shapes of the core: connection state, the transport seam, the store's state and API.
 * Components and integrators program against these; implementations live beside them.
 */
import type {
  ActivityEvent,
  AgentSummary,
  ClientAction,
  HubMessage,
  ListedNotification,
  NotificationFilter,
  Preferences,
  Priority,
  SessionUser,
  SystemStatusSnapshot,
  UnreadCounts,
} from './protocol.js';

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

/** Returns a fresh token (e.g. from the integrator's backend). */
export type TokenProvider = () => Promise<string>;

/** Timer functions; injectable so a test can run on fake time and prove none is left behind. */
export interface TimerApi {
  /** Schedules `callback`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a scheduled callback. */
  clearTimeout(handle: unknown): void;
}

/** The `status` of a `ConnectionState`. */
export type ConnectionStatusName =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'auth-error'
  | 'closed';

/** How the client reaches the hub: a WebSocket, or a fallback where WebSockets are blocked or buffered. */
export type TransportRung = 'websocket' | 'sse' | 'polling';

/** Which rungs a client may use: `auto` tries them in order; the others use only that one. */
export type TransportMode = 'auto' | TransportRung;

/** Observable state of the connection. */
export type ConnectionState =
  | { status: 'idle' }
  /** Opening a socket; `refused` as in `reconnecting`, kept while the next attempt runs. */
  | { status: 'connecting'; attempt: number; refused?: boolean }
  /**
   * `shared`: tabs of this browser share one socket to the hub; `leader` when this tab holds it,
   * `follower` when another tab does. Absent when the tab has a socket of its own.
   * `transport`: the rung in use (`websocket`, or `sse` / `polling` where WebSockets are blocked).
   */
  | { status: 'connected'; user: SessionUser; since: number; shared?: 'leader' | 'follower'; transport?: TransportRung }
  /**
   * Waiting to retry: `attempt` counts from 1, `nextRetryAt` is epoch ms. `refused`: the last
   * attempts (three or more in a row) failed before the socket opened, so the hub refuses this
   * page (its allowed origins), is not there, or the URL is wrong; `reason` says what to check.
   */
  | {
      status: 'reconnecting';
      attempt: number;
      nextRetryAt: number;
      lastCloseCode?: number;
      reason?: string;
      refused?: boolean;
    }
  /** The browser reports no network; retries resume on the `online` event. */
  | { status: 'offline' }
  /** The hub refused the credentials; no more retries until a new token is given. */
  | { status: 'auth-error'; code: number; reason: string }
  /** Closed for good: by `close()`, or by a stop code other than auth. */
  | { status: 'closed'; code?: number; reason?: string };

/**
 * What the store needs from a connection: frames in, actions out, state changes. The direct
 * WebSocket transport is the first; a cross-tab (Web Locks + BroadcastChannel) and an SSE+POST
 * transport can slot in behind the same seam.
 *
 * A transport owns the stream position: it resumes from the last seq it delivered, delivers each
 * stream event at most once and in seq order, and starts over when a `welcome` names another
 * stream. The store applies what it is given and does not filter by seq again.
 */
export interface Transport {
  readonly state: ConnectionState;
  /** Sends an action; returns false when not connected (the caller decides what to do). */
  send(action: ClientAction): boolean;
  /** Asks the transport to subscribe the session to these categories (null: all). */
  setCategories(categories: string[] | null): void;
  /** Opens (or reopens) the connection. */
  connect(): void;
  /** Retries now, skipping any backoff wait. */
  reconnectNow(): void;
  /** Closes for good; no timers or listeners remain. */
  close(): void;
  /** Replaces the token (or provider) and re-authenticates in place when connected. */
  setToken(token: string | TokenProvider): void;
  onMessage(listener: (message: HubMessage) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  onError(listener: (error: RealtimeError) => void): () => void;
}

/** A problem the client surfaces without throwing: a refused frame, a refused action, a close. */
export interface RealtimeError {
  kind: 'protocol' | 'action' | 'close' | 'auth' | 'storage';
  message: string;
  code?: number | string;
  ref?: string;
}

// ---------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------

/** One sample per second per metric for the last `metricsWindowSeconds`. */
export interface MetricSeries {
  /** Epoch seconds, oldest first. */
  t: readonly number[];
  /** One value or null per `t`. */
  series: Readonly<Record<string, readonly (number | null)[]>>;
  /** Increments whenever a point is appended; lets charts append in place. */
  version: number;
}

export type OverallHealth = 'operational' | 'degraded' | 'down' | 'unknown';

export interface RealtimeState {
  connection: ConnectionState;
  user: SessionUser | null;
  /**
   * The inbox view: newest first, deduplicated by id, at most `maxNotifications` — plus any pages
   * the reader loaded with `loadOlder()` in this session (a snapshot trims back to the cap). Not
   * archived, snoozed or deleted for this user; an `inbox` event from the hub moves rows out and back.
   */
  notifications: readonly ListedNotification[];
  /**
   * The Archived view, newest first (each `archived: true`; `snoozedUntil` when also snoozed), or
   * null until `loadArchived()` is first called. Kept current by `inbox` events once loaded.
   */
  archived: readonly ListedNotification[] | null;
  /** Whether older archived notifications can be loaded (`loadArchived()` again). */
  archivedHasMore: boolean;
  /** Authoritative from the hub, adjusted optimistically while a request is in flight. */
  unread: UnreadCounts;
  /** Whether older notifications can be loaded from the hub. */
  hasMore: boolean;
  loadingOlder: boolean;
  /** True until the first snapshot arrives. */
  loading: boolean;
  /** Newest first, at most `maxActivity`. */
  activity: readonly ActivityEvent[];
  status: SystemStatusSnapshot | null;
  health: OverallHealth;
  agents: AgentSummary | null;
  metrics: MetricSeries;
  /** Latest value of each metric. */
  latest: Readonly<Record<string, number>>;
  /**
   * Unread critical notifications not dismissed in this session, newest first; of a `group` only
   * the newest notification can alert, and none once the newest is `resolved` or not critical.
   */
  criticalAlerts: readonly ListedNotification[];
  /** Categories subscribed to; null means all. */
  categories: readonly string[] | null;
  /** Seq of the last snapshot or stream event applied (the transport dedupes by it). */
  lastSeq: number;
  /** Seq of the last snapshot applied (0 before the first): what came later arrived live. */
  snapshotSeq: number;
  lastError: RealtimeError | null;
  /**
   * This admin's notification preferences: null until `loadPreferences()` (or a save in any
   * session) brings them; then kept current by the hub's `preferences` events.
   */
  preferences: Preferences | null;
}

export type Selector<T> = (state: RealtimeState) => T;

export interface StoreOptions {
  /** Notifications kept in memory (default 100). */
  maxNotifications?: number;
  /** Activity entries kept (default 50). */
  maxActivity?: number;
  /** Seconds of metric history kept (default 3600). */
  metricsWindowSeconds?: number;
  /** Critical alerts kept (default 20). */
  maxCriticalAlerts?: number;
  /**
   * While changes keep coming frame after frame (a flood), subscribers hear at most once per this
   * many ms (default 100, so at most 10 renders a second); 0 tells them every frame. The first
   * change after a quiet moment is told on the next frame as always.
   */
  floodIntervalMs?: number;
}

export interface RealtimeStore {
  getState(): RealtimeState;
  /**
   * Calls `listener` with the selected slice whenever it changes (by `equals`, default
   * `Object.is`), at most once per animation frame, and under a flood at most once per
   * `floodIntervalMs`. Returns the unsubscribe function.
   */
  subscribe<T>(selector: Selector<T>, listener: (value: T) => void, equals?: (a: T, b: T) => boolean): () => void;
  /** Marks notifications read; optimistic, rolled back if the hub refuses. */
  markRead(ids: string[]): Promise<void>;
  /** Marks every loaded and hub-side notification matching `filter` read. */
  markAllRead(filter?: NotificationFilter): Promise<void>;
  /** Clears this user's notifications (on the hub too). */
  clear(): Promise<void>;
  /**
   * Inbox actions on 1 to 500 notifications, per admin on the hub: each resolves once the hub
   * accepted it, and the rows move in every session of the admin when the hub's `inbox` event
   * arrives. Undo is the opposite action (`unarchive`, `unsnooze`, `restore`, `markRead`).
   */
  markUnread(ids: string[]): Promise<void>;
  /** Moves notifications to the Archived view (out of the inbox and its unread counts). */
  archive(ids: string[]): Promise<void>;
  unarchive(ids: string[]): Promise<void>;
  /**
   * Hides notifications until `until` (epoch ms, up to 90 days ahead) and leaves them out of the
   * unread counts; then they come back unread in every session.
   */
  snooze(ids: string[], until: number): Promise<void>;
  unsnooze(ids: string[]): Promise<void>;
  /** Deletes notifications for this admin only; `restore` undoes it. */
  deleteForMe(ids: string[]): Promise<void>;
  restore(ids: string[]): Promise<void>;
  /**
   * Loads the Archived view's first page into `archived`, then each call the next older page
   * (offer it while `archivedHasMore`). `read` events from the hub reach archived rows too.
   */
  loadArchived(): Promise<void>;
  /** Changes which categories the hub sends (null: all). */
  setCategories(categories: string[] | null): void;
  /** Asks the hub for a fresh snapshot. */
  refresh(): Promise<void>;
  /** Loads the next page of older notifications from the hub. */
  loadOlder(): Promise<void>;
  /** Hides a critical alert in this session (it stays in the notification list). */
  dismissAlert(id: string): void;
  /**
   * Tells the hub these notifications were shown in a visible tab (which stops their push
   * escalation); batched, at most one `seen` message a second, each id once.
   */
  markSeen(ids: readonly string[]): void;
  /** Opens the connection; a no-op while it is open, opening or waiting to retry. */
  connect(): void;
  /** Closes the connection; the state and its data stay, and `connect()` reopens. */
  disconnect(): void;
  /** Retries now, skipping any backoff wait. */
  reconnectNow(): void;
  /** Asks the hub for this admin's notification preferences (state `preferences`). */
  loadPreferences(): Promise<void>;
  /** Saves this admin's notification preferences; every session of the admin gets them. */
  setPreferences(preferences: Preferences): Promise<void>;
}

export interface RealtimeEventMap {
  'realtime-state-change': ConnectionState;
  'realtime-notification': ListedNotification;
  'realtime-error': RealtimeError;
}

export type { ListedNotification, NotificationFilter, Priority, SessionUser };
