// A throwaway PostgreSQL for the tests: Debian's `postgresql` binaries, `initdb` into a temp folder
// (as the `postgres` user when run as root: initdb refuses root), started on a free loopback port
// with its socket in that folder, stopped and deleted after. Starts in about two seconds.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MISSING_POSTGRES =
  'No PostgreSQL binaries found (initdb, pg_ctl): install them (Debian/Ubuntu: apt-get install -y postgresql) or set ADMIN_REALTIME_TEST_POSTGRES_URL to a server the tests may create databases on.';

/** The folder holding initdb and pg_ctl (the newest of Debian's /usr/lib/postgresql/N/bin, else PATH), or null. */
export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  return found ? found.slice(0, found.lastIndexOf('/')) : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The uid and gid of the `postgres` user, when this process is root (initdb refuses root). */
function postgresUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'running as root, and no `postgres` user to run initdb as (apt-get install -y postgresql makes one)',
    );
  }
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * Starts a throwaway server; resolves with its superuser URL (database `postgres`, trust auth on
 * loopback), `stop()` (synchronous: safe in an exit handler) and `restart()`.
 */
export async function startThrowawayPostgres() {
  const bin = findPostgresBin();
  if (!bin) throw new Error(MISSING_POSTGRES);
  const owner = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const as = (cmd, args) => (owner ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const run = (cmd, args) => {
    const [c, a] = as(join(bin, cmd), args);
    const result = spawnSync(c, a, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout || result.error}`);
  };
  /** `run` without blocking the event loop (a hub in this process keeps serving meanwhile). */
  const runInBackground = (cmd, args) =>
    new Promise((resolve, reject) => {
      const [c, a] = as(join(bin, cmd), args);
      const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (output += d));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} failed: ${output}`))));
    });
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
  const startArgs = ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start'];
  const start = () => run('pg_ctl', startArgs);
  const user = owner ? 'postgres' : (process.env.USER ?? 'postgres');
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8']);
    start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    url: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/postgres`,
    port,
    /** Stops the server (fast shutdown) and deletes its folder; idempotent. */
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
    /** Restarts the server on the same port (`mode`: `fast` ends every session first, `immediate` crashes it). */
    restart(mode = 'fast') {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      start();
    },
    /** `restart` without blocking the event loop: resolves once the server accepts connections again. */
    async restartInBackground(mode = 'fast') {
      await runInBackground('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      await runInBackground('pg_ctl', startArgs);
    },
  };
}
