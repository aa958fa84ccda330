/**
 * The store's state and how hub messages change it. New notifications and activity wait in a
 * pending list and are merged into the capped lists once per frame (or when the state is read), so
 * 10,000 prepends with a cap of 100 cost O(10,000), not O(10,000 × 100). Every slice is replaced
 * only when it changes, so selectors can compare with `Object.is`; a state object once handed out
 * (`publish`) is never changed in place.
 */
import { Feed } from '../feed.js';
import type {
  ActivityEvent,
  HubMessage,
  ListedNotification,
  SnapshotMessage,
  StreamEvent,
  SystemStatusSnapshot,
  UnreadCounts,
} from '../protocol.js';
import type { ConnectionState, OverallHealth, RealtimeState } from '../types.js';
import { matches, plusOne, zero } from '../unread.js';
import { MetricBuffer } from './metric-buffer.js';
import type { Requests } from './requests.js';

export interface ReducerOptions {
  maxNotifications: number;
  maxActivity: number;
  metricsWindowSeconds: number;
  maxCriticalAlerts: number;
  categories: readonly string[] | null;
  /** Called for each new notification from the stream once the first snapshot is in. */
  onNotification?: (notification: ListedNotification) => void;
  /** Called after every change (the store schedules its subscribers' flush). */
  onChange: () => void;
}

export function healthOf(status: SystemStatusSnapshot | null): OverallHealth {
  const states = Object.values(status?.components ?? {}).map((c) => c.state);
  if (!states.length) return 'unknown';
  if (states.includes('down')) return 'down';
  return states.includes('degraded') ? 'degraded' : 'operational';
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Newest first, one entry per id. */
function newestFirst(list: readonly ListedNotification[], skip: (id: string) => boolean = () => false) {
  const seen = new Set<string>();
  return [...list].sort((a, b) => b.seq - a.seq).filter((n) => !skip(n.id) && !seen.has(n.id) && seen.add(n.id));
}

export class StoreReducer {
  readonly notes: Feed<ListedNotification>;
  readonly #activity: Feed<ActivityEvent>;
  readonly #metrics: MetricBuffer;
  readonly #dismissed = new Set<string>();
  /** Bumped whenever the hub states the unread counts; optimistic deltas older than that are moot. */
  unreadEpoch = 0;
  /** The seq through which the hub's last stated counts already include new notifications. */
  #unreadSeq = 0;
  #state: RealtimeState;
  /** Whether `#state` has been handed out (getState, a selector); then it is never mutated. */
  #published = true;

  readonly #options: ReducerOptions;
  readonly #requests: Requests;

  constructor(connection: ConnectionState, options: ReducerOptions, requests: Requests) {
    this.#options = options;
    this.#requests = requests;
    this.notes = new Feed(options.maxNotifications);
    this.#activity = new Feed(options.maxActivity);
    this.#metrics = new MetricBuffer(options.metricsWindowSeconds);
    this.#state = {
      connection,
      user: connection.status === 'connected' ? connection.user : null,
      notifications: [],
      archived: null,
      archivedHasMore: false,
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
      categories: options.categories,
      lastSeq: 0,
      snapshotSeq: 0,
      lastError: null,
      preferences: null,
    };
  }

  /** The current state, possibly not yet committed: for reading inside the store only. */
  get state(): Readonly<RealtimeState> {
    return this.#state;
  }

  /** Commits and returns the state, which from now on must not change in place. */
  publish(): RealtimeState {
    this.commit();
    this.#published = true;
    return this.#state;
  }

  /** Changes slices of the state and tells the store. */
  set(patch: Partial<RealtimeState>): void {
    this.#write(patch);
    this.#options.onChange();
  }

  /**
   * Copy on write: the first change after the state was handed out makes a new object; later
   * changes in the same frame update that one in place (nobody outside has seen it yet).
   */
  #write(patch: Partial<RealtimeState>): void {
    if (this.#published) {
      this.#state = { ...this.#state, ...patch };
      this.#published = false;
    } else Object.assign(this.#state, patch);
  }

  /** Materialises pending notifications, activity and metric points into the state. */
  commit(): void {
    const patch: Partial<RealtimeState> = {};
    const notes = this.notes;
    if (notes.flush()) {
      patch.notifications = notes.items;
      patch.criticalAlerts = this.#alertsOf(notes.items);
      if (notes.trimmed) patch.hasMore = true;
      notes.trimmed = false;
    }
    if (this.#activity.flush()) patch.activity = this.#activity.items;
    const metrics = this.#metrics.take(this.#state.metrics.version + 1);
    if (metrics) patch.metrics = metrics;
    if (Object.keys(patch).length) this.#write(patch);
  }

  /**
   * Recomputes the critical alerts from the notifications (newest first), keeping the old array
   * when equal. Of a `group` only the newest notification counts: it supersedes the earlier ones,
   * and when it is not critical (a partial recovery) or is `resolved`, the incident shows no alert.
   */
  #alertsOf(list: readonly ListedNotification[]): readonly ListedNotification[] {
    const out: ListedNotification[] = [];
    const groups = new Set<string>();
    for (const n of list) {
      if (out.length >= this.#options.maxCriticalAlerts) break;
      if (n.group !== undefined) {
        if (groups.has(n.group)) continue;
        groups.add(n.group);
        if (n.resolved) continue;
      }
      if (n.priority === 'critical' && !n.read && !this.#dismissed.has(n.id)) out.push(n);
    }
    return sameItems(out, this.#state.criticalAlerts) ? this.#state.criticalAlerts : out;
  }

  setNotifications(list: readonly ListedNotification[], patch: Partial<RealtimeState> = {}): void {
    this.notes.set(list);
    this.set({ ...patch, notifications: list, criticalAlerts: this.#alertsOf(list) });
  }

  /** The hub stated the unread counts, as of `throughSeq`. */
  setUnread(unread: UnreadCounts, throughSeq: number): void {
    this.unreadEpoch++;
    this.#unreadSeq = throughSeq;
    this.set({ unread });
  }

  /** Sets `read` on loaded notifications `covered` selects; returns those it changed. */
  markLoadedRead(covered: (n: ListedNotification) => boolean): ListedNotification[] {
    this.commit();
    const flipped: ListedNotification[] = [];
    const list = this.notes.items.map((n) => {
      if (n.read || !covered(n)) return n;
      flipped.push(n);
      return { ...n, read: true };
    });
    if (flipped.length) this.setNotifications(list);
    return flipped;
  }

  /** Hides a critical alert in this session (it stays in the notification list). */
  dismiss(id: string): void {
    this.#dismissed.add(id);
    this.commit();
    this.set({ criticalAlerts: this.#alertsOf(this.#state.notifications) });
  }

  /** Applies a hub message that carries state (welcome, snapshot, events, history; `archived`: of that view). */
  apply(message: HubMessage, archived?: boolean): void {
    switch (message.type) {
      case 'welcome':
        this.set({ user: message.user });
        this.setUnread(message.unread, message.seq);
        break;
      case 'snapshot':
        this.#applySnapshot(message);
        break;
      case 'event':
        this.#applyEvent(message.event);
        break;
      case 'events':
        for (const event of message.events) this.#applyEvent(event);
        break;
      case 'history':
        if (archived)
          this.set({
            archived: newestFirst([...(this.#state.archived ?? []), ...message.notifications]),
            archivedHasMore: message.hasMore,
          });
        else this.#applyHistory(message.notifications, message.hasMore);
        break;
      case 'preferences':
        this.set({ preferences: message.preferences });
        break;
      default:
        break;
    }
  }

  #applySnapshot(s: SnapshotMessage): void {
    const { maxNotifications, maxActivity } = this.#options;
    const list = newestFirst(s.notifications);
    this.notes.limit = maxNotifications;
    this.#activity.set(s.activity.slice(0, maxActivity));
    this.#requests.forgetFlips();
    this.setNotifications(list.slice(0, maxNotifications), {
      hasMore: s.hasMore || list.length > maxNotifications,
      activity: this.#activity.items,
      status: s.status ?? null, // the validator omits null optional fields
      health: healthOf(s.status ?? null),
      agents: s.agents ?? null,
      latest: this.#metrics.load(s.metrics),
      lastSeq: s.seq,
      snapshotSeq: s.seq,
      loading: false,
    });
    this.setUnread(s.unread, s.seq);
  }

  #applyEvent(e: StreamEvent): void {
    const state = this.#state;
    switch (e.kind) {
      case 'notification': {
        const n: ListedNotification = { ...e, read: false };
        if (this.notes.add(n)) {
          // Replayed notifications up to the welcome's seq are already in the hub's count.
          if (e.seq > this.#unreadSeq) this.set({ unread: plusOne(state.unread, n) });
          if (!state.loading) this.#options.onNotification?.(n);
        }
        break;
      }
      case 'activity':
        this.#activity.add(e);
        break;
      case 'metrics': {
        const second = Math.floor(Date.parse(e.at) / 1000);
        if (this.#metrics.add(second, e.values)) this.set({ latest: { ...state.latest, ...e.values } });
        break;
      }
      case 'status': {
        // A publisher may report some components only; the others keep their last state.
        const status = { components: { ...state.status?.components, ...e.components }, at: e.at };
        this.set({ status, health: healthOf(status) });
        break;
      }
      case 'agents':
        this.set({ agents: { active: e.active, idle: e.idle, error: e.error, at: e.at } });
        break;
      case 'read': {
        const ids = new Set(e.ids);
        const all = e.all;
        const covered = (n: ListedNotification) =>
          ids.has(n.id) || (!!all && n.seq <= all.throughSeq && matches(n, all.filter));
        this.markLoadedRead(covered);
        if (state.archived?.some((n) => !n.read && covered(n)))
          this.set({ archived: state.archived.map((n) => (covered(n) ? { ...n, read: true } : n)) });
        this.#requests.confirm(covered);
        this.setUnread(e.unread, e.seq);
        break;
      }
      case 'inbox': {
        // Rows leave both views, then what the hub sent back (or the rows changed as the action
        // says) goes to the view it now belongs to: the inbox unless archived or snoozed.
        this.commit();
        const ids = new Set(e.ids);
        const a = e.action;
        const gone: ListedNotification[] = [];
        const keep = (n: ListedNotification) => !ids.has(n.id) || !gone.push(n);
        const list = this.notes.items.filter(keep);
        const archived = state.archived?.filter(keep);
        const back =
          e.notifications ??
          (a === 'deleted'
            ? []
            : gone.map((n) => ({
                ...n,
                ...(a === 'unread'
                  ? { read: false }
                  : a === 'archived'
                    ? { archived: true }
                    : { snoozedUntil: e.until }),
              })));
        this.setNotifications(newestFirst(list.concat(back.filter((n) => !n.archived && !n.snoozedUntil))));
        if (archived) this.set({ archived: newestFirst(archived.concat(back.filter((n) => n.archived))) });
        this.setUnread(e.unread, e.seq);
        break;
      }
      case 'preferences':
        this.set({ preferences: e.preferences });
        break;
      case 'cleared': {
        this.commit();
        const list = this.notes.items.filter((n) => n.seq > e.throughSeq);
        if (list.length !== this.notes.items.length) this.setNotifications(list);
        this.setUnread(e.unread, e.seq);
        break;
      }
    }
    this.set({ lastSeq: e.seq });
  }

  #applyHistory(list: readonly ListedNotification[], hasMore: boolean): void {
    this.commit();
    const older = newestFirst(list, (id) => this.notes.has(id));
    const merged = this.notes.items.concat(older);
    // Paging is an explicit request, so it may grow the list past the live cap for this session.
    this.notes.limit = Math.max(this.#options.maxNotifications, merged.length);
    this.setNotifications(merged, { hasMore });
  }
}
