/**
 * `npm start` end to end: spawns `node scripts/start.mjs` (PORT=0, a temporary DEMO_DB), opens
 * the demo page in Chromium, sees live metrics and notifications from the simulator and two that
 * the test publishes like a backend (`POST /v1/events`), opens the bell, marks one notification read, reloads, and
 * finds it still read (and the other still unread). Screenshots go to `.artifacts/`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, openPage, until } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PUBLISH_KEY = 'e2e-publish-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'admin-realtime-e2e-'));
let server: ChildProcess | undefined;
let output = '';
let base = '';
let browser: Browser;

/** Starts `npm start`'s stack and resolves with its URL (on 127.0.0.1) once it is printed. */
function startDemo(): Promise<string> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DB: join(dataDir, 'demo.db'),
      ADMIN_REALTIME_PUBLISH_KEY: PUBLISH_KEY,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  return new Promise((resolve, reject) => {
    // Generous: the first run may build.
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /admin-realtime demo: http:\/\/localhost:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before printing its URL:\n${output}`));
    });
  });
}

async function stopDemo(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

before(async () => {
  browser = await launchBrowser();
  base = await startDemo();
});

after(async () => {
  await browser?.close();
  await stopDemo();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Publishes like an integrator's backend; returns the ids the hub assigned. */
async function publish(events: object[]): Promise<string[]> {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISH_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const body = (await res.json()) as { accepted: Array<{ id: string }> };
  return body.accepted.map((a) => a.id);
}

/** The hub's audit trail has a mark-read by the demo admin that includes `id`. */
async function markReadAudited(id: string): Promise<boolean> {
  const res = await fetch(`${base}/v1/audit?action=mark-read&user=demo-admin`, {
    headers: { authorization: `Bearer ${PUBLISH_KEY}` },
  });
  if (res.status !== 200) return false;
  const { entries } = (await res.json()) as { entries: Array<{ detail?: Record<string, unknown> }> };
  return entries.some((e) => JSON.stringify(e.detail ?? {}).includes(id));
}

const kpiTexts = (page: Page) => page.locator('realtime-metrics [part="kpi-value"]').allTextContents();

test('npm start: live demo page; a notification marked read from the bell stays read after a reload', async () => {
  const { context, page, problems } = await openPage(browser);
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    await page.goto(`${base}/`);
    await page.locator('connection-status[data-state="connected"]').first().waitFor();

    // Live metrics: KPI values from the simulator, which change as it ticks; charts drawn.
    const first = await until(async () => {
      const texts = await kpiTexts(page);
      return texts.length >= 5 && texts.every((t) => /\d/.test(t)) && texts;
    }, 'five KPI values');
    await until(async () => (await kpiTexts(page)).join('|') !== first.join('|'), 'a KPI value to change', 15_000);
    await page.locator('realtime-metrics [part="chart"] canvas').first().waitFor();

    // Notifications a backend publishes arrive live in the panel and on the bell.
    const stamp = Date.now();
    const titleRead = `E2E invoice failed ${stamp}`;
    const titleKept = `E2E agent error ${stamp}`;
    const [readId, keptId] = await publish([
      { kind: 'notification', title: titleRead, category: 'billing', priority: 'high', message: 'Card declined.' },
      { kind: 'notification', title: titleKept, category: 'agents', priority: 'medium', message: 'Agent crashed.' },
    ]);
    assert.ok(readId && keptId);
    const panel = page.locator('main admin-notification-center');
    await panel.locator(`li.item[data-id="${readId}"][data-unread]`).waitFor();
    await panel.locator(`li.item[data-id="${keptId}"][data-unread]`).waitFor();
    await page.locator('notification-bell [part~="badge"]').waitFor();
    // The simulator's notifications are there too (a fresh demo database starts with history).
    await panel.locator(`li.item:not([data-id="${readId}"]):not([data-id="${keptId}"])`).first().waitFor();

    // Open the bell and mark one read there.
    const bell = page.locator('notification-bell');
    await bell.locator('button[part="base"]').click();
    const bellCenter = bell.locator('[part="panel"] admin-notification-center');
    await bellCenter.waitFor();
    const item = bellCenter.locator(`li.item[data-id="${readId}"]`);
    await item.waitFor();
    await page.screenshot({ path: fileURLToPath(new URL('demo-bell-open.png', ARTIFACTS)) });
    await item.locator('[part~="mark-read"]').click();
    // The page shows it read everywhere, and the hub recorded it.
    await panel.locator(`li.item[data-id="${readId}"][data-unread]`).waitFor({ state: 'detached' });
    await until(() => markReadAudited(readId), 'the hub to record the mark-read');
    await page.keyboard.press('Escape');

    // After a reload: still read; the other still unread.
    await page.reload();
    await page.locator('connection-status[data-state="connected"]').first().waitFor();
    await panel.locator(`li.item[data-id="${keptId}"][data-unread]`).waitFor();
    assert.equal(await panel.locator(`li.item[data-id="${readId}"]`).count(), 0, 'not in the Unread tab');
    await panel.locator('[role="tab"][data-tab="all"]').click();
    const readItem = panel.locator(`li.item[data-id="${readId}"]`);
    await readItem.waitFor();
    assert.equal(await readItem.getAttribute('data-unread'), null, 'read after the reload');
    assert.match((await readItem.getAttribute('part')) ?? '', /\bitem-read\b/);
    await panel.locator(`li.item[data-id="${keptId}"][data-unread]`).waitFor();

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: fileURLToPath(new URL('demo.png', ARTIFACTS)), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
