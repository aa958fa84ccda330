/**
 * Several hubs on one real PostgreSQL (a throwaway server, never a mock): what is published through
 * one node reaches clients on another in order and once, idempotency and read state hold across
 * nodes, and a node that loses its listener connection repairs from the log and says so on
 * /healthz meanwhile. Most nodes run in this process (createHub); one test runs CLI processes.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { startThrowawayPostgres } from '../../../scripts/throwaway-postgres.mjs';
import { createRealtimeClient } from '../../../src/core/client.js';
import type { ReadEvent, WelcomeMessage } from '../../../src/core/protocol.js';
import type { Hub, HubOptions } from '../../../src/hub/hub.js';
import { CLI_ENV, killAllCli, runCli } from '../../support/cli-process.js';
import { closeAllHubs, note, post, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';
import { TcpBalancer } from '../../support/tcp-balancer.js';

after(closeAllHubs);
after(killAllCli);
const drops: Array<() => Promise<void>> = [];
after(async () => {
  for (const drop of drops) await drop();
});

/** A fresh database and a way to start nodes on it. */
async function cluster() {
  const db = await createTestDatabase();
  drops.push(db.drop);
  let n = 0;
  const node = (extra: Partial<HubOptions['postgres']> = {}) =>
    startHub({ postgres: { url: db.url, node: `node-${++n}`, probeMs: 200, probeTimeoutMs: 2000, ...extra } });
  return { url: db.url, node };
}

const titles = (client: TestClient) => client.events().flatMap((e) => (e.kind === 'notification' ? [e.title] : []));

describe('cluster on PostgreSQL', () => {
  test('a client on node A receives what is published through node B, in order, exactly once', async () => {
    const { node } = await cluster();
    const [a, b] = await Promise.all([node(), node()]);
    const onA = await TestClient.open(a, await signToken({ sub: 'ada' }), { protocol: 2 });
    const onB = await TestClient.open(b, await signToken({ sub: 'bea' }), { protocol: 2 });
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = [note(`b-${i}-1`), note(`b-${i}-2`)];
      sent.push(`b-${i}-1`, `b-${i}-2`);
      // Alternate the publishing node: seqs interleave across nodes.
      await (i % 2 ? a : b).publish(batch);
    }
    for (const client of [onA, onB]) {
      await waitUntil(() => titles(client).length >= sent.length, 'every publish', 10_000);
      assert.deepEqual(titles(client), sent, 'in order, once');
      const seqs = client.events().map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'increasing seqs',
      );
      assert.equal(new Set(seqs).size, seqs.length);
    }
    const welcomeA = onA.frames[0] as WelcomeMessage;
    const welcomeB = onB.frames[0] as WelcomeMessage;
    assert.equal(welcomeA.stream, welcomeB.stream, 'one stream for the cluster');
    onA.close();
    onB.close();
  });

  test('a run too large for NOTIFY (8,000 bytes) is read from the log by seq on the other node, in one frame', async () => {
    const { node } = await cluster();
    const [a, b] = await Promise.all([node(), node()]);
    const onA = await TestClient.open(a, await signToken({ sub: 'big' }), { protocol: 2 });
    const message = 'x'.repeat(900);
    const big = Array.from({ length: 20 }, (_, i) => note(`big ${i}`, { message }));
    assert.ok(JSON.stringify(big).length > 16_000);
    await b.publish(note('small first'));
    await b.publish(big);
    await b.publish(note('small after'));
    await onA.waitForEvent((e) => e.kind === 'notification' && e.title === 'small after', 'after the big run', 10_000);
    assert.deepEqual(titles(onA), ['small first', ...big.map((e) => e.title), 'small after']);
    const frames = onA.frames.filter((f) => f.type === 'events') as Array<{ events: unknown[] }>;
    assert.ok(
      frames.some((f) => f.events.length === 20),
      'the big publish arrived as one frame',
    );
    onA.close();
  });

  test('the same event id posted to two nodes at once is stored once', async () => {
    const { node } = await cluster();
    const [a, b] = await Promise.all([node(), node()]);
    const watcher = await TestClient.open(a, await signToken({ sub: 'watch' }));
    const body = note('only once', { id: 'invoice-77-failed' });
    const [ra, rb] = await Promise.all([post(a, body), post(b, body)]);
    assert.equal(ra.status, 202);
    assert.equal(rb.status, 202);
    const [xa] = ra.body.accepted as Array<{ seq: number; duplicate: boolean }>;
    const [xb] = rb.body.accepted as Array<{ seq: number; duplicate: boolean }>;
    assert.equal(xa!.seq, xb!.seq, 'both answers name the one stored seq');
    assert.deepEqual([xa!.duplicate, xb!.duplicate].sort(), [false, true]);
    await a.publish(note('after'));
    await watcher.waitForEvent((e) => e.kind === 'notification' && e.title === 'after', 'after');
    assert.deepEqual(titles(watcher), ['only once', 'after']);
    watcher.close();
  });

  test('group commit: publishes that arrive while a transaction waits ride in the next one, in order', async () => {
    const { url, node } = await cluster();
    const a = await node();
    const watcher = await TestClient.open(a, await signToken({ sub: 'group' }), { protocol: 2 });
    // Another session holds the seq counter's row: the node's first transaction waits on it.
    const holder = new pg.Client(url);
    await holder.connect();
    let transactions = 0;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT last_seq FROM seq_counter FOR UPDATE');
      const stored: Array<Promise<unknown>> = [];
      for (let i = 0; i < 20; i++) {
        stored.push(a.publish(note(`grouped ${i}`)));
        // One publish per turn of the event loop, as separate HTTP requests arrive.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await holder.query('COMMIT');
      await Promise.all(stored);
      const { rows } = await holder.query<{ transactions: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS transactions FROM stream WHERE json LIKE '%grouped %'`,
      );
      transactions = rows[0]!.transactions;
    } finally {
      await holder.end();
    }
    // The first publish's transaction was waiting on the lock; the 19 that came meanwhile go in one.
    assert.equal(transactions, 2, 'two transactions, not one per publish');
    await watcher.waitForEvent((e) => e.kind === 'notification' && e.title === 'grouped 19', 'the last', 10_000);
    assert.deepEqual(
      titles(watcher),
      Array.from({ length: 20 }, (_, i) => `grouped ${i}`),
    );
    watcher.close();
  });

  test("mark read on node A reaches the same user's session on node B", async () => {
    const { node } = await cluster();
    const [a, b] = await Promise.all([node(), node()]);
    const token = await signToken({ sub: 'reader' });
    const tabA = await TestClient.open(a, token);
    const tabB = await TestClient.open(b, token);
    const other = await TestClient.open(b, await signToken({ sub: 'someone-else' }));
    const { accepted } = await a.publish([note('one', { id: 'r-1' }), note('two', { id: 'r-2' })]);
    await tabB.waitForEvent((e) => e.seq === accepted[1]!.seq, 'both on B');
    tabA.send({ type: 'markRead', ids: ['r-1'], ref: 'm1' });
    await tabA.waitFor((m) => m.type === 'ack' && m.ref === 'm1', 'ack');
    const read = (await tabB.waitForEvent((e) => e.kind === 'read', 'read on B')) as ReadEvent;
    assert.deepEqual(read.ids, ['r-1']);
    assert.equal(read.unread.total, 1);
    await b.publish(note('marker'));
    await other.waitForEvent((e) => e.kind === 'notification' && e.title === 'marker', 'marker');
    assert.equal(other.events().filter((e) => e.kind === 'read').length, 0, "not another user's");
    for (const c of [tabA, tabB, other]) c.close();
  });

  test('a node whose listener connection is killed answers 503, reconnects, repairs and delivers', async () => {
    const { url, node } = await cluster();
    const a = await node({ reconnectMs: 1500 });
    const b = await node();
    const onA = await TestClient.open(a, await signToken({ sub: 'survivor' }));
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'admin-realtime listener node-1' AND datname = current_database()`,
      );
      assert.equal(killed.rowCount, 1, 'the listener of node-1 was found');
    } finally {
      await admin.end();
    }
    const health = async (hub: Hub) => {
      const res = await fetch(`${hub.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { node?: string; detail?: string } };
    };
    const down = await waitUntil(async () => {
      const h = await health(a);
      return h.status === 503 ? h : null;
    }, 'healthz 503 while the listener is down');
    assert.equal(down.body.node, 'node-1');
    assert.match(String(down.body.detail), /cluster listener/);
    // Published through B while A hears nothing: A reads it from the log once its listener is back.
    await b.publish([note('while deaf 1'), note('while deaf 2')]);
    await onA.waitForEvent((e) => e.kind === 'notification' && e.title === 'while deaf 2', 'repaired', 10_000);
    assert.deepEqual(titles(onA), ['while deaf 1', 'while deaf 2']);
    assert.equal(onA.closedWith, null, 'the client was never dropped');
    await waitUntil(async () => (await health(a)).status === 200, 'healthz 200 again', 10_000);
    onA.close();
  });

  /** Starts a CLI hub process on the cluster's database. */
  const startCliNode = async (url: string, name: string) => {
    const run = runCli(['--port', '0', '--postgres-url', url, '--node-name', name, '--log-level', 'warn'], CLI_ENV);
    const line = await waitUntil(
      () => run.out.stdout.split('\n').find((l) => l.includes('"listening"')),
      `${name} listening (stderr: ${run.out.stderr})`,
      20_000,
    );
    const { url: hubUrl, wsUrl } = JSON.parse(line) as { url: string; wsUrl: string };
    return { ...run, url: hubUrl, wsUrl, hub: { url: hubUrl, wsUrl } as unknown as Hub };
  };

  test('kill -9 of a node during a publish burst: its client resumes on another node with every acknowledged publish once, in order', async () => {
    const { url } = await cluster();
    const [doomed, survivor] = await Promise.all([startCliNode(url, 'doomed'), startCliNode(url, 'survivor')]);
    const token = await signToken({ sub: 'moving-user' });
    const first = await TestClient.open(doomed.hub, token, { protocol: 2 });
    const { stream } = first.frames[0] as WelcomeMessage;
    const acknowledged: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await post(survivor.hub, note(`burst ${i}`, { id: `burst-${i}` }));
      assert.equal(res.status, 202);
      acknowledged.push(`burst ${i}`);
      if (i === 25) doomed.child.kill('SIGKILL');
    }
    await first.waitClosed('the doomed node to vanish', 10_000);
    // The client comes back through the balancer on another node and resumes from its last seq.
    const seen = first.events();
    const resumeFrom = seen.length ? seen.at(-1)!.seq : (first.frames[0] as WelcomeMessage).seq;
    const second = await TestClient.open(survivor.hub, token, { protocol: 2, resumeFrom, stream });
    assert.equal((second.frames[0] as WelcomeMessage).resumed, true, 'resumed, not a fresh snapshot');
    await second.waitForEvent(
      (e) => e.kind === 'notification' && e.title === 'burst 59',
      'the end of the burst',
      10_000,
    );
    assert.deepEqual([...titles(first), ...titles(second)], acknowledged, 'every acknowledged publish once, in order');
    second.close();
    survivor.child.kill('SIGTERM');
    assert.equal(await survivor.exited, 0);
  });

  test('hub processes from the CLI: a browser-like client on one, publishes through the other', async () => {
    const { url } = await cluster();
    const [one, two] = await Promise.all([startCliNode(url, 'cli-1'), startCliNode(url, 'cli-2')]);
    const client = await TestClient.open(one.hub, await signToken({ sub: 'cli-user' }));
    const res = await post(two.hub, [note('through cli-2'), note('again')]);
    assert.equal(res.status, 202);
    await client.waitForEvent((e) => e.kind === 'notification' && e.title === 'again', 'from cli-2', 10_000);
    assert.deepEqual(titles(client), ['through cli-2', 'again']);
    const health = (await (await fetch(`${two.url}/healthz`)).json()) as { node: string; ok: boolean };
    assert.deepEqual([health.node, health.ok], ['cli-2', true]);
    client.close();
    for (const p of [one, two]) p.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([one.exited, two.exited]), [0, 0]);
  });

  test('a PostgreSQL restart is survived: nodes reconnect and repair, every acknowledged publish arrives once, in order', async () => {
    // A server of its own, so restarting it disturbs no other test.
    const server = await startThrowawayPostgres();
    after(() => server.stop());
    const url = server.url;
    const [a, b] = await Promise.all(
      ['r-1', 'r-2'].map((name) => startHub({ postgres: { url, node: name, probeMs: 200, reconnectMs: 200 } })),
    );
    const onA = await TestClient.open(a, await signToken({ sub: 'restart-watch' }));
    const acknowledged: string[] = [];
    /** Publishes through B until one is acknowledged (refused while the server is down). */
    const publish = async (title: string) => {
      await waitUntil(async () => (await post(b, note(title))).status === 202, `${title} acknowledged`, 20_000);
      acknowledged.push(title);
    };
    for (let i = 0; i < 5; i++) await publish(`before ${i}`);
    server.restart('fast');
    for (let i = 0; i < 5; i++) await publish(`after ${i}`);
    await onA.waitForEvent((e) => e.kind === 'notification' && e.title === 'after 4', 'after the restart', 20_000);
    assert.deepEqual(titles(onA), acknowledged, 'everything acknowledged, once, in order');
    assert.equal(onA.closedWith, null, 'the client stayed connected');
    for (const hub of [a, b]) {
      await waitUntil(async () => (await fetch(`${hub.url}/healthz`)).status === 200, 'healthy again', 20_000);
    }
    onA.close();
    await Promise.all([a.close(), b.close()]);
  });

  test('PostgreSQL restarted under load (fast, then immediate): every acknowledged publish reaches a client on each node once, in seq order', async () => {
    const server = await startThrowawayPostgres();
    after(() => server.stop());
    const url = server.url;
    const nodes = await Promise.all(
      ['load-1', 'load-2'].map((name) => startHub({ postgres: { url, node: name, probeMs: 200, reconnectMs: 200 } })),
    );
    const token = await signToken({ sub: 'load-watch' });
    const watchers = await Promise.all(nodes.map((hub) => TestClient.open(hub, token, { protocol: 2 })));
    const realtime = createRealtimeClient({
      url: nodes[1]!.wsUrl,
      token,
      WebSocket: WebSocket as never,
      window: null,
      maxNotifications: 5000,
    });
    const statuses: string[] = [];
    realtime.connection.onState((state) => statuses.push(state.status));
    realtime.connect();
    await waitUntil(
      () => realtime.store.getState().connection.status === 'connected' && !realtime.store.getState().loading,
      'realtime client live',
    );

    const acknowledged: string[] = [];
    let refused = 0;
    const started = Date.now();
    /** One publisher: batches of 2 every 20 ms for 3 s (at most 150), through A and B in turn; a refused batch is sent again with the same ids until acknowledged. */
    const publisher = async (p: number) => {
      for (let k = 0; k < 150 && Date.now() - started < 3000; k++) {
        const ids = [`p${p}-${k}-a`, `p${p}-${k}-b`];
        const body = ids.map((id) => note(id, { id }));
        for (let attempt = 0; ; attempt++) {
          const status = await post(nodes[(k + attempt) % 2]!, body).then(
            (res) => res.status,
            () => 0,
          );
          if (status === 202) break;
          refused++;
          assert.ok(status === 503 || status === 0, `publish refused with ${status}`);
          assert.ok(Date.now() - started < 30_000, `${ids} never acknowledged`);
          await new Promise((r) => setTimeout(r, 20));
        }
        acknowledged.push(...ids);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const restarts = (async () => {
      await waitUntil(() => Date.now() - started > 800, 'load under way');
      await server.restartInBackground('fast');
      await waitUntil(() => Date.now() - started > 1800, 'load under way again');
      await server.restartInBackground('immediate');
    })();
    await Promise.all([0, 1, 2, 3].map(publisher).concat(restarts));
    assert.ok(refused > 0, 'some publishes were refused while the server was down');

    const expected = [...acknowledged].sort();
    for (const [i, watcher] of watchers.entries()) {
      await waitUntil(
        () => watcher.events().filter((e) => e.kind === 'notification').length >= expected.length,
        `watcher on node ${i + 1} holds all ${expected.length}`,
        20_000,
      );
      const got = watcher.events().flatMap((e) => (e.kind === 'notification' ? [e] : []));
      const seqs = got.map((e) => e.seq);
      assert.ok(
        seqs.every((seq, j) => j === 0 || seq > seqs[j - 1]!),
        `node ${i + 1}: seqs strictly increasing`,
      );
      assert.deepEqual(
        got.map((e) => e.id).sort(),
        expected,
        `node ${i + 1}: every acknowledged notification once, nothing else`,
      );
      assert.equal(watcher.closedWith, null, `the client on node ${i + 1} stayed connected`);
    }
    await waitUntil(
      () => realtime.store.getState().notifications.length >= expected.length,
      'the realtime client holds them all',
      20_000,
    );
    assert.deepEqual(
      realtime.store
        .getState()
        .notifications.map((n) => n.id)
        .sort(),
      expected,
    );
    assert.ok(!statuses.includes('reconnecting'), `the realtime client stayed connected (${statuses})`);
    for (const hub of nodes) {
      await waitUntil(async () => (await fetch(`${hub.url}/healthz`)).status === 200, 'healthy again', 20_000);
    }
    realtime.close();
    for (const watcher of watchers) watcher.close();
    await Promise.all(nodes.map((hub) => hub.close()));
  });

  test('three node processes behind a balancer: kill -9 of one during a burst, its client returns through the balancer and holds every acknowledged notification once; mark read on one tab updates the other', async () => {
    const { url } = await cluster();
    const nodes = await Promise.all(['lb-1', 'lb-2', 'lb-3'].map((name) => startCliNode(url, name)));
    const balancer = await TcpBalancer.start(nodes.map((n) => Number(new URL(n.url).port)));
    after(() => balancer.close());
    const token = await signToken({ sub: 'two-tabs' });
    const tab = async () => {
      const client = createRealtimeClient({
        url: `ws://127.0.0.1:${balancer.port}/v1/ws`,
        token,
        WebSocket: WebSocket as never,
        window: null,
        maxNotifications: 1000,
        heartbeatMs: 250,
        pongTimeoutMs: 500,
        connectTimeoutMs: 1500,
        backoff: { initialMs: 50, maxMs: 400 },
      });
      const statuses: string[] = [];
      client.connection.onState((state) => statuses.push(state.status));
      client.connect();
      await waitUntil(
        () => client.store.getState().connection.status === 'connected' && !client.store.getState().loading,
        'tab live',
      );
      return Object.assign(client, { statuses });
    };
    // Round robin: the first tab lands on lb-1, the second on lb-2; publishes go through lb-3.
    const tabs = [await tab(), await tab()];
    const acknowledged: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await post(nodes[2]!.hub, note(`lb ${i}`, { id: `lb-${i}` }));
      assert.equal(res.status, 202);
      acknowledged.push(`lb-${i}`);
      if (i === 20) nodes[0]!.child.kill('SIGKILL');
    }
    for (const [i, client] of tabs.entries()) {
      await waitUntil(
        () => client.store.getState().notifications.length >= acknowledged.length,
        `tab ${i} holds all ${acknowledged.length} (has ${client.store.getState().notifications.length})`,
        20_000,
      );
      const list = client.store.getState().notifications;
      assert.deepEqual(
        list.map((n) => n.id),
        [...acknowledged].reverse(),
        `tab ${i}: every acknowledged notification once, newest first`,
      );
    }
    assert.ok(tabs[0]!.statuses.includes('reconnecting'), `the killed node's tab came back (${tabs[0]!.statuses})`);
    assert.ok(!tabs[1]!.statuses.includes('reconnecting'), 'the other tab was never disturbed');
    await tabs[1]!.store.markRead(['lb-59', 'lb-58']);
    await waitUntil(
      () => tabs[0]!.store.getState().unread.total === acknowledged.length - 2,
      'the read reached the other tab',
      10_000,
    );
    for (const client of tabs) client.close();
    for (const n of nodes.slice(1)) n.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all(nodes.slice(1).map((n) => n.exited)), [0, 0]);
  });
});
