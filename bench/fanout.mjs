/**
 * Hub fan-out: 1,000 clients on 127.0.0.1, the load in a separate process; publish rate stepped
 * up until p99 publish-to-receive latency passes 50 ms or delivery falls behind. The same steps
 * run against a raw `ws` server (JSON.stringify per socket) and a Socket.IO broadcast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './ipc.mjs';

export const RATES = [20, 50, 80, 100, 150];
export const P99_LIMIT_MS = 50;
/** Delivered below this share of what was published × clients (after a short drain) is "behind". */
export const DELIVERY_FLOOR = 0.99;
/**
 * Below this share the server is clearly behind and higher steps are not run. Low, because on
 * this shared machine a server may get only part of a core for a step; the comparison at the
 * higher steps is what the budgets need.
 */
const BEHIND_FLOOR = 0.5;
/**
 * Each server first runs this long at the first rate, unrecorded: the first seconds after 1,000
 * connections carry their garbage collection and JIT compilation, which put the first measured
 * step's p99 anywhere from 30 to 60 ms for all three servers alike.
 */
const WARMUP_SECONDS = 3;

/** The highest rate of an unbroken run of sustained steps from the first (0 when the first failed). */
const highestSustained = (steps) => {
  let best = 0;
  for (const s of steps) {
    if (!s.sustained) break;
    best = s.rate;
  }
  return best;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts one server process and its load process, and connects the clients. */
async function setUp(mode, { root, clients, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-bench-'));
  const secret = 'bench-secret-bench-secret-bench-secret';
  const server = startChild(join(root, 'bench', 'fanout-server.ts'), [mode, join(dir, 'hub.db'), secret], {
    tsx: true,
    label: `${mode} server`,
    profile: true,
  });
  const { port } = await server.next('ready');
  const load = startChild(join(root, 'bench', 'fanout-load.mjs'), [mode, String(port), String(clients), secret], {
    label: `${mode} load`,
    profile: true,
  });
  await load.next('ready');
  const conn = await load.request({ cmd: 'connect' }, 'connected', 120_000);
  log(`fanout ${mode}: ${conn.connected}/${clients} clients connected in ${Math.round(conn.ms)} ms`);
  if (conn.connected < clients) throw new Error(`only ${conn.connected} of ${clients} clients connected`);
  const tearDown = async () => {
    await load.request({ cmd: 'stop' }, 'stopped', 10_000).catch(() => {});
    await server.request({ cmd: 'stop' }, 'stopped', 15_000).catch(() => {});
    await load.kill();
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return { mode, server, load, connected: conn.connected, tearDown };
}

/** One step on one server: publish `rate`/s for `seconds`, drain up to 3 s, read the latencies. */
export async function step(s, rate, seconds, log) {
  await s.load.request({ cmd: 'begin' }, 'begun');
  const pub = await s.server.request({ cmd: 'step', rate, seconds }, 'step', (seconds + 30) * 1000);
  const expected = pub.scheduled * s.connected;
  // Drain: until everything arrived, or nothing more arrived for 500 ms, or 10 s passed; so that a
  // server's backlog does not spill into the next server's step.
  const t0 = Date.now();
  let got = 0;
  let lastGrowth = Date.now();
  while (Date.now() - t0 < 10_000 && Date.now() - lastGrowth < 500) {
    const now = (await s.load.request({ cmd: 'received' }, 'received')).received;
    if (now > got) lastGrowth = Date.now();
    got = now;
    if (got >= expected) break;
    await sleep(100);
  }
  const r = await s.load.request({ cmd: 'end' }, 'ended', 30_000);
  const delivery = r.received / expected;
  const row = {
    rate,
    published: pub.published,
    scheduled: pub.scheduled,
    received: r.received,
    deliveredPerSec: Math.round(r.received / seconds),
    delivery: Number(delivery.toFixed(4)),
    p50: r.p50,
    p99: r.p99,
    ...(r.p99ByNode ? { p99ByNode: r.p99ByNode } : {}),
    ...(pub.storedP99 != null ? { storedP99: pub.storedP99 } : {}),
    max: r.max,
    cpuPct: Number(((pub.cpuMs / pub.wallMs) * 100).toFixed(1)),
    // CPU the server spent per message it delivered: robust to how much of a core the machine gave it.
    publishWallMs: Math.round(pub.insideWallMs),
    publishCpuMs: Math.round(pub.insideCpuMs),
    cpuUsPerDelivery: r.received ? Number(((pub.cpuMs * 1000) / r.received).toFixed(1)) : null,
    rssMB: Number((pub.rssPeak / 1048576).toFixed(1)),
    loadCpuPct: Number(r.cpuPct.toFixed(1)),
    sustained: r.p99 < P99_LIMIT_MS && delivery >= DELIVERY_FLOOR,
  };
  log(
    `fanout ${s.mode} @${rate}/s: p50 ${n1(row.p50)} p99 ${n1(row.p99)} max ${n1(row.max)} ms, ${row.deliveredPerSec}/s (${(delivery * 100).toFixed(1)}%), cpu ${row.cpuPct}%, in publish ${row.publishWallMs} ms wall / ${row.publishCpuMs} ms cpu, rss ${row.rssMB} MB, load generator cpu ${row.loadCpuPct}%${row.sustained ? '' : '  ← not sustained'}`,
  );
  return row;
}
const n1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');

/**
 * Every server is started and connected first; then each rate runs on each server in turn, so
 * the three see the same minute of this shared machine's noise. A server leaves the run once it
 * is clearly behind (delivery < 50% or p99 over 2 s): its backlog would otherwise load the next
 * server's step.
 */
async function runInterleaved(modes, { root, clients, seconds, log }) {
  const results = Object.fromEntries(modes.map((m) => [m, { mode: m, clients, steps: [] }]));
  const running = [];
  try {
    for (const mode of modes) {
      try {
        running.push(await setUp(mode, { root, clients, log }));
      } catch (err) {
        results[mode].error = String(err.message ?? err);
      }
    }
    for (const s of running) await step(s, RATES[0], WARMUP_SECONDS, () => {});
    for (const rate of RATES) {
      for (const s of [...running]) {
        try {
          const row = await step(s, rate, seconds, log);
          results[s.mode].steps.push(row);
          if (row.delivery < BEHIND_FLOOR || row.p99 > 2000) {
            results[s.mode].stoppedAfter = rate;
            running.splice(running.indexOf(s), 1);
            await s.tearDown();
          }
        } catch (err) {
          results[s.mode].error = `at ${rate}/s: ${String(err.message ?? err)}`;
          running.splice(running.indexOf(s), 1);
          await s.tearDown();
        }
      }
    }
  } finally {
    for (const s of running) await s.tearDown();
  }
  for (const r of Object.values(results)) r.highestSustained = highestSustained(r.steps);
  return results;
}

export async function runFanout({
  root,
  log = console.log,
  clients = 1000,
  seconds = 10,
  modes = ['hub', 'ws', 'socketio'],
}) {
  const results = await runInterleaved(modes, { root, clients, seconds, log });
  const hub = results.hub;
  if (!hub) return { results, checks: [] };
  const at50 = hub.steps.find((s) => s.rate === 50);
  const checks = [
    {
      name: 'hub p99 < 50 ms at 50 events/s to 1,000 clients',
      value: at50 ? Number(at50.p99.toFixed(1)) : null,
      budget: P99_LIMIT_MS,
      unit: 'ms',
      holds: Boolean(at50 && at50.p99 < P99_LIMIT_MS && at50.delivery >= DELIVERY_FLOOR),
    },
  ];
  if (results.ws) {
    checks.push({
      name: 'hub highest sustained rate ≥ raw ws',
      value: hub.highestSustained,
      budget: results.ws.highestSustained,
      unit: 'events/s',
      holds: hub.highestSustained >= results.ws.highestSustained,
    });
  }
  if (results.ws) {
    // Noise-robust companion: the servers' own CPU per delivered message, median over common steps.
    const median = (xs) => {
      const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)] : null;
    };
    const common = hub.steps.filter((s) => results.ws.steps.some((w) => w.rate === s.rate));
    const hubCpu = median(common.map((s) => s.cpuUsPerDelivery));
    const wsCpu = median(common.map((s) => results.ws.steps.find((w) => w.rate === s.rate).cpuUsPerDelivery));
    checks.push({
      name: 'hub CPU per delivered message ≤ raw ws (median over the steps both ran; no budget in the issue, a ratio that machine noise does not move much)',
      value: hubCpu,
      budget: wsCpu,
      unit: 'µs',
      holds: hubCpu !== null && wsCpu !== null && hubCpu <= wsCpu,
    });
  }
  if (results.socketio) {
    // Ahead at a step: lower p99 where both ran it; a step only the hub sustained counts as ahead.
    const behind = [];
    for (const s of hub.steps) {
      const o = results.socketio.steps.find((x) => x.rate === s.rate);
      if (!o) continue;
      const ahead = (s.sustained && !o.sustained) || (s.sustained === o.sustained && s.p99 <= o.p99);
      if (!ahead) behind.push(s.rate);
    }
    checks.push({
      name: 'hub ahead of Socket.IO at every step (p99, or sustained where Socket.IO was not)',
      value: behind.length ? `behind at ${behind.join(', ')}` : 'ahead at every step',
      budget: 'every step',
      unit: '',
      holds: behind.length === 0 && hub.highestSustained >= results.socketio.highestSustained,
    });
  }
  return {
    results,
    checks,
    notes: [
      'bench hub: connectionRate raised to 5000/s burst 5000 per IP (defaults 1/s burst 30) so 1,000 loopback clients can connect; other limits default; SQLite file in a temp folder',
      "latency = receive time in the load process − publish time stamped in the event (both processes read the same clock); the load generator reads only the stamp of each frame, the same way for all three servers (Socket.IO clients speak Engine.IO v4 over plain ws), straight from the socket into one buffer (net `onread`, no stream or Buffer per read); its CPU per step is in the table: near 100% it, not the server, would set the latency (it was, at 50 events/s and above, before it read this way: 97% at 50/s, and every server's p99 there was about 46 ms)",
      `each server first runs ${WARMUP_SECONDS} s at ${RATES[0]} events/s, not recorded (garbage collection and JIT compilation after 1,000 connections); the three servers run interleaved (each rate on hub, ws, Socket.IO in turn) so they share the same minutes of machine noise; a server leaves the run when delivery < 50% or p99 > 2 s; "sustained" = p99 < ${P99_LIMIT_MS} ms and ≥ 99% delivered after the drain (until all arrived, or 500 ms without progress, at most 10 s)`,
      "server CPU % is of one core over the step; on this shared machine a server that gets only a share of a core cannot publish on schedule (published < scheduled shows it), so CPU µs per delivered message is the figure that compares the servers' own cost",
      "server CPU profiles (node --cpu-prof, BENCH_CPU_PROF=dir, 2026-11-26): about 74% of the hub's CPU is the one write syscall per socket of a frame prepared once (serialised, encoded and framed once per publish); the raw ws server spends about 62% in the writev of ws.send and 14% in its JSON.stringify per socket; Socket.IO about 66% in writev",
    ],
  };
}
