// `npm start`: builds what is missing or stale, then serves the demo admin page and mounts the hub
// (demo simulator, embedded SQLite under ./data/, the alert rules of demo/alert-rules.json, Web
// Push with a VAPID key pair kept in ./data/vapid.json) on the same localhost server, and prints
// the URL.
//   PORT=8080 npm start        choose the port (default 8787; the next free one when taken)
//   PORT=0 npm start           any free port (the printed URL has the one chosen)
//   DEMO_DB=:memory: npm start keep nothing on disk
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

const outputs = ['dist/cdn/admin-realtime.js', 'packages/hub/dist/index.js'].map((p) => join(root, p));
const stale =
  outputs.some((p) => !existsSync(p)) ||
  newestMtime(join(root, 'src')) > Math.min(...outputs.map((p) => statSync(p).mtimeMs));
if (stale) {
  console.log('Building admin-realtime (npm run build)…');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The build failed; see the output above.');
    process.exit(1);
  }
}

const { createHub, readAlertRulesFile } = await import(join(root, 'packages/hub/dist/index.js'));
const { default: webpush } = await import('web-push');

/**
 * The demo's VAPID key pair, made once and kept: a browser subscribed with one public key receives
 * only pushes signed by its private key, so a new pair each start would silence every subscription.
 */
function demoVapid() {
  const file = join(root, 'data/vapid.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = { ...webpush.generateVAPIDKeys(), subject: 'mailto:demo@admin-realtime.invalid' };
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const mounts = [
  ['/cdn/', join(root, 'dist/cdn')],
  ['/demo/', join(root, 'demo')],
];

/** Serves the demo page and the CDN bundle; the hub answers its own paths before this runs. */
function serveStatic(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let file;
  if (url.pathname === '/' || url.pathname === '/index.html') file = join(root, 'demo/index.html');
  // The Web Push service worker, from the page's origin at its root, as an integrator serves it.
  if (url.pathname === '/admin-realtime-sw.js') file = join(root, 'dist/cdn/admin-realtime-sw.js');
  for (const [prefix, dir] of mounts) {
    if (!file && url.pathname.startsWith(prefix)) {
      const candidate = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
      if (candidate.startsWith(dir)) file = candidate;
    }
  }
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

async function listen(server, port, attempts = 20) {
  for (let i = 0; i < attempts; i++) {
    try {
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port + i, process.env.HOST ?? '127.0.0.1', () => {
          server.off('error', fail);
          ok();
        });
      });
      return server.address().port; // the real one, also for PORT=0 (any free port)
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || process.env.PORT) throw err;
    }
  }
  throw new Error(`no free port from ${port} to ${port + attempts - 1}; set PORT`);
}

const server = createServer(serveStatic); // the hub takes its own paths first, the rest falls through
const port = await listen(server, Number(process.env.PORT ?? 8787));
const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
const hub = await createHub({
  server,
  demo: true,
  db: process.env.DEMO_DB ?? join(root, 'data/demo.db'),
  allowedOrigins: origins,
  publishKey: process.env.ADMIN_REALTIME_PUBLISH_KEY ?? 'demo-publish-key',
  // The simulator's scripted outages push errorRate past 5 %: an incident opens and resolves by itself.
  alertRules: readAlertRulesFile(join(root, 'demo/alert-rules.json')),
  // "Enable push notifications" in the preferences panel; a critical alert not seen within 2 minutes
  // (the default ladder) then reaches this browser with the page closed.
  push: { vapid: demoVapid() },
  escalation: { panelUrl: `http://localhost:${port}/` },
  log: process.env.LOG_LEVEL ?? 'warn',
});

console.log(`\n  admin-realtime demo: http://localhost:${port}/\n`);
console.log(`  publish:  curl -X POST http://localhost:${port}/v1/events \\`);
console.log(`              -H 'authorization: Bearer demo-publish-key' -H 'content-type: application/json' \\`);
console.log(`              -d '{"kind":"notification","title":"Hello from curl","priority":"high"}'\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await hub.close();
    server.close();
    process.exit(0);
  });
}
