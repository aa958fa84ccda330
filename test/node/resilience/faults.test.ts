/**
 * Faults between the client and the hub, with a publish storm running through each: a TCP proxy
 * that drops every connection, stalls them half-open, or slows them; and `kill -9` of a hub
 * process restarted on the same SQLite file. Clients are the real `createRealtimeClient` (with
 * `ws`). After each fault every client must hold every published notification exactly once, in
 * seq order, with the hub's unread count, and must have gone through `reconnecting` back to
 * `connected`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../../src/core/client.js';
import type { ConnectionStatusName } from '../../../src/core/types.js';
import { FaultProxy } from '../../support/fault-proxy.js';
import {
  closeAllHubs,
  note,
  signToken,
  startHub,
  TEST_PUBLISH_KEY,
  TEST_SECRET,
  waitUntil,
} from '../../support/hub-harness.js';

after(closeAllHubs);

/** One client plus what it saw at its edge (after the connection's own dedupe). */
interface Watched {
  name: string;
  user: string;
  client: RealtimeClient;
  statuses: ConnectionStatusName[];
  /** Every notification event delivered to the store: [seq, id]. */
  delivered: Array<[number, string]>;
  /** Every event seq delivered (all kinds), to prove strict order. */
  seqs: number[];
  /** Heartbeat pings this client wrote to its sockets. */
  pings: number;
}

const clients = new Set<Watched>();
const proxies = new Set<FaultProxy>();
after(async () => {
  for (const w of clients) w.client.close();
  await Promise.all([...proxies].map((p) => p.close()));
});

async function watch(url: string, name: string, user: string, extra: { pongTimeoutMs?: number } = {}) {
  // The real `ws` socket, counting the heartbeat pings the client writes (seen on the wire, not
  // read out of the connection's private state).
  const CountingSocket = class extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      if (typeof data === 'string' && data.startsWith('{"type":"ping"')) w.pings++;
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  };
  const client = createRealtimeClient({
    url,
    token: await signToken({ sub: user }),
    WebSocket: CountingSocket as never,
    window: null,
    maxNotifications: 10_000,
    heartbeatMs: 250,
    pongTimeoutMs: extra.pongTimeoutMs ?? 500,
    connectTimeoutMs: 1500,
    backoff: { initialMs: 50, maxMs: 400 },
  });
  const w: Watched = { name, user, client, statuses: [], delivered: [], seqs: [], pings: 0 };
  client.connection.onState((s) => w.statuses.push(s.status));
  client.connection.onMessage((m) => {
    if (m.type !== 'event') return;
    w.seqs.push(m.event.seq);
    if (m.event.kind === 'notification') w.delivered.push([m.event.seq, m.event.id]);
  });
  clients.add(w);
  client.connect();
  await waitUntil(
    () => client.store.getState().connection.status === 'connected' && !client.store.getState().loading,
    `${name} live`,
  );
  return w;
}

/** Publishes one notification per call, remembering the ids the hub accepted. */
function publisher(publish: (events: unknown) => Promise<{ accepted: Array<{ id: string }> }>, tag: string) {
  const ids: string[] = [];
  let n = 0;
  return {
    ids,
    async one() {
      n++;
      const { accepted } = await publish([
        note(`${tag} #${n}`, { id: `${tag}-${n}`, category: n % 3 ? 'calls' : 'billing' }),
      ]);
      ids.push(accepted[0]!.id);
    },
    async many(count: number) {
      for (let i = 0; i < count; i++) await this.one();
    },
  };
}

/** The proof after a fault: every id once, in seq order, unread equal to the hub's. */
async function assertConverged(
  hub: { unread: (user: string) => number | Promise<number> },
  watched: Watched[],
  ids: string[],
  readByUser: Record<string, number>,
) {
  const expected = new Set(ids);
  for (const w of watched) {
    await waitUntil(
      () => {
        const s = w.client.store.getState();
        return s.connection.status === 'connected' && new Set(w.delivered.map(([, id]) => id)).size >= expected.size;
      },
      `${w.name} to hold all ${expected.size} notifications (has ${w.delivered.length}; statuses ${w.statuses.join('>')})`,
      15_000,
    );
    // Exactly once, in order: the seqs delivered to the store strictly increase.
    for (let i = 1; i < w.seqs.length; i++) {
      assert.ok(w.seqs[i]! > w.seqs[i - 1]!, `${w.name}: seq ${w.seqs[i]} after ${w.seqs[i - 1]}`);
    }
    const deliveredIds = w.delivered.map(([, id]) => id);
    assert.equal(deliveredIds.length, new Set(deliveredIds).size, `${w.name}: a notification was delivered twice`);
    assert.deepEqual(new Set(deliveredIds), expected, `${w.name}: delivered set differs from published`);
    // The store's list: every notification once, newest first.
    const list = w.client.store.getState().notifications;
    assert.equal(list.length, ids.length, `${w.name}: store holds ${list.length}, published ${ids.length}`);
    assert.deepEqual(
      list.map((n) => n.id),
      [...list].sort((a, b) => b.seq - a.seq).map((n) => n.id),
      `${w.name}: store list not in seq order`,
    );
    assert.deepEqual(new Set(list.map((n) => n.id)), expected);
    // Unread: what the hub says, and what the test expects from the reads it made.
    const hubUnread = await hub.unread(w.user);
    assert.equal(hubUnread, ids.length - (readByUser[w.user] ?? 0), `${w.name}: hub unread`);
    await waitUntil(() => w.client.store.getState().unread.total === hubUnread, `${w.name}: unread ${hubUnread}`);
    // The UI-facing state went through reconnecting and back.
    const i = w.statuses.indexOf('reconnecting');
    assert.ok(i >= 0, `${w.name} never reconnected: ${w.statuses.join('>')}`);
    assert.ok(w.statuses.indexOf('connected', i) > i, `${w.name} did not come back: ${w.statuses.join('>')}`);
  }
}

async function proxiedScenario(tag: string, pongTimeoutMs?: number) {
  const hub = await startHub({ heartbeatMs: 1000, connectionRate: { perSecond: 1000, burst: 1000 } });
  const proxy = await FaultProxy.start(hub.port);
  proxies.add(proxy);
  const opts = pongTimeoutMs ? { pongTimeoutMs } : {};
  const watched = [
    await watch(proxy.wsUrl, `${tag}:a1`, `${tag}-a`, opts),
    await watch(proxy.wsUrl, `${tag}:a2`, `${tag}-a`, opts),
    await watch(proxy.wsUrl, `${tag}:b`, `${tag}-b`, opts),
  ];
  const pub = publisher((e) => hub.publish(e), tag);
  const unread = async (user: string) => (await hub.backend.unreadCounts({ userId: user, role: 'admin' })).total;
  // Before the fault: a first wave, and user a reads three of it (so unread counts differ per user).
  await pub.many(20);
  await waitUntil(() => watched.every((w) => w.delivered.length === 20), `${tag}: first wave`);
  await watched[0]!.client.store.markRead(pub.ids.slice(0, 3));
  return { hub, proxy, watched, pub, unread, readByUser: { [`${tag}-a`]: 3 } };
}

/** Publishes (bounded) while waiting for `condition`, so the storm runs through the fault. */
async function stormUntil(pub: { one(): Promise<void> }, condition: () => boolean, label: string, max = 400) {
  let sent = 0;
  await waitUntil(
    async () => {
      if (condition()) return true;
      if (sent < max) {
        await pub.one();
        sent++;
      }
      return false;
    },
    label,
    15_000,
  );
  return sent;
}

const allIn = (watched: Watched[], status: ConnectionStatusName) => () =>
  watched.every((w) => w.client.store.getState().connection.status === status);
const allSaw = (watched: Watched[], status: ConnectionStatusName) => () =>
  watched.every((w) => w.statuses.includes(status));

describe('faults through a TCP proxy, with a publish storm', () => {
  test('drop: every connection cut mid-storm; clients resume with nothing lost or doubled', {
    timeout: 60_000,
  }, async () => {
    const { hub, proxy, watched, pub, unread, readByUser } = await proxiedScenario('drop');
    await pub.many(50);
    proxy.dropAll();
    await pub.many(50); // published while every client is down
    await stormUntil(pub, allSaw(watched, 'reconnecting'), 'drop: all reconnecting');
    await stormUntil(pub, allIn(watched, 'connected'), 'drop: all back');
    await pub.many(50);
    await assertConverged({ unread }, watched, pub.ids, readByUser);
    assert.ok(proxy.accepted >= 6, 'each client opened a second connection');
    await hub.close();
  });

  test('stall (half-open): the client heartbeat finds the dead link and resumes', { timeout: 60_000 }, async () => {
    const { hub, proxy, watched, pub, unread, readByUser } = await proxiedScenario('stall');
    await pub.many(30);
    await waitUntil(() => watched.every((w) => w.delivered.length === 50), 'stall: pre-fault wave');
    proxy.stall();
    // Nothing closes by itself: the storm goes into the void until each heartbeat gives up.
    const duringStall = await stormUntil(pub, allSaw(watched, 'reconnecting'), 'stall: heartbeat detection');
    assert.ok(duringStall > 0, 'events were published into the stalled link');
    for (const w of watched) {
      assert.ok(
        w.delivered.length < pub.ids.length,
        `${w.name} got everything through a stalled link: the stall did not hold`,
      );
    }
    proxy.heal();
    await stormUntil(pub, allIn(watched, 'connected'), 'stall: all back');
    await pub.many(30);
    await assertConverged({ unread }, watched, pub.ids, readByUser);
    // The hub's own heartbeat cut the stalled sockets; only the live ones remain.
    await waitUntil(() => hub.connections() === 3, `stall: hub back to 3 sockets (has ${hub.connections()})`, 10_000);
    await hub.close();
  });

  test('slow link: no false alarm while slow; a drop on the slow link still converges', {
    timeout: 60_000,
  }, async () => {
    const { hub, proxy, watched, pub, unread, readByUser } = await proxiedScenario('slow', 2000);
    const before = watched.map((w) => w.statuses.length);
    proxy.slow(120);
    await pub.many(40);
    await waitUntil(() => watched.every((w) => w.delivered.length === 60), 'slow: wave through the slow link', 10_000);
    // At least one heartbeat round-trip went over the slow link without a reconnect.
    await waitUntil(() => watched.every((w) => w.pings > 0), 'a ping on the slow link');
    watched.forEach((w, i) => {
      assert.deepEqual(w.statuses.slice(before[i]), [], `${w.name} changed state on a slow link`);
    });
    proxy.dropAll();
    await stormUntil(pub, allSaw(watched, 'reconnecting'), 'slow: all reconnecting');
    await stormUntil(pub, allIn(watched, 'connected'), 'slow: all back over the slow link');
    await pub.many(20);
    await assertConverged({ unread }, watched, pub.ids, readByUser);
    proxy.heal();
    await hub.close();
  });
});

describe('kill -9 of the hub process, restart on the same SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-kill-'));
  const children = new Set<ChildProcess>();
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function spawnHub(db: string, port: number) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/hub/cli.ts', '--port', String(port), '--db', db, '--log-level', 'warn'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          ADMIN_REALTIME_JWT_SECRET: TEST_SECRET,
          ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const line = await waitUntil(
      () => out.split('\n').find((l) => l.includes('"listening"')),
      `hub child listening (stderr: ${err})`,
      20_000,
    );
    const info = JSON.parse(line) as { url: string; port: number };
    return { child, exited, url: info.url, port: info.port };
  }

  test('committed publishes survive, retried ones are stored once, clients resume', { timeout: 60_000 }, async () => {
    const db = join(dir, 'hub.db');
    let hub = await spawnHub(db, 0);
    const port = hub.port;
    const wsUrl = `ws://127.0.0.1:${port}/v1/ws`;
    const watched = [
      await watch(wsUrl, 'kill:a1', 'kill-a'),
      await watch(wsUrl, 'kill:a2', 'kill-a'),
      await watch(wsUrl, 'kill:b', 'kill-b'),
    ];
    /** Every id the test has tried to publish; a failed POST is retried with the same id. */
    const ids: string[] = [];
    const pending = new Set<string>();
    const post = async (id: string) => {
      try {
        const res = await fetch(`${hub.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_PUBLISH_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(note(`kill ${id}`, { id, category: 'calls' })),
        });
        await res.arrayBuffer();
        if (res.status === 202) pending.delete(id);
        else pending.add(id);
      } catch {
        pending.add(id); // the hub died before answering: unknown whether it was stored
      }
    };
    const storm = async (from: number, count: number, concurrency = 8) => {
      const batch: Promise<void>[] = [];
      for (let i = from; i < from + count; i++) {
        const id = `kill-${i}`;
        ids.push(id);
        batch.push(post(id));
        if (batch.length >= concurrency) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
    };

    await storm(0, 40);
    await waitUntil(() => watched.every((w) => w.delivered.length === 40), 'kill: first wave');
    await watched[0]!.client.store.markRead(['kill-0', 'kill-1']);
    await waitUntil(() => watched[1]!.client.store.getState().unread.total === 38, 'kill: read reached tab 2');

    // The storm is in flight when the process is killed without any chance to clean up.
    const inFlight = storm(40, 120, 16);
    await waitUntil(() => ids.length >= 70, 'kill: storm under way');
    hub.child.kill('SIGKILL');
    await inFlight;
    await hub.exited;
    await waitUntil(() => watched.every((w) => w.statuses.includes('reconnecting')), 'kill: all reconnecting');

    hub = await spawnHub(db, port);
    // The publisher retries what it could not confirm, with the same idempotency keys.
    const retried = [...pending];
    for (const id of retried) await post(id);
    assert.equal(pending.size, 0, `retries not accepted: ${[...pending].join(',')}`);
    await storm(160, 20);
    const unread = (user: string) => (user === 'kill-a' ? ids.length - 2 : ids.length);
    await assertConverged({ unread }, watched, ids, { 'kill-a': 2 });

    // The hub's own view agrees: each id stored once.
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { seq: number; connections: number };
    assert.equal(health.connections, 3);
    // A fresh snapshot from the restarted hub states the same authoritative unread counts.
    for (const w of watched) {
      await w.client.store.refresh();
      assert.equal(w.client.store.getState().unread.total, unread(w.user), `${w.name}: unread after refresh`);
    }
    for (const w of watched) w.client.close();
    hub.child.kill('SIGTERM');
    await hub.exited;
  });
});
