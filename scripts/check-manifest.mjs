// Fails when the committed custom-elements.json differs from what the analyzer makes of the
// source now (a @fires, @cssproperty, attribute... changed without `npm run manifest`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer resolves --outdir against the working directory, so use a (git-ignored) folder in it.
mkdirSync('.artifacts', { recursive: true });
const out = mkdtempSync(join('.artifacts', 'cem-'));
try {
  execFileSync(
    'npx',
    ['custom-elements-manifest', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', out],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  let committed = '';
  try {
    committed = readFileSync('custom-elements.json', 'utf8');
  } catch {}
  if (JSON.stringify(JSON.parse(fresh)) !== JSON.stringify(committed ? JSON.parse(committed) : null)) {
    console.error('custom-elements.json is stale: run `npm run manifest` and commit the result.');
    process.exit(1);
  }
  console.log('custom-elements.json matches the source.');
} finally {
  rmSync(out, { recursive: true, force: true });
}
