/**
 * The peers measured beside the project (bundle size and fan-out baselines), installed for the
 * benchmark only into bench/.peers (its own package.json, gitignored), never into the project.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '.peers');

/** Pinned to the majors current when the bench was written, so figures compare run to run. */
export const PEER_PACKAGES = {
  '@trycourier/courier-ui-inbox': '^2.4.7',
  '@novu/js': '^3.19.2',
  centrifuge: '^5.8.0',
  'socket.io-client': '^4.8.4',
  'socket.io': '^4.8.4',
};

/** Installs the peers on first run (or when the list changed); returns { name: error } for those that failed. */
export function ensurePeers(log = console.log) {
  mkdirSync(PEERS_DIR, { recursive: true });
  const manifest = join(PEERS_DIR, 'package.json');
  const wanted = { name: 'admin-realtime-bench-peers', private: true, dependencies: PEER_PACKAGES };
  const current = existsSync(manifest) ? readFileSync(manifest, 'utf8') : '';
  const failures = {};
  const installed = (name) => existsSync(join(PEERS_DIR, 'node_modules', name, 'package.json'));
  const stale = current !== JSON.stringify(wanted, null, 2) || Object.keys(PEER_PACKAGES).some((n) => !installed(n));
  if (stale) {
    writeFileSync(manifest, JSON.stringify(wanted, null, 2));
    log(`installing benchmark peers into ${PEERS_DIR} …`);
    try {
      execFileSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel', 'error'], {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 300_000,
      });
    } catch (err) {
      // One failing package fails the whole install; retry each alone so the others still count.
      log(`peer install failed (${err.message.split('\n')[0]}); installing one by one`);
      for (const [name, range] of Object.entries(PEER_PACKAGES)) {
        if (installed(name)) continue;
        try {
          execFileSync(
            'npm',
            [
              'install',
              '--prefix',
              PEERS_DIR,
              '--no-save',
              '--no-audit',
              '--no-fund',
              '--loglevel',
              'error',
              `${name}@${range}`,
            ],
            {
              stdio: ['ignore', 'inherit', 'inherit'],
              timeout: 180_000,
            },
          );
        } catch (e) {
          failures[name] = `install failed: ${e.message.split('\n')[0]}`;
        }
      }
    }
  }
  for (const name of Object.keys(PEER_PACKAGES))
    if (!installed(name) && !failures[name]) failures[name] = 'not installed';
  return failures;
}

/** `require` rooted in the peers folder (for socket.io and socket.io-client in the fan-out bench). */
export const peerRequire = createRequire(join(PEERS_DIR, 'package.json'));

/** Version of an installed peer, or null. */
export function peerVersion(name) {
  try {
    return JSON.parse(readFileSync(join(PEERS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}
