// Finds nginx for the test that runs the docs' nginx configurations (test/e2e/nginx.test.ts):
// NGINX_PATH, then `nginx` on PATH, then Debian's /usr/sbin/nginx (not on a user's PATH).
import { delimiter, join } from 'node:path';
import { executable } from './find-browser.mjs';

/** The nginx executable's path, or null. */
export function findNginx() {
  if (process.env.NGINX_PATH) return executable(process.env.NGINX_PATH) ? process.env.NGINX_PATH : null;
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'nginx'));
  return [...onPath, '/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(executable) ?? null;
}

export const MISSING_NGINX =
  'No nginx found: install it (Debian/Ubuntu: apt-get install -y nginx-light) or set NGINX_PATH to its executable.';
