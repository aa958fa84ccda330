/**
 * The session's answers against docs/protocol.md: a readable request with a bad field gets an
 * `error` (and the session goes on), each documented error code where it applies, the close code
 * the hub sent in the log and the audit, and the edges of claims and resume.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient } from '../../../src/core/client.js';
import {
  CloseCode,
  type ErrorMessage,
  type HubMessage,
  type SnapshotMessage,
  type StreamEvent,
  type WelcomeMessage,
} from '../../../src/core/protocol.js';
import type { Logger } from '../../../src/hub/log.js';
import {
  closeAllHubs,
  note,
  signToken,
  startHub,
  TEST_SECRET,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';

after(closeAllHubs);

let pings = 0;
/** Frames are handled in order: a pong to a ping sent after `client`'s last request proves it was served. */
async function stillServed(client: TestClient, label: string): Promise<void> {
  const t = ++pings;
  client.send({ type: 'ping', t });
  await client.waitFor((m) => m.type === 'pong' && m.t === t, `pong after ${label}`);
  assert.equal(client.closedWith, null, `${label}: the session goes on`);
  assert.deepEqual(client.invalid, []);
}

const answerTo = (client: TestClient, ref: string) =>
  client.waitFor<ErrorMessage>((m) => (m.type === 'error' || m.type === 'ack') && 'ref' in m && m.ref === ref, ref);

describe('request mistakes get an error frame, not a closed socket', () => {
  test('history limit 101, markRead of 501 ids, a bad category, a bad filter: invalid-message with the ref', async () => {
    const hub = await startHub();
    const client = await TestClient.open(hub, await signToken({ sub: 'mistaken' }));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: 'history', beforeSeq: 10, limit: 101 }, /^limit: must be at most 100$/],
      [{ type: 'markRead', ids: Array.from({ length: 501 }, (_, i) => `n${i}`) }, /^ids: must have at most 500 items$/],
      [{ type: 'subscribe', categories: ['calls', 'bad category'] }, /^categories\[1\]: must match/],
      [{ type: 'markAllRead', filter: { priority: 'urgent' } }, /^filter\.priority: must be one of/],
      [{ type: 'history', beforeSeq: -1 }, /^beforeSeq: must be at least 0$/],
    ];
    for (const [i, [request, message]] of cases.entries()) {
      const ref = `bad-${i}`;
      client.send({ ...request, ref });
      const answer = await answerTo(client, ref);
      assert.equal(answer.type, 'error', `${request.type} is refused`);
      assert.equal(answer.code, 'invalid-message');
      assert.match(answer.message, message);
      await stillServed(client, String(request.type));
    }
    // A request whose ref itself is bad is still answered, without a ref to echo.
    client.send({ type: 'clear', ref: 'r'.repeat(65) });
    const noRef = await client.waitFor<ErrorMessage>(
      (m) => m.type === 'error' && /^ref: /.test(m.message),
      'error for a bad ref',
    );
    assert.equal(noRef.ref, undefined);
    await stillServed(client, 'bad ref');
    // Nothing the bad requests asked for happened: the subscription and read state are unchanged.
    await hub.publish(note('still every category', { category: 'billing' }));
    await client.waitForEvent((e) => e.kind === 'notification' && e.title === 'still every category', 'billing');
    client.close();
  });

  test('frames the hub cannot read still close with 1008: unknown type, no type, not an object, not JSON', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'unreadable' });
    for (const frame of ['{"type":"dropTables","ref":"x"}', '{"ref":"x"}', '[1,2]', '{"type":"history"']) {
      const client = await TestClient.open(hub, token);
      client.ws.send(frame);
      const closed = await client.waitClosed(frame);
      assert.equal(closed.code, CloseCode.PolicyViolation, frame);
      assert.equal(client.frames.filter((m) => m.type === 'error').length, 0);
    }
  });

  test('before auth a request with a bad field still closes 1008 (there is no session to go on)', async () => {
    const hub = await startHub();
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'history', beforeSeq: 1, limit: 101, ref: 'early' });
    const closed = await client.waitClosed();
    assert.equal(closed.code, CloseCode.PolicyViolation);
    assert.equal(closed.reason, 'limit: must be at most 100');
    assert.equal(client.frames.length, 0);
  });
});

describe('error codes as documented', () => {
  test('markRead of unknown and of other users’ ids: unknown-notification (the same answer for both); known ids are read', async () => {
    const hub = await startHub();
    const [mine, theirs, known] = (
      await hub.publish([
        note('mine'),
        note('for somebody else', { audience: { userIds: ['somebody-else'] } }),
        note('read twice'),
      ])
    ).accepted;
    const client = await TestClient.open(hub, await signToken({ sub: 'reader' }));
    client.send({ type: 'markRead', ids: [mine!.id, 'no-such-id', theirs!.id], ref: 'mixed' });
    const answer = await answerTo(client, 'mixed');
    assert.equal(answer.type, 'error');
    assert.equal(answer.code, 'unknown-notification');
    assert.equal(answer.message, `2 of 3 ids are not notifications you can see: no-such-id, ${theirs!.id}`);
    // The known id was read, and its read event came before the answer.
    const readAt = client.frames.findIndex((m) => m.type === 'event' && m.event.kind === 'read');
    const answerAt = client.frames.indexOf(answer);
    assert.ok(readAt >= 0 && readAt < answerAt, 'read event before the error');
    const read = (client.frames[readAt] as { event: Extract<StreamEvent, { kind: 'read' }> }).event;
    assert.deepEqual(read.ids, [mine!.id]);

    // Only the other user's id: the same answer as an id that does not exist.
    client.send({ type: 'markRead', ids: [theirs!.id], ref: 'theirs' });
    client.send({ type: 'markRead', ids: ['nope'], ref: 'nope' });
    const a = await answerTo(client, 'theirs');
    const b = await answerTo(client, 'nope');
    assert.equal(a.code, 'unknown-notification');
    assert.equal(b.code, 'unknown-notification');
    assert.equal(a.message.replace(theirs!.id, 'X'), b.message.replace('nope', 'X'));

    // Marking read twice (another tab was first) is not an error.
    client.send({ type: 'markRead', ids: [known!.id], ref: 'first' });
    assert.equal((await answerTo(client, 'first')).type, 'ack');
    client.send({ type: 'markRead', ids: [known!.id, mine!.id], ref: 'again' });
    assert.equal((await answerTo(client, 'again')).type, 'ack');
    client.close();
  });

  test('a 4102 close is logged and audited with 4102 even when the peer never completes the close', async () => {
    const lines: Array<{ msg: string; fields: Record<string, unknown> }> = [];
    const log: Logger = {
      level: 'info',
      debug: () => {},
      info: (msg, fields = {}) => lines.push({ msg, fields }),
      warn: () => {},
      error: () => {},
      always: () => {},
    };
    const hub = await startHub({ maxBufferedBytes: 64 * 1024, log });
    const slow = await TestClient.open(hub, await signToken({ sub: 'slow-reader' }));
    const socket = (slow.ws as unknown as { _socket: { pause(): void } })._socket;
    socket.pause();
    const padding = 'p'.repeat(1900);
    let batches = 0;
    await waitUntil(
      async () => {
        if (hub.connections() === 0) return true;
        if (batches++ < 200)
          await hub.publish(Array.from({ length: 50 }, (_, i) => note(`bulk ${i}`, { message: padding })));
        return false;
      },
      'the slow consumer to be dropped',
      15_000,
    );
    // The peer vanishes without answering the close: the hub's socket sees 1006.
    slow.ws.terminate();
    await waitUntil(
      async () => (await hub.backend.readAudit({ action: 'disconnect', limit: 5 })).length,
      'disconnect audited',
    );
    const [row] = await hub.backend.readAudit({ action: 'disconnect', limit: 5 });
    assert.equal(row!.userId, 'slow-reader');
    assert.equal(row!.detail?.code, CloseCode.SlowConsumer);
    const logged = lines.find((l) => l.msg === 'disconnected');
    assert.equal(logged?.fields.code, CloseCode.SlowConsumer);
    assert.match(String(logged?.fields.reason), /^slow-consumer/);
  });
});

describe('claims and resume edges', () => {
  test('role: null with roles: ["admin"] is let in (the roles fallback applies when role is absent or null)', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'null-role', claims: { role: null, roles: ['viewer', 'admin'] } });
    const client = await TestClient.open(hub, token);
    assert.equal((client.frames[0] as WelcomeMessage).user.role, 'admin');
    client.close();
    const denied = await TestClient.connect(hub.wsUrl);
    denied.send({
      type: 'auth',
      token: await signToken({ sub: 'null-role', claims: { role: null, roles: ['viewer'] } }),
    });
    assert.equal((await denied.waitClosed()).code, CloseCode.Forbidden);
  });

  test('a resumeFrom without its stream gets a snapshot (a seq means nothing without the stream it belongs to)', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'streamless' });
    const [first, second] = (await hub.publish([note('one'), note('two')])).accepted;
    const client = await TestClient.open(hub, token, { resumeFrom: first!.seq });
    const welcome = client.frames[0] as WelcomeMessage;
    assert.equal(welcome.resumed, false);
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    assert.deepEqual(
      snapshot.notifications.map((n) => n.seq),
      [second!.seq, first!.seq],
    );
    assert.deepEqual(client.events(), [], 'no replay');
    client.close();
  });

  test('a re-auth welcome says resumed: true and nothing follows it (no snapshot, no replay)', async () => {
    const hub = await startHub();
    const client = await TestClient.open(hub, await signToken({ sub: 'refresher', ttl: 60 }));
    await hub.publish(note('before'));
    await client.waitForEvent((e) => e.kind === 'notification', 'before');
    const before = client.frames.length;
    client.send({ type: 'auth', token: await signToken({ sub: 'refresher', ttl: 600 }) });
    const again = await client.waitFor<WelcomeMessage>((m) => m.type === 'welcome' && m.reauth === true, 'reauth');
    assert.equal(again.resumed, true);
    await stillServed(client, 're-auth');
    const after: HubMessage[] = client.frames.slice(before);
    assert.deepEqual(
      after.map((m) => m.type),
      ['welcome', 'pong'],
    );
    client.close();
  });

  test('unread counts are the user’s over every category, whatever the session subscribed to', async () => {
    const hub = await startHub();
    await hub.publish([note('a call', { category: 'calls' }), note('a bill', { category: 'billing' })]);
    const token = await signToken({ sub: 'subscriber' });
    const calls = await TestClient.open(hub, token, { categories: ['calls'] });
    const welcome = calls.frames[0] as WelcomeMessage;
    assert.deepEqual(welcome.unread.byCategory, { calls: 1, billing: 1 });
    const snapshot = await calls.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    assert.deepEqual(
      snapshot.notifications.map((n) => n.category),
      ['calls'],
      'notifications are filtered',
    );
    assert.equal(snapshot.unread.total, 2, 'counts are not');
    calls.close();
  });
});

describe('a paced replay', () => {
  test('requests sent during a replay are answered after it, in order', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'impatient' });
    const first = await TestClient.open(hub, token);
    const { seq: from, stream } = first.frames[0] as WelcomeMessage;
    first.close();
    const message = 'm'.repeat(1500);
    const missed: number[] = [];
    for (let i = 0; i < 4; i++)
      missed.push(
        ...(await hub.publish(Array.from({ length: 500 }, (_, j) => note(`m ${i}-${j}`, { message })))).accepted.map(
          (a) => a.seq,
        ),
      );
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'auth', token, resumeFrom: from, stream });
    client.send({ type: 'ping', t: 1 });
    client.send({ type: 'history', beforeSeq: 1, limit: 101, ref: 'bad' });
    await client.waitFor((m) => m.type === 'error' && m.ref === 'bad', 'error after the replay', 10_000);
    const types = client.frames.map((m) => m.type);
    assert.deepEqual(types.slice(-2), ['pong', 'error'], 'answers in order');
    assert.deepEqual(
      client.events().map((e) => e.seq),
      missed,
      'the whole replay came first',
    );
    client.close();
  });

  test('retention that passes during a replay closes with 4201 after what was sent, without a gap', async () => {
    const hub = await startHub({ retention: { replayCount: 6000 } });
    const token = await signToken({ sub: 'overtaken' });
    const first = await TestClient.open(hub, token);
    const { seq: from, stream } = first.frames[0] as WelcomeMessage;
    first.close();
    const message = 'm'.repeat(2000);
    const publishMany = async (n: number, tag: string) => {
      for (let i = 0; i < n; i += 500)
        await hub.publish(Array.from({ length: 500 }, (_, j) => note(`${tag} ${i + j}`, { message })));
    };
    await publishMany(6000, 'old'); // 12 MB: more than the socket buffers hold, so the replay waits for drain
    const client = await TestClient.connect(hub.wsUrl);
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    client.send({ type: 'auth', token, resumeFrom: from, stream });
    await waitUntil(
      async () => (await hub.backend.readAudit({ action: 'connect', userId: 'overtaken', limit: 5 })).length >= 2,
      'resume started',
    );
    await publishMany(6000, 'new');
    await hub.backend.prune(); // the replay's next page is gone now
    socket.resume();
    const closed = await client.waitClosed('4201', 20_000);
    assert.equal(closed.code, CloseCode.ResumeRequired);
    assert.match(closed.reason, /^resume-required/);
    const seqs = client.events().map((e) => e.seq);
    assert.ok(seqs.length > 0 && seqs.length < 6000, `part of the replay was sent (${seqs.length})`);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => from + 1 + i),
      'contiguous up to the close',
    );
  });

  test('frames waiting behind a slow token check are bounded: over maxBufferedBytes the socket closes with 4100', async () => {
    let release: (() => void) | undefined;
    const hub = await startHub({
      maxBufferedBytes: 256 * 1024,
      verifyToken: () =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, user: { id: 'waiting', role: 'admin' } });
        }),
    });
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'auth', token: 'anything' });
    const pad = 'p'.repeat(60 * 1024);
    for (let i = 0; i < 5; i++) client.send({ type: 'ping', t: i, pad });
    const closed = await client.waitClosed();
    assert.equal(closed.code, CloseCode.RateLimited);
    assert.equal(closed.reason, 'rate-limited; retry-after=5');
    release?.();
  });
});

describe('the client with these answers', () => {
  test('createRealtimeClient: a markRead the hub refuses rejects with its code and rolls the optimistic read back', async () => {
    let clock = Date.now();
    // The hub's clock jumps 31 days below: allow a token that outlives the jump.
    const hub = await startHub({
      now: () => clock,
      auth: { jwtSecret: TEST_SECRET, maxTokenLifetimeSec: 91 * 24 * 3600 },
    });
    const client = createRealtimeClient({
      url: hub.wsUrl,
      token: await signToken({ sub: 'optimist', ttl: 90 * 24 * 3600 }),
      WebSocket: WebSocket as never,
      window: null,
    });
    try {
      client.connect();
      const [gone] = (await hub.publish([note('pruned while shown')])).accepted;
      await waitUntil(
        () => client.store.getState().notifications.some((n) => n.id === gone!.id),
        'the notification shown',
      );
      assert.equal(client.store.getState().unread.total, 1);
      // Retention drops it at the hub while the page still shows it.
      clock += 31 * 24 * 3600 * 1000;
      await hub.backend.prune(clock);
      const refused = client.store.markRead([gone!.id]);
      assert.equal(client.store.getState().notifications[0]!.read, true, 'read at once (optimistic)');
      await assert.rejects(refused, (err: Error & { code?: string }) => err.code === 'unknown-notification');
      const state = client.store.getState();
      assert.equal(state.notifications[0]!.read, false, 'rolled back');
      assert.equal(state.unread.total, 1, 'the count too');
      assert.equal(state.connection.status, 'connected', 'the session goes on');
    } finally {
      client.close();
    }
  });
});
