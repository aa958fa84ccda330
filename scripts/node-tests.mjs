// Runs every Node test (test/node/**/*.test.ts) with Node's own runner; TypeScript through tsx.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const child = spawn(
  'node',
  ['--import', 'tsx', '--test', ...reporters, '--test-concurrency=1', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
child.on('close', (code) => process.exit(code ?? 1));
