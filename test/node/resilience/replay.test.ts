/**
 * A resume that has a lot to catch up on: a client away while 10,000 notifications with
 * 1,500-character messages were published (within the default replay retention of 10,000
 * entries) comes back with the real `createRealtimeClient`. The hub must deliver all of it in one
 * resume — paced by the socket's drain, not cut as a slow consumer — then what was published
 * during the replay, in seq order, each exactly once; and a bystander's ping must be answered
 * promptly meanwhile.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../../src/core/client.js';
import type { WelcomeMessage } from '../../../src/core/protocol.js';
import { FaultProxy } from '../../support/fault-proxy.js';
import { closeAllHubs, note, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';

after(closeAllHubs);

const AWAY = 10_000;
const BATCH = 500;
/** Notifications published while the replay runs (one per turn of the test's publisher). */
const DURING = 50;
/** A bystander's ping must come back within this while another socket replays (measured: see docs/security.md). */
const PROMPT_MS = 250;

let client: RealtimeClient | undefined;
let proxy: FaultProxy | undefined;
after(async () => {
  client?.close();
  await proxy?.close();
});

test('a resume after 10,000 missed notifications delivers every one once, in order, with no 4102; a bystander is served meanwhile', async () => {
  const hub = await startHub();
  proxy = await FaultProxy.start(hub.port);
  // Another admin, subscribed to a category the flood does not use: its socket has little to carry.
  const bystander = await TestClient.open(hub, await signToken({ sub: 'bystander' }), { categories: ['system'] });

  client = createRealtimeClient({
    url: proxy.wsUrl,
    token: await signToken({ sub: 'returning' }),
    WebSocket: WebSocket as never,
    window: null,
    maxNotifications: AWAY + DURING + 10,
    connectTimeoutMs: 1500,
    backoff: { initialMs: 50, maxMs: 200 },
  });
  const delivered: number[] = [];
  const closes: number[] = [];
  const welcomes: WelcomeMessage[] = [];
  client.connection.onMessage((m) => {
    if (m.type === 'event' && m.event.kind === 'notification') delivered.push(m.event.seq);
    if (m.type === 'welcome') welcomes.push(m);
  });
  client.connection.onError((e) => {
    if (e.kind === 'close' && typeof e.code === 'number') closes.push(e.code);
  });
  client.connect();
  await waitUntil(
    () => client!.store.getState().connection.status === 'connected' && !client!.store.getState().loading,
    'the client connected',
  );
  const seen = (await hub.publish(note('before the drop'))).accepted[0]!;
  await waitUntil(() => delivered.includes(seen.seq), 'the client live');

  // Away: the link is cut and every attempt to come back stalls until the proxy heals.
  proxy.stall();
  proxy.dropAll();
  await waitUntil(() => client!.store.getState().connection.status !== 'connected', 'the client away');
  const message = 'm'.repeat(1500);
  const missed: number[] = [];
  for (let i = 0; i < AWAY; i += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, j) => note(`away ${i + j}`, { message, category: 'calls' }));
    for (const r of (await hub.publish(batch)).accepted) missed.push(r.seq);
  }
  await hub.backend.prune();
  assert.notEqual(await hub.backend.replay(seen.seq, 1), null, 'the missed entries are within replay retention');

  // Back: the replay starts; live notifications are published while it runs, and the bystander pings.
  proxy.heal();
  client.connection.reconnectNow();
  await waitUntil(() => welcomes.length === 2, 'the resume welcome', 10_000);
  assert.equal(welcomes[1]!.resumed, true);
  const resumedAt = performance.now();
  const closesBefore = closes.splice(0); // the drop and the stalled attempts
  assert.ok(!closesBefore.includes(4102), `${closesBefore}`);
  const during: number[] = [];
  let worstPingMs = 0;
  let pings = 0;
  const replaying = () => delivered.length < 1 + AWAY;
  const bystanderPings = (async () => {
    while (replaying() && pings < 10_000) {
      const t = ++pings;
      const sent = performance.now();
      bystander.send({ type: 'ping', t });
      await bystander.waitFor((m) => m.type === 'pong' && m.t === t, `bystander pong ${t} (client closes: ${closes})`);
      worstPingMs = Math.max(worstPingMs, performance.now() - sent);
    }
  })();
  for (let i = 0; i < DURING; i++) {
    during.push((await hub.publish(note(`during ${i}`, { category: 'calls' }))).accepted[0]!.seq);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const last = during.at(-1)!;
  await waitUntil(
    () => delivered.at(-1) === last,
    `every notification (has ${delivered.length}; closes ${closes})`,
    120_000,
  );
  const replayMs = performance.now() - resumedAt;
  await bystanderPings;

  assert.deepEqual(closes, [], 'no close since the resume (in particular no 4102)');
  assert.equal(welcomes.length, 2, 'one resume, not several');
  assert.deepEqual(delivered, [seen.seq, ...missed, ...during], 'each exactly once, in seq order');
  assert.equal(client.store.getState().notifications.length, 1 + AWAY + DURING);
  assert.ok(pings > 0, 'the bystander pinged during the replay');
  assert.ok(worstPingMs < PROMPT_MS, `bystander pong within ${PROMPT_MS} ms (worst ${worstPingMs.toFixed(1)} ms)`);
  console.log(
    `replay of ${AWAY + DURING} in ${replayMs.toFixed(0)} ms; ${pings} bystander pings, worst ${worstPingMs.toFixed(1)} ms`,
  );
  bystander.close();
});
