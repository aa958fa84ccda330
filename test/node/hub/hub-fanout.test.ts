import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import {
  type HistoryResultMessage,
  LIMITS,
  type ReadEvent,
  type SnapshotMessage,
  type StreamEvent,
  type WelcomeMessage,
} from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { REPLAY_PAGE } from '../../../src/hub/session.js';
import { closeAllHubs, note, signToken, startHub, TestClient } from '../../support/hub-harness.js';

after(closeAllHubs);

const titles = (events: StreamEvent[]) => events.flatMap((e) => (e.kind === 'notification' ? [e.title] : []));

describe('hub fan-out', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub();
  });
  after(() => hub.close());

  /** Publishes a marker every client sees, and waits until `clients` have it: everything before it has arrived. */
  async function barrier(clients: TestClient[], name: string) {
    await hub.publish({ kind: 'metrics', id: `barrier-${name}`, values: { activeUsers: 1 } });
    await Promise.all(clients.map((c) => c.waitForEvent((e) => e.id === `barrier-${name}`, `barrier ${name}`)));
  }

  test('category subscriptions are filtered on the hub; non-notifications reach everyone', async () => {
    const billingOnly = await TestClient.open(hub, await signToken({ sub: 'u-cat-1' }), { categories: ['billing'] });
    const everything = await TestClient.open(hub, await signToken({ sub: 'u-cat-2' }));
    await hub.publish([
      note('invoice failed', { category: 'billing' }),
      note('new login', { category: 'security' }),
      { kind: 'status', components: { api: { state: 'operational' } } },
      { kind: 'activity', type: 'billing', action: 'invoice paid', user: { id: 'cust-1' } },
    ]);
    await barrier([billingOnly, everything], 'cat1');
    assert.deepEqual(titles(billingOnly.events()), ['invoice failed']);
    assert.deepEqual(titles(everything.events()), ['invoice failed', 'new login']);
    for (const c of [billingOnly, everything]) {
      assert.ok(c.events().some((e) => e.kind === 'status'));
      assert.ok(c.events().some((e) => e.kind === 'activity'));
    }

    billingOnly.send({ type: 'subscribe', categories: ['security'], ref: 'sub-1' });
    await billingOnly.waitFor((m) => m.type === 'ack' && m.ref === 'sub-1', 'subscribe ack');
    await hub.publish([
      note('second invoice', { category: 'billing' }),
      note('second login', { category: 'security' }),
    ]);
    await barrier([billingOnly], 'cat2');
    assert.deepEqual(titles(billingOnly.events()), ['invoice failed', 'second login']);
    const audit = await hub.backend.readAudit({ action: 'subscribe', userId: 'u-cat-1' });
    assert.equal(audit.length, 1);
    billingOnly.close();
    everything.close();
  });

  test('audience user ids and roles are honoured', async () => {
    const ann = await TestClient.open(hub, await signToken({ sub: 'ann' }));
    const ben = await TestClient.open(hub, await signToken({ sub: 'ben' }));
    const root = await TestClient.open(hub, await signToken({ sub: 'root', role: 'super_admin' }));
    await hub.publish([
      note('for ann', { audience: { userIds: ['ann'] } }),
      note('for super admins', { audience: { roles: ['super_admin'] } }),
      note('for ben or super admins', { audience: { userIds: ['ben'], roles: ['super_admin'] } }),
      note('for everyone'),
    ]);
    await barrier([ann, ben, root], 'aud');
    assert.deepEqual(titles(ann.events()), ['for ann', 'for everyone']);
    assert.deepEqual(titles(ben.events()), ['for ben or super admins', 'for everyone']);
    assert.deepEqual(titles(root.events()), ['for super admins', 'for ben or super admins', 'for everyone']);
    for (const c of [ann, ben, root]) c.close();
  });

  test("mark read in one session reaches the user's other session and not another user's", async () => {
    const tab1 = await TestClient.open(hub, await signToken({ sub: 'reader' }));
    const tab2 = await TestClient.open(hub, await signToken({ sub: 'reader' }));
    const other = await TestClient.open(hub, await signToken({ sub: 'someone-else' }));
    const [a, b] = (
      await hub.publish([
        note('read me', { id: 'n-read-1', category: 'calls', priority: 'high' }),
        note('me too', { id: 'n-read-2', category: 'calls' }),
      ])
    ).accepted;
    await tab2.waitForEvent((e) => e.id === b!.id, 'second note');
    const before = (await hub.backend.unreadCounts({ userId: 'reader', role: 'admin' })).total;

    tab1.send({ type: 'markRead', ids: [a!.id], ref: 'mr-1' });
    await tab1.waitFor((m) => m.type === 'ack' && m.ref === 'mr-1', 'ack');
    const read = (await tab2.waitForEvent((e) => e.kind === 'read', 'read event in other tab')) as ReadEvent;
    assert.deepEqual(read.ids, [a!.id]);
    assert.equal(read.unread.total, before - 1, 'carries the new authoritative count');
    assert.ok(
      tab1.events().some((e) => e.kind === 'read'),
      'the acting session gets it too',
    );

    tab2.send({ type: 'markAllRead', ref: 'mar-1' });
    await tab2.waitFor((m) => m.type === 'ack' && m.ref === 'mar-1', 'ack');
    const all = (await tab1.waitForEvent((e) => e.kind === 'read' && e.all !== undefined, 'mark all')) as ReadEvent;
    assert.equal(all.all!.throughSeq, b!.seq + 1);
    assert.equal(all.unread.total, 0);

    tab1.send({ type: 'clear', ref: 'clr-1' });
    await tab2.waitForEvent((e) => e.kind === 'cleared', 'cleared in other tab');

    await barrier([other, tab1, tab2], 'read');
    assert.equal(
      other.events().filter((e) => e.kind === 'read' || e.kind === 'cleared').length,
      0,
      "another user sees none of reader's read state",
    );
    assert.equal((await hub.backend.unreadCounts({ userId: 'someone-else', role: 'admin' })).total > 0, true);
    const actions = (await hub.backend.readAudit({ userId: 'reader' })).map((r) => r.action);
    for (const action of ['mark-read', 'mark-all-read', 'clear', 'connect'] as const)
      assert.ok(actions.includes(action), action);
    for (const c of [tab1, tab2, other]) c.close();
  });

  test('history pages backwards and refresh answers a snapshot with the ref', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'pager' }));
    const accepted = (await hub.publish(Array.from({ length: 5 }, (_, i) => note(`page ${i}`, { category: 'agents' }))))
      .accepted;
    await client.waitForEvent((e) => e.id === accepted[4]!.id, 'last page note');
    client.send({ type: 'history', beforeSeq: accepted[3]!.seq, limit: 2, ref: 'h1' });
    const history = await client.waitFor<HistoryResultMessage>(
      (m) => m.type === 'history' && m.ref === 'h1',
      'history',
    );
    assert.deepEqual(
      history.notifications.map((n) => n.title),
      ['page 2', 'page 1'],
    );
    assert.equal(history.hasMore, true);
    client.send({ type: 'refresh', ref: 'r1' });
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot' && m.ref === 'r1', 'refresh');
    assert.equal(snapshot.seq, await hub.backend.latestSeq());
    assert.equal(snapshot.notifications[0]!.title, 'page 4');
    client.send({ type: 'ping', t: 7 });
    await client.waitFor((m) => m.type === 'pong' && m.t === 7, 'pong');
    assert.deepEqual(client.invalid, []);
    client.close();
  });

  test('each fanned-out event is serialised once, whatever the number of sockets', async () => {
    const clients = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => TestClient.open(hub, await signToken({ sub: `s${i}` }))),
    );
    const count = async (title: string) => {
      const original = JSON.stringify;
      let calls = 0;
      JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => {
        const out = original(...args);
        if (typeof out === 'string' && out.includes(title)) calls++;
        return out;
      }) as typeof JSON.stringify;
      let published: Promise<unknown>;
      try {
        // The synchronous part of a publish (validation, storage) is counted, as before storage
        // became asynchronous; nothing else the event loop runs meanwhile is.
        published = hub.publish(note(title));
      } finally {
        JSON.stringify = original;
      }
      await published;
      return calls;
    };
    // Storage writes the event once; fan-out once more, not once per socket.
    const withSix = await count('serialise-once-check');
    assert.ok(withSix <= 2, `serialised ${withSix} times`);
    await Promise.all(
      clients.map((c) =>
        c.waitForEvent((e) => e.kind === 'notification' && e.title === 'serialise-once-check', 'event'),
      ),
    );
    // And every socket received the very same text.
    const texts = new Set(clients.map((c) => c.raw.find((r) => r.includes('serialise-once-check'))));
    assert.equal(texts.size, 1);
    for (const c of clients.slice(1)) c.close();
    await Promise.all(clients.slice(1).map((c) => c.closed));
    assert.equal(await count('serialise-once-check-2'), withSix, 'one socket costs as many serialisations as six');
    clients[0]!.close();
  });
});

describe('hub fan-out: one frame per publish (protocol 2)', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub();
  });
  after(() => hub.close());

  const frameTypes = (c: TestClient) => c.frames.filter((m) => m.type === 'event' || m.type === 'events');

  test('a batch reaches a protocol-2 socket as one events frame, a protocol-1 socket as one frame per event', async () => {
    const batching = await TestClient.open(hub, await signToken({ sub: 'b-1' }), { protocol: 2 });
    const billingOnly = await TestClient.open(hub, await signToken({ sub: 'b-2' }), {
      protocol: 2,
      categories: ['billing'],
    });
    const single = await TestClient.open(hub, await signToken({ sub: 'b-3' }), { protocol: 1 });
    const batch = [
      note('b one', { category: 'system' }),
      note('b two', { category: 'billing' }),
      { kind: 'activity' as const, type: 'billing', action: 'invoice paid', user: { id: 'cust-1' } },
      note('b three', { category: 'system' }),
      note('b four', { category: 'billing' }),
    ];
    const accepted = (await hub.publish(batch)).accepted.map((a) => a.seq);
    await Promise.all(
      [batching, billingOnly, single].map((c) => c.waitForEvent((e) => e.seq === accepted[4], 'last of batch')),
    );

    const [whole] = frameTypes(batching);
    assert.equal(frameTypes(batching).length, 1);
    assert.equal(whole!.type, 'events');
    assert.deepEqual(
      batching.events().map((e) => e.seq),
      accepted,
    );
    // Filtered on the hub, still one frame: what this subscription may see, in order.
    assert.equal(frameTypes(billingOnly).length, 1);
    assert.deepEqual(
      billingOnly.events().map((e) => e.seq),
      [accepted[1], accepted[2], accepted[4]],
    );
    // A client that did not say protocol 2 gets what it understands.
    assert.deepEqual(
      frameTypes(single).map((m) => m.type),
      ['event', 'event', 'event', 'event', 'event'],
    );
    assert.deepEqual(
      single.events().map((e) => e.seq),
      accepted,
    );

    // A publish of one event is still an `event` frame.
    const one = (await hub.publish(note('b alone'))).accepted[0]!.seq;
    await batching.waitForEvent((e) => e.seq === one, 'single publish');
    assert.equal(frameTypes(batching).at(-1)!.type, 'event');
    for (const c of [batching, billingOnly, single]) {
      assert.deepEqual(c.invalid, []);
      c.close();
    }
  });

  test('sockets that see the same events share one encoded frame', async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async (_, i) =>
        TestClient.open(hub, await signToken({ sub: `share-${i}` }), { protocol: 2 }),
      ),
    );
    const accepted = (await hub.publish([note('share 1'), note('share 2'), note('share 3')])).accepted.map(
      (a) => a.seq,
    );
    await Promise.all(clients.map((c) => c.waitForEvent((e) => e.seq === accepted[2], 'share 3')));
    const texts = new Set(clients.map((c) => c.raw.find((r) => r.includes('share 1'))));
    assert.equal(texts.size, 1);
    assert.ok([...texts][0]!.startsWith('{"type":"events"'));
    for (const c of clients) c.close();
  });

  test('a fanned-out frame is framed once and written straight to each socket, not through ws.send', async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async (_, i) =>
        TestClient.open(hub, await signToken({ sub: `raw-${i}` }), { protocol: 2 }),
      ),
    );
    // ws internals the direct write relies on: if an upgrade of ws changes them, this fails loudly
    // (the hub would silently fall back to ws.send, correct but slower).
    const original = WebSocket.prototype.send;
    let sends = 0;
    WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket['send']>) {
      sends++;
      return original.apply(this, args);
    } as WebSocket['send'];
    let one: number;
    let batch: number[];
    try {
      one = (await hub.publish(note('raw single'))).accepted[0]!.seq;
      batch = (await hub.publish([note('raw batch 1'), note('raw batch 2')])).accepted.map((a) => a.seq);
    } finally {
      WebSocket.prototype.send = original;
    }
    assert.equal(sends, 0, 'no ws.send for fanned-out frames');
    await Promise.all(clients.map((c) => c.waitForEvent((e) => e.seq === batch.at(-1), 'raw batch 2')));
    for (const c of clients) {
      assert.deepEqual(
        c
          .events()
          .filter((e) => e.seq >= one)
          .map((e) => e.seq),
        [one, ...batch],
      );
      assert.deepEqual(c.invalid, []);
      c.close();
    }
  });

  test('a resume replays a page (REPLAY_PAGE, within LIMITS.eventsPerFrame) per events frame, in order, then goes live', async () => {
    const token = await signToken({ sub: 'b-resume' });
    const first = await TestClient.open(hub, token, { protocol: 2 });
    const { seq: from, stream } = first.frames[0] as WelcomeMessage;
    first.close();
    await first.closed;
    const missed = LIMITS.eventsPerFrame * 2 + 7;
    const seqsMissed: number[] = [];
    for (let done = 0; done < missed; done += LIMITS.batchSize) {
      const n = Math.min(LIMITS.batchSize, missed - done);
      const batch = Array.from({ length: n }, (_, i) => ({
        kind: 'metrics' as const,
        values: { activeUsers: done + i },
      }));
      seqsMissed.push(...(await hub.publish(batch)).accepted.map((a) => a.seq));
    }
    const second = await TestClient.open(hub, token, { protocol: 2, resumeFrom: from, stream });
    await second.waitForEvent((e) => e.seq === seqsMissed.at(-1), 'last missed');
    const frames = frameTypes(second);
    assert.ok(REPLAY_PAGE <= LIMITS.eventsPerFrame);
    assert.deepEqual(
      frames.map((m) => (m.type === 'events' ? m.events.length : 1)),
      [...Array(Math.floor(missed / REPLAY_PAGE)).fill(REPLAY_PAGE), missed % REPLAY_PAGE],
    );
    assert.deepEqual(
      second.events().map((e) => e.seq),
      seqsMissed,
    );
    const live = (await hub.publish(note('after the replay'))).accepted[0]!.seq;
    await second.waitForEvent((e) => e.seq === live, 'live');
    assert.deepEqual(second.invalid, []);
    second.close();
  });

  test('publishes made in one turn leave together: one events frame (protocol 2), frames in order (protocol 1)', async () => {
    const batching = await TestClient.open(hub, await signToken({ sub: 'turn-1' }), { protocol: 2 });
    const single = await TestClient.open(hub, await signToken({ sub: 'turn-2' }), { protocol: 1 });
    // Three publishes in one synchronous run, as a busy hub sees publishes that queued up.
    const seqs = (await Promise.all(['turn a', 'turn b', 'turn c'].map((title) => hub.publish(note(title))))).map(
      (r) => r.accepted[0]!.seq,
    );
    await Promise.all([batching, single].map((c) => c.waitForEvent((e) => e.seq === seqs[2], 'turn c')));
    assert.deepEqual(
      frameTypes(batching).map((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : [m.event.seq])),
      [seqs],
    );
    assert.deepEqual(
      frameTypes(single).map((m) => m.type),
      ['event', 'event', 'event'],
    );
    assert.deepEqual(
      single.events().map((e) => e.seq),
      seqs,
    );
    for (const c of [batching, single]) c.close();
  });

  test('a reply never overtakes an entry appended before it: the read event, then the ack', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'turn-reader' }), { protocol: 2 });
    const { id } = (await hub.publish(note('read before ack'))).accepted[0]!;
    await client.waitForEvent((e) => e.id === id, 'note');
    client.send({ type: 'markRead', ids: [id], ref: 'order-1' });
    await client.waitFor((m) => m.type === 'ack' && m.ref === 'order-1', 'ack');
    const readAt = client.frames.findIndex(
      (m) =>
        (m.type === 'event' && m.event.kind === 'read') ||
        (m.type === 'events' && m.events.some((e) => e.kind === 'read')),
    );
    const ackAt = client.frames.findIndex((m) => m.type === 'ack');
    assert.ok(readAt >= 0 && readAt < ackAt, `read event at ${readAt}, ack at ${ackAt}`);
    client.close();
  });

  test('what was published before close() reaches the sockets before their close frame', async () => {
    const own = await startHub();
    const client = await TestClient.open(own, await signToken({ sub: 'last-word' }), { protocol: 2 });
    const { seq } = (await own.publish(note('last before close'))).accepted[0]!;
    await own.close();
    await client.waitClosed();
    assert.ok(
      client.events().some((e) => e.seq === seq),
      'the last publish arrived',
    );
  });
});
