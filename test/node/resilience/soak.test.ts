/**
 * Soak, Node side: thirty minutes of demo traffic (1800 simulator ticks, one simulated second
 * each, from the seeded voice-AI simulator) into a hub running in a child process with a SQLite
 * file, fanned out to four `createRealtimeClient` clients. Compressed to seconds.
 *
 * - hub memory is flat after warm-up: heap after a full GC grows by less than HEAP_TOLERANCE and
 *   RSS by less than RSS_TOLERANCE between the first post-warm-up sample and the largest
 *   (measured values beside the constants);
 * - every client keeps up (its last seq reaches the hub's at every sample, no slow-consumer close);
 * - each client's memory is bounded by its caps (lists never exceed them);
 * - after `close()`, no timer, socket or listener of the clients is left in this process.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../../src/core/client.js';
import { signToken, waitUntil } from '../../support/hub-harness.js';

const MiB = 1024 * 1024;
// Measured (2 cores, Node 20): heap after GC 8.4 MiB at every sample; RSS 105.6 → 107.6 MiB over
// the 30 simulated minutes (SQLite's page cache filling as the file grows). A leak of one event
// per fan-out (~300 B × 3300 events × 4 sockets) would already exceed the heap bound.
const HEAP_TOLERANCE = 4 * MiB;
const RSS_TOLERANCE = 16 * MiB;
const WARM_UP_TICKS = 600;
const SAMPLE_TICKS = 300;
const SAMPLES = 6; // 6 × 300 = 1800 ticks = 30 simulated minutes after warm-up

interface Measured {
  seq: number;
  rss: number;
  heapUsed: number;
  external: number;
}

const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-soak-'));
let child: ChildProcess | undefined;
after(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Active handles and requests of this process, by type (Timeout, TCPSocketWrap…). */
const resources = () => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

test('30 minutes of demo traffic: hub memory flat, clients keep up, nothing left after close', {
  timeout: 150_000,
}, async () => {
  const baseline = resources();
  child = fork('test/support/soak-hub.ts', [join(dir, 'soak.db')], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Array<Record<string, unknown>> = [];
  child.on('message', (m) => inbox.push(m as Record<string, unknown>));
  const next = async (type: string) => {
    const m = await waitUntil(() => inbox.find((x) => x.type === type), `child ${type}`, 60_000);
    inbox.splice(inbox.indexOf(m), 1);
    return m;
  };
  const ready = (await next('ready')) as { wsUrl: string; gc: boolean };
  assert.ok(ready.gc, 'the child runs with --expose-gc');

  const clients: RealtimeClient[] = [];
  for (let i = 0; i < 4; i++) {
    const client = createRealtimeClient({
      url: ready.wsUrl,
      token: await signToken({ sub: `soak-${i % 2}` }),
      WebSocket: WebSocket as never,
      window: null,
    });
    client.connect();
    clients.push(client);
  }
  await waitUntil(() => clients.every((c) => !c.store.getState().loading), 'clients live');
  const closes: number[] = [];
  for (const c of clients) c.on('realtime-error', (e) => e.kind === 'close' && closes.push(Number(e.code)));

  const drive = async (ticks: number): Promise<Measured> => {
    child!.send({ ticks });
    const m = (await next('measured')) as unknown as Measured;
    await waitUntil(
      () => clients.every((c) => c.connection.lastSeq >= m.seq),
      `clients reach seq ${m.seq} (at ${clients.map((c) => c.connection.lastSeq).join(',')})`,
      30_000,
    );
    return m;
  };

  await drive(WARM_UP_TICKS);
  const samples: Measured[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await drive(SAMPLE_TICKS));

  const first = samples[0]!;
  const last = samples.at(-1)!;
  const fmt = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  const table = samples.map((s) => `seq ${s.seq}: rss ${fmt(s.rss)} heap ${fmt(s.heapUsed)}`).join('\n  ');
  if (process.env.SOAK_VERBOSE) console.log(`soak samples:\n  ${table}`);
  const maxHeap = Math.max(...samples.map((s) => s.heapUsed));
  const maxRss = Math.max(...samples.map((s) => s.rss));
  assert.ok(last.seq - first.seq > 1000, `real traffic flowed (${last.seq - first.seq} events)`);
  assert.ok(maxHeap - first.heapUsed < HEAP_TOLERANCE, `hub heap grew beyond tolerance:\n  ${table}`);
  assert.ok(maxRss - first.rss < RSS_TOLERANCE, `hub RSS grew beyond tolerance:\n  ${table}`);
  assert.deepEqual(closes, [], 'no client was dropped (slow consumer, rate limit…)');
  for (const c of clients) {
    const s = c.store.getState();
    assert.ok(s.notifications.length <= 100 && s.activity.length <= 50, 'lists stay within their caps');
    assert.ok(s.metrics.t.length <= 3600, 'metric history stays within its window');
  }

  for (const c of clients) c.close();
  child.send({ stop: true });
  await new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  // Nothing the clients owned is left: no timer, no socket (the poll of waitUntil is not running now).
  await waitUntil(
    () => {
      const now = resources();
      return Object.keys(now).every((k) => (now[k] ?? 0) <= (baseline[k] ?? 0)) ? now : undefined;
    },
    `handles back to baseline ${JSON.stringify(baseline)} (now ${JSON.stringify(resources())})`,
  );
});
