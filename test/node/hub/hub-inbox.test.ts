/**
 * Inbox actions over real sockets: two sockets of one admin each see the other's archive, mark
 * unread, snooze, delete and their undos; another admin sees none of it; a resume replays them; a
 * restart of the hub on its SQLite file keeps the state and the pending snooze, which wakes back
 * as new in every session; the same commands over `POST /v1/commands`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type {
  ErrorMessage,
  HistoryResultMessage,
  HubMessage,
  InboxEvent,
  SnapshotMessage,
  StreamEvent,
  WelcomeMessage,
} from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';

after(closeAllHubs);
const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-inbox-hub-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isInbox = (e: StreamEvent): e is InboxEvent => e.kind === 'inbox';
const inboxEvents = (client: TestClient) => client.events().filter(isInbox);

let refs = 0;
/** Sends a request with a fresh ref; resolves with the hub's answer to it (ack, error, history). */
async function ask(client: TestClient, message: Record<string, unknown>): Promise<HubMessage> {
  const ref = `q${++refs}`;
  client.send({ ...message, ref });
  return client.waitFor((m) => 'ref' in m && m.ref === ref, `answer to ${String(message.type)}`);
}

/** Publishes notes; answers their ids in order. */
async function publish(hub: Hub, ...titles: string[]): Promise<string[]> {
  const { accepted } = await hub.publish(titles.map((t) => note(t)));
  return accepted.map((a) => a.id);
}

/** Waits for the `count`-th inbox event on each client; answers the last one each saw (equal). */
async function seenByAll(clients: TestClient[], count: number): Promise<InboxEvent> {
  for (const c of clients) await c.waitForEvent(() => inboxEvents(c).length >= count, `inbox event #${count}`);
  const last = clients.map((c) => inboxEvents(c)[count - 1]!);
  for (const e of last) assert.deepEqual(e, last[0]);
  return last[0]!;
}

const snapshotOf = async (hub: Hub, token: string) => {
  const client = await TestClient.open(hub, token);
  const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
  client.close();
  return snapshot;
};

describe('hub: inbox actions', () => {
  test('every session of the admin sees each action; other admins see none; refusals are answered', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'ada' });
    const [n1, n2, n3] = await publish(hub, 'one', 'two', 'three');
    const a = await TestClient.open(hub, token);
    const b = await TestClient.open(hub, token);
    const other = await TestClient.open(hub, await signToken({ sub: 'bob' }));
    await a.waitFor((m) => m.type === 'snapshot', 'snapshot');

    assert.deepEqual(await ask(a, { type: 'archive', ids: [n1] }), { type: 'ack', ref: `q${refs}` });
    let e = await seenByAll([a, b], 1);
    assert.equal(e.action, 'archived');
    assert.deepEqual(e.ids, [n1]);
    assert.equal(e.unread.total, 2);
    assert.equal(e.notifications, undefined);

    const archived = (await ask(b, { type: 'history', beforeSeq: 1000, view: 'archived' })) as HistoryResultMessage;
    assert.deepEqual(
      archived.notifications.map((n) => [n.id, n.archived]),
      [[n1, true]],
    );
    const inboxPage = (await ask(b, { type: 'history', beforeSeq: 1000 })) as HistoryResultMessage;
    assert.deepEqual(
      inboxPage.notifications.map((n) => n.id),
      [n3, n2],
    );

    await ask(b, { type: 'markRead', ids: [n2] });
    await ask(b, { type: 'markUnread', ids: [n2] });
    e = await seenByAll([a, b], 2);
    assert.deepEqual([e.action, e.ids, e.unread.total], ['unread', [n2], 2]);

    const until = Date.now() + 3_600_000;
    await ask(a, { type: 'snooze', ids: [n3], until });
    e = await seenByAll([a, b], 3);
    assert.deepEqual([e.action, e.until, e.unread.total], ['snoozed', until, 1]);
    await ask(a, { type: 'unsnooze', ids: [n3] });
    e = await seenByAll([a, b], 4);
    assert.equal(e.action, 'unsnoozed');
    assert.deepEqual(
      e.notifications?.map((n) => [n.id, n.read]),
      [[n3, false]],
    );

    await ask(b, { type: 'delete', ids: [n2] });
    e = await seenByAll([a, b], 5);
    assert.deepEqual([e.action, e.unread.total], ['deleted', 1]);
    await ask(b, { type: 'restore', ids: [n2] });
    e = await seenByAll([a, b], 6);
    assert.deepEqual([e.action, e.notifications?.map((n) => n.id), e.unread.total], ['restored', [n2], 2]);
    await ask(a, { type: 'unarchive', ids: [n1] });
    e = await seenByAll([a, b], 7);
    assert.deepEqual([e.action, e.notifications?.map((n) => n.archived ?? false)], ['unarchived', [false]]);

    // Nothing changes, nothing is appended: an archive of an archived one twice still answers ack.
    await ask(a, { type: 'archive', ids: [n1] });
    await ask(a, { type: 'archive', ids: [n1] });
    await seenByAll([a, b], 8);

    const unknown = (await ask(a, { type: 'archive', ids: [n1, 'not-a-notification'] })) as ErrorMessage;
    assert.equal(unknown.code, 'unknown-notification');
    assert.match(unknown.message, /not-a-notification/);
    const past = (await ask(a, { type: 'snooze', ids: [n2], until: Date.now() - 1 })) as ErrorMessage;
    assert.deepEqual([past.type, past.code], ['error', 'invalid-message']);
    const far = (await ask(a, { type: 'snooze', ids: [n2], until: Date.now() + 91 * 86_400_000 })) as ErrorMessage;
    assert.deepEqual([far.type, far.code], ['error', 'invalid-message']);
    const bad = (await ask(a, { type: 'delete', ids: [] })) as ErrorMessage;
    assert.deepEqual([bad.type, bad.code], ['error', 'invalid-message']);

    // Bob's own archive is his: Ada's sockets do not hear it, and Bob heard none of Ada's.
    await ask(other, { type: 'archive', ids: [n3] });
    await other.waitForEvent(isInbox, 'bob inbox');
    assert.equal(inboxEvents(other).length, 1);
    // A reply goes out after every entry appended before it: Bob's event would be here by now.
    await ask(a, { type: 'history', beforeSeq: 1 });
    assert.equal(inboxEvents(a).length, 8);
    assert.deepEqual([a.invalid, b.invalid, other.invalid], [[], [], []]);

    const snap = await snapshotOf(hub, token);
    assert.deepEqual(
      snap.notifications.map((n) => n.id),
      [n3, n2],
    );
    assert.equal(snap.unread.total, 2);
    for (const c of [a, b, other]) c.close();
  });

  test('a resume replays the inbox events missed; a snooze wakes back as new in every session', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'grace' });
    const [n1, n2] = await publish(hub, 'one', 'two');
    const a = await TestClient.open(hub, token);
    const welcome = a.frames[0] as WelcomeMessage;
    const snapshot = await a.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    a.close();
    await a.closed;

    const b = await TestClient.open(hub, token);
    await ask(b, { type: 'markAllRead' });
    await ask(b, { type: 'archive', ids: [n1] });
    const until = Date.now() + 1500;
    await ask(b, { type: 'snooze', ids: [n2], until });

    const resumed = await TestClient.open(hub, token, { resumeFrom: snapshot.seq, stream: welcome.stream });
    assert.equal((resumed.frames[0] as WelcomeMessage).resumed, true);
    await resumed.waitForEvent((e) => isInbox(e) && e.action === 'snoozed', 'replayed snooze');
    assert.deepEqual(
      inboxEvents(resumed).map((e) => [e.action, e.ids]),
      [
        ['archived', [n1]],
        ['snoozed', [n2]],
      ],
    );

    const woke = await seenByAll([b, resumed], 3);
    assert.equal(woke.action, 'woke');
    assert.equal(woke.id, `woke:grace:${n2}:${until}`);
    assert.deepEqual(
      woke.notifications?.map((n) => [n.id, n.read, n.snoozedUntil]),
      [[n2, false, undefined]],
    );
    assert.equal(woke.unread.total, 1, 'back as new: unread though read before the snooze');
    assert.ok(Date.now() >= until);
    const snap = await snapshotOf(hub, token);
    assert.deepEqual(
      snap.notifications.map((n) => [n.id, n.read]),
      [[n2, false]],
    );
    b.close();
    resumed.close();
  });

  test('a restart on the same SQLite file keeps the state, and a snooze pending over it still wakes', async () => {
    const db = join(dir, 'inbox.db');
    const token = await signToken({ sub: 'lin' });
    const hub1 = await startHub({ db });
    const [n1, n2, n3] = await publish(hub1, 'one', 'two', 'three');
    const a = await TestClient.open(hub1, token);
    await ask(a, { type: 'archive', ids: [n1] });
    await ask(a, { type: 'delete', ids: [n2] });
    const until = Date.now() + 2500;
    await ask(a, { type: 'snooze', ids: [n3], until });
    a.close();
    await hub1.close();

    const hub2 = await startHub({ db });
    const b = await TestClient.open(hub2, token);
    const snap = await b.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    if (Date.now() < until) {
      assert.deepEqual(snap.notifications, [], 'archived, deleted and snoozed are all out of the inbox');
      assert.equal(snap.unread.total, 0);
    }
    const archived = (await ask(b, { type: 'history', beforeSeq: 1000, view: 'archived' })) as HistoryResultMessage;
    assert.deepEqual(
      archived.notifications.map((n) => n.id),
      [n1],
    );
    const woke = await b.waitForEvent((e) => isInbox(e) && e.action === 'woke', 'woke after restart');
    assert.deepEqual((woke as InboxEvent).ids, [n3]);
    assert.equal((woke as InboxEvent).unread.total, 1);
    b.close();
  });

  test('the commands over POST /v1/commands: answered, and the event reaches the sockets', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'http-admin' });
    const [n1] = await publish(hub, 'one');
    const a = await TestClient.open(hub, token);
    const post = async (body: object) => {
      const res = await fetch(`${hub.url}/v1/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    assert.deepEqual(await post({ type: 'archive', ids: [n1], ref: 'h1' }), {
      status: 200,
      body: { type: 'ack', ref: 'h1' },
    });
    await a.waitForEvent((e) => isInbox(e) && e.action === 'archived', 'archived over http');
    const page = await post({ type: 'history', beforeSeq: 1000, view: 'archived' });
    assert.deepEqual(
      page.body.notifications.map((n: { id: string }) => n.id),
      [n1],
    );
    const refused = await post({ type: 'snooze', ids: [n1], until: 1 });
    assert.equal(refused.body.code, 'invalid-message');
    a.close();
  });

  test('cluster: two nodes on one PostgreSQL wake each due snooze once, seen once on both', async () => {
    const db = await createTestDatabase();
    after(db.drop);
    const [nodeA, nodeB] = await Promise.all(
      ['a', 'b'].map((node) => startHub({ postgres: { url: db.url, node, probeMs: 200 } })),
    );
    const token = await signToken({ sub: 'mei' });
    const ids = await publish(nodeA!, ...Array.from({ length: 20 }, (_, i) => `n${i}`));
    const onA = await TestClient.open(nodeA!, token, { protocol: 2 });
    const onB = await TestClient.open(nodeB!, token, { protocol: 2 });
    const until = Date.now() + 1500;
    // Half snoozed through each node: both timers are armed for the same moment.
    await ask(onA, { type: 'snooze', ids: ids.slice(0, 10), until });
    await ask(onB, { type: 'snooze', ids: ids.slice(10), until });
    const woke = (c: TestClient) => inboxEvents(c).filter((e) => e.action === 'woke');
    for (const c of [onA, onB]) await waitUntil(() => woke(c).length >= 20, 'every wake', 10_000);
    const marker = (await nodeB!.publish(note('after'))).accepted[0]!.seq;
    for (const c of [onA, onB]) {
      await c.waitForEvent((e) => e.seq === marker, 'marker');
      assert.deepEqual(
        woke(c)
          .map((e) => e.ids[0])
          .sort(),
        [...ids].sort(),
        'each notification woke once',
      );
      assert.deepEqual(
        woke(c)
          .map((e) => e.id)
          .sort(),
        ids.map((id) => `woke:mei:${id}:${until}`).sort(),
      );
    }
    assert.equal((await snapshotOf(nodeB!, token)).unread.total, 21, 'the 20 woken and the marker');
    onA.close();
    onB.close();
  });
});
