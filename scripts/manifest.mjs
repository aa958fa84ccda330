// Writes custom-elements.json from the elements' JSDoc (@custom-elements-manifest/analyzer), with
// modules in path order so the file does not depend on the order the analyzer visits files.
// `--check`: fail when the committed file differs from what the source gives now (a @fires,
// @cssproperty, attribute… changed without `npm run manifest`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');

function analyze() {
  // The analyzer resolves --outdir against the working directory: use a git-ignored folder in it.
  mkdirSync('.artifacts', { recursive: true });
  const out = mkdtempSync(join('.artifacts', 'cem-'));
  try {
    execFileSync(
      'npx',
      ['custom-elements-manifest', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', out],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const manifest = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
    manifest.modules.sort((a, b) => a.path.localeCompare(b.path));
    return `${JSON.stringify(manifest, null, 2)}\n`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const fresh = analyze();
if (!check) {
  writeFileSync('custom-elements.json', fresh);
  console.log('wrote custom-elements.json');
} else {
  let committed = '';
  try {
    committed = readFileSync('custom-elements.json', 'utf8');
  } catch {}
  if (committed !== fresh) {
    console.error('custom-elements.json is stale: run `npm run manifest` and commit the result.');
    process.exitCode = 1;
  } else console.log('custom-elements.json matches the source.');
}
