/** Child processes of the benchmark, driven by request/answer messages over IPC, each wait bounded. */
import { fork } from 'node:child_process';

export function startChild(file, args, { tsx = false, timeoutMs = 60_000, label = file, profile = false } = {}) {
  const execArgv = tsx ? ['--import', 'tsx'] : [];
  // BENCH_CPU_PROF=<dir>: profile the servers and load generators (node --cpu-prof), to see where fan-out time goes.
  if (profile && process.env.BENCH_CPU_PROF)
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const child = fork(file, args, {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = [];
  const inbox = [];
  child.on('message', (msg) => {
    if (msg?.type === 'error') console.error(`[${label}] ${msg.message}`);
    const i = waiting.findIndex((w) => w.type === msg?.type || msg?.type === 'error');
    if (i >= 0) waiting.splice(i, 1)[0].resolve(msg);
    else inbox.push(msg);
  });
  let exited = null;
  child.on('exit', (code) => {
    exited = code;
    for (const w of waiting.splice(0)) w.reject(new Error(`${label} exited (${code}) while waiting for ${w.type}`));
  });
  /** Waits for the next message of `type` (or an error message), at most `ms`. */
  const next = (type, ms = timeoutMs) => {
    const j = inbox.findIndex((m) => m?.type === type);
    if (j >= 0) return Promise.resolve(inbox.splice(j, 1)[0]);
    if (exited !== null) return Promise.reject(new Error(`${label} already exited (${exited})`));
    return new Promise((resolve, reject) => {
      const entry = { type, resolve, reject };
      const timer = setTimeout(() => {
        const k = waiting.indexOf(entry);
        if (k >= 0) waiting.splice(k, 1);
        reject(new Error(`${label}: no ${type} within ${ms} ms`));
      }, ms);
      entry.resolve = (v) => {
        clearTimeout(timer);
        if (v?.type === 'error') reject(new Error(`${label}: ${v.message}`));
        else resolve(v);
      };
      entry.reject = (e) => {
        clearTimeout(timer);
        reject(e);
      };
      waiting.push(entry);
    });
  };
  const request = (msg, type, ms) => {
    const answer = next(type, ms);
    child.send(msg);
    return answer;
  };
  /** Lets the child exit by itself for up to `graceMs` (a CPU profile is written at exit), then kills it. */
  const kill = async (graceMs = 3000) => {
    if (exited !== null) return;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (exited === null) child.kill('SIGKILL');
  };
  return { child, next, request, kill };
}
