/**
 * Web Push in the browser (`admin-realtime/push`): register the service worker the integrator
 * serves (dist/cdn/admin-realtime-sw.js, copied to their origin), subscribe with the hub's VAPID
 * key and register the subscription with the hub (`POST /v1/push/subscriptions`, the admin's
 * token as Bearer), or undo it. Not in the CDN bundle: the button that offers push imports this
 * module when it is clicked.
 *
 * ```ts
 * button.addEventListener('click', async () => {
 *   const { enablePush } = await import('admin-realtime/push');
 *   // provider: a <realtime-provider>, providerOf(an element inside one), or {hubUrl, token}
 *   const state = await enablePush(provider, { serviceWorkerUrl: '/admin-realtime-sw.js' });
 *   // 'enabled' | 'denied' | 'unsupported'
 * });
 * ```
 */
import { endpoint } from './transports/http-transport.js';
import type { TokenProvider } from './types.js';

/**
 * Where the hub is and who the admin is: a `<realtime-provider>` element fits (its `url`, `token`,
 * `tokenProvider`), as do the options given to `createRealtimeClient`, or `{hubUrl, token}` with
 * `token` a string or a token provider.
 */
export type PushHub =
  | {
      /** The hub's WebSocket URL (`wss://hub.example.com/v1/ws`); the push paths are beside it. */
      url: string;
      token?: string | undefined;
      tokenProvider?: TokenProvider | undefined;
    }
  | { hubUrl: string; token: string | TokenProvider };

/**
 * The hub of an element inside a `<realtime-provider>` (its nearest one, across shadow roots), so
 * an element offering the button passes itself: `enablePush(this, …)`.
 */
export function providerOf(element: Element): PushHub {
  for (let node: Node | null = element; node; ) {
    if (node instanceof Element && node.localName === 'realtime-provider') return node as unknown as PushHub;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  throw new PushRegistrationError('no <realtime-provider> around this element', 0);
}

/** The hub URL and the token source of any form of `PushHub`. */
function hubOf(hub: PushHub): { url: string; token: () => Promise<string | undefined> } {
  if ('hubUrl' in hub) {
    const { token } = hub;
    return { url: hub.hubUrl, token: async () => (typeof token === 'function' ? token() : token) };
  }
  const provider = hub.tokenProvider;
  return { url: hub.url, token: async () => (provider ? provider() : hub.token) };
}

export interface PushOptions {
  /** URL of the service worker on your origin (a copy of dist/cdn/admin-realtime-sw.js). */
  serviceWorkerUrl: string;
  /** Its scope; default the worker file's folder (the browser's default). */
  scope?: string;
  /** The hub's VAPID public key (base64url); default asked from the hub (`GET /v1/push/key`). */
  vapidPublicKey?: string;
}

/** What `enablePush` ended with. */
export type PushPermissionState = 'enabled' | 'denied' | 'unsupported';

/** Whether this browser can receive Web Push here (service workers, Push API, notifications, a secure context). */
export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window &&
    window.isSecureContext
  );
}

/** The hub refused or could not be reached; `status` is the HTTP status (0: no answer). */
export class PushRegistrationError extends Error {
  override readonly name = 'PushRegistrationError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function hubRequest(given: PushHub, path: string, method: string, body?: unknown): Promise<unknown> {
  const hub = hubOf(given);
  const headers: Record<string, string> = {};
  if (method !== 'GET') {
    const token = await hub.token();
    if (!token) throw new PushRegistrationError('no token: set the provider token (or tokenProvider) first', 401);
    headers.authorization = `Bearer ${token}`;
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(endpoint(hub.url, path), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new PushRegistrationError(`the hub did not answer ${method} ${path}: ${(err as Error).message}`, 0);
  }
  const answer = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new PushRegistrationError(answer.error ?? `HTTP ${res.status}`, res.status);
  return answer;
}

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
};

const sameBytes = (a: ArrayBuffer | null, b: Uint8Array) => {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
};

/** Resolves once the registration has an active worker (the Push API subscribes only through one). */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting;
  if (registration.active || !worker) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onChange = () => {
      if (worker.state === 'activated') resolve();
      else if (worker.state === 'redundant') reject(new Error('the service worker failed to install'));
      else return;
      worker.removeEventListener('statechange', onChange);
    };
    worker.addEventListener('statechange', onChange);
  });
}

/**
 * Registers the service worker, subscribes this browser with the hub's key and registers the
 * subscription for the admin. A subscription made with another key is replaced. Needs notification
 * permission already granted (see `enablePush`). Rejects with `PushRegistrationError` when the hub
 * refuses, or with the browser's error when it cannot subscribe.
 */
export async function subscribePush(hub: PushHub, options: PushOptions): Promise<PushSubscription> {
  const registration = await navigator.serviceWorker.register(
    options.serviceWorkerUrl,
    options.scope ? { scope: options.scope } : undefined,
  );
  const publicKey =
    options.vapidPublicKey ?? ((await hubRequest(hub, 'push/key', 'GET')) as { publicKey: string }).publicKey;
  await activated(registration);
  const applicationServerKey = keyBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameBytes(subscription.options.applicationServerKey, applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  await hubRequest(hub, 'push/subscriptions', 'POST', subscription.toJSON());
  return subscription;
}

/**
 * Unregisters this browser: the hub forgets the subscription, then the browser drops it. Resolves
 * false when there was none.
 */
export async function unsubscribePush(hub: PushHub, options: Pick<PushOptions, 'serviceWorkerUrl' | 'scope'>) {
  if (!pushSupported()) return false;
  const registration = await navigator.serviceWorker.getRegistration(options.scope ?? options.serviceWorkerUrl);
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return false;
  await hubRequest(hub, 'push/subscriptions', 'DELETE', { endpoint: subscription.endpoint });
  return subscription.unsubscribe();
}

/**
 * The enable-push button's action. Call it from the click handler: the permission is asked first,
 * while the click still counts as a user gesture. Resolves `'unsupported'` (no Push API here, or not
 * a secure context), `'denied'` (the admin refused, now or before) or `'enabled'`; rejects when the
 * browser or the hub fails to subscribe.
 */
export async function enablePush(hub: PushHub, options: PushOptions): Promise<PushPermissionState> {
  if (!pushSupported()) return 'unsupported';
  const permission =
    Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') return 'denied';
  await subscribePush(hub, options);
  return 'enabled';
}

/** Whether this browser is subscribed now (for the button's state); `'disabled'` when it could be. */
export async function pushStatus(
  options: Pick<PushOptions, 'serviceWorkerUrl' | 'scope'>,
): Promise<PushPermissionState | 'disabled'> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const registration = await navigator.serviceWorker.getRegistration(options.scope ?? options.serviceWorkerUrl);
  const subscription = await registration?.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'enabled' : 'disabled';
}
