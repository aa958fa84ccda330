/**
 * One server of the fan-out and reconnect benchmarks, in a process of its own so that its CPU
 * (process.cpuUsage) and RSS are its alone. Modes:
 *   hub       the project's hub (createHub) on a SQLite file;
 *   hub-pg    the hub as one node of a cluster: `dbPath` is then a PostgreSQL URL, and the fifth
 *             argument names the node;
 *   ws        a raw `ws` server sending each event to every socket, JSON.stringify per socket;
 *   socketio  a Socket.IO server broadcasting each event with io.emit.
 * Driven over IPC by bench/run.mjs: { cmd: 'step', rate, seconds } publishes `rate` events a
 * second, each stamped with its publish time (ms since the epoch, sub-ms precision) in `data.t`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { createHub, type Hub } from '../src/hub/hub.js';
import { createPublisher } from '../src/hub/publish.js';
import { createSqliteBackend } from '../src/hub/sqlite-backend.js';

const [mode, dbPath, secret, portArg, nodeName] = process.argv.slice(2) as [string, string, string, string?, string?];
const send = (msg: unknown) => process.send?.(msg);
const clock = () => performance.timeOrigin + performance.now();

/** Hub limits for a loopback benchmark: 1,000 sockets from one IP must be let in (defaults are 1/s, burst 30). */
const HUB_BENCH_OPTIONS = {
  connectionRate: { perSecond: 5000, burst: 5000 },
  // ...and may be mid-handshake all at once (the default pending cap is 64 per address).
  pendingConnections: { perIp: 5000, total: 5000 },
  log: 'warn' as const,
  // The load generator's raw clients answer no pings; none falls due within the run.
  heartbeatMs: 600_000,
};

/** Publishes one event stamped `t`; the hub's publish answers once it is stored. */
let publishOne: (seq: number, t: number) => unknown;
let stop: () => Promise<void>;
let hub: Hub | null = null;
let port = Number(portArg ?? 0);

const eventBody = (t: number) => ({
  kind: 'notification',
  title: 'Bench event',
  message: 'Call volume above forecast for agent pool A',
  category: 'calls',
  priority: 'medium',
  data: { t },
});

async function startHub(): Promise<void> {
  const storage = mode === 'hub-pg' ? { postgres: { url: dbPath, node: nodeName } } : { db: dbPath };
  hub = await createHub({ port, ...storage, auth: { jwtSecret: secret }, publishKey: 'bench', ...HUB_BENCH_OPTIONS });
  port = hub.port;
}

if (mode === 'hub' || mode === 'hub-pg') {
  await startHub();
  publishOne = (_seq, t) => hub!.publish(eventBody(t));
  stop = () => hub!.close();
} else if (mode === 'ws') {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  port = (wss.address() as { port: number }).port;
  publishOne = (seq, t) => {
    const event = { ...eventBody(t), id: `e${seq}`, seq, createdAt: new Date().toISOString() };
    // The plain way: one JSON.stringify per socket.
    for (const ws of wss.clients as Set<WebSocket>)
      if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'event', event }));
  };
  stop = () => new Promise((r) => wss.close(() => r()));
} else if (mode === 'socketio') {
  const require = createRequire(join(import.meta.dirname, '.peers', 'package.json'));
  const { Server } = require('socket.io');
  const { createServer } = await import('node:http');
  const http = createServer();
  // No Engine.IO pings within the run (the load generator's raw clients do not answer them).
  const io = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    pingInterval: 600_000,
    pingTimeout: 600_000,
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  port = (http.address() as { port: number }).port;
  publishOne = (seq, t) => {
    io.emit('event', {
      type: 'event',
      event: { ...eventBody(t), id: `e${seq}`, seq, createdAt: new Date().toISOString() },
    });
  };
  stop = () => new Promise((r) => io.close(() => r()));
} else {
  throw new Error(`unknown mode ${mode}`);
}

let rssPeak = 0;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 200);
sampler.unref();

let seq = 0;
/** Publishes `rate`/s for `seconds`, on schedule (catching up when a tick runs late). */
async function step(rate: number, seconds: number) {
  rssPeak = process.memoryUsage().rss;
  // Wall and CPU time inside the publish calls: wall far above CPU means the process waited
  // (descheduled by the machine, or blocked in a syscall such as a storage write).
  let insideWallMs = 0;
  let insideCpuUs = 0;
  const cpu0 = process.cpuUsage();
  const start = clock();
  let published = 0;
  // Publish-to-stored of each publish (the hub's publish resolves after commit): set beside the
  // clients' publish-to-receive, it tells a storage stall from a fan-out one.
  const storedMs: number[] = [];
  const total = Math.round(rate * seconds);
  // A server that cannot keep the rate stops at the deadline: what it did not publish is behind.
  const deadline = start + seconds * 1000 + 500;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((clock() - start) / 1000) * rate) + 1);
      while (published < due && clock() < deadline) {
        const w0 = performance.now();
        const c0 = process.cpuUsage();
        const t = clock();
        const stored = publishOne(++seq, t);
        if (stored instanceof Promise) void stored.then(() => storedMs.push(clock() - t)).catch(() => {});
        const c = process.cpuUsage(c0);
        insideCpuUs += c.user + c.system;
        insideWallMs += performance.now() - w0;
        published++;
      }
      if (published >= total || clock() >= deadline) resolve();
      else setTimeout(tick, Math.max(0, (published / rate) * 1000 - (clock() - start)));
    };
    tick();
  });
  const wall = clock() - start;
  // Let the last fan-out flush before reading CPU.
  await new Promise((r) => setTimeout(r, 300));
  const cpu = process.cpuUsage(cpu0);
  storedMs.sort((a, b) => a - b);
  return {
    published,
    storedP99: storedMs.length ? storedMs[Math.min(storedMs.length - 1, Math.floor(storedMs.length * 0.99))] : null,
    scheduled: total,
    insideWallMs,
    insideCpuMs: insideCpuUs / 1000,
    wallMs: wall,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssPeak,
    rss: process.memoryUsage().rss,
  };
}

/** Reconnect storm: close the hub, publish `gapEvents` straight into its SQLite file while it is down, start it on the same port. */
async function restart(gapMs: number, gapEvents: number) {
  const t0 = clock();
  await hub!.close();
  const closedAt = clock();
  const backend = createSqliteBackend({ path: dbPath });
  const publish = createPublisher(backend, (s) => s, Date.now);
  const every = gapMs / gapEvents;
  for (let i = 0; i < gapEvents; i++) {
    await publish(eventBody(clock()));
    await new Promise((r) => setTimeout(r, every));
  }
  const latestSeq = await backend.latestSeq();
  await backend.close();
  await startHub();
  return { closeStartedAt: t0, closedAt, reopenedAt: clock(), latestSeq };
}

process.on('message', async (msg: { cmd: string; [k: string]: unknown }) => {
  try {
    if (msg.cmd === 'step') send({ type: 'step', ...(await step(msg.rate as number, msg.seconds as number)) });
    else if (msg.cmd === 'publish') {
      const stored = [];
      for (let i = 0; i < (msg.count as number); i++) stored.push(publishOne(++seq, clock()));
      await Promise.all(stored);
      send({ type: 'published', latestSeq: hub ? await hub.backend.latestSeq() : seq });
    } else if (msg.cmd === 'restart')
      send({ type: 'restarted', ...(await restart(msg.gapMs as number, msg.gapEvents as number)) });
    else if (msg.cmd === 'cpu') {
      const cpu = process.cpuUsage();
      send({ type: 'cpu', us: cpu.user + cpu.system });
    } else if (msg.cmd === 'connections') send({ type: 'connections', count: hub ? hub.connections() : -1 });
    else if (msg.cmd === 'stop') {
      await stop();
      send({ type: 'stopped' });
      process.exit(0);
    }
  } catch (err) {
    send({ type: 'error', message: String((err as Error)?.stack ?? err) });
  }
});

send({ type: 'ready', port });
