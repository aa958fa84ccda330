// Builds the admin-realtime-hub package (packages/hub/dist) from src/hub, which stays where it is:
// the ES modules through Vite (`--mode hub`, see vite.config.ts) and the declarations through tsc
// (tsconfig.hub.json). Both import the protocol from `admin-realtime/protocol`, the browser
// package's export, instead of carrying a copy; any other import leaving src/hub fails the build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'packages/hub/dist');
const PROTOCOL = new Set(['core/protocol.js', 'core/validate.js']);

await build({ root, mode: 'hub', logLevel: 'warn' });

const tmp = mkdtempSync(join(tmpdir(), 'admin-realtime-hub-types-'));
try {
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.hub.json'), '--outDir', tmp],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc -p tsconfig.hub.json failed');
  const problems = [];
  const copy = (dir) => {
    for (const entry of readdirSync(join(tmp, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        copy(path);
        continue;
      }
      if (!entry.name.endsWith('.d.ts')) continue;
      const text = readFileSync(join(tmp, path), 'utf8').replace(
        /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g,
        (whole, lead, quote, spec) => {
          const target = posix.normalize(posix.join(posix.dirname(path), spec));
          if (PROTOCOL.has(target)) return `${lead}${quote}admin-realtime/protocol${quote}`;
          if (!target.startsWith('hub/')) problems.push(`${path} imports ${spec}`);
          return whole;
        },
      );
      const dest = join(out, relative('hub', path));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, text);
    }
  };
  copy('hub');
  if (problems.length) {
    throw new Error(`hub declarations reach outside src/hub (only the protocol may):\n  ${problems.join('\n  ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
