/**
 * The hub CLI as a child process (`node --import tsx src/hub/cli.ts`), for tests about start-up:
 * output collected, exit code awaited, every child killed by `killAllCli()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_PUBLISH_KEY, TEST_SECRET, waitUntil } from './hub-harness.js';

const CLI = 'src/hub/cli.ts';
const children = new Set<ChildProcess>();

/** Kills (SIGKILL) every child still running; for `after()`. */
export function killAllCli(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs the CLI through tsx; collects output; `exited` resolves its exit code. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr!.on('data', (d) => {
    out.stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** The test credentials as the CLI's environment variables. */
export const CLI_ENV = { ADMIN_REALTIME_JWT_SECRET: TEST_SECRET, ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY };

/** Starts a hub on `db` (any free port) and resolves once it logs `listening`, with its URL. */
export async function startCliHub(db: string, extra: string[] = []) {
  const run = runCli(['--port', '0', '--db', db, '--log-level', 'warn', ...extra], CLI_ENV);
  const line = await waitUntil(
    () => run.out.stdout.split('\n').find((l) => l.includes('"listening"')),
    `listening line (stderr: ${run.out.stderr})`,
    15_000,
  );
  const started = JSON.parse(line) as { url: string; wsUrl: string };
  return { ...run, url: started.url, wsUrl: started.wsUrl };
}
