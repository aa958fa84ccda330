// `npm test`: every check and test in one run, ending with one line `N passed, N failed`.
// Steps: type check, lint, manifest check, docs check, Node tests, build, browser tests, end-to-end
// tests (after the build: `npm start`'s stack and the React and Vue apps in Chromium, the docs' nginx
// configurations run by nginx).
// Counts come from the runners as data (a reporter's JSON file), never from their text; the checks
// (type check, lint, manifest, docs, build) fail the run but are not counted as tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser, MISSING_BROWSER } from './find-browser.mjs';
import { findNginx, MISSING_NGINX } from './find-nginx.mjs';
import { findPostgresBin, MISSING_POSTGRES } from './throwaway-postgres.mjs';

if (!findBrowser()) {
  console.error(MISSING_BROWSER);
  process.exit(1);
}
if (!process.env.ADMIN_REALTIME_TEST_POSTGRES_URL && !findPostgresBin()) {
  console.error(MISSING_POSTGRES);
  process.exit(1);
}
if (!findNginx()) {
  console.error(MISSING_NGINX);
  process.exit(1);
}

const only = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'admin-realtime-test-'));
const totals = { passed: 0, failed: 0 };
const failures = [];
/** Checks that failed (they are not tests, so not in `totals`). */
const failedChecks = [];

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

/** A check fails the run when it fails; it is not a test and not counted as one. */
async function check(name, cmd, args) {
  console.log(`\n── ${name}`);
  const { code } = await run(cmd, args);
  if (code !== 0) failedChecks.push(name);
}

/** The `{passed, failed}` a runner wrote to `file`; none when it wrote nothing readable. */
function readCounts(file) {
  try {
    const counts = JSON.parse(readFileSync(file, 'utf8'));
    if (Number.isInteger(counts.passed) && Number.isInteger(counts.failed)) return counts;
  } catch {}
  return undefined;
}

/** Adds a runner's counts to the totals; a runner that failed without a failed test fails too. */
function addCounts(name, code, counts) {
  const { passed = 0, failed = 0 } = counts ?? {};
  totals.passed += passed;
  totals.failed += failed;
  if (code !== 0 && failed === 0) {
    totals.failed++;
    failures.push(`${name} (runner failed${counts ? '' : ', no counts'})`);
  } else if (failed) failures.push(`${name} (${failed} failed)`);
}

const COUNT_REPORTER = ['--test-reporter=./scripts/count-reporter.mjs'];

/** Runs Node's test runner (spec to the console, counts to a file) and adds its counts. */
async function nodeTests(name, args, countFile) {
  console.log(`\n── ${name}`);
  const { code } = await run('node', args, { NODE_TEST_COUNT_FILE: countFile });
  addCounts(name, code, readCounts(countFile));
}

const steps = {
  typecheck: () => check('type check', 'npx', ['tsc', '-p', '.']),
  'typecheck-demos': () => check('type check (demo/react)', 'npx', ['tsc', '-p', 'demo/react']),
  lint: () => check('lint (biome)', 'npx', ['biome', 'ci', '.']),
  manifest: () => check('custom-elements.json is current', 'node', ['scripts/manifest.mjs', '--check']),
  docs: () =>
    check('docs/elements.md and docs/theming.md are current', 'node', ['scripts/elements-doc.mjs', '--check']),
  node: () => nodeTests('Node tests', ['scripts/node-tests.mjs'], join(tmp, 'node.json')),
  build: () => check('build (npm modules, CDN bundles)', 'npm', ['run', '-s', 'build']),
  browser: async () => {
    console.log('\n── Browser tests (Chromium)');
    const countFile = join(tmp, 'wtr.json');
    const { code } = await run(
      'node',
      ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs'],
      { WTR_COUNT_FILE: countFile },
    );
    addCounts('browser tests', code, readCounts(countFile));
  },
  e2e: () =>
    nodeTests(
      'End-to-end tests (Chromium)',
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        ...COUNT_REPORTER,
        `--test-reporter-destination=${join(tmp, 'e2e.json')}`,
        '--test-concurrency=1',
        '--test-timeout=180000',
        ...readdirSync('test/e2e')
          .filter((f) => f.endsWith('.test.ts'))
          .sort()
          .map((f) => `test/e2e/${f}`),
      ],
      join(tmp, 'e2e.json'),
    ),
};

for (const [name, step] of Object.entries(steps)) {
  if (only.length && !only.includes(name)) continue;
  await step();
}
rmSync(tmp, { recursive: true, force: true });

console.log('');
if (failedChecks.length) console.log(`Failed checks: ${failedChecks.join('; ')}`);
if (failures.length) console.log(`Failed: ${failures.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed || failedChecks.length ? 1 : 0);
