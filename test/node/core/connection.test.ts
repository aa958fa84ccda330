import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { backoffCap, backoffDelay, DEFAULT_BACKOFF } from '../../../src/core/backoff.js';
import { RealtimeConnection, type RealtimeConnectionOptions, type TimerApi } from '../../../src/core/connection.js';
import { type HubMessage, PROTOCOL_VERSION } from '../../../src/core/protocol.js';
import type { ConnectionState, RealtimeError } from '../../../src/core/types.js';
import { type TestServer as Server, TestServer, type TestServerOptions } from '../../support/test-server.js';
import { waitFor, waitForState } from '../../support/wait-for.js';

/** Timers that count what is still pending, to prove nothing is left behind. */
function countingTimers(): TimerApi & { pending: Set<unknown> } {
  const pending = new Set<unknown>();
  return {
    pending,
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        callback();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
}

/** A stand-in for `window` that counts its listeners. */
class FakeWindow extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

/** Deterministic uniform random in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Harness {
  server: Server;
  connection: RealtimeConnection;
  window: FakeWindow;
  timers: ReturnType<typeof countingTimers>;
  messages: HubMessage[];
  states: ConnectionState[];
  errors: RealtimeError[];
  /** Seqs of the events delivered to the store, in order. */
  seqs(): number[];
}

const open: Harness[] = [];

async function setup(
  serverOptions: TestServerOptions = {},
  options: Partial<RealtimeConnectionOptions> = {},
): Promise<Harness> {
  const server = await TestServer.start(serverOptions);
  const window = new FakeWindow();
  const timers = countingTimers();
  const connection = new RealtimeConnection({
    url: server.url,
    token: 'token-1',
    WebSocket,
    window,
    timers,
    random: () => 0,
    ...options,
  });
  const messages: HubMessage[] = [];
  const states: ConnectionState[] = [];
  const errors: RealtimeError[] = [];
  connection.onMessage((m) => messages.push(m));
  connection.onState((s) => states.push(s));
  connection.onError((e) => errors.push(e));
  const harness: Harness = {
    server,
    connection,
    window,
    timers,
    messages,
    states,
    errors,
    seqs: () => messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : [])),
  };
  open.push(harness);
  return harness;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    h.connection.close();
    await h.server.close();
  }
});

describe('RealtimeConnection: session', () => {
  test('authenticates in the first message, never in the URL, and delivers snapshot then live events', async () => {
    const h = await setup({}, { categories: ['system', 'billing'] });
    h.server.publish();
    h.connection.connect();
    const state = await waitForState(h.connection, 'connected');
    assert.equal(state.user.id, 'admin-1');
    assert.deepEqual(h.server.requestUrls, ['/v1/ws']);
    const [auth] = h.server.auths;
    assert.deepEqual(auth, {
      type: 'auth',
      token: 'token-1',
      protocol: PROTOCOL_VERSION,
      categories: ['system', 'billing'],
    });
    await waitFor(() => h.messages.some((m) => m.type === 'snapshot'), { message: 'snapshot' });
    assert.equal(h.connection.lastSeq, 1);
    h.server.publish();
    await waitFor(() => h.seqs().includes(2), { message: 'event 2' });
    assert.equal(h.connection.lastSeq, 2);
    assert.deepEqual(
      h.states.map((s) => s.status),
      ['connecting', 'connected'],
    );
  });

  test('send() returns false unless connected, and delivers when connected', async () => {
    const h = await setup();
    assert.equal(h.connection.send({ type: 'refresh', ref: 'r1' }), false);
    h.connection.connect();
    assert.equal(h.connection.send({ type: 'refresh', ref: 'r1' }), false, 'still connecting');
    await waitForState(h.connection, 'connected');
    assert.equal(h.connection.send({ type: 'markRead', ids: ['n-1'], ref: 'r2' }), true);
    await waitFor(() => h.messages.some((m) => m.type === 'ack' && m.ref === 'r2'), { message: 'ack r2' });
    h.connection.close();
    assert.equal(h.connection.send({ type: 'refresh' }), false);
  });

  test('a dropped connection resumes from the last seq: nothing lost, nothing applied twice', async () => {
    // The server replays two events the client already has, as a sloppy hub might.
    const h = await setup({ replayOverlap: 2 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    for (let i = 0; i < 3; i++) h.server.publish();
    await waitFor(() => h.seqs().length === 3, { message: 'three events' });

    h.server.terminateAll();
    h.server.publish();
    h.server.publish();
    await waitFor(() => h.server.connections === 2 && h.seqs().length === 5, { message: 'resumed replay' });
    assert.equal(h.server.auths[1]?.resumeFrom, 3);
    assert.equal(h.server.auths[1]?.token, 'token-1');

    // A duplicate pushed by the hub after the replay is dropped too.
    const first = h.messages.find((m) => m.type === 'event');
    assert.ok(first?.type === 'event');
    h.server.sendAll({ type: 'event', event: first.event });
    h.server.publish();
    await waitFor(() => h.seqs().includes(6), { message: 'event 6' });
    assert.deepEqual(h.seqs(), [1, 2, 3, 4, 5, 6]);
    assert.equal(h.messages.filter((m) => m.type === 'snapshot').length, 1, 'resume sends no second snapshot');
  });

  test('a welcome from another stream starts over from seq 0', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    for (let i = 0; i < 4; i++) h.server.publish();
    await waitFor(() => h.connection.lastSeq === 4, { message: 'seq 4' });

    let seqAtWelcome: number | undefined;
    h.connection.onMessage((m) => {
      if (m.type === 'welcome' && m.stream === 'stream-2') seqAtWelcome = h.connection.lastSeq;
    });
    h.server.resetStream();
    h.server.closeAll(4200, 'hub-restarting');
    await waitFor(() => h.messages.filter((m) => m.type === 'snapshot').length === 2, { message: 'second snapshot' });
    assert.equal(h.server.auths[1]?.resumeFrom, 4);
    assert.equal(seqAtWelcome, 0, 'the welcome of a new stream resets lastSeq');
    assert.equal(h.connection.lastSeq, 0);
    h.server.publish();
    await waitFor(() => h.seqs().length === 5, { message: 'event 1 of the new stream' });
    assert.deepEqual(h.seqs(), [1, 2, 3, 4, 1]);
  });

  test('a replay from another stream is followed by a fresh snapshot', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    for (let i = 0; i < 4; i++) h.server.publish();
    await waitFor(() => h.connection.lastSeq === 4, { message: 'seq 4' });

    // The hub lost its stream and the new one has already passed seq 4: it "resumes" from a
    // foreign seq, so the replay (5, 6) misses 1–4 of the new stream.
    h.server.resetStream();
    for (let i = 0; i < 6; i++) h.server.publish();
    h.server.closeAll(4201, 'resume-required');
    await waitFor(() => h.server.frames('refresh').length === 1, { message: 'refresh request' });
    await waitFor(() => h.messages.filter((m) => m.type === 'snapshot').length === 2, { message: 'fresh snapshot' });
    assert.equal(h.connection.lastSeq, 6);
    const snapshot = h.messages.at(-1);
    assert.equal(snapshot?.type === 'snapshot' && snapshot.notifications.length, 6);
  });

  test('malformed frames surface a protocol error and do not break the connection', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.server.sendRaw('not json');
    h.server.sendRaw('{"type":"bogus"}');
    h.server.sendRaw('{"type":"event","event":{"kind":"notification","seq":"x"}}');
    h.server.sendRaw(Buffer.from([1, 2, 3]));
    h.server.publish();
    await waitFor(() => h.seqs().includes(1), { message: 'event after malformed frames' });
    const protocol = h.errors.filter((e) => e.kind === 'protocol');
    assert.equal(protocol.length, 4);
    assert.match(protocol[0]!.message, /not valid JSON/);
    assert.match(protocol[3]!.message, /binary/);
    assert.equal(h.connection.state.status, 'connected');
    assert.equal(h.server.connections, 1);
  });

  test('an events frame delivers one event message per event, dropping what was applied and what it cannot read', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    const [one, two] = [h.server.publish(), h.server.publish()];
    await waitFor(() => h.seqs().includes(2), { message: 'events 1 and 2' });
    const at = new Date().toISOString();
    const note = (seq: number) => ({ ...one, id: `n-batch-${seq}`, seq, title: `batched ${seq}`, createdAt: at });
    // Overlaps what was applied (1, 2), carries a kind this client does not know (seq 4) and a bad event.
    h.server.sendRaw(
      JSON.stringify({
        type: 'events',
        events: [one, two, note(3), { kind: 'presence', id: 'p-4', seq: 4 }, note(5), { kind: 'notification', seq: 6 }],
      }),
    );
    h.server.sendRaw(JSON.stringify({ type: 'events', events: [{ kind: 'presence', id: 'p-7', seq: 7 }] }));
    h.server.sendRaw(JSON.stringify({ type: 'events', events: [] }));
    h.server.seq = 7;
    h.server.publish({ title: 'after the batch' });
    await waitFor(() => h.seqs().includes(h.server.seq), { message: 'event after the batch' });
    assert.deepEqual(h.seqs(), [1, 2, 3, 5, 8]);
    assert.ok(
      h.messages.every((m) => m.type !== 'events'),
      'listeners see event messages only',
    );
    const refused = h.errors.filter((e) => e.kind === 'protocol').map((e) => e.message);
    assert.equal(refused.length, 4, refused.join('\n'));
    assert.match(refused[0]!, /^refused event from hub: events\[3\]\.kind: must be one of/);
    assert.match(refused[1]!, /^refused event from hub: events\[5\]\./);
    assert.match(refused[2]!, /^refused frame from hub: events\[0\]\.kind: must be one of/);
    assert.match(refused[3]!, /^refused frame from hub: events: must have at least 1 items/);
    assert.equal(h.connection.state.status, 'connected');
  });

  test('setCategories subscribes in place and is remembered for the next auth', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.connection.setCategories(['billing']);
    await waitFor(() => h.server.frames('subscribe').length === 1, { message: 'subscribe frame' });
    assert.deepEqual(h.server.frames('subscribe')[0]!.message.categories, ['billing']);
    h.server.publish({ category: 'system' });
    h.server.publish({ category: 'billing' });
    await waitFor(() => h.seqs().length === 1, { message: 'billing event' });
    assert.deepEqual(h.seqs(), [2]);

    h.server.closeAll(4200, 'hub-restarting');
    await waitFor(() => h.server.auths.length === 2, { message: 'second auth' });
    assert.deepEqual(h.server.auths[1]!.categories, ['billing']);
  });
});

describe('RealtimeConnection: tokens', () => {
  test('4001 with a tokenProvider fetches exactly one new token and reconnects', async () => {
    let calls = 0;
    const h = await setup(
      { authorize: (token) => (token.startsWith('fresh') ? true : { code: 4001, reason: 'token-expired' }) },
      { token: 'stale', tokenProvider: async () => `fresh-${++calls}` },
    );
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    assert.equal(calls, 1);
    assert.deepEqual(
      h.server.auths.map((a) => a.token),
      ['stale', 'fresh-1'],
    );
    assert.equal(h.server.connections, 2);
  });

  test('a second 4001 in a row stops in auth-error with no further attempt; a new token reconnects', async () => {
    let calls = 0;
    const h = await setup(
      { authorize: (token) => (token === 'good' ? true : { code: 4001, reason: 'token-expired' }) },
      { token: 'stale', tokenProvider: async () => `also-expired-${++calls}` },
    );
    h.connection.connect();
    const state = await waitForState(h.connection, 'auth-error');
    assert.equal(state.code, 4001);
    assert.equal(calls, 1);
    assert.equal(h.server.connections, 2);
    assert.equal(h.timers.pending.size, 0, 'no retry is scheduled');
    assert.equal(h.window.listeners, 0);
    h.window.dispatchEvent(new Event('online'));
    assert.equal(h.connection.state.status, 'auth-error');

    h.connection.setToken('good');
    await waitForState(h.connection, 'connected');
    assert.equal(h.server.connections, 3);
  });

  test('4001 without a tokenProvider is an auth error at once', async () => {
    const h = await setup({ authorize: () => ({ code: 4001, reason: 'token-expired' }) });
    h.connection.connect();
    const state = await waitForState(h.connection, 'auth-error');
    assert.deepEqual(state, { status: 'auth-error', code: 4001, reason: 'token-expired' });
    assert.equal(h.server.connections, 1);
    assert.equal(h.timers.pending.size, 0);
  });

  test('setToken re-authenticates in place: same socket, feed keeps flowing', async () => {
    const h = await setup();
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.connection.setToken('token-2');
    await waitFor(() => h.messages.some((m) => m.type === 'welcome' && m.reauth), { message: 'reauth welcome' });
    assert.deepEqual(
      h.server.frames('auth').map((f) => [f.connection, f.message.token]),
      [
        [1, 'token-1'],
        [1, 'token-2'],
      ],
    );
    h.server.publish();
    await waitFor(() => h.seqs().includes(1), { message: 'event after reauth' });
    assert.equal(h.server.connections, 1);
    assert.ok(h.states.every((s) => s.status === 'connecting' || s.status === 'connected'));
  });

  test('refreshes the token ahead of expiry and re-authenticates in place', async () => {
    let calls = 0;
    const h = await setup(
      { expiresAt: (token) => (token === 'token-1' ? Date.now() + 1000 : Date.now() + 3_600_000) },
      { tokenProvider: async () => `renewed-${++calls}` },
    );
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    await waitFor(() => h.server.auths.some((a) => a.token === 'renewed-1'), { message: 'renewed token' });
    await waitFor(() => h.messages.some((m) => m.type === 'welcome' && m.reauth), { message: 'reauth welcome' });
    assert.equal(calls, 1);
    assert.equal(h.server.connections, 1);
  });

  test('4003 stops in auth-error with a reason and makes no further attempt', async () => {
    const h = await setup({ authorize: () => ({ code: 4003, reason: '' }) }, { tokenProvider: async () => 'x' });
    h.connection.connect();
    const state = await waitForState(h.connection, 'auth-error');
    assert.equal(state.code, 4003);
    assert.match(state.reason, /role/);
    assert.equal(h.timers.pending.size, 0, 'nothing scheduled that could reconnect');
    h.window.dispatchEvent(new Event('online'));
    h.connection.setCategories(['billing']);
    assert.equal(h.connection.state.status, 'auth-error');
    assert.equal(h.server.connections, 1);
  });

  test('a stop code other than auth closes for good', async () => {
    const h = await setup({ authorize: () => ({ code: 4006, reason: 'unsupported-protocol' }) });
    h.connection.connect();
    const state = await waitForState(h.connection, 'closed');
    assert.deepEqual(state, { status: 'closed', code: 4006, reason: 'unsupported-protocol' });
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.server.connections, 1);
  });
});

describe('RealtimeConnection: reconnecting', () => {
  test('4100 with retry-after=2 waits at least two seconds', async () => {
    const h = await setup({}, { random: () => 0.5, backoff: { initialMs: 100 } });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    const closedAt = Date.now();
    h.server.closeAll(4100, 'rate-limited; retry-after=2');
    const waiting = await waitForState(h.connection, 'reconnecting');
    assert.equal(waiting.lastCloseCode, 4100);
    assert.ok(waiting.nextRetryAt - closedAt >= 2000, `nextRetryAt ${waiting.nextRetryAt - closedAt} ms after close`);
    await waitFor(() => h.server.connections === 2, { timeoutMs: 6000, message: 'retry' });
    assert.ok(h.server.connectionTimes[1]! - closedAt >= 2000, 'retried before the hub allowed');
    await waitForState(h.connection, 'connected');
  });

  test('a hub that stops answering pings is detected and the client reconnects', async () => {
    const h = await setup({}, { heartbeatMs: 100, pongTimeoutMs: 150 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    await waitFor(() => h.server.frames('ping').length >= 2, { message: 'heartbeats' });
    h.server.stall();
    await waitFor(() => h.server.connections === 2 && h.connection.state.status === 'connected', {
      message: 'reconnect after half-open',
    });
    assert.ok(h.errors.some((e) => e.kind === 'close' && /heartbeat/.test(e.message)));
    assert.ok(h.states.some((s) => s.status === 'reconnecting'));
  });

  test('one unanswered ping is not a false alarm: re-ping at once, stay connected', async () => {
    const h = await setup({}, { heartbeatMs: 50, pongTimeoutMs: 100 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.server.dropPongs(1);
    const before = h.server.frames('ping').length;
    await waitFor(() => h.server.frames('ping').length >= before + 4, { message: 'pings continuing after a miss' });
    assert.equal(h.server.connections, 1);
    assert.deepEqual(
      h.states.map((s) => s.status),
      ['connecting', 'connected'],
    );
  });

  test('any frame proves the socket alive, even when pongs are late', async () => {
    const h = await setup({}, { heartbeatMs: 50, pongTimeoutMs: 100 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.server.dropPongs(1_000);
    // A busy hub: events keep flowing while pongs are stuck behind them.
    const feed = setInterval(() => h.server.publish(), 20);
    try {
      const before = h.server.frames('ping').length;
      await waitFor(() => h.server.frames('ping').length >= before + 5, { message: 'five more heartbeats' });
    } finally {
      clearInterval(feed);
    }
    assert.equal(h.server.connections, 1);
    assert.equal(h.connection.state.status, 'connected');
  });

  test('becoming visible re-pings at once', async () => {
    const h = await setup({}, { heartbeatMs: 60_000 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    assert.equal(h.server.frames('ping').length, 0);
    h.window.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => h.server.frames('ping').length === 1, { message: 'ping on visible' });
  });

  test('the online event reconnects at once, skipping the backoff wait', async () => {
    const h = await setup({}, { random: () => 0.9, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.server.closeAll(4102, 'slow-consumer');
    const waiting = await waitForState(h.connection, 'reconnecting');
    assert.ok(waiting.nextRetryAt - Date.now() > 30_000);
    h.window.dispatchEvent(new Event('online'));
    await waitForState(h.connection, 'connected', { timeoutMs: 2000 });
    assert.equal(h.server.connections, 2);
  });

  test('offline: no retries are burnt; online resumes', async () => {
    const h = await setup({}, { random: () => 0.5, backoff: { initialMs: 10_000 } });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.window.dispatchEvent(new Event('offline'));
    await waitFor(() => h.server.frames('ping').length === 1, { message: 'probe ping on offline' });
    h.server.closeAll(4102, 'slow-consumer');
    await waitForState(h.connection, 'offline');
    assert.equal(h.timers.pending.size, 0, 'no retry timer while offline');
    h.window.dispatchEvent(new Event('online'));
    await waitForState(h.connection, 'connected');

    h.server.closeAll(4102, 'slow-consumer');
    await waitForState(h.connection, 'reconnecting');
    h.window.dispatchEvent(new Event('offline'));
    assert.deepEqual(h.connection.state, { status: 'offline' });
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.server.connections, 2);
  });

  test('a refused connection backs off and retries until the hub is up', async () => {
    const probe = await TestServer.start();
    const url = probe.url;
    await probe.close();
    const h = await setup({}, { url, backoff: { initialMs: 20, maxMs: 20 } });
    h.connection.connect();
    const waiting = await waitForState(h.connection, 'reconnecting', { where: (s) => s.attempt >= 3 });
    assert.ok(waiting.attempt >= 3);
    // Failures before `open` are no clean close, and from the third in a row the state says so.
    const waits = h.states.filter((s) => s.status === 'reconnecting');
    assert.deepEqual(
      waits.map((s) => s.refused ?? false),
      waits.map((_, i) => i >= 2),
    );
    assert.ok(h.errors.every((e) => e.kind === 'close' && e.code === 1006));
    assert.match(
      waiting.reason ?? '',
      /refused the connection 3 times in a row.*--allowed-origins.*ws:\/\/127\.0\.0\.1/,
    );
    h.connection.close();
    assert.equal(h.timers.pending.size, 0);
  });
});

describe('RealtimeConnection: a hub that restarts', () => {
  // Waits at the top of each cap: 20, 40, 80, 160… ms without the restart cap, never over 50 with it.
  const backoff = { initialMs: 20, maxMs: 10_000, restartMaxMs: 50 };

  /**
   * Connects, lets `drop` end the session, then takes the hub down (every attempt refused, 1006).
   * Returns the wait announced by each `reconnecting` state from then on, in order.
   */
  async function goneAfter(restartWindowMs: number, drop?: (server: Server) => void) {
    const h = await setup({}, { random: () => 0.999, backoff: { ...backoff, restartWindowMs } });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    const seen: number[] = [];
    h.connection.onState((s) => {
      if (s.status === 'reconnecting') seen.push(s.nextRetryAt - Date.now());
    });
    if (drop) {
      drop(h.server);
      await waitForState(h.connection, 'reconnecting'); // at least 250 ms before the first retry
    }
    await h.server.close(); // without `drop`: terminates the socket, no close frame, no restart announced
    return { h, seen };
  }

  test('after 4200, retries stay within restartMaxMs for restartWindowMs, then back off in full', async () => {
    const { h, seen } = await goneAfter(1500, (server) => server.closeAll(4200, 'hub-restarting'));
    await waitFor(() => seen.slice(1).some((w) => w > 100), { timeoutMs: 10_000, message: 'the window to end' });
    const [first, ...rest] = seen;
    assert.ok(first !== undefined && first <= 250, `reconnect-now waits at most 250 ms, waited ${first}`);
    const capped = rest.slice(
      0,
      rest.findIndex((w) => w > 100),
    );
    assert.ok(capped.length >= 3, `several retries inside the window, got ${capped.length}`);
    assert.ok(
      capped.every((w) => w <= 50),
      `inside the window no wait exceeds restartMaxMs: ${capped.map(Math.round).join(', ')}`,
    );
    h.connection.close();
    assert.equal(h.timers.pending.size, 0);
  });

  test("the hub's retry-within spreads the first attempt and is the shortest range of every retry after it", async () => {
    const { h, seen } = await goneAfter(60_000, (server) =>
      server.closeAll(1001, 'hub shutting down; retry-within=0.4'),
    );
    await waitFor(() => seen.length >= 4, { timeoutMs: 5000, message: 'four retries' });
    const [first, ...rest] = seen.map(Math.round);
    assert.ok(first! > 300 && first! <= 400, `the first attempt is drawn from the 400 ms asked for, not 250: ${first}`);
    // Without the hint these would be at most restartMaxMs (50 ms).
    assert.ok(
      rest.every((w) => w > 300 && w <= 400),
      `no retry is drawn from less than 400 ms: ${rest.join(', ')}`,
    );
    h.connection.close();
  });

  test('an unannounced drop (1006) backs off in full from the start', async () => {
    const { h, seen } = await goneAfter(60_000);
    await waitFor(() => seen.length >= 4, { timeoutMs: 5000, message: 'four retries' });
    assert.ok(seen[3]! > 100, `the fourth wait is above restartMaxMs: ${seen.map(Math.round).join(', ')}`);
    h.connection.close();
  });
});

describe('RealtimeConnection: close()', () => {
  test('leaves no timer, socket or window listener behind', async () => {
    const h = await setup({ expiresAt: () => Date.now() + 3_600_000 }, { tokenProvider: async () => 'next' });
    h.connection.connect();
    assert.equal(h.window.listeners, 3);
    await waitForState(h.connection, 'connected');
    assert.ok(h.timers.pending.size >= 2, 'heartbeat and expiry timers run while connected');
    h.connection.close();
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.window.listeners, 0);
    assert.deepEqual(h.connection.state, { status: 'closed' });
    await waitFor(() => h.server.authenticated === 0, { message: 'server sees the socket closed' });
  });

  test('online after close() does not reconnect, closed from offline where online would', async () => {
    const h = await setup({}, { random: () => 0.5, backoff: { initialMs: 10_000 } });
    const goOffline = async () => {
      h.window.dispatchEvent(new Event('offline'));
      h.server.closeAll(4102, 'slow-consumer');
      await waitForState(h.connection, 'offline');
    };
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    await goOffline();
    // Control: here `online` reconnects at once, so the event does reach the connection.
    h.window.dispatchEvent(new Event('online'));
    assert.equal(h.connection.state.status, 'connecting');
    await waitForState(h.connection, 'connected');
    await goOffline();
    h.connection.close();
    h.window.dispatchEvent(new Event('online'));
    assert.equal(h.connection.state.status, 'closed');
    assert.equal(h.window.listeners, 0);
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.server.connections, 2);
  });

  test('closing while waiting to retry cancels the retry', async () => {
    const h = await setup({}, { random: () => 0.5 });
    h.connection.connect();
    await waitForState(h.connection, 'connected');
    h.server.closeAll(4103, 'overloaded; retry-after=30');
    await waitForState(h.connection, 'reconnecting');
    assert.equal(h.timers.pending.size, 1);
    h.connection.close();
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.window.listeners, 0);
  });
});

describe('backoff', () => {
  test('every delay lies in [0, cap] and the cap never exceeds maxMs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const cap = backoffCap(attempt);
          const delay = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
          assert.ok(cap <= DEFAULT_BACKOFF.maxMs);
          assert.equal(cap, Math.min(30_000, 1000 * 2 ** attempt));
          assert.ok(delay >= 0 && delay <= cap, `attempt ${attempt}: ${delay} outside [0, ${cap}]`);
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });

  test('delays are jittered across the whole range (seeded)', () => {
    const random = seeded(7);
    for (const attempt of [0, 3, 10]) {
      const cap = backoffCap(attempt);
      const draws = Array.from({ length: 2000 }, () => backoffDelay(attempt, DEFAULT_BACKOFF, random));
      assert.ok(
        draws.every((d) => d >= 0 && d <= cap),
        'in range',
      );
      assert.ok(new Set(draws).size > 1900, 'distinct values, not a fixed schedule');
      assert.ok(Math.min(...draws) < cap * 0.05 && Math.max(...draws) > cap * 0.95, 'full jitter spans [0, cap]');
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      assert.ok(Math.abs(mean - cap / 2) < cap * 0.05, `mean ${mean} near cap/2`);
    }
  });

  test('a retry-after floor is added under the jitter', () => {
    const random = seeded(11);
    for (let i = 0; i < 500; i++) {
      const delay = backoffDelay(2, DEFAULT_BACKOFF, random, 5000);
      assert.ok(delay >= 5000 && delay <= 5000 + backoffCap(2));
    }
  });
});
