import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CloseCode, type SnapshotMessage, type WelcomeMessage } from '../../../src/core/protocol.js';
import { type Hub, returnSpreadSeconds } from '../../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, TestClient } from '../../support/hub-harness.js';

after(closeAllHubs);

const seqs = (client: TestClient) => client.events().map((e) => e.seq);
const lastSeq = (client: TestClient) => {
  const s = seqs(client);
  return s.length ? s[s.length - 1]! : (client.frames.find((m) => m.type === 'welcome') as WelcomeMessage).seq;
};

describe('hub resume', () => {
  const hubs: Hub[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-resume-'));
  after(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('after a client drop: the missed events replay in order, filtered, then live; nothing lost or repeated', async () => {
    const hub = await startHub();
    hubs.push(hub);
    const token = await signToken({ sub: 'resumer' });
    const first = await TestClient.open(hub, token, { categories: ['calls', 'system'] });
    const { stream } = first.frames[0] as WelcomeMessage;
    await hub.publish([note('seen live', { category: 'calls' }), { kind: 'agents', active: 3, idle: 1, error: 0 }]);
    await first.waitForEvent((e) => e.kind === 'agents', 'agents');
    const resumeFrom = lastSeq(first);
    first.close();
    await first.closed;

    const missed = (
      await hub.publish([
        note('missed 1', { category: 'calls' }),
        note('filtered out', { category: 'billing' }),
        note('not for me', { audience: { userIds: ['somebody'] } }),
        { kind: 'metrics', values: { activeCalls: 12 } },
        note('missed 2', { category: 'system' }),
      ])
    ).accepted;

    const second = await TestClient.open(hub, token, { resumeFrom, stream, categories: ['calls', 'system'] });
    const welcome = second.frames[0] as WelcomeMessage;
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.seq, missed[4]!.seq);
    assert.ok(!second.frames.some((m) => m.type === 'snapshot'), 'no snapshot on a resume');
    await second.waitForEvent((e) => e.seq === missed[4]!.seq, 'last missed');
    assert.deepEqual(seqs(second), [missed[0]!.seq, missed[3]!.seq, missed[4]!.seq]);

    const live = (await hub.publish(note('live again', { category: 'calls' }))).accepted[0]!;
    await second.waitForEvent((e) => e.seq === live.seq, 'live');
    assert.deepEqual(seqs(second), [missed[0]!.seq, missed[3]!.seq, missed[4]!.seq, live.seq]);
    assert.deepEqual(second.invalid, []);
    second.close();
  });

  test('events published while clients authenticate are neither lost nor repeated', async () => {
    const hub = await startHub({ messageRate: { perSecond: 1000, burst: 1000 } });
    hubs.push(hub);
    const token = await signToken({ sub: 'racer' });
    const base = (await hub.publish(note('base'))).accepted[0]!.seq;
    let published = 0;
    let stop = false;
    // Publish on every turn of the event loop while sockets connect, resume and go live.
    const publisher = (async () => {
      while (!stop && published < 2000) {
        await hub.publish({ kind: 'metrics', values: { activeUsers: published++ } });
        await new Promise((r) => setImmediate(r));
      }
    })();
    const clients = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        TestClient.open(hub, token, i % 2 ? { resumeFrom: base, stream: hub.backend.streamId() } : {}),
      ),
    );
    stop = true;
    await publisher;
    assert.ok(published >= 10, `events were published during the handshakes (${published})`);
    const end = (await hub.publish(note('end'))).accepted[0]!.seq;
    for (const client of clients) {
      await client.waitForEvent((e) => e.seq === end, 'end');
      const welcome = client.frames[0] as WelcomeMessage;
      const snapshot = client.frames.find((m) => m.type === 'snapshot') as SnapshotMessage | undefined;
      const from = welcome.resumed ? base : snapshot!.seq;
      const expected = Array.from({ length: end - from }, (_, i) => from + 1 + i);
      assert.deepEqual(seqs(client), expected, `contiguous from ${from} (resumed: ${welcome.resumed})`);
      client.close();
    }
  });

  test('after a hub restart on the same SQLite file, a client resumes with nothing lost', async () => {
    const db = join(dir, 'hub.db');
    const token = await signToken({ sub: 'restart' });
    const hub1 = await startHub({ db });
    const client1 = await TestClient.open(hub1, token);
    const seen = (await hub1.publish([note('before restart 1'), note('before restart 2')])).accepted;
    await client1.waitForEvent((e) => e.seq === seen[1]!.seq, 'seen');
    const stream = (client1.frames[0] as WelcomeMessage).stream;
    const resumeFrom = lastSeq(client1);
    client1.close();
    await client1.closed;
    const whileAway = (await hub1.publish(note('after drop, before restart'))).accepted[0]!;
    await hub1.close();

    const hub2 = await startHub({ db });
    hubs.push(hub2);
    const afterRestart = (await hub2.publish(note('after restart'))).accepted[0]!;
    assert.equal(afterRestart.seq, whileAway.seq + 1, 'seq continues across the restart');
    const client2 = await TestClient.open(hub2, token, { resumeFrom, stream });
    const welcome = client2.frames[0] as WelcomeMessage;
    assert.equal(welcome.stream, stream);
    assert.equal(welcome.resumed, true);
    await client2.waitForEvent((e) => e.seq === afterRestart.seq, 'after restart');
    assert.deepEqual(seqs(client2), [whileAway.seq, afterRestart.seq]);
    client2.close();
  });

  test('a hub shutdown closes sockets with 1001', async () => {
    const hub = await startHub();
    const client = await TestClient.open(hub, await signToken({ sub: 'bye' }));
    await hub.close();
    const closed = await client.waitClosed();
    assert.equal(closed.code, CloseCode.GoingAway);
    // One client: the shortest spread; the clients are asked to return within it.
    assert.equal(closed.reason, 'hub shutting down; retry-within=0.3');
  });

  test('the spread asked of clients on shutdown grows with their number, within 0.25 to 30 s', () => {
    assert.equal(returnSpreadSeconds(1), 0.25);
    assert.equal(returnSpreadSeconds(1000), 2);
    assert.equal(returnSpreadSeconds(5000), 10);
    assert.equal(returnSpreadSeconds(1_000_000), 30);
  });

  test('resuming from past retention gets resumed: false and a snapshot', async () => {
    const hub = await startHub({ retention: { replayCount: 3 } });
    hubs.push(hub);
    const token = await signToken({ sub: 'late' });
    const first = (await hub.publish(note('old'))).accepted[0]!;
    await hub.publish(Array.from({ length: 10 }, (_, i) => note(`newer ${i}`)));
    await hub.backend.prune();
    const client = await TestClient.open(hub, token, { resumeFrom: first.seq, stream: hub.backend.streamId() });
    const welcome = client.frames[0] as WelcomeMessage;
    assert.equal(welcome.resumed, false);
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    assert.equal(snapshot.seq, await hub.backend.latestSeq());
    assert.equal(snapshot.notifications[0]!.title, 'newer 9');
    assert.equal(snapshot.unread.total, 11);
    client.close();
  });
  test('a resume from another stream gets resumed: false and a snapshot; the same stream resumes', async () => {
    const hub = await startHub();
    hubs.push(hub);
    const token = await signToken({ sub: 'stream-check' });
    const published = (await hub.publish([note('one'), note('two')])).accepted;
    const foreign = await TestClient.open(hub, token, { resumeFrom: published[0]!.seq, stream: 'another-stream' });
    assert.equal((foreign.frames[0] as WelcomeMessage).resumed, false);
    await foreign.waitFor((m) => m.type === 'snapshot', 'snapshot');
    foreign.close();
    const same = await TestClient.open(hub, token, { resumeFrom: published[0]!.seq, stream: hub.backend.streamId() });
    assert.equal((same.frames[0] as WelcomeMessage).resumed, true);
    await same.waitForEvent((e) => e.seq === published[1]!.seq, 'replayed');
    same.close();
  });
});
