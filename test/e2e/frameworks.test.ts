/**
 * The React 19 and Vue 3 proofs (demo/react, demo/vue): each app is built with its own Vite
 * config, served by `vite preview` on 127.0.0.1, and opened in Chromium against a real hub that
 * allows the app's origin. The app gets its token the way an integrator's app does — `fetch` from
 * its backend (`/api/realtime-token`, answered here by the test with a token it signs) — and
 * passes `tokenProvider` (a function) and `categories` (an array) to `<realtime-provider>` as
 * properties, and a `store` to an element outside the provider. The test publishes and checks
 * that the framework's own state changed from the element's `realtime-*` events and that the
 * elements rendered the notification; then it unticks a category in the framework's UI and checks
 * the hub stops sending it (so the array property reached the hub), and that opening a notification
 * in the center reaches the framework's state. The React app uses `admin-realtime/react`'s components.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import type { Hub } from '../../src/hub/hub.js';
import { closeAllHubs, signToken, startHub } from '../support/hub-harness.js';
import { ARTIFACTS, launchBrowser, openPage, until } from './support.js';

let browser: Browser;
const servers: PreviewServer[] = [];

before(async () => {
  // The apps import the package entry, i.e. the npm build (`npm test` builds before this step).
  assert.ok(existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url))), 'run `npm run build` first');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  await closeAllHubs();
});

/** Builds the app with its own vite.config.ts and serves dist/ with `vite preview` on a free port. */
async function buildAndServe(app: 'react' | 'vue'): Promise<{ origin: string }> {
  const configFile = fileURLToPath(new URL(`../../demo/${app}/vite.config.ts`, import.meta.url));
  await build({ configFile, logLevel: 'warn' });
  const server = await preview({
    configFile,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: true },
  });
  servers.push(server);
  const address = server.httpServer.address();
  assert.ok(address && typeof address === 'object', 'preview server address');
  return { origin: `http://127.0.0.1:${address.port}` };
}

for (const app of ['react', 'vue'] as const) {
  const name = app === 'react' ? 'React 19' : 'Vue 3';

  describe(`${name} app (demo/${app})`, () => {
    let origin: string;
    let hub: Hub;

    before(async () => {
      ({ origin } = await buildAndServe(app));
      hub = await startHub({ allowedOrigins: [origin] });
    });

    test('sets properties, reacts to realtime-* events in framework state, and the elements render', async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        const sub = `${app}-admin`;
        let tokenRequests = 0;
        // The app's backend: signs a token for the signed-in admin.
        await page.route(`${origin}/api/realtime-token`, async (route) => {
          tokenRequests++;
          await route.fulfill({ json: { token: await signToken({ sub, claims: { name: `${name} Admin` } }) } });
        });
        await page.goto(`${origin}/?hub=${encodeURIComponent(hub.wsUrl)}`);

        // realtime-state-change → framework state.
        const connection = page.getByTestId('connection');
        await until(async () => (await connection.textContent()) === 'connected', `${name} state "connected"`);
        assert.ok(tokenRequests >= 1, 'the tokenProvider property was called');
        // The element outside the provider got the store as a property.
        await page.locator('footer connection-status[data-state="connected"]').waitFor();
        const sameStore = await page.evaluate(() => {
          type WithStore = Element & { store?: object };
          const status = document.querySelector<WithStore>('footer connection-status');
          return (
            Boolean(status?.store) && status?.store === document.querySelector<WithStore>('realtime-provider')?.store
          );
        });
        assert.ok(sameStore, "the element outside the provider has the provider's store as its `store` property");

        // realtime-notification → framework state; the elements render it.
        const title = `${name} proof ${Date.now()}`;
        await hub.publish({
          kind: 'notification',
          title,
          category: 'system',
          priority: 'high',
          message: 'From the test.',
        });
        await until(async () => (await page.getByTestId('last-title').textContent()) === title, `${name} last title`);
        assert.equal(await page.getByTestId('received').textContent(), '1');
        await page.locator('main admin-notification-center li.item', { hasText: title }).waitFor();
        await until(
          async () => (await page.locator('notification-bell [part~="badge"]').textContent())?.trim() === '1',
          'bell badge 1',
        );

        // The categories array property, changed from the framework's UI, reaches the hub.
        await page.locator('input[type="checkbox"][name="billing"]').uncheck();
        await until(
          async () =>
            (await hub.backend.readAudit({ userId: sub, action: 'subscribe' })).some(
              (r) => Array.isArray(r.detail?.categories) && !r.detail.categories.includes('billing'),
            ),
          'the hub applying the subscription without billing',
        );
        const filtered = `${name} billing ${Date.now()}`;
        const later = `${name} after the filter ${Date.now()}`;
        // In this order: once `later` is shown, `filtered` had its chance and was withheld by the hub.
        await hub.publish({ kind: 'notification', title: filtered, category: 'billing', priority: 'low' });
        await hub.publish({ kind: 'notification', title: later, category: 'system', priority: 'low' });
        await until(async () => (await page.getByTestId('last-title').textContent()) === later, `${name} later title`);
        assert.equal(await page.getByTestId('received').textContent(), '2');
        const titles = await page.locator('main admin-notification-center li.item .title').allTextContents();
        assert.ok(!titles.some((t) => t.includes(filtered)), `billing was filtered by the hub: ${titles.join(' | ')}`);

        // A center's realtime-notification-click (React: onRealtimeNotificationClick) → framework state.
        await page.locator('main admin-notification-center li.item', { hasText: later }).click();
        await until(async () => (await page.getByTestId('opened').textContent()) === later, `${name} opened title`);

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: fileURLToPath(new URL(`${app}-app.png`, ARTIFACTS)), fullPage: true });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  });
}
