// `npm test`: every check and test in one run, ending with one line `N passed, N failed`.
// Steps: type check, lint, manifest check, docs check, Node tests, build, browser tests, end-to-end
// tests (after the build: `npm start`'s stack and the React and Vue apps in Chromium).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser, MISSING_BROWSER } from './find-browser.mjs';
import { findPostgresBin, MISSING_POSTGRES } from './throwaway-postgres.mjs';

if (!findBrowser()) {
  console.error(MISSING_BROWSER);
  process.exit(1);
}
if (!process.env.ADMIN_REALTIME_TEST_POSTGRES_URL && !findPostgresBin()) {
  console.error(MISSING_POSTGRES);
  process.exit(1);
}

const only = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'admin-realtime-test-'));
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A check counts as one test. */
async function check(name, cmd, args) {
  console.log(`\n── ${name}`);
  const { code } = await run(cmd, args);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(name);
  }
}

/** Runs Node's test runner and adds its pass and fail counts to the totals. */
async function nodeTests(name, args) {
  console.log(`\n── ${name}`);
  const { code, output } = await run('node', args);
  const pass = Number(/ℹ pass (\d+)/.exec(output)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(output)?.[1] ?? 0);
  totals.passed += pass;
  totals.failed += fail;
  if (code !== 0 && fail === 0) {
    totals.failed++;
    failures.push(`${name} (runner failed)`);
  } else if (fail) failures.push(`${name} (${fail} failed)`);
}

const steps = {
  typecheck: () => check('type check', 'npx', ['tsc', '-p', '.']),
  'typecheck-demos': () => check('type check (demo/react)', 'npx', ['tsc', '-p', 'demo/react']),
  lint: () => check('lint (biome)', 'npx', ['biome', 'ci', '.']),
  manifest: () => check('custom-elements.json is current', 'node', ['scripts/manifest.mjs', '--check']),
  docs: () =>
    check('docs/elements.md and docs/theming.md are current', 'node', ['scripts/elements-doc.mjs', '--check']),
  node: () => nodeTests('Node tests', ['scripts/node-tests.mjs']),
  build: () => check('build (npm modules, CDN bundles)', 'npm', ['run', '-s', 'build']),
  browser: async () => {
    console.log('\n── Browser tests (Chromium)');
    const countFile = join(tmp, 'wtr.json');
    const { code } = await run(
      'node',
      ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs'],
      { WTR_COUNT_FILE: countFile },
    );
    let counts = { passed: 0, failed: 0 };
    try {
      counts = JSON.parse(readFileSync(countFile, 'utf8'));
    } catch {}
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    if (code !== 0 && counts.failed === 0) {
      totals.failed++;
      failures.push('browser tests (runner failed)');
    } else if (counts.failed) failures.push(`browser tests (${counts.failed} failed)`);
  },
  e2e: () =>
    nodeTests('End-to-end tests (Chromium)', [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=1',
      '--test-timeout=180000',
      ...readdirSync('test/e2e')
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => `test/e2e/${f}`),
    ]),
};

for (const [name, step] of Object.entries(steps)) {
  if (only.length && !only.includes(name)) continue;
  await step();
}
rmSync(tmp, { recursive: true, force: true });

console.log('');
if (failures.length) console.log(`Failed: ${failures.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
