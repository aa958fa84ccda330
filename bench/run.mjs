/**
 * `npm run bench`: bundle size, client ingestion and render, charts, hub fan-out, reconnect
 * storm, tabs sharing one socket, latency on each rung of the transport ladder, the hub as a cluster
 * on PostgreSQL, escalation from due time to the SMTP server and to a push service, Web Push from
 * send to a push service. Prints a table and writes bench/report.md and bench/report.json. Every
 * figure is set beside a baseline measured in the same run; absolute times on a shared machine are
 * noise.
 *
 * Runs under tsx (scripts/bench.mjs starts it), so the hub's TypeScript is imported directly.
 * Options: --only=bundle,client,charts,fanout,storm,tabs,transports,cluster,escalation,push   --clients=1000   --seconds=10   --client-c=200000
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { runBundle } from './bundle.mjs';
import { runCharts, runClient } from './client.mjs';
import { runCluster } from './cluster.mjs';
import { runEscalation } from './escalation.mjs';
import { runFanout } from './fanout.mjs';
import { ensurePeers } from './peers.mjs';
import { runPush } from './push.mjs';
import { writeReport } from './report.mjs';
import { runStorm } from './storm.mjs';
import { runTabs } from './tabs.mjs';
import { runTransports } from './transports.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const only = args.only ? new Set(args.only.split(',')) : null;
const want = (name) => !only || only.has(name);
const clients = Number(args.clients ?? 1000);
const seconds = Number(args.seconds ?? 10);
const log = (msg) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

const report = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    node: process.version,
    loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  },
  sections: {},
};
const started = Date.now();

async function section(name, fn) {
  if (!want(name)) return;
  const t0 = Date.now();
  try {
    report.sections[name] = await fn();
  } catch (err) {
    log(`${name} failed: ${err.stack ?? err}`);
    report.sections[name] = { error: String(err.message ?? err), checks: [] };
  }
  report.sections[name].durationS = Math.round((Date.now() - t0) / 1000);
}

const peerFailures = want('bundle') || want('fanout') ? ensurePeers(log) : {};
for (const [name, why] of Object.entries(peerFailures)) log(`peer ${name}: ${why}`);

await section('bundle', () => runBundle({ root, log, peerFailures }));

// The browser benches load a CDN build made now from the current source (not a stale dist/).
const cdnDir = join(root, 'bench', '.tmp', 'cdn');
if (want('client') || want('charts') || want('tabs') || want('transports')) {
  log('building the CDN bundle for the browser benches …');
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    mode: 'cdn',
    logLevel: 'warn',
    build: { outDir: cdnDir, emptyOutDir: true },
  });
}
await section('client', () => runClient({ root, cdnDir, log, phaseC: Number(args['client-c'] ?? 200_000) }));
await section('charts', () => runCharts({ root, cdnDir, log }));
await section('fanout', () => {
  if (peerFailures['socket.io']) log('socket.io did not install: the Socket.IO baseline is skipped');
  return runFanout({
    root,
    log,
    clients,
    seconds,
    modes: peerFailures['socket.io'] ? ['hub', 'ws'] : ['hub', 'ws', 'socketio'],
  });
});
await section('storm', () => runStorm({ root, log, clients }));
await section('tabs', () => runTabs({ root, cdnDir, log }));
await section('transports', () => runTransports({ root, cdnDir, log }));
await section('cluster', () => runCluster({ root, log, clients, seconds }));
await section('escalation', () => runEscalation({ log }));
await section('push', () => runPush({ log }));

report.durationS = Math.round((Date.now() - started) / 1000);
report.machine.loadavgAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
const { table } = writeReport(root, report, { partial: Boolean(only) });
console.log(`\n${table}`);
const failed = Object.values(report.sections)
  .flatMap((s) => s.checks ?? [])
  .filter((c) => !c.holds).length;
log(
  `done in ${report.durationS} s; ${failed} budget(s) not held${only ? ' (partial run: report written to bench/out/)' : ''}`,
);
process.exit(0);
