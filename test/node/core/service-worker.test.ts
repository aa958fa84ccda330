/**
 * The service worker's click handling, run in a V8 context with a stand-in for the worker's global
 * (registration, clients), since no browser API can click a system notification. Its push handling
 * runs in real Chromium (test/browser/push.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { runInNewContext } from 'node:vm';

const SOURCE = readFileSync(new URL('../../../src/service-worker/admin-realtime-sw.js', import.meta.url), 'utf8');
const SCOPE = 'https://admin.example/panel/';

interface WindowClient {
  url: string;
  focused: number;
  navigated: string[];
  focus(): Promise<void>;
  navigate(url: string): Promise<void>;
}

function worker(openTabs: string[] = []) {
  const handlers = new Map<string, (event: unknown) => void>();
  const shown: Array<{ title: string; options: Record<string, unknown> }> = [];
  const opened: string[] = [];
  const tabs: WindowClient[] = openTabs.map((url) => ({
    url,
    focused: 0,
    navigated: [] as string[],
    async focus() {
      this.focused++;
    },
    async navigate(to: string) {
      this.navigated.push(to);
    },
  }));
  const self = {
    addEventListener: (type: string, fn: (event: unknown) => void) => handlers.set(type, fn),
    skipWaiting: () => undefined,
    registration: {
      scope: SCOPE,
      showNotification: async (title: string, options: Record<string, unknown>) => {
        shown.push({ title, options });
      },
    },
    clients: {
      claim: async () => undefined,
      matchAll: async () => tabs,
      openWindow: async (url: string) => {
        opened.push(url);
      },
    },
  };
  runInNewContext(SOURCE, { self, URL });
  /** Dispatches an event; resolves once what it handed to waitUntil settled. */
  const dispatch = async (type: string, event: Record<string, unknown>) => {
    let work: Promise<unknown> = Promise.resolve();
    handlers.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => (work = p) });
    await work;
  };
  const click = (url: unknown) => {
    let closed = 0;
    const notification = { data: { url, id: 'n-1' }, close: () => closed++ };
    return dispatch('notificationclick', { notification }).then(() => closed);
  };
  return { shown, opened, tabs, dispatch, click };
}

describe('service worker (dist/cdn/admin-realtime-sw.js)', () => {
  test('push: the payload becomes a notification; critical alerts again and stays, low is quiet', async () => {
    const sw = worker();
    const data = (payload: unknown) => ({ data: { json: () => payload, text: () => JSON.stringify(payload) } });
    await sw.dispatch(
      'push',
      data({
        title: 'DB down',
        body: 'b',
        url: `${SCOPE}#notification=n-1`,
        tag: 'db',
        priority: 'critical',
        id: 'n-1',
      }),
    );
    await sw.dispatch('push', data({ title: 'Digest', body: 'x', url: null, tag: 'n-2', priority: 'low', id: 'n-2' }));
    assert.deepEqual(JSON.parse(JSON.stringify(sw.shown)), [
      {
        title: 'DB down',
        options: {
          body: 'b',
          data: { url: `${SCOPE}#notification=n-1`, id: 'n-1' },
          tag: 'db',
          renotify: true,
          requireInteraction: true,
        },
      },
      { title: 'Digest', options: { body: 'x', data: { url: null, id: 'n-2' }, tag: 'n-2', renotify: false } },
    ]);
  });

  test('push: a body that is not JSON still shows, as text', async () => {
    const sw = worker();
    await sw.dispatch('push', {
      data: {
        json: () => {
          throw new SyntaxError('not JSON');
        },
        text: () => 'plain words',
      },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(sw.shown)), [
      { title: 'Notification', options: { body: 'plain words', data: { url: null, id: null } } },
    ]);
  });

  test('click: a panel tab already open is focused and shown the notification; no new window', async () => {
    const sw = worker(['https://admin.example/other', `${SCOPE}#inbox`]);
    const closed = await sw.click(`${SCOPE}#notification=n-1`);
    assert.equal(closed, 1);
    assert.deepEqual(
      sw.tabs.map((t) => [t.focused, t.navigated]),
      [
        [0, []],
        [1, [`${SCOPE}#notification=n-1`]],
      ],
    );
    assert.deepEqual(sw.opened, []);
  });

  test('click: without an open panel tab the link opens; a link that is not http(s), or none, opens the scope', async () => {
    const sw = worker(['https://elsewhere.example/panel/']);
    await sw.click(`${SCOPE}#notification=n-1`);
    await sw.click('javascript:alert(1)');
    await sw.click(null);
    assert.deepEqual(sw.opened, [`${SCOPE}#notification=n-1`, SCOPE, SCOPE]);
    assert.equal(sw.tabs[0]!.focused, 0);
  });
});
