/**
 * The client-side state of one realtime session. It applies hub messages from a `Transport`,
 * sends actions through it, and tells subscribers about changed slices at most once per
 * animation frame, so a burst of thousands of events costs one render. Under a flood (changes
 * frame after frame) it tells them at most once per `floodIntervalMs` (100 ms): numbers that
 * change 60 times a second cannot be read, and rendering the page every frame left it no time.
 *
 * Cheap under bursts: new notifications and activity wait in a pending list and are merged into
 * the capped lists once per frame (or when `getState()` is read), so 10,000 prepends with a cap
 * of 100 cost O(10,000), not O(10,000 × 100). Every slice is replaced only when it changes, so
 * selectors can compare with `Object.is`.
 */

import { Feed } from './feed.js';
import type {
  ActivityEvent,
  ClientAction,
  ErrorCode,
  HubMessage,
  ListedNotification,
  MetricHistory,
  NotificationFilter,
  SnapshotMessage,
  StreamEvent,
  SystemStatusSnapshot,
  UnreadCounts,
} from './protocol.js';
import { Ring } from './ring.js';
import type {
  ConnectionState,
  MetricSeries,
  OverallHealth,
  RealtimeError,
  RealtimeState,
  RealtimeStore,
  Selector,
  StoreOptions,
  Transport,
} from './types.js';
import { countOf, matches, plusOne, shiftCounts, zero } from './unread.js';

/** Options of `createStore`: the caps of `StoreOptions` plus wiring for the client and tests. */
export interface CreateStoreOptions extends StoreOptions {
  /** Categories the session starts subscribed to (null or omitted: all). */
  categories?: readonly string[] | null;
  /** How long a request waits for the hub's `ack` or `error` before it fails (default 10 000 ms). */
  requestTimeoutMs?: number;
  /**
   * Schedules one subscriber flush and returns its cancel function. Default: requestAnimationFrame
   * when present, otherwise a 16 ms timer (Node, workers).
   */
  scheduleFrame?: (flush: () => void) => () => void;
  /** Called synchronously for each new notification from the stream once the first snapshot is in. */
  onNotification?: (notification: ListedNotification) => void;
  /** Called for every error the store surfaces as `lastError`. */
  onError?: (error: RealtimeError) => void;
}

/** A store plus teardown, as `createStore` returns it. */
export interface ManagedStore extends RealtimeStore {
  /** Detaches from the transport, cancels the pending frame and fails requests in flight. */
  destroy(): void;
}

/** A request the hub refused, or that could not be sent or answered in time. */
export class RealtimeRequestError extends Error {
  override readonly name = 'RealtimeRequestError';
  constructor(
    message: string,
    /** The hub's error code, or `not-connected`, `timeout`, `disconnected`, `destroyed`. */
    readonly code: ErrorCode | 'not-connected' | 'timeout' | 'disconnected' | 'destroyed',
    readonly ref?: string,
  ) {
    super(message);
  }
}

const HISTORY_PAGE = 50;
const MARK_READ_BATCH = 500;

function healthOf(status: SystemStatusSnapshot | null): OverallHealth {
  const states = Object.values(status?.components ?? {}).map((c) => c.state);
  if (!states.length) return 'unknown';
  if (states.includes('down')) return 'down';
  return states.includes('degraded') ? 'degraded' : 'operational';
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A faulty listener must not starve the others: report its error the way the platform does. */
export function reportListenerError(error: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (g.reportError) g.reportError(error);
  else console.error(error);
}

/** Flushes in a row, each close after the one before, that make a flood. */
const FLOOD_AFTER_FLUSHES = 3;

function defaultScheduleFrame(flush: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(id);
  }
  const timer = setTimeout(flush, 16);
  return () => clearTimeout(timer);
}

interface Subscriber {
  selector: Selector<unknown>;
  listener: (value: unknown) => void;
  equals: (a: unknown, b: unknown) => boolean;
  value: unknown;
}

interface PendingRequest {
  settle(error?: RealtimeRequestError): void;
  /** Notifications this request marked read optimistically and the hub has not confirmed. */
  flipped?: Map<string, ListedNotification>;
}

/** Creates the store for one transport. See `RealtimeState` for what it holds. */
export function createStore(transport: Transport, options: CreateStoreOptions = {}): ManagedStore {
  const maxNotifications = options.maxNotifications ?? 100;
  const maxActivity = options.maxActivity ?? 50;
  const windowSeconds = options.metricsWindowSeconds ?? 3600;
  const maxAlerts = options.maxCriticalAlerts ?? 20;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const scheduleFrame = options.scheduleFrame ?? defaultScheduleFrame;
  const floodMs = Math.max(0, options.floodIntervalMs ?? 100);

  const notes = new Feed<ListedNotification>(maxNotifications);
  const activity = new Feed<ActivityEvent>(maxActivity);
  const times = new Ring<number>(windowSeconds);
  const series = new Map<string, Ring<number | null>>();
  const dismissed = new Set<string>();
  const subscribers = new Set<Subscriber>();
  const requests = new Map<string, PendingRequest>();
  let metricsDirty = false;
  /** Bumped whenever the hub states the unread counts; optimistic deltas older than that are moot. */
  let unreadEpoch = 0;
  /** The seq through which the hub's last stated counts already include new notifications. */
  let unreadSeq = 0;
  let refCount = 0;
  let cancelFrame: (() => void) | null = null;
  /** When subscribers were last told, and how many flushes in a row came close after the one before. */
  let flushedAt = Number.NEGATIVE_INFINITY;
  let closeFlushes = 0;
  let loadingOlder: Promise<void> | null = null;
  let destroyed = false;
  /** Whether `state` has been handed out (getState, a selector); then it is never mutated. */
  let published = true;

  const connection = transport.state;
  let state: RealtimeState = {
    connection,
    user: connection.status === 'connected' ? connection.user : null,
    notifications: [],
    unread: zero(),
    hasMore: false,
    loadingOlder: false,
    loading: true,
    activity: [],
    status: null,
    health: 'unknown',
    agents: null,
    metrics: { t: [], series: {}, version: 0 },
    latest: {},
    criticalAlerts: [],
    categories: options.categories ?? null,
    lastSeq: 0,
    lastError: null,
  };

  function schedule(): void {
    if (cancelFrame || !subscribers.size || destroyed) return;
    // A flood: the last flushes each followed the one before within the interval (and a half).
    const wait = closeFlushes >= FLOOD_AFTER_FLUSHES ? flushedAt + floodMs - Date.now() : 0;
    if (wait <= 0) {
      cancelFrame = scheduleFrame(flushSubscribers);
      return;
    }
    let cancelInner: (() => void) | undefined;
    const timer = setTimeout(() => {
      cancelInner = scheduleFrame(flushSubscribers);
    }, wait);
    cancelFrame = () => {
      clearTimeout(timer);
      cancelInner?.();
    };
  }

  /**
   * Copy on write: the first change after `state` was handed out makes a new object; later
   * changes in the same frame update that one in place (nobody outside has seen it yet).
   */
  function write(patch: Partial<RealtimeState>): void {
    if (published) {
      state = { ...state, ...patch };
      published = false;
    } else Object.assign(state, patch);
  }

  function set(patch: Partial<RealtimeState>): void {
    write(patch);
    schedule();
  }

  /** Commits and returns `state`, which from now on must not change in place. */
  function publish(): RealtimeState {
    commit();
    published = true;
    return state;
  }

  /** Recomputes the critical alerts from the notifications, keeping the old array when equal. */
  function alertsOf(list: readonly ListedNotification[]): readonly ListedNotification[] {
    const out: ListedNotification[] = [];
    for (const n of list) {
      if (out.length >= maxAlerts) break;
      if (n.priority === 'critical' && !n.read && !dismissed.has(n.id)) out.push(n);
    }
    return sameItems(out, state.criticalAlerts) ? state.criticalAlerts : out;
  }

  function setNotifications(list: readonly ListedNotification[], patch: Partial<RealtimeState> = {}): void {
    notes.set(list);
    set({ ...patch, notifications: list, criticalAlerts: alertsOf(list) });
  }

  /** Materialises pending notifications, activity and metric points into `state`. */
  function commit(): void {
    const patch: Partial<RealtimeState> = {};
    if (notes.flush()) {
      patch.notifications = notes.items;
      patch.criticalAlerts = alertsOf(notes.items);
      if (notes.trimmed) patch.hasMore = true;
      notes.trimmed = false;
    }
    if (activity.flush()) patch.activity = activity.items;
    if (metricsDirty) {
      metricsDirty = false;
      const out: Record<string, (number | null)[]> = {};
      for (const [name, ring] of series) out[name] = ring.toArray();
      patch.metrics = { t: times.toArray(), series: out, version: state.metrics.version + 1 } satisfies MetricSeries;
    }
    if (Object.keys(patch).length) write(patch);
  }

  function flushSubscribers(): void {
    cancelFrame = null;
    const now = Date.now();
    closeFlushes = now - flushedAt < floodMs * 1.5 ? closeFlushes + 1 : 0;
    flushedAt = now;
    const current = publish();
    for (const sub of [...subscribers]) {
      if (!subscribers.has(sub)) continue;
      try {
        const value = sub.selector(current);
        if (sub.equals(sub.value, value)) continue;
        sub.value = value;
        sub.listener(value);
      } catch (err) {
        reportListenerError(err);
      }
    }
  }

  function report(error: RealtimeError): void {
    set({ lastError: error });
    options.onError?.(error);
  }

  function setUnread(unread: UnreadCounts, throughSeq: number): void {
    unreadEpoch++;
    unreadSeq = throughSeq;
    set({ unread });
  }

  // --- metrics -------------------------------------------------------------------------------

  function seriesFor(name: string): Ring<number | null> {
    let ring = series.get(name);
    if (!ring) {
      ring = new Ring(windowSeconds);
      for (let i = 0; i < times.length; i++) ring.push(null);
      series.set(name, ring);
    }
    return ring;
  }

  /** Adds one point per second; values in the same second as the newest point update that slot. */
  function addMetrics(second: number, values: Record<string, number | null>): boolean {
    const newest = times.at(-1);
    if (newest !== undefined && second < newest) return false;
    if (second !== newest) {
      times.push(second);
      for (const ring of series.values()) ring.push(null);
      while ((times.at(0) ?? second) <= second - windowSeconds) {
        times.shift();
        for (const ring of series.values()) ring.shift();
      }
    }
    for (const [name, value] of Object.entries(values)) seriesFor(name).setLast(value);
    metricsDirty = true;
    return true;
  }

  function loadMetrics(history: MetricHistory): Record<string, number> {
    times.clear();
    series.clear();
    const latest: Record<string, number> = {};
    const start = Math.max(0, history.t.length - windowSeconds);
    for (let i = start; i < history.t.length; i++) {
      const values: Record<string, number | null> = {};
      for (const [name, column] of Object.entries(history.series)) {
        const v = column[i] ?? null;
        values[name] = v;
        if (v !== null) latest[name] = v;
      }
      addMetrics(Math.floor(history.t[i] as number), values);
    }
    for (const name of Object.keys(history.series)) seriesFor(name);
    metricsDirty = true;
    return latest;
  }

  // --- applying hub messages -------------------------------------------------------------------

  function applySnapshot(s: SnapshotMessage): void {
    const seen = new Set<string>();
    const list = [...s.notifications].sort((a, b) => b.seq - a.seq).filter((n) => !seen.has(n.id) && seen.add(n.id));
    notes.limit = maxNotifications;
    activity.set(s.activity.slice(0, maxActivity));
    for (const r of requests.values()) r.flipped?.clear();
    setNotifications(list.slice(0, maxNotifications), {
      hasMore: s.hasMore || list.length > maxNotifications,
      activity: activity.items,
      status: s.status ?? null, // the validator omits null optional fields
      health: healthOf(s.status ?? null),
      agents: s.agents ?? null,
      latest: loadMetrics(s.metrics),
      lastSeq: s.seq,
      loading: false,
    });
    setUnread(s.unread, s.seq);
  }

  /** Sets `read` on notifications `covered` selects, confirming them for requests in flight. */
  function markLoadedRead(covered: (n: ListedNotification) => boolean): ListedNotification[] {
    commit();
    const flipped: ListedNotification[] = [];
    const list = notes.items.map((n) => {
      if (n.read || !covered(n)) return n;
      flipped.push(n);
      return { ...n, read: true };
    });
    if (flipped.length) setNotifications(list);
    return flipped;
  }

  function applyEvent(e: StreamEvent): void {
    switch (e.kind) {
      case 'notification': {
        const n: ListedNotification = { ...e, read: false };
        if (notes.add(n)) {
          // Replayed notifications up to the welcome's seq are already in the hub's count.
          if (e.seq > unreadSeq) set({ unread: plusOne(state.unread, n) });
          if (!state.loading) options.onNotification?.(n);
        }
        break;
      }
      case 'activity':
        activity.add(e);
        break;
      case 'metrics': {
        const second = Math.floor(Date.parse(e.at) / 1000);
        if (addMetrics(second, e.values)) set({ latest: { ...state.latest, ...e.values } });
        break;
      }
      case 'status': {
        // A publisher may report some components only; the others keep their last state.
        const status = { components: { ...state.status?.components, ...e.components }, at: e.at };
        set({ status, health: healthOf(status) });
        break;
      }
      case 'agents':
        set({ agents: { active: e.active, idle: e.idle, error: e.error, at: e.at } });
        break;
      case 'read': {
        const ids = new Set(e.ids);
        const all = e.all;
        const covered = (n: ListedNotification) =>
          ids.has(n.id) || (!!all && n.seq <= all.throughSeq && matches(n, all.filter));
        markLoadedRead(covered);
        for (const r of requests.values()) {
          for (const [id, n] of r.flipped ?? []) if (covered(n)) r.flipped?.delete(id);
        }
        setUnread(e.unread, e.seq);
        break;
      }
      case 'cleared': {
        commit();
        const list = notes.items.filter((n) => n.seq > e.throughSeq);
        if (list.length !== notes.items.length) setNotifications(list);
        setUnread(e.unread, e.seq);
        break;
      }
    }
    set({ lastSeq: e.seq });
  }

  function applyHistory(list: readonly ListedNotification[], hasMore: boolean): void {
    commit();
    const seen = new Set<string>();
    const older = [...list]
      .sort((a, b) => b.seq - a.seq)
      .filter((n) => !notes.has(n.id) && !seen.has(n.id) && seen.add(n.id));
    const merged = notes.items.concat(older);
    // Paging is an explicit request, so it may grow the list past the live cap for this session.
    notes.limit = Math.max(maxNotifications, merged.length);
    setNotifications(merged, { hasMore });
  }

  function handle(message: HubMessage): void {
    switch (message.type) {
      case 'welcome':
        set({ user: message.user });
        setUnread(message.unread, message.seq);
        break;
      case 'snapshot':
        applySnapshot(message);
        if (message.ref) requests.get(message.ref)?.settle();
        break;
      case 'event':
        applyEvent(message.event);
        break;
      case 'events':
        for (const event of message.events) applyEvent(event);
        break;
      case 'history':
        applyHistory(message.notifications, message.hasMore);
        if (message.ref) requests.get(message.ref)?.settle();
        break;
      case 'ack':
        requests.get(message.ref)?.settle();
        break;
      case 'error': {
        const pending = message.ref ? requests.get(message.ref) : undefined;
        if (pending) pending.settle(new RealtimeRequestError(message.message, message.code, message.ref));
        else report({ kind: 'action', message: message.message, code: message.code, ref: message.ref });
        break;
      }
      case 'pong':
        break;
    }
  }

  // --- requests --------------------------------------------------------------------------------

  /**
   * Sends an action with a fresh `ref` and settles when the hub answers it. On failure the
   * optimistic change is undone: notifications it marked read (and the hub has not confirmed)
   * become unread again, and the unread delta is added back unless the hub has stated the
   * counts since.
   */
  function request(action: ClientAction, optimistic?: { flipped: ListedNotification[]; delta: UnreadCounts }) {
    const ref = `r${++refCount}`;
    const epoch = unreadEpoch;
    const flipped = new Map(optimistic?.flipped.map((n) => [n.id, n]));
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (error?: RealtimeRequestError) => {
        if (!requests.has(ref)) return;
        clearTimeout(timer);
        requests.delete(ref);
        if (!error) return resolve();
        if (flipped.size) {
          commit();
          if (notes.items.some((n) => n.read && flipped.has(n.id)))
            setNotifications(notes.items.map((n) => (n.read && flipped.has(n.id) ? { ...n, read: false } : n)));
        }
        if (optimistic && epoch === unreadEpoch) set({ unread: shiftCounts(state.unread, optimistic.delta, 1)[0] });
        report({ kind: 'action', message: error.message, code: error.code, ref });
        reject(error);
      };
      requests.set(ref, { settle, flipped });
      if (!transport.send({ ...action, ref })) {
        settle(new RealtimeRequestError(`Cannot ${action.type}: not connected to the hub`, 'not-connected', ref));
        return;
      }
      if (!requests.has(ref)) return; // answered synchronously
      timer = setTimeout(
        () =>
          settle(new RealtimeRequestError(`The hub did not answer ${action.type} in ${timeoutMs} ms`, 'timeout', ref)),
        timeoutMs,
      );
    });
  }

  function failAll(code: 'disconnected' | 'destroyed', message: string): void {
    for (const [ref, r] of [...requests]) r.settle(new RealtimeRequestError(message, code, ref));
  }

  /** Marks loaded notifications read at once and lowers the unread counts by `delta`. */
  function optimisticRead(flipped: ListedNotification[], delta: UnreadCounts) {
    const [unread, applied] = shiftCounts(state.unread, delta, -1);
    set({ unread });
    return { flipped, delta: applied };
  }

  function markRead(ids: string[]): Promise<void> {
    const wanted = new Set(ids);
    if (!wanted.size) return Promise.resolve();
    const flipped = markLoadedRead((n) => wanted.has(n.id));
    const all = [...wanted];
    const batches: Promise<void>[] = [];
    for (let i = 0; i < all.length; i += MARK_READ_BATCH) {
      const batch = all.slice(i, i + MARK_READ_BATCH);
      const inBatch = new Set(batch);
      const mine = flipped.filter((n) => inBatch.has(n.id));
      batches.push(request({ type: 'markRead', ids: batch }, optimisticRead(mine, countOf(mine))));
    }
    return Promise.all(batches).then(() => undefined);
  }

  function markAllRead(filter?: NotificationFilter): Promise<void> {
    const flipped = markLoadedRead((n) => matches(n, filter));
    const u = state.unread;
    let delta = countOf(flipped);
    const { category, priority } = filter ?? {};
    if (!category && !priority) delta = u;
    else if (category && !priority) {
      delta.total = Math.max(delta.total, u.byCategory[category] ?? 0);
      delta.byCategory[category] = delta.total;
    } else if (priority && !category) {
      delta.total = Math.max(delta.total, u.byPriority[priority] ?? 0);
      delta.byPriority[priority] = delta.total;
    }
    const action: ClientAction =
      filter && (category || priority) ? { type: 'markAllRead', filter } : { type: 'markAllRead' };
    return request(action, optimisticRead(flipped, delta));
  }

  function loadOlder(): Promise<void> {
    if (loadingOlder) return loadingOlder;
    if (!state.hasMore) return Promise.resolve();
    commit();
    const beforeSeq = notes.items.at(-1)?.seq ?? state.lastSeq + 1;
    set({ loadingOlder: true });
    loadingOlder = request({ type: 'history', beforeSeq, limit: HISTORY_PAGE }).finally(() => {
      loadingOlder = null;
      set({ loadingOlder: false });
    });
    return loadingOlder;
  }

  // --- wiring ----------------------------------------------------------------------------------

  const detach = [
    transport.onMessage((message) => {
      try {
        handle(message);
      } catch (err) {
        report({ kind: 'protocol', message: `Could not apply ${message?.type ?? 'a'} message: ${String(err)}` });
      }
    }),
    transport.onState((connection: ConnectionState) => {
      const wasConnected = state.connection.status === 'connected';
      set({ connection, user: connection.status === 'connected' ? connection.user : state.user });
      if (wasConnected && connection.status !== 'connected') {
        failAll('disconnected', 'The connection to the hub was lost before it answered');
      }
    }),
    transport.onError(report),
  ];

  return {
    getState: publish,
    subscribe<T>(selector: Selector<T>, listener: (value: T) => void, equals: (a: T, b: T) => boolean = Object.is) {
      const sub = { selector, listener, equals, value: selector(publish()) } as Subscriber;
      subscribers.add(sub);
      return () => {
        subscribers.delete(sub);
      };
    },
    markRead,
    markAllRead,
    clear: () => request({ type: 'clear' }),
    setCategories(categories) {
      set({ categories: categories ? [...categories] : null });
      transport.setCategories(categories);
    },
    refresh: () => request({ type: 'refresh' }),
    loadOlder,
    connect() {
      if (!destroyed) transport.connect();
    },
    disconnect: () => transport.close(),
    reconnectNow() {
      if (!destroyed) transport.reconnectNow();
    },
    dismissAlert(id) {
      dismissed.add(id);
      commit();
      set({ criticalAlerts: alertsOf(state.notifications) });
    },
    destroy() {
      if (destroyed) return;
      failAll('destroyed', 'The realtime store was closed');
      destroyed = true;
      for (const off of detach) off();
      cancelFrame?.();
      cancelFrame = null;
      subscribers.clear();
    },
  };
}
