/**
 * Browser-test helpers for the widgets: a real hub through the runner's server commands, a
 * provider (or a bare client) connected to it, and small DOM queries into shadow roots.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import '../../src/components/realtime-provider/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { pacingClock } from '../../src/components/shared/clock.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { createRealtimeClient, type RealtimeClient } from '../../src/core/client.js';
import type { RealtimeStore } from '../../src/core/types.js';

export interface HubInfo {
  url: string;
  wsUrl: string;
  port: number;
  publishKey: string;
}

export async function startHub(): Promise<HubInfo> {
  return (await executeServerCommand('hub-start', {})) as HubInfo;
}

export async function stopHub(hub: HubInfo | undefined): Promise<void> {
  if (hub) await executeServerCommand('hub-stop', { port: hub.port });
}

export async function hubToken(sub = 'admin-1', role = 'admin'): Promise<string> {
  const answer = (await executeServerCommand('hub-token', { sub, role, ttl: 3600 })) as string | { token: string };
  return typeof answer === 'string' ? answer : answer.token;
}

/** What `useHub` gives the tests of its `describe`; read the fields in hooks and tests only. */
export interface HubContext {
  readonly hub: HubInfo;
  /** A token for `sub` (only when `useHub` was given one). */
  readonly token: string;
  /** Clients to close after each test. */
  readonly clients: RealtimeClient[];
}

/**
 * Call in a `describe` body. Registers `before` (start a hub; mint a token for `sub` with
 * `role`), `afterEach` (reset the locale when `resetLocale`; close the clients pushed to
 * `clients`) and `after` (stop the hub).
 */
export function useHub(options: { sub?: string; role?: string; resetLocale?: boolean } = {}): HubContext {
  const { sub, role, resetLocale = false } = options;
  let hub: HubInfo | undefined;
  let token: string | undefined;
  const clients: RealtimeClient[] = [];
  before(async () => {
    hub = await startHub();
    if (sub !== undefined) token = await hubToken(sub, role);
  });
  afterEach(() => {
    if (resetLocale) setLocale(undefined);
    for (const c of clients.splice(0)) c.close();
  });
  after(() => stopHub(hub));
  return {
    get hub() {
      if (!hub) throw new Error('useHub: no hub yet (read it in a hook or test)');
      return hub;
    },
    get token() {
      if (token === undefined) throw new Error('useHub: no token (give it a sub)');
      return token;
    },
    clients,
  };
}

/**
 * Publishes events to the hub (validated, masked, stored and fanned out like POST /v1/events);
 * rejects with the hub's message when it refuses them.
 */
export async function publish(hub: HubInfo, ...events: Record<string, unknown>[]): Promise<unknown> {
  const answer = (await executeServerCommand('hub-publish', { port: hub.port, events })) as { error?: string } | null;
  if (answer && typeof answer.error === 'string') throw new Error(`hub refused the events: ${answer.error}`);
  return answer;
}

/** True once the store has its first snapshot over an open connection. */
export function isLive(store: RealtimeStore | undefined): boolean {
  const state = store?.getState();
  return state?.connection.status === 'connected' && !state.loading;
}

/**
 * Renders `<realtime-provider url token>` around `inner`, waits until its store is live and
 * returns the provider and the first element matching `selector`.
 */
export async function withProvider<E extends HTMLElement>(
  hub: HubInfo,
  token: string,
  inner: TemplateResult,
  selector: string,
): Promise<{ provider: RealtimeProvider; el: E }> {
  const provider = await fixture<RealtimeProvider>(
    html`<realtime-provider url=${hub.wsUrl} token=${token}>${inner}</realtime-provider>`,
  );
  await waitUntil(() => isLive(provider.store), 'provider connected with a snapshot', { timeout: 8000 });
  const el = provider.querySelector<E>(selector);
  if (!el) throw new Error(`no ${selector} inside the provider`);
  return { provider, el };
}

/** A client of its own (not through a provider), connected and live. Close it in the test. */
export async function liveClient(hub: HubInfo, token: string): Promise<RealtimeClient> {
  const client = createRealtimeClient({ url: hub.wsUrl, token });
  client.connect();
  await waitUntil(() => isLive(client.store), 'client connected with a snapshot', { timeout: 8000 });
  return client;
}

/** The element's shadow root. */
export function shadow(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`<${el.localName}> has no shadow root`);
  return el.shadowRoot;
}

/** Elements in the shadow root matching `selector`. */
export function all<T extends Element = HTMLElement>(el: Element, selector: string): T[] {
  return [...shadow(el).querySelectorAll<T>(selector)];
}

/** One element in the shadow root; throws when absent. */
export function one<T extends Element = HTMLElement>(el: Element, selector: string): T {
  const found = shadow(el).querySelector<T>(selector);
  if (!found) throw new Error(`<${el.localName}> has no ${selector}`);
  return found;
}

/** Collapsed visible text of a node. */
export function text(node: Element | ShadowRoot | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const realPacingNow = pacingClock.now;
let pacingOffset = 0;

/**
 * Moves the elements' pacing clock (motion gate, arrival pacer, announcer) `ms` ahead, as if that
 * much time had passed without a change: fake time instead of a real wait. `resetPacing()` undoes it.
 */
export function advancePacing(ms: number): void {
  pacingOffset += ms;
  pacingClock.now = () => realPacingNow() + pacingOffset;
}

/** Puts the pacing clock back on real time. */
export function resetPacing(): void {
  pacingOffset = 0;
  pacingClock.now = realPacingNow;
}
