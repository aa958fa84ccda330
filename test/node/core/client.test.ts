/**
 * End to end through the real RealtimeConnection (with `ws`) against the protocol test server:
 * what an integrator using `createRealtimeClient` observes.
 */
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../../src/core/index.js';
import type { ConnectionState, ListedNotification, RealtimeError } from '../../../src/core/types.js';
import { TestServer } from '../../support/test-server.js';
import { waitFor, waitForState } from '../../support/wait-for.js';

/**
 * Timers created by src/core that are still pending. Only ours: `ws` keeps its own close-handshake
 * timer until the TCP socket is gone, which says nothing about this library.
 */
const coreTimers = new Map<number, string>();
createHook({
  init(id, type) {
    if (type !== 'Timeout') return;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    const origin = /[/\\]src[/\\]core[/\\][^\s)]+/.exec(stack)?.[0];
    if (origin) coreTimers.set(id, origin);
  },
  destroy(id) {
    coreTimers.delete(id);
  },
}).enable();

describe('createRealtimeClient over a real socket', () => {
  let server: TestServer;
  let client: RealtimeClient;
  const states: ConnectionState[] = [];
  const errors: RealtimeError[] = [];
  const arrived: ListedNotification[] = [];

  before(async () => {
    server = await TestServer.start({ replayOverlap: 2 });
    server.publish({ title: 'Before connect 1', category: 'billing' });
    server.publish({ title: 'Before connect 2', priority: 'critical' });
    client = createRealtimeClient({
      url: server.url,
      token: 'token-1',
      WebSocket: WebSocket as never,
      window: null,
      backoff: { initialMs: 10, maxMs: 20 },
      maxNotifications: 4,
    });
    client.on('realtime-state-change', (s) => states.push(s));
    client.on('realtime-error', (e) => errors.push(e));
    client.on('realtime-notification', (n) => arrived.push(n));
  });

  after(async () => {
    client.close();
    await server.close();
  });

  test('connect() is idempotent; the snapshot loads without notification events', async () => {
    client.connect();
    client.connect();
    await waitFor(() => !client.store.getState().loading, { message: 'first snapshot' });
    const s = client.store.getState();
    assert.equal(server.connections, 1);
    assert.equal(server.auths.length, 1);
    assert.equal(server.requestUrls[0], '/v1/ws', 'the token never travels in the URL');
    assert.equal(s.connection.status, 'connected');
    assert.equal(s.user?.id, 'admin-1');
    assert.deepEqual(
      s.notifications.map((n) => n.title),
      ['Before connect 2', 'Before connect 1'],
    );
    assert.equal(s.unread.total, 2);
    assert.equal(s.criticalAlerts.length, 1);
    assert.equal(arrived.length, 0);
    assert.deepEqual(
      states.map((x) => x.status),
      ['connecting', 'connected'],
    );
  });

  test('live notifications reach the store (capped) and fire realtime-notification once each', async () => {
    for (let i = 1; i <= 3; i++) server.publish({ title: `Live ${i}` });
    await waitFor(() => arrived.length === 3 && client.store.getState().lastSeq === 5, {
      message: 'three live events',
    });
    // The same event again (a hub retry): neither the connection nor the store applies it twice.
    server.sendAll({ type: 'event', event: { ...lastEvent(), seq: 5 } });
    server.publish({ title: 'Marker' });
    await waitFor(() => arrived.length === 4, { message: 'the marker after the duplicate' });
    const s = client.store.getState();
    assert.deepEqual(
      arrived.map((n) => n.title),
      ['Live 1', 'Live 2', 'Live 3', 'Marker'],
    );
    assert.deepEqual(
      s.notifications.map((n) => n.title),
      ['Marker', 'Live 3', 'Live 2', 'Live 1'],
    );
    assert.equal(s.hasMore, true, 'the cap pushed older notifications out');
    assert.equal(s.unread.total, 6);
  });

  test('a malformed hub frame leaves the store intact and surfaces realtime-error', async () => {
    const before = client.store.getState();
    const errorsBefore = errors.length;
    server.sendRaw('{"type":"event"');
    server.sendRaw(JSON.stringify({ type: 'event', event: { kind: 'notification', id: 'x', seq: 99 } }));
    await waitFor(() => errors.length === errorsBefore + 2, { message: 'two protocol errors' });
    const after = client.store.getState();
    assert.equal(after.notifications, before.notifications);
    assert.equal(after.unread, before.unread);
    assert.equal(after.lastSeq, 6);
    assert.equal(after.connection.status, 'connected');
    assert.match(errors.at(-1)?.message ?? '', /event\.title: is required/);
    assert.equal(after.lastError?.kind, 'protocol');
  });

  test('markRead goes over the wire with a ref and resolves on the ack', async () => {
    const target = client.store.getState().notifications[0]!;
    await client.store.markRead([target.id]);
    const sent = server.frames('markRead').at(-1)?.message;
    assert.deepEqual(sent?.ids, [target.id]);
    assert.ok(sent?.ref);
    const s = client.store.getState();
    assert.equal(s.notifications[0]?.read, true);
    assert.equal(s.unread.total, 5);
  });

  test('after a dropped socket the client resumes: nothing lost, nothing applied twice', async () => {
    const before = client.store.getState();
    server.terminateAll();
    await waitForState(client.connection, 'reconnecting');
    server.publish({ title: 'While away' });
    await waitFor(() => client.store.getState().lastSeq === 7 && client.connection.state.status === 'connected', {
      message: 'resumed session with the missed event',
    });
    assert.equal(server.auths.at(-1)?.resumeFrom, 6);
    const s = client.store.getState();
    assert.deepEqual(
      s.notifications.map((n) => n.title),
      ['While away', 'Marker', 'Live 3', 'Live 2'],
    );
    assert.equal(s.notifications[1], before.notifications[0], 'replayed overlap did not replace applied items');
    assert.deepEqual(
      arrived.map((n) => n.title),
      ['Live 1', 'Live 2', 'Live 3', 'Marker', 'While away'],
    );
    assert.equal(s.unread.total, 7, "reconciled to the hub's count, the replay not counted twice");
  });

  test('close() leaves no timers or listeners and the client stays closed', async () => {
    const calls = states.length;
    client.close();
    assert.equal(client.store.getState().connection.status, 'closed');
    assert.equal(states.length, calls + 1, 'listeners hear the final closed state');
    client.connect();
    client.on('realtime-state-change', () => assert.fail('no listener after close'));
    assert.equal(client.connection.state.status, 'closed');
    await waitFor(() => server.authenticated === 0, { message: 'the hub to see the socket close' });
    assert.equal(server.connections, 2);
    // Async hooks report a cleared timer's destruction a tick later, hence the (bounded) wait.
    await waitFor(() => coreTimers.size === 0, {
      timeoutMs: 1000,
      message: `no timers of src/core left; pending: ${[...coreTimers.values()].join(', ')}`,
    });
  });

  const lastEvent = () => ({
    kind: 'notification' as const,
    id: `n-${server.stream}-5`,
    title: 'dup',
    category: 'system',
    priority: 'low' as const,
    createdAt: new Date().toISOString(),
  });
});
