// Runs every Node test (test/node/**/*.test.ts) with Node's own runner; TypeScript through tsx.
// The PostgreSQL tests use ADMIN_REALTIME_TEST_POSTGRES_URL when given; otherwise one throwaway
// server is started for the run (each test file creates its own databases on it) and stopped after.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findPostgresBin, MISSING_POSTGRES, startThrowawayPostgres } from './throwaway-postgres.mjs';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = collect('test/node')
  .filter((f) => !filter.length || filter.some((x) => f.includes(x)))
  .sort();
// With NODE_TEST_COUNT_FILE set (npm test), the pass and fail counts also go to that file as JSON.
const countFile = process.env.NODE_TEST_COUNT_FILE;
const reporters = countFile
  ? [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/count-reporter.mjs',
      `--test-reporter-destination=${countFile}`,
    ]
  : ['--test-reporter=spec'];

let postgres = null;
if (!process.env.ADMIN_REALTIME_TEST_POSTGRES_URL) {
  if (!findPostgresBin()) {
    console.error(MISSING_POSTGRES);
    process.exit(1);
  }
  postgres = await startThrowawayPostgres();
  process.once('exit', () => postgres.stop());
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
}
const env = postgres ? { ...process.env, ADMIN_REALTIME_TEST_POSTGRES_URL: postgres.url } : process.env;
const child = spawn(
  'node',
  ['--import', 'tsx', '--test', ...reporters, '--test-concurrency=1', '--test-timeout=120000', ...files],
  { stdio: 'inherit', env },
);
child.on('close', (code) => process.exit(code ?? 1));
