import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import {
  type ListedNotification,
  noUnread,
  type Priority,
  type SnapshotMessage,
  type StreamEvent,
  type UnreadCounts,
} from '../../../src/core/protocol.js';
import { type CreateStoreOptions, createStore, RealtimeRequestError } from '../../../src/core/store.js';
import type { RealtimeError } from '../../../src/core/types.js';
import {
  listedNote,
  ManualClock,
  ManualFrames,
  MemoryTransport,
  snapshotMessage,
} from '../../support/memory-transport.js';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const note = listedNote;

function unread(total: number, byCategory: Record<string, number> = {}, byPriority: UnreadCounts['byPriority'] = {}) {
  return { total, byCategory, byPriority };
}

const snapshot = snapshotMessage;

/** A store wired to a connected memory transport and a hand-run frame scheduler. */
function setup(options: CreateStoreOptions = {}) {
  const transport = new MemoryTransport();
  transport.connect();
  const frames = new ManualFrames();
  const errors: RealtimeError[] = [];
  const notified: ListedNotification[] = [];
  const store = createStore(transport, {
    scheduleFrame: frames.schedule,
    onError: (e) => errors.push(e),
    onNotification: (n) => notified.push(n),
    ...options,
  });
  const event = (e: StreamEvent) => transport.receive({ type: 'event', event: e });
  const notify = (seq: number, over: Partial<ListedNotification> = {}) => {
    const { read: _read, ...n } = note(seq, over);
    event(n);
  };
  stores.push(store);
  return { transport, frames, store, errors, notified, event, notify };
}

const stores: { destroy(): void }[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.destroy();
  mock.timers.reset();
});

/** Counts listener calls per frame for a selector. */
function watch<T>(store: ReturnType<typeof setup>['store'], selector: (s: ReturnType<typeof store.getState>) => T) {
  const calls: T[] = [];
  store.subscribe(selector, (v) => calls.push(v));
  return calls;
}

describe('store: bursts and subscribers', () => {
  test('10,000 events in a burst reach each subscriber once per frame', () => {
    const { store, transport, frames, notify, event } = setup();
    transport.receive(snapshot({ seq: 0 }));
    const lists = watch(store, (s) => s.notifications);
    const totals = watch(store, (s) => s.unread.total);
    const activity = watch(store, (s) => s.activity);
    const scheduledBefore = frames.scheduled;

    for (let seq = 1; seq <= 10_000; seq++) {
      if (seq % 2) notify(seq);
      else event({ kind: 'activity', id: `a${seq}`, seq, type: 'agents', action: 'x', user: { id: 'u' }, at: iso(T0) });
    }

    assert.equal(frames.scheduled - scheduledBefore, 1, 'one frame requested for the whole burst');
    assert.deepEqual([lists.length, totals.length, activity.length], [0, 0, 0], 'nothing before the frame');
    frames.run();
    assert.deepEqual([lists.length, totals.length, activity.length], [1, 1, 1]);
    assert.equal(lists[0]?.length, 100);
    assert.equal(lists[0]?.[0]?.id, 'n9999', 'newest first');
    assert.equal(activity[0]?.length, 50);
    assert.equal(totals[0], 5000);

    frames.run();
    assert.equal(lists.length, 1, 'an idle frame notifies nobody');
    notify(10_001);
    frames.run();
    assert.equal(lists.length, 2);
  });

  test('applying is linear: 50,000 prepends under a 50,000 cap take seconds at most, not minutes', () => {
    // Copying the list per event would move 1.25 billion references here; batching moves 50,000.
    const { store, transport, frames, notify } = setup({ maxNotifications: 50_000 });
    transport.receive(snapshot({ seq: 0 }));
    const lists = watch(store, (s) => s.notifications);
    const started = performance.now();
    for (let seq = 1; seq <= 50_000; seq++) notify(seq);
    frames.run();
    const elapsed = performance.now() - started;
    assert.equal(lists.length, 1);
    assert.equal(lists[0]?.length, 50_000);
    assert.equal(lists[0]?.[0]?.seq, 50_000);
    assert.ok(elapsed < 10_000, `50,000 events took ${elapsed.toFixed(0)} ms`);
  });

  test('a selector fires only when its slice changes', () => {
    const { store, transport, frames, event } = setup();
    transport.receive(snapshot());
    frames.run();
    const agents = watch(store, (s) => s.agents);
    const status = watch(store, (s) => s.status);
    const total = watch(store, (s) => s.unread.total);

    event({ kind: 'activity', id: 'a1', seq: 11, type: 'billing', action: 'paid', user: { id: 'u1' }, at: iso(T0) });
    frames.run();
    assert.deepEqual([agents.length, status.length, total.length], [0, 0, 0]);

    event({ kind: 'agents', id: 'g1', seq: 12, active: 3, idle: 1, error: 0, at: iso(T0) });
    frames.run();
    assert.deepEqual([agents.length, status.length, total.length], [1, 0, 0]);
    assert.deepEqual(agents[0], { active: 3, idle: 1, error: 0, at: iso(T0) });
  });

  test('a state object once handed out never changes in place', () => {
    const { store, transport, frames, notify } = setup();
    transport.receive(snapshot({ seq: 0 }));
    const seen: unknown[] = [];
    store.subscribe(
      (s) => s,
      (s) => seen.push(s),
    );
    const first = store.getState();
    const frozen = JSON.stringify(first);
    notify(1);
    notify(2);
    frames.run();
    assert.equal(JSON.stringify(first), frozen);
    const second = seen[0] as typeof first;
    assert.notEqual(second, first);
    assert.equal(second.lastSeq, 2);
    notify(3);
    assert.equal(second.lastSeq, 2, 'the state a subscriber got stays as it was');
    assert.equal(store.getState().lastSeq, 3);
  });

  test('a custom equality suppresses structurally equal slices; unsubscribe stops calls', () => {
    const { store, transport, frames, event } = setup();
    transport.receive(snapshot());
    const seen: number[][] = [];
    const off = store.subscribe(
      (s) => [s.agents?.active ?? 0],
      (v) => seen.push(v),
      (a, b) => a[0] === b[0],
    );
    event({ kind: 'agents', id: 'g1', seq: 11, active: 0, idle: 5, error: 0, at: iso(T0) });
    frames.run();
    assert.equal(seen.length, 0);
    event({ kind: 'agents', id: 'g2', seq: 12, active: 2, idle: 5, error: 0, at: iso(T0) });
    frames.run();
    assert.deepEqual(seen, [[2]]);
    off();
    event({ kind: 'agents', id: 'g3', seq: 13, active: 4, idle: 5, error: 0, at: iso(T0) });
    frames.run();
    assert.equal(seen.length, 1);
  });

  test('a throwing listener does not starve the others', () => {
    const { store, transport, frames } = setup();
    const logged = mock.method(console, 'error', () => {});
    store.subscribe(
      (s) => s.loading,
      () => {
        throw new Error('listener bug');
      },
    );
    const after = watch(store, (s) => s.loading);
    transport.receive(snapshot());
    frames.run();
    assert.deepEqual(after, [false]);
    assert.equal(logged.mock.callCount(), 1);
    logged.mock.restore();
  });

  test('without requestAnimationFrame a ~16 ms timer flushes (Node)', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const transport = new MemoryTransport();
    transport.connect();
    const store = createStore(transport);
    stores.push(store);
    const loading = watch(store, (s) => s.loading);
    transport.receive(snapshot());
    mock.timers.tick(15);
    assert.equal(loading.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(loading, [false]);
  });
});

describe('store: pacing under a flood', () => {
  test('changes frame after frame are told at most once per floodIntervalMs; a quiet moment ends it', () => {
    // On the store's injected clock and timers: nothing global is faked.
    const clock = new ManualClock(1_000_000);
    const { store, transport, frames, notify } = setup({ now: clock.now, timers: clock });
    transport.receive(snapshot({ seq: 0 }));
    const lists = watch(store, (s) => s.notifications);
    let seq = 0;
    /** One change, then its frame if one was requested, 20 ms later. */
    const changeAndFrame = () => {
      notify(++seq);
      const requested = frames.isPending;
      frames.run();
      clock.tick(20);
      return requested;
    };
    // Three close flushes are normal rendering; from then on it is a flood.
    assert.deepEqual(
      [changeAndFrame(), changeAndFrame(), changeAndFrame(), changeAndFrame()],
      [true, true, true, true],
    );
    const told = lists.length;
    notify(++seq);
    assert.equal(frames.isPending, false, 'a flood: no frame before the interval is over');
    // The last flush was 20 ms ago.
    clock.tick(79);
    assert.equal(frames.isPending, false);
    notify(++seq);
    clock.tick(1);
    assert.equal(frames.isPending, true, 'one frame, 100 ms after the last flush');
    frames.run();
    assert.equal(lists.length, told + 1, 'both changes in one notification');
    assert.equal(lists.at(-1)?.[0]?.seq, seq);
    // Quiet for a moment: the next change is told on the next frame again.
    clock.tick(200);
    notify(++seq);
    assert.equal(frames.isPending, true);
    frames.run();
    assert.equal(lists.at(-1)?.[0]?.seq, seq);
  });

  test('floodIntervalMs 0 tells subscribers every frame; destroy cancels a paced flush', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const unpaced = setup({ floodIntervalMs: 0 });
    unpaced.transport.receive(snapshot({ seq: 0 }));
    watch(unpaced.store, (s) => s.notifications);
    unpaced.frames.run();
    for (let seq = 1; seq <= 10; seq++) {
      unpaced.notify(seq);
      assert.equal(unpaced.frames.isPending, true, `frame for change ${seq}`);
      unpaced.frames.run();
      mock.timers.tick(16);
    }

    const paced = setup();
    paced.transport.receive(snapshot({ seq: 0 }));
    const lists = watch(paced.store, (s) => s.notifications);
    for (let seq = 1; seq <= 5; seq++) {
      paced.notify(seq);
      paced.frames.run();
      mock.timers.tick(16);
    }
    const told = lists.length;
    paced.notify(6);
    assert.equal(paced.frames.isPending, false, 'paced: a timer waits, not a frame');
    paced.store.destroy();
    mock.timers.tick(1000);
    assert.equal(paced.frames.isPending, false, 'no frame requested after destroy');
    assert.equal(lists.length, told);
  });
});

describe('store: snapshot, caps and dedupe', () => {
  test('loading until the first snapshot; the snapshot replaces lists, keeping caps', () => {
    const { store, transport } = setup({ maxNotifications: 5, maxActivity: 3 });
    assert.equal(store.getState().loading, true);
    const notifications = Array.from({ length: 8 }, (_, i) => note(20 - i));
    const activity = Array.from({ length: 6 }, (_, i) => ({
      kind: 'activity' as const,
      id: `a${i}`,
      seq: 20 - i,
      type: 'contacts',
      action: 'created',
      user: { id: 'u1' },
      at: iso(T0),
    }));
    transport.receive(snapshot({ seq: 20, notifications, activity, unread: unread(8), hasMore: false }));
    const s = store.getState();
    assert.equal(s.loading, false);
    assert.deepEqual(
      s.notifications.map((n) => n.seq),
      [20, 19, 18, 17, 16],
    );
    assert.equal(s.activity.length, 3);
    assert.equal(s.hasMore, true, 'trimmed notifications can be paged back in');
    assert.equal(s.lastSeq, 20);
    assert.equal(s.unread.total, 8);
  });

  test('caps hold under live events: notifications, activity, critical alerts, hasMore', () => {
    const { store, transport, notify, event } = setup();
    transport.receive(snapshot({ seq: 0 }));
    for (let seq = 1; seq <= 300; seq++) notify(seq, { priority: seq % 3 ? 'low' : 'critical' });
    for (let seq = 301; seq <= 400; seq++) {
      event({ kind: 'activity', id: `a${seq}`, seq, type: 'agents', action: 'x', user: { id: 'u' }, at: iso(T0) });
    }
    const s = store.getState();
    assert.equal(s.notifications.length, 100);
    assert.equal(s.activity.length, 50);
    assert.equal(s.activity[0]?.seq, 400);
    assert.equal(s.criticalAlerts.length, 20);
    assert.ok(s.criticalAlerts.every((n) => n.priority === 'critical' && !n.read));
    assert.equal(s.criticalAlerts[0]?.seq, 300, 'newest alert first');
    assert.equal(s.hasMore, true);
  });

  test('custom caps are honoured', () => {
    const { store, transport, notify } = setup({ maxNotifications: 3, maxCriticalAlerts: 2 });
    transport.receive(snapshot({ seq: 0 }));
    for (let seq = 1; seq <= 10; seq++) notify(seq, { priority: 'critical' });
    assert.equal(store.getState().notifications.length, 3);
    assert.equal(store.getState().criticalAlerts.length, 2);
  });

  test('dedupe by id and by seq: nothing is applied twice', () => {
    const { store, transport, notify, notified } = setup();
    transport.receive(snapshot({ seq: 10, notifications: [note(10)], unread: unread(1) }));
    notify(11);
    notify(12, { id: 'n11', title: 'same id, later seq' });
    notify(11, { id: 'replayed' });
    notify(5, { id: 'old' });
    const s = store.getState();
    assert.deepEqual(
      s.notifications.map((n) => n.id),
      ['n11', 'n10'],
    );
    assert.equal(s.notifications[0]?.title, 'Notification 11');
    assert.equal(s.unread.total, 2);
    assert.equal(s.lastSeq, 12);
    assert.deepEqual(
      notified.map((n) => n.id),
      ['n11'],
    );
  });

  test('an events message from a transport applies each event in order, with the same dedupe', () => {
    const { store, transport, notified } = setup();
    transport.receive(snapshot({ seq: 10, notifications: [note(10)], unread: unread(1) }));
    const plain = (seq: number, over: Partial<ListedNotification> = {}) => {
      const { read: _read, ...n } = note(seq, over);
      return n;
    };
    transport.receive({
      type: 'events',
      events: [plain(9, { id: 'old' }), plain(11), plain(12, { id: 'n11' }), plain(13)],
    });
    const s = store.getState();
    assert.deepEqual(
      s.notifications.map((n) => n.id),
      ['n13', 'n11', 'n10'],
    );
    assert.equal(s.unread.total, 3);
    assert.equal(s.lastSeq, 13);
    assert.deepEqual(
      notified.map((n) => n.id),
      ['n11', 'n13'],
    );
  });

  test('a replayed read or cleared event at or below lastSeq is ignored', () => {
    const { store, transport, event } = setup();
    transport.receive(snapshot({ seq: 10, notifications: [note(9), note(8)], unread: unread(2) }));
    event({ kind: 'cleared', id: 'c1', seq: 10, throughSeq: 9, unread: unread(0) });
    event({ kind: 'read', id: 'r1', seq: 7, ids: ['n9'], unread: unread(1) });
    assert.equal(store.getState().notifications.length, 2);
    assert.equal(store.getState().unread.total, 2);
  });

  test('a notification queued in the same frame survives a read or cleared event that does not touch it', () => {
    const { store, transport, notify, event } = setup();
    transport.receive(snapshot({ seq: 10, notifications: [note(10)], unread: unread(1) }));
    notify(11);
    event({ kind: 'read', id: 'r1', seq: 12, ids: ['elsewhere'], unread: unread(2) });
    notify(13);
    event({ kind: 'cleared', id: 'c1', seq: 14, throughSeq: 5, unread: unread(3) });
    notify(15);
    void store.markRead(['not-loaded']).catch(() => {});
    assert.deepEqual(
      store.getState().notifications.map((n) => n.id),
      ['n15', 'n13', 'n11', 'n10'],
    );
  });

  test('a resumed session does not count replayed notifications twice', () => {
    const { store, transport, notify } = setup();
    transport.receive(snapshot({ seq: 10, unread: unread(0) }));
    // Reconnect: the hub's welcome count already includes seqs 11–12, which it then replays.
    transport.receive({
      type: 'welcome',
      user: { id: 'admin-1', role: 'admin' },
      stream: 's1',
      resumed: true,
      seq: 12,
      unread: unread(2, { system: 2 }, { medium: 2 }),
      heartbeatMs: 25_000,
    });
    notify(11);
    notify(12);
    assert.equal(store.getState().unread.total, 2);
    notify(13);
    assert.deepEqual(store.getState().unread, unread(3, { system: 3 }, { medium: 3 }));
    assert.equal(store.getState().user?.id, 'admin-1');
  });

  test('after a welcome from a different stream (the transport starts over) its snapshot and events apply', () => {
    const { store, transport, notify } = setup();
    const welcome = (stream: string) =>
      transport.receive({
        type: 'welcome',
        user: { id: 'admin-1', role: 'admin' },
        stream,
        resumed: false,
        seq: 3,
        unread: noUnread(),
        heartbeatMs: 25_000,
      });
    welcome('s1');
    transport.receive(snapshot({ seq: 500 }));
    welcome('s2');
    transport.receive(snapshot({ seq: 3 }));
    assert.equal(store.getState().lastSeq, 3);
    notify(4);
    assert.equal(store.getState().notifications[0]?.id, 'n4');
    assert.equal(store.getState().lastSeq, 4);
  });

  test('metrics: one slot per second, window cap, new series backfilled with nulls, latest, version', () => {
    const { store, transport, event } = setup({ metricsWindowSeconds: 60 });
    const t0 = T0 / 1000;
    transport.receive(
      snapshot({
        seq: 0,
        metrics: { t: [t0 - 2, t0 - 1], series: { activeUsers: [5, null], errorRate: [0.1, 0.2] } },
      }),
    );
    let s = store.getState();
    assert.deepEqual(s.metrics.t, [t0 - 2, t0 - 1]);
    assert.deepEqual(s.latest, { activeUsers: 5, errorRate: 0.2 });
    const v0 = s.metrics.version;

    let seq = 0;
    const at = (second: number, ms = 0) => iso((t0 + second) * 1000 + ms);
    event({ kind: 'metrics', id: `m${++seq}`, seq, values: { activeUsers: 7 }, at: at(0, 100) });
    event({ kind: 'metrics', id: `m${++seq}`, seq, values: { activeCalls: 3 }, at: at(0, 900) });
    s = store.getState();
    assert.deepEqual(s.metrics.t, [t0 - 2, t0 - 1, t0], 'same second, same slot');
    assert.deepEqual(s.metrics.series.activeUsers, [5, null, 7]);
    assert.deepEqual(s.metrics.series.activeCalls, [null, null, 3]);
    assert.deepEqual(s.metrics.series.errorRate, [0.1, 0.2, null]);
    assert.deepEqual(s.latest, { activeUsers: 7, errorRate: 0.2, activeCalls: 3 });
    assert.ok(s.metrics.version > v0);

    for (let i = 1; i <= 200; i++)
      event({ kind: 'metrics', id: `m${++seq}`, seq, values: { activeUsers: i }, at: at(i) });
    s = store.getState();
    assert.equal(s.metrics.t.length, 60);
    assert.equal(s.metrics.t[0], t0 + 141);
    assert.equal(s.metrics.t.at(-1), t0 + 200);
    for (const values of Object.values(s.metrics.series)) assert.equal(values.length, 60);

    const version = s.metrics.version;
    event({ kind: 'metrics', id: `m${++seq}`, seq, values: { activeUsers: -1 }, at: at(100) });
    assert.equal(store.getState().metrics.version, version, 'a point older than the newest slot is dropped');
    assert.equal(store.getState().latest.activeUsers, 200);
  });

  test('metrics: the default window keeps one hour of one-second points', () => {
    const { store, transport, event } = setup();
    transport.receive(snapshot({ seq: 0 }));
    for (let i = 1; i <= 4000; i++) {
      event({ kind: 'metrics', id: `m${i}`, seq: i, values: { systemLoad: 0.5 }, at: iso(T0 + i * 1000) });
    }
    const { metrics } = store.getState();
    assert.equal(metrics.t.length, 3600);
    assert.equal(metrics.series.systemLoad?.length, 3600);
  });

  test('status merges components and derives health', () => {
    const { store, transport, event } = setup();
    transport.receive(snapshot({ seq: 0 }));
    assert.equal(store.getState().health, 'unknown');
    const status = (seq: number, components: Record<string, { state: 'operational' | 'degraded' | 'down' }>) =>
      event({ kind: 'status', id: `s${seq}`, seq, components, at: iso(T0) });
    status(1, { database: { state: 'operational' }, api: { state: 'operational' } });
    assert.equal(store.getState().health, 'operational');
    status(2, { payments: { state: 'degraded' } });
    assert.equal(store.getState().health, 'degraded');
    assert.deepEqual(Object.keys(store.getState().status?.components ?? {}), ['database', 'api', 'payments']);
    status(3, { api: { state: 'down' } });
    assert.equal(store.getState().health, 'down');
  });
});

describe('store: read state and actions', () => {
  const loaded = () => [
    note(14, { category: 'billing', priority: 'high' }),
    note(13, { category: 'billing', priority: 'critical' }),
    note(12, { category: 'security', priority: 'critical' }),
    note(11, { category: 'security', priority: 'low', read: true }),
  ];
  const hubUnread = () => unread(5, { billing: 2, security: 3 }, { high: 1, critical: 2, low: 2 });

  function ready(options: CreateStoreOptions = {}) {
    const ctx = setup(options);
    ctx.transport.receive(snapshot({ seq: 14, notifications: loaded(), unread: hubUnread(), hasMore: true }));
    return ctx;
  }

  test('markRead is optimistic and resolves on ack', async () => {
    const { store, transport } = ready();
    const done = store.markRead(['n13']);
    const s = store.getState();
    assert.equal(s.notifications.find((n) => n.id === 'n13')?.read, true);
    assert.deepEqual(s.unread, unread(4, { billing: 1, security: 3 }, { high: 1, critical: 1, low: 2 }));
    assert.deepEqual(
      s.criticalAlerts.map((n) => n.id),
      ['n12'],
    );
    const sent = transport.last('markRead');
    assert.deepEqual(sent.ids, ['n13']);
    assert.ok(sent.ref);
    transport.receive({ type: 'ack', ref: sent.ref });
    await done;
    assert.equal(store.getState().unread.total, 4);
  });

  test('markRead is rolled back when the hub refuses, and the promise rejects clearly', async () => {
    const { store, transport, errors } = ready();
    const before = store.getState();
    const done = store.markRead(['n13', 'n14']);
    assert.equal(store.getState().unread.total, 3);
    const { ref } = transport.last('markRead');
    transport.receive({ type: 'error', code: 'unknown-notification', message: 'No notification n14', ref: ref! });
    await assert.rejects(done, (err: unknown) => {
      assert.ok(err instanceof RealtimeRequestError);
      assert.equal(err.message, 'No notification n14');
      assert.equal(err.code, 'unknown-notification');
      return true;
    });
    const after = store.getState();
    assert.deepEqual(after.unread, before.unread);
    assert.deepEqual(after.notifications, before.notifications);
    assert.deepEqual(
      after.criticalAlerts.map((n) => n.id),
      ['n13', 'n12'],
    );
    assert.equal(after.lastError?.kind, 'action');
    assert.equal(after.lastError?.ref, ref);
    assert.equal(errors.at(-1)?.message, 'No notification n14');
  });

  test('markRead rejects and rolls back when it cannot be sent, times out, or the socket drops', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { store, transport } = ready({ requestTimeoutMs: 5000 });
    const before = store.getState().unread;

    transport.setState({ status: 'reconnecting', attempt: 1, nextRetryAt: Date.now() + 1000 });
    await assert.rejects(store.markRead(['n14']), /not connected/);
    assert.deepEqual(store.getState().unread, before);
    assert.equal(store.getState().notifications[0]?.read, false);

    transport.connect();
    const timedOut = store.markRead(['n14']);
    assert.equal(store.getState().unread.total, 4);
    mock.timers.tick(5000);
    await assert.rejects(timedOut, (err: RealtimeRequestError) => err.code === 'timeout');
    assert.deepEqual(store.getState().unread, before);

    const dropped = store.markRead(['n14']);
    transport.setState({ status: 'reconnecting', attempt: 1, nextRetryAt: Date.now() + 1000 });
    await assert.rejects(dropped, (err: RealtimeRequestError) => err.code === 'disconnected');
    assert.deepEqual(store.getState().unread, before);
  });

  test('unread never goes below zero and is reconciled to the hub number', async () => {
    const { store, transport, event } = setup();
    // The hub says zero although two loaded notifications look unread.
    transport.receive(snapshot({ seq: 14, notifications: [note(14), note(13)], unread: unread(0) }));
    const done = store.markRead(['n14', 'n13']);
    assert.deepEqual(store.getState().unread, unread(0, { system: 0 }, { medium: 0 }));
    const { ref } = transport.last('markRead');
    transport.receive({ type: 'error', code: 'internal', message: 'storage unavailable', ref: ref! });
    await assert.rejects(done);
    assert.equal(store.getState().unread.total, 0, 'rollback restores exactly what was taken, not more');

    event({ kind: 'read', id: 'r1', seq: 15, ids: [], unread: unread(7, { system: 7 }, { medium: 7 }) });
    assert.deepEqual(store.getState().unread, unread(7, { system: 7 }, { medium: 7 }));
  });

  test('a hub read event during a refused request keeps the hub count and the confirmed reads', async () => {
    const { store, transport, event } = ready();
    const done = store.markRead(['n13', 'n14']);
    const { ref } = transport.last('markRead');
    // Another tab of the same user read n14 meanwhile; the hub states the new count.
    event({ kind: 'read', id: 'r1', seq: 15, ids: ['n14'], unread: unread(4) });
    transport.receive({ type: 'error', code: 'internal', message: 'nope', ref: ref! });
    await assert.rejects(done);
    const s = store.getState();
    assert.equal(s.unread.total, 4);
    assert.equal(s.notifications.find((n) => n.id === 'n14')?.read, true);
    assert.equal(s.notifications.find((n) => n.id === 'n13')?.read, false);
  });

  test('markAllRead with a filter marks only matching notifications and sends the filter', async () => {
    const { store, transport } = ready();
    const done = store.markAllRead({ category: 'security' });
    const s = store.getState();
    assert.deepEqual(
      s.notifications.map((n) => [n.id, n.read]),
      [
        ['n14', false],
        ['n13', false],
        ['n12', true],
        ['n11', true],
      ],
    );
    assert.equal(s.unread.total, 2);
    assert.equal(s.unread.byCategory.security, 0);
    assert.equal(s.unread.byCategory.billing, 2);
    const sent = transport.last('markAllRead');
    assert.deepEqual(sent.filter, { category: 'security' });
    transport.receive({ type: 'ack', ref: sent.ref! });
    await done;
  });

  test('markAllRead by priority, and without a filter', async () => {
    const { store, transport } = ready();
    // Left unanswered: the optimistic part is what is tested; destroy() rejects them afterwards.
    store.markAllRead({ priority: 'critical' }).catch(() => {});
    let s = store.getState();
    assert.deepEqual(
      s.notifications.filter((n) => !n.read).map((n) => n.id),
      ['n14'],
    );
    assert.equal(s.unread.byPriority.critical, 0);
    assert.equal(s.unread.total, 3);
    assert.deepEqual(s.criticalAlerts, []);

    store.markAllRead().catch(() => {});
    s = store.getState();
    assert.ok(s.notifications.every((n) => n.read));
    assert.deepEqual(s.unread, unread(0, { billing: 0, security: 0 }, { high: 0, critical: 0, low: 0 }));
    assert.equal(transport.last('markAllRead').filter, undefined);
  });

  test('read events from the hub apply ids and `all` with its filter; cleared drops seq <= throughSeq', () => {
    const { store, event, notify } = ready();
    notify(15, { category: 'security' });
    event({
      kind: 'read',
      id: 'r1',
      seq: 16,
      ids: ['n14'],
      all: { throughSeq: 14, filter: { category: 'security' } },
      unread: unread(2),
    });
    const readIds = (p: (n: ListedNotification) => boolean) =>
      store
        .getState()
        .notifications.filter(p)
        .map((n) => n.id);
    assert.deepEqual(
      readIds((n) => n.read),
      ['n14', 'n12', 'n11'],
    );
    assert.deepEqual(
      readIds((n) => !n.read),
      ['n15', 'n13'],
      'n15 is newer than throughSeq',
    );
    assert.equal(store.getState().unread.total, 2);

    event({ kind: 'cleared', id: 'c1', seq: 17, throughSeq: 13, unread: unread(1) });
    assert.deepEqual(
      store.getState().notifications.map((n) => n.id),
      ['n15', 'n14'],
    );
    assert.equal(store.getState().unread.total, 1);
  });

  test('clear waits for the ack; refresh resolves on the snapshot with its ref', async () => {
    const { store, transport } = ready();
    const cleared = store.clear();
    transport.receive({ type: 'ack', ref: transport.last('clear').ref! });
    await cleared;
    const refreshed = store.refresh();
    transport.receive(snapshot({ seq: 30, ref: transport.last('refresh').ref, notifications: [note(30)] }));
    await refreshed;
    assert.deepEqual(
      store.getState().notifications.map((n) => n.id),
      ['n30'],
    );
  });

  test('loadOlder pages from the oldest loaded seq, appends with dedupe and sets hasMore', async () => {
    const { store, transport, notify } = ready({ maxNotifications: 4 });
    const seen: boolean[] = [];
    store.subscribe(
      (s) => s.loadingOlder,
      (v) => seen.push(v),
    );
    const page = store.loadOlder();
    assert.equal(store.loadOlder(), page, 'one page at a time');
    assert.equal(store.getState().loadingOlder, true);
    const sent = transport.last('history');
    assert.equal(sent.beforeSeq, 11);
    transport.receive({ type: 'history', ref: sent.ref, notifications: [note(11), note(10), note(9)], hasMore: false });
    await page;
    const s = store.getState();
    assert.deepEqual(
      s.notifications.map((n) => n.seq),
      [14, 13, 12, 11, 10, 9],
    );
    assert.equal(s.hasMore, false);
    assert.equal(s.loadingOlder, false);
    await store.loadOlder();
    assert.equal(transport.sent.filter((a) => a.type === 'history').length, 1, 'nothing more to load');
    // What the reader paged in stays while live events arrive; the list does not grow past it.
    notify(15);
    assert.deepEqual(
      store.getState().notifications.map((n) => n.seq),
      [15, 14, 13, 12, 11, 10],
    );
  });

  test('dismissAlert hides a critical alert but keeps the notification', () => {
    const { store } = ready();
    store.dismissAlert('n13');
    const s = store.getState();
    assert.deepEqual(
      s.criticalAlerts.map((n) => n.id),
      ['n12'],
    );
    assert.ok(s.notifications.some((n) => n.id === 'n13' && !n.read));
  });

  test('setCategories updates state and asks the transport', () => {
    const { store, transport } = setup({ categories: ['billing'] });
    assert.deepEqual(store.getState().categories, ['billing']);
    store.setCategories(['security', 'calls']);
    assert.deepEqual(store.getState().categories, ['security', 'calls']);
    store.setCategories(null);
    assert.deepEqual(transport.categoryCalls, [['security', 'calls'], null]);
    assert.equal(store.getState().categories, null);
  });

  test('connect, disconnect and reconnectNow reach the transport; the data stays', () => {
    const { store, transport } = setup();
    transport.receive(snapshot({ seq: 10, notifications: [note(10)], unread: unread(1) }));
    store.disconnect();
    assert.equal(store.getState().connection.status, 'closed');
    assert.equal(store.getState().notifications.length, 1);
    store.reconnectNow();
    assert.equal(transport.reconnects, 1);
    store.connect();
    assert.equal(store.getState().connection.status, 'connected');
  });

  test('a hub error without a pending ref surfaces as lastError', () => {
    const { store, transport, errors } = ready();
    transport.receive({ type: 'error', code: 'rate-limited', message: 'slow down' });
    assert.equal(store.getState().lastError?.message, 'slow down');
    assert.equal(errors.length, 1);
  });
});

describe('store: robustness', () => {
  test('a malformed hub frame leaves the store intact and surfaces an error', () => {
    const { store, transport, errors } = setup();
    transport.receive(snapshot({ seq: 5, notifications: [note(5)], unread: unread(1) }));
    const before = store.getState();
    transport.receiveFrame(JSON.stringify({ type: 'event', event: { kind: 'notification', id: 'x', seq: 6 } }));
    transport.receiveFrame('{"type":"snapshot",');
    const after = store.getState();
    assert.equal(after.notifications, before.notifications);
    assert.equal(after.unread, before.unread);
    assert.equal(after.lastSeq, 5);
    assert.equal(errors.length, 2);
    assert.match(errors[0]?.message ?? '', /^event\.title: is required$/);
    assert.equal(after.lastError?.message, 'frame is not valid JSON');
  });

  test('a snapshot frame with null status and agents yields null, not undefined', () => {
    const { store, transport } = setup();
    transport.receiveFrame(JSON.stringify(snapshot({ status: null, agents: null })));
    const s = store.getState();
    assert.equal(s.loading, false);
    assert.equal(s.status, null);
    assert.equal(s.agents, null);
    assert.equal(s.health, 'unknown');
  });

  test('applying never throws, even for a message that slipped past validation', () => {
    const { store, transport, errors } = setup();
    transport.receive(snapshot({ seq: 5, notifications: [note(5)] }));
    const before = store.getState().notifications;
    assert.doesNotThrow(() =>
      transport.receive({ type: 'snapshot', notifications: null } as unknown as SnapshotMessage),
    );
    assert.equal(store.getState().notifications, before);
    assert.match(errors[0]?.message ?? '', /Could not apply snapshot/);
  });

  test('connection state and user follow the transport; errors from it become lastError', () => {
    const { store, transport } = setup();
    assert.equal(store.getState().connection.status, 'connected');
    assert.equal(store.getState().user?.id, 'admin-1');
    transport.setState({ status: 'auth-error', code: 4004, reason: 'invalid-token' });
    assert.equal(store.getState().connection.status, 'auth-error');
    transport.fail({ kind: 'auth', message: 'invalid token', code: 4004 });
    assert.equal(store.getState().lastError?.code, 4004);
  });

  test('destroy detaches from the transport, cancels the frame and fails requests', async () => {
    const { store, transport, frames } = setup();
    store.subscribe(
      (s) => s.loading,
      () => assert.fail('no calls after destroy'),
    );
    transport.receive(snapshot());
    const pending = store.refresh();
    assert.equal(frames.isPending, true);
    store.destroy();
    assert.equal(frames.isPending, false);
    assert.equal(transport.listenerCount, 0);
    await assert.rejects(pending, (err: RealtimeRequestError) => err.code === 'destroyed');
  });
});

describe('store: priorities in counts', () => {
  test('new notifications raise unread by category and priority', () => {
    const { store, transport, notify } = setup();
    transport.receive(snapshot({ seq: 0 }));
    const priorities: Priority[] = ['low', 'critical', 'critical'];
    priorities.forEach((priority, i) => {
      notify(i + 1, { priority, category: i ? 'calls' : 'agents' });
    });
    assert.deepEqual(store.getState().unread, unread(3, { agents: 1, calls: 2 }, { low: 1, critical: 2 }));
  });
});

describe('store: critical alerts by incident (group, resolved)', () => {
  /** The store's critical alerts for a list given newest first. */
  function alertsOf(list: Partial<ListedNotification>[], dismiss: string[] = []): string[] {
    const transport = new MemoryTransport();
    transport.connect();
    const store = createStore(transport);
    try {
      const notifications = list.map(
        (n, i): ListedNotification => ({
          kind: 'notification',
          id: n.title ?? `n${i}`,
          seq: list.length - i,
          title: `n${i}`,
          category: 'system',
          priority: 'critical',
          createdAt: '2026-11-25T10:00:00.000Z',
          read: false,
          ...n,
        }),
      );
      transport.receive(snapshot({ seq: list.length, notifications }));
      for (const id of dismiss) store.dismissAlert(id);
      return store.getState().criticalAlerts.map((n) => n.title);
    } finally {
      store.destroy();
    }
  }

  test('only the newest of a group alerts; ungrouped alerts stay', () => {
    assert.deepEqual(
      alertsOf([{ title: 'db still down', group: 'db' }, { title: 'api down' }, { title: 'db down', group: 'db' }]),
      ['db still down', 'api down'],
    );
  });

  test('a newer notification below critical (a partial recovery) or resolved ends the group alert', () => {
    assert.deepEqual(
      alertsOf([
        { title: 'db degraded', group: 'db', priority: 'medium' },
        { title: 'db down', group: 'db' },
      ]),
      [],
    );
    assert.deepEqual(
      alertsOf([
        { title: 'db recovered', group: 'db', priority: 'low', resolved: true },
        { title: 'other', group: 'other' },
        { title: 'db down', group: 'db' },
      ]),
      ['other'],
    );
    // Even a critical resolution does not alert.
    assert.deepEqual(
      alertsOf([
        { title: 'db fixed', group: 'db', resolved: true },
        { title: 'db down', group: 'db' },
      ]),
      [],
    );
  });

  test('reading or dismissing the newest does not bring the superseded one back', () => {
    assert.deepEqual(
      alertsOf([
        { title: 'db still down', group: 'db', read: true },
        { title: 'db down', group: 'db' },
      ]),
      [],
    );
    assert.deepEqual(
      alertsOf(
        [
          { title: 'db still down', group: 'db' },
          { title: 'db down', group: 'db' },
        ],
        ['db still down'],
      ),
      [],
    );
  });
});

describe('store: notification preferences', () => {
  const saved = {
    channels: { billing: { inApp: false, push: true, email: true } },
    quietHours: { timeZone: 'Europe/Berlin', windows: [{ days: [1, 2], start: '22:00', end: '07:00' }] },
    emailDigest: 'daily' as const,
  };

  test('null until loaded; loadPreferences settles on the preferences reply; a preferences event replaces them', async () => {
    const { transport, store, frames } = setup();
    transport.receive(snapshot());
    assert.equal(store.getState().preferences, null);
    const loading = store.loadPreferences();
    const asked = transport.last('getPreferences');
    transport.receive({ type: 'preferences', preferences: saved, ref: asked.ref });
    await loading;
    assert.deepEqual(store.getState().preferences, saved);
    const seen: unknown[] = [];
    store.subscribe(
      (s) => s.preferences,
      (p) => seen.push(p),
    );
    const next = { ...saved, emailDigest: 'off' as const };
    transport.receive({ type: 'event', event: { kind: 'preferences', id: 'p1', seq: 11, preferences: next } });
    frames.run();
    assert.deepEqual(seen, [next]);
    assert.equal(store.getState().lastSeq, 11);
  });

  test('setPreferences sends the document and rejects with the hub’s refusal', async () => {
    const { transport, store } = setup();
    transport.receive(snapshot());
    const saving = store.setPreferences(saved);
    const sent = transport.last('setPreferences');
    assert.deepEqual(sent.preferences, saved);
    transport.receive({
      type: 'error',
      code: 'invalid-message',
      message: 'preferences.quietHours.timeZone: must be an IANA time zone such as Europe/Berlin',
      ref: sent.ref,
    });
    await assert.rejects(
      saving,
      (err: unknown) => err instanceof RealtimeRequestError && err.code === 'invalid-message',
    );
    assert.equal(store.getState().preferences, null);
  });
});
