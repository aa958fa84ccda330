/**
 * The client-side state of one realtime session: `createStore` wires a `Transport` to the pieces
 * in `store/`. The reducer applies hub messages to the state (`store/reducer.ts`), requests carry
 * actions with optimistic changes that roll back on failure (`store/requests.ts`), and
 * subscribers hear changed slices at most once per animation frame, under a flood at most once per
 * `floodIntervalMs` (`store/frame-scheduler.ts`). Metric history lives in `store/metric-buffer.ts`.
 */
import type { ClientAction, InboxMessage, ListedNotification, NotificationFilter, UnreadCounts } from './protocol.js';
import { defaultTimers, FlushPacer, frameScheduler, type ScheduleFrame } from './store/frame-scheduler.js';
import { StoreReducer } from './store/reducer.js';
import { RealtimeRequestError, Requests } from './store/requests.js';
import type {
  ConnectionState,
  RealtimeError,
  RealtimeStore,
  Selector,
  StoreOptions,
  TimerApi,
  Transport,
} from './types.js';
import { countOf, matches, shiftCounts } from './unread.js';

export { RealtimeRequestError };

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
  scheduleFrame?: ScheduleFrame;
  /** Clock in ms for flood pacing (default `Date.now`); a test passes its fake clock. */
  now?: () => number;
  /** Timers for request timeouts and flood pacing (default the global ones). */
  timers?: TimerApi;
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

const MARK_READ_BATCH = 500;

/** A faulty listener must not starve the others: report its error the way the platform does. */
export function reportListenerError(error: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (g.reportError) g.reportError(error);
  else console.error(error);
}

interface Subscriber {
  selector: Selector<unknown>;
  listener: (value: unknown) => void;
  equals: (a: unknown, b: unknown) => boolean;
  value: unknown;
}

/** Creates the store for one transport. See `RealtimeState` for what it holds. */
export function createStore(transport: Transport, options: CreateStoreOptions = {}): ManagedStore {
  const timers = options.timers ?? defaultTimers;
  const subscribers = new Set<Subscriber>();
  let destroyed = false;
  let loadingOlder: Promise<void> | null = null;

  const pacer = new FlushPacer(flushSubscribers, {
    scheduleFrame: options.scheduleFrame ?? frameScheduler(timers),
    floodIntervalMs: Math.max(0, options.floodIntervalMs ?? 100),
    now: options.now ?? Date.now,
    timers,
  });
  const requests = new Requests(transport, options.requestTimeoutMs ?? 10_000, timers);
  const reducer = new StoreReducer(
    transport.state,
    {
      maxNotifications: options.maxNotifications ?? 100,
      maxActivity: options.maxActivity ?? 50,
      metricsWindowSeconds: options.metricsWindowSeconds ?? 3600,
      maxCriticalAlerts: options.maxCriticalAlerts ?? 20,
      categories: options.categories ?? null,
      onNotification: options.onNotification,
      onChange: () => {
        if (subscribers.size && !destroyed) pacer.request();
      },
    },
    requests,
  );

  function flushSubscribers(): void {
    const current = reducer.publish();
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
    reducer.set({ lastError: error });
    options.onError?.(error);
  }

  // --- actions -------------------------------------------------------------------------------

  /**
   * Sends an action; on failure the optimistic change is undone: notifications it marked read
   * (and the hub has not confirmed) become unread again, and the unread delta is added back unless
   * the hub has stated the counts since.
   */
  function request(action: ClientAction, optimistic?: { flipped: ListedNotification[]; delta: UnreadCounts }) {
    const epoch = reducer.unreadEpoch;
    return requests.send(action, {
      flipped: optimistic?.flipped,
      onFail(error, unconfirmed) {
        if (unconfirmed.size) {
          reducer.commit();
          const items = reducer.notes.items;
          if (items.some((n) => n.read && unconfirmed.has(n.id)))
            reducer.setNotifications(items.map((n) => (n.read && unconfirmed.has(n.id) ? { ...n, read: false } : n)));
        }
        if (optimistic && epoch === reducer.unreadEpoch)
          reducer.set({ unread: shiftCounts(reducer.state.unread, optimistic.delta, 1)[0] });
        report({ kind: 'action', message: error.message, code: error.code, ref: error.ref });
      },
    });
  }

  /** Lowers the unread counts by `delta` at once; returns what the request must undo on failure. */
  function optimisticRead(flipped: ListedNotification[], delta: UnreadCounts) {
    const [unread, applied] = shiftCounts(reducer.state.unread, delta, -1);
    reducer.set({ unread });
    return { flipped, delta: applied };
  }

  function markRead(ids: string[]): Promise<void> {
    const wanted = new Set(ids);
    if (!wanted.size) return Promise.resolve();
    const flipped = reducer.markLoadedRead((n) => wanted.has(n.id));
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
    const flipped = reducer.markLoadedRead((n) => matches(n, filter));
    const u = reducer.state.unread;
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

  /** The page size is the hub's (`history` without `limit`), so there is one. */
  function loadOlder(): Promise<void> {
    if (loadingOlder) return loadingOlder;
    if (!reducer.state.hasMore) return Promise.resolve();
    reducer.commit();
    const beforeSeq = reducer.notes.items.at(-1)?.seq ?? reducer.state.lastSeq + 1;
    reducer.set({ loadingOlder: true });
    loadingOlder = request({ type: 'history', beforeSeq }).finally(() => {
      loadingOlder = null;
      reducer.set({ loadingOlder: false });
    });
    return loadingOlder;
  }

  // Seen: ids waiting to go out (at most one message a second), and those sent (bounded).
  const seenQueue = new Set<string>();
  let seenSent = new Set<string>();
  /** The pending send, cancelled by `destroy` (it holds the store). */
  let seenTimer: unknown = null;
  function markSeen(ids: readonly string[]): void {
    for (const id of ids) if (!seenSent.has(id)) seenQueue.add(id);
    if (seenTimer !== null || !seenQueue.size || destroyed) return;
    seenTimer = timers.setTimeout(() => {
      seenTimer = null;
      const batch = [...seenQueue].slice(0, MARK_READ_BATCH);
      // A ref, so an HTTP rung gets an `ack` to answer the command with; nothing waits for it.
      if (destroyed || !transport.send({ type: 'seen', ids: batch, ref: 'seen' })) return;
      if (seenSent.size > 2000) seenSent = new Set();
      for (const id of batch) {
        seenQueue.delete(id);
        seenSent.add(id);
      }
      markSeen([]);
    }, 1000);
  }

  const inbox = (type: InboxMessage['type']) => (ids: string[]) => request({ type, ids });

  /** The first page, or the next older one (an empty one once `archivedHasMore` is false). */
  const loadArchived = (): Promise<void> =>
    requests.send(
      {
        type: 'history',
        beforeSeq: reducer.state.archived?.at(-1)?.seq ?? reducer.state.lastSeq + 1,
        view: 'archived',
      },
      { archived: true },
    );

  // --- wiring ----------------------------------------------------------------------------------

  const detach = [
    transport.onMessage((message) => {
      try {
        reducer.apply(message, message.type === 'history' && requests.archived(message.ref));
        if (
          message.type === 'ack' ||
          ((message.type === 'snapshot' || message.type === 'history' || message.type === 'preferences') && message.ref)
        )
          requests.settle(message.ref as string);
        else if (message.type === 'error') {
          if (message.ref && requests.has(message.ref))
            requests.settle(message.ref, new RealtimeRequestError(message.message, message.code, message.ref));
          else report({ kind: 'action', message: message.message, code: message.code, ref: message.ref });
        }
      } catch (err) {
        report({ kind: 'protocol', message: `Could not apply ${message?.type ?? 'a'} message: ${String(err)}` });
      }
    }),
    transport.onState((connection: ConnectionState) => {
      const wasConnected = reducer.state.connection.status === 'connected';
      reducer.set({ connection, user: connection.status === 'connected' ? connection.user : reducer.state.user });
      if (connection.status === 'connected') markSeen([]);
      if (wasConnected && connection.status !== 'connected') {
        requests.failAll('disconnected', 'The connection to the hub was lost before it answered');
      }
    }),
    transport.onError(report),
  ];

  return {
    getState: () => reducer.publish(),
    subscribe<T>(selector: Selector<T>, listener: (value: T) => void, equals: (a: T, b: T) => boolean = Object.is) {
      const sub = { selector, listener, equals, value: selector(reducer.publish()) } as Subscriber;
      subscribers.add(sub);
      return () => {
        subscribers.delete(sub);
      };
    },
    markRead,
    markAllRead,
    clear: () => request({ type: 'clear' }),
    markUnread: inbox('markUnread'),
    archive: inbox('archive'),
    unarchive: inbox('unarchive'),
    snooze: (ids, until) => request({ type: 'snooze', ids, until }),
    unsnooze: inbox('unsnooze'),
    deleteForMe: inbox('delete'),
    restore: inbox('restore'),
    loadArchived,
    setCategories(categories) {
      reducer.set({ categories: categories ? [...categories] : null });
      transport.setCategories(categories);
    },
    refresh: () => request({ type: 'refresh' }),
    loadOlder,
    dismissAlert: (id) => reducer.dismiss(id),
    markSeen,
    loadPreferences: () => request({ type: 'getPreferences' }),
    setPreferences: (preferences) => request({ type: 'setPreferences', preferences }),
    connect() {
      if (!destroyed) transport.connect();
    },
    disconnect: () => transport.close(),
    reconnectNow() {
      if (!destroyed) transport.reconnectNow();
    },
    destroy() {
      if (destroyed) return;
      requests.failAll('destroyed', 'The realtime store was closed');
      destroyed = true;
      for (const off of detach) off();
      pacer.cancel();
      if (seenTimer !== null) timers.clearTimeout(seenTimer);
      subscribers.clear();
    },
  };
}
