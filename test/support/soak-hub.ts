/**
 * A hub in a child process for the soak test (test/node/resilience/soak.test.ts): a real hub on
 * 127.0.0.1 with a SQLite file, fed by the demo simulator on a compressed clock (one simulated
 * second per tick, ticks driven by the parent over IPC). Run with `node --expose-gc --import tsx`.
 *
 * IPC: the child sends `{ ready, wsUrl, port }`; the parent sends `{ ticks }` and gets back
 * `{ seq, rss, heapUsed, external }` measured after a full GC; `{ stop: true }` closes the hub and exits.
 */
import { createHub } from '../../src/hub/hub.js';
import { mulberry32, startSimulator } from '../../src/hub/simulator.js';
import { TEST_PUBLISH_KEY, TEST_SECRET } from './hub-harness.js';

const db = process.argv[2] ?? ':memory:';
const send = (message: unknown) => process.send?.(message);

const hub = await createHub({
  port: 0,
  host: '127.0.0.1',
  db,
  auth: { jwtSecret: TEST_SECRET },
  publishKey: TEST_PUBLISH_KEY,
  log: 'silent',
});
// The soak runs 2,400 ticks (40 simulated minutes): start that far back so samples stay inside
// the hub's hour of metric history and never run ahead of its clock.
let simulated = Date.now() - 40 * 60_000;
const simulator = startSimulator({
  publish: (events) => hub.publish(events),
  random: mulberry32(42),
  now: () => simulated,
  intervalMs: 2 ** 30, // driven by tick() below
});

const gc = (globalThis as { gc?: () => void }).gc;
const measure = async () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { seq: await hub.backend.latestSeq(), rss: m.rss, heapUsed: m.heapUsed, external: m.external };
};

/** Runs `ticks` simulator steps, yielding to I/O every few so fan-out keeps flowing. */
async function run(ticks: number) {
  for (let i = 0; i < ticks; i++) {
    simulated = Math.min(simulated + 1000, Date.now());
    simulator.tick();
    if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
  }
}

process.on('message', async (message: { ticks?: number; stop?: boolean }) => {
  if (message.stop) {
    simulator.stop();
    await hub.close();
    process.disconnect?.();
    return;
  }
  await run(Math.min(10_000, Math.max(0, Number(message.ticks ?? 0))));
  send({ type: 'measured', ...(await measure()) });
});
send({ type: 'ready', wsUrl: hub.wsUrl, port: hub.port, gc: Boolean(gc) });
