/**
 * Web Push in real Chromium: the service worker (its source, as dist/cdn/admin-realtime-sw.js
 * ships it) installs, and a push message handed to it over CDP, as a push service would, becomes
 * the `showNotification` it should (read from inside the worker, and accepted by Chromium);
 * `enablePush` / `subscribePush` / `unsubscribePush` register with a real hub.
 *
 * Headless Chromium has no push service to subscribe with (its `pushManager.subscribe` waits for
 * one forever), so the subscribe tests stand a browser-side push service in for it: the Push API's
 * `subscribe`/`getSubscription` answer a subscription with a real P-256 key and auth secret. The
 * hub and the HTTP requests are real.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/components/realtime-provider/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { enablePush, providerOf, pushStatus, subscribePush, unsubscribePush } from '../../src/core/push.js';
import { type HubInfo, hubToken, stopHub } from './widget-hub.js';

const SW_URL = '/src/service-worker/admin-realtime-sw.js';
const SCOPE = new URL('/src/service-worker/', location.href).href;
const ENDPOINT = 'https://push.example.test/send/browser-1';

type PushHubInfo = HubInfo & { vapidPublicKey: string };

const setPermission = (setting: 'granted' | 'denied' | 'prompt') =>
  executeServerCommand('push-permission', { origin: location.origin, setting });

async function activeWorker(): Promise<ServiceWorkerRegistration> {
  const registration = await navigator.serviceWorker.register(SW_URL);
  await waitUntil(() => registration.active?.state === 'activated', 'the service worker activates', { timeout: 8000 });
  return registration;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Stands in for the browser's push service; returns what it saw and a restore function. */
async function fakePushService() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const p256dh = base64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  const auth = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const seen = {
    serverKeys: [] as string[],
    unsubscribed: 0,
    userVisibleOnly: [] as boolean[],
    activeWorker: [] as boolean[],
  };
  let current: PushSubscription | null = null;
  const proto = PushManager.prototype;
  const original = { subscribe: proto.subscribe, getSubscription: proto.getSubscription };
  proto.subscribe = async (options?: PushSubscriptionOptionsInit) => {
    const key = new Uint8Array(options!.applicationServerKey as Uint8Array);
    seen.serverKeys.push(base64url(key));
    seen.userVisibleOnly.push(Boolean(options?.userVisibleOnly));
    // A real push manager refuses a registration without an active worker.
    seen.activeWorker.push(Boolean((await navigator.serviceWorker.getRegistration(SW_URL))?.active));
    current = {
      endpoint: ENDPOINT,
      expirationTime: null,
      options: { applicationServerKey: key.buffer, userVisibleOnly: true },
      toJSON: () => ({ endpoint: ENDPOINT, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => {
        seen.unsubscribed++;
        current = null;
        return true;
      },
    } as unknown as PushSubscription;
    return current;
  };
  proto.getSubscription = async () => current;
  return {
    seen,
    keys: { p256dh, auth },
    restore() {
      Object.assign(proto, original);
    },
  };
}

describe('Web Push in the browser', () => {
  let hub: PushHubInfo;
  let service: Awaited<ReturnType<typeof fakePushService>> | undefined;
  before(async () => {
    hub = (await executeServerCommand('hub-start', { push: true })) as PushHubInfo;
    await setPermission('granted');
  });
  afterEach(() => {
    service?.restore();
    service = undefined;
  });
  after(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    await setPermission('prompt');
    await stopHub(hub);
  });

  it('the service worker parses, installs and activates', async () => {
    const registration = await activeWorker();
    expect(registration.scope).to.equal(SCOPE);
  });

  it('a push message becomes a notification with the title, body, tag and the panel link; a repeat reuses the tag', async () => {
    const registration = await activeWorker();
    const script = registration.active!.scriptURL;
    await executeServerCommand('push-worker-record', { script });
    const data = {
      title: 'Payments provider down',
      body: 'Card charges failing',
      url: `${location.origin}/panel#notification=n-1`,
      tag: 'payments-outage',
      priority: 'critical',
      id: 'n-1',
    };
    const shown = async () =>
      (await executeServerCommand('push-worker-shown', { script })) as Array<{
        title: string;
        options: Record<string, unknown>;
        outcome?: string;
      }>;
    await executeServerCommand('push-deliver', { origin: location.origin, scope: SCOPE, data });
    await waitUntil(async () => (await shown())[0]?.outcome, 'shown', { timeout: 5000 });
    await executeServerCommand('push-deliver', {
      origin: location.origin,
      scope: SCOPE,
      data: { ...data, body: 'Still failing' },
    });
    await waitUntil(async () => (await shown())[1]?.outcome, 'shown again', { timeout: 5000 });
    const expected = (body: string) => ({
      title: 'Payments provider down',
      options: {
        body,
        data: { url: data.url, id: 'n-1' },
        // One notification per incident: the repeat replaces the first and alerts again.
        tag: 'payments-outage',
        renotify: true,
        requireInteraction: true,
      },
      outcome: 'shown',
    });
    expect(await shown()).to.deep.equal([expected('Card charges failing'), expected('Still failing')]);
  });

  it('enablePush asks nothing more once denied, and registers nothing', async () => {
    await setPermission('denied');
    const token = await hubToken('push-denied');
    expect(await enablePush({ url: hub.wsUrl, token }, { serviceWorkerUrl: SW_URL })).to.equal('denied');
    expect(await pushStatus({ serviceWorkerUrl: SW_URL })).to.equal('denied');
    expect(await executeServerCommand('push-subscriptions', { port: hub.port, user: 'push-denied' })).to.deep.equal([]);
  });

  it('enablePush subscribes with the key the hub serves and registers the browser for the admin; unsubscribePush undoes both', async () => {
    await setPermission('granted');
    // A first visit: no worker registered yet, so enabling installs it.
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    service = await fakePushService();
    const provider = { url: hub.wsUrl, token: await hubToken('push-admin') };
    expect(await pushStatus({ serviceWorkerUrl: SW_URL })).to.equal('disabled');
    expect(await enablePush(provider, { serviceWorkerUrl: SW_URL })).to.equal('enabled');
    expect(service.seen.serverKeys).to.deep.equal([hub.vapidPublicKey]);
    expect(service.seen.userVisibleOnly).to.deep.equal([true]);
    expect(service.seen.activeWorker).to.deep.equal([true]);
    const stored = (await executeServerCommand('push-subscriptions', { port: hub.port, user: 'push-admin' })) as Array<{
      endpoint: string;
      keys: { p256dh: string; auth: string };
      userAgent: string;
    }>;
    expect(stored.map((s) => [s.endpoint, s.keys])).to.deep.equal([[ENDPOINT, service.keys]]);
    expect(stored[0]!.userAgent).to.equal(navigator.userAgent);
    expect(await pushStatus({ serviceWorkerUrl: SW_URL })).to.equal('enabled');

    // Subscribing again reuses the browser's subscription (same key): one registration, no new subscribe.
    await subscribePush(provider, { serviceWorkerUrl: SW_URL, vapidPublicKey: hub.vapidPublicKey });
    expect(service.seen.serverKeys.length).to.equal(1);

    expect(await unsubscribePush(provider, { serviceWorkerUrl: SW_URL })).to.equal(true);
    expect(service.seen.unsubscribed).to.equal(1);
    expect(await executeServerCommand('push-subscriptions', { port: hub.port, user: 'push-admin' })).to.deep.equal([]);
    expect(await unsubscribePush(provider, { serviceWorkerUrl: SW_URL })).to.equal(false);
  });

  it('an element finds its provider across shadow roots; {hubUrl, token provider} works as well', async () => {
    const token = await hubToken('push-provider');
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${hub.wsUrl} token=${token}><div></div></realtime-provider>`,
    );
    const host = provider.querySelector('div')!;
    const button = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('button'));
    expect(providerOf(button)).to.equal(provider);
    expect(() => providerOf(document.createElement('button'))).to.throw(/no <realtime-provider>/);

    service = await fakePushService();
    expect(await enablePush(providerOf(button), { serviceWorkerUrl: SW_URL })).to.equal('enabled');
    const stored = async () =>
      ((await executeServerCommand('push-subscriptions', { port: hub.port, user: 'push-provider' })) as unknown[])
        .length;
    expect(await stored()).to.equal(1);
    expect(
      await unsubscribePush({ hubUrl: hub.wsUrl, token: async () => token }, { serviceWorkerUrl: SW_URL }),
    ).to.equal(true);
    expect(await stored()).to.equal(0);
  });

  it('a hub refusing the token rejects with its status and reason', async () => {
    await setPermission('granted');
    service = await fakePushService();
    const provider = { url: hub.wsUrl, token: 'not-a-jwt' };
    let error: (Error & { status?: number }) | undefined;
    try {
      await subscribePush(provider, { serviceWorkerUrl: SW_URL });
    } catch (err) {
      error = err as Error & { status?: number };
    }
    expect(error?.name).to.equal('PushRegistrationError');
    expect(error?.status).to.equal(401);
    expect(error?.message).to.match(/token not accepted/);
  });
});
