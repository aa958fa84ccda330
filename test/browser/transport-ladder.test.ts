/**
 * The transport ladder in real Chromium against a real hub, through the TCP proxy of
 * test/support/fault-proxy.ts: a proxy that refuses WebSocket upgrades (the elements go live over
 * Server-Sent Events), one that also buffers event streams (long polling), a cut on each rung
 * (resume by seq: every notification exactly once), and the background probe that takes the
 * WebSocket back once the proxy lets it through.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/components/notification-bell/index.js';
import '../../src/components/realtime-provider/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { createRealtimeClient, type RealtimeClient } from '../../src/core/client.js';
import type { ConnectionState, RealtimeStore } from '../../src/core/types.js';
import { type HubInfo, hubToken, isLive, publish, shadow, startHub, stopHub, text } from './widget-hub.js';

interface ProxyInfo {
  port: number;
  wsUrl: string;
}

type Fault = 'drop' | 'refuse-upgrades' | 'allow-upgrades' | 'buffer-sse' | 'pass-sse';
const fault = (proxy: ProxyInfo, kind: Fault) =>
  executeServerCommand('proxy-fault', { proxy: proxy.port, fault: kind });

const rung = (store: RealtimeStore | undefined) => {
  const state = store?.getState().connection as ConnectionState | undefined;
  return state?.status === 'connected' ? state.transport : undefined;
};

describe('transport ladder: through proxies that block or buffer', function () {
  // A fallback to polling waits out the SSE proof (5 s) first; a cut then adds a reconnect.
  this.timeout(45_000);
  let hub: HubInfo;
  let proxy: ProxyInfo;
  let clients: RealtimeClient[] = [];

  beforeEach(async () => {
    localStorage.clear();
    hub = await startHub();
    proxy = (await executeServerCommand('proxy-start', { port: hub.port })) as ProxyInfo;
  });
  afterEach(async () => {
    for (const client of clients) client.close();
    clients = [];
    localStorage.clear();
    await executeServerCommand('proxy-stop', { proxy: proxy.port });
    await stopHub(hub);
  });

  let counter = 0;
  const notify = (sub: string, tag: string, count = 1) =>
    publish(
      hub,
      ...Array.from({ length: count }, () => {
        const n = ++counter;
        return { kind: 'notification', id: `${tag}-${n}`, title: `${tag} ${n}`, audience: { userIds: [sub] } };
      }),
    );

  async function mount(sub: string) {
    const token = await hubToken(sub);
    const provider = await fixture<RealtimeProvider>(html`
      <realtime-provider url=${proxy.wsUrl} token=${token}><notification-bell></notification-bell></realtime-provider>
    `);
    /** How many times each notification reached the page (the provider's `realtime-notification`). */
    const arrivals = new Map<string, number>();
    provider.addEventListener('realtime-notification', (e) => {
      const id = (e as CustomEvent<{ id: string }>).detail.id;
      arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
    });
    return { provider, bell: provider.querySelector('notification-bell')!, arrivals };
  }

  /**
   * Publishes, cuts every connection, publishes while the client is away, and checks it resumes
   * with all, once each. A cut poll may not show as `reconnecting`: Chromium retries a request
   * whose reused connection was reset, and the retried poll resumes from the same cursor.
   */
  async function cutAndResume(
    provider: RealtimeProvider,
    arrivals: Map<string, number>,
    sub: string,
    expected: string,
  ) {
    await notify(sub, 'before');
    await waitUntil(() => arrivals.size === 1, 'first notification live');
    const states: string[] = [];
    provider.addEventListener('realtime-state-change', (e) =>
      states.push((e as CustomEvent<ConnectionState>).detail.status),
    );
    const cut = (await fault(proxy, 'drop')) as { dropped: number };
    expect(cut.dropped, 'the cut closed the live connection').to.be.above(0);
    await notify(sub, 'during', 3);
    const reconnects = expected !== 'polling';
    await waitUntil(
      () => (!reconnects || states.includes('reconnecting')) && isLive(provider.store),
      'back after the cut',
      {
        timeout: 15_000,
      },
    );
    await notify(sub, 'after');
    await waitUntil(() => arrivals.size === 5, `all five notifications (have ${[...arrivals.keys()]})`, {
      timeout: 10_000,
    });
    expect(rung(provider.store)).to.equal(expected);
    expect(
      [...arrivals.values()].every((n) => n === 1),
      'each notification applied once',
    ).to.equal(true);
    const ids = provider.store!.getState().notifications.map((n) => n.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.length).to.equal(5);
  }

  /** Whether the page has loaded the fallback chunk (the ladder proper and the HTTP rungs). */
  const fallbackLoaded = () =>
    performance.getEntriesByType('resource').some((entry) => entry.name.includes('/transports/fallback-ladder'));

  // First in this file: the page has not loaded the fallback chunk yet.
  it('transport="websocket" never falls back, and the fallback code is not loaded', async () => {
    await fault(proxy, 'refuse-upgrades');
    const token = await hubToken('ws-only');
    const provider = await fixture<RealtimeProvider>(html`
      <realtime-provider url=${proxy.wsUrl} token=${token} transport="websocket"></realtime-provider>
    `);
    await waitUntil(
      () => {
        const state = provider.store?.getState().connection;
        return state?.status === 'reconnecting' && state.refused === true;
      },
      'three refused attempts',
      { timeout: 15_000 },
    );
    const health = (await executeServerCommand('hub-health', { port: hub.port })) as { connections: number };
    expect(health.connections, 'no stream or poll at the hub').to.equal(0);
    expect(fallbackLoaded(), 'fallback chunk loaded').to.equal(false);
  });

  it('a proxy that refuses WebSocket upgrades: the elements are live over SSE within 10 s', async () => {
    await fault(proxy, 'refuse-upgrades');
    const started = performance.now();
    const { provider, bell } = await mount('sse-admin');
    await waitUntil(() => isLive(provider.store), 'live over a fallback', { timeout: 10_000 });
    expect(performance.now() - started).to.be.below(10_000);
    expect(rung(provider.store)).to.equal('sse');
    expect(fallbackLoaded(), 'fallback chunk loaded once needed').to.equal(true);
    await notify('sse-admin', 'sse');
    await waitUntil(() => text(shadow(bell)).includes('1'), 'the bell counts the notification');
    const saved = JSON.parse(localStorage.getItem(`admin-realtime:transport|${proxy.wsUrl}`) ?? 'null');
    expect(saved?.rung, 'the working rung is remembered for this hub').to.equal('sse');
  });

  it('a proxy that also buffers event streams: the elements are live over long polling', async () => {
    await fault(proxy, 'refuse-upgrades');
    await fault(proxy, 'buffer-sse');
    const started = performance.now();
    const { provider, bell } = await mount('poll-admin');
    await waitUntil(() => isLive(provider.store), 'live over polling', { timeout: 15_000 });
    expect(performance.now() - started).to.be.below(15_000);
    expect(rung(provider.store)).to.equal('polling');
    await notify('poll-admin', 'poll');
    await waitUntil(() => text(shadow(bell)).includes('1'), 'the bell counts the notification');
  });

  it('resume after a cut over SSE: nothing lost, nothing applied twice', async () => {
    await fault(proxy, 'refuse-upgrades');
    const { provider, arrivals } = await mount('sse-cut');
    await waitUntil(() => isLive(provider.store), 'live over SSE', { timeout: 10_000 });
    await cutAndResume(provider, arrivals, 'sse-cut', 'sse');
  });

  it('resume after a cut over long polling: nothing lost, nothing applied twice', async () => {
    await fault(proxy, 'refuse-upgrades');
    await fault(proxy, 'buffer-sse');
    const { provider, arrivals } = await mount('poll-cut');
    await waitUntil(() => isLive(provider.store), 'live over polling', { timeout: 15_000 });
    await cutAndResume(provider, arrivals, 'poll-cut', 'polling');
  });

  it('resume after a cut over the WebSocket: nothing lost, nothing applied twice', async () => {
    const { provider, arrivals } = await mount('ws-cut');
    await waitUntil(() => isLive(provider.store), 'live over WebSocket', { timeout: 8000 });
    expect(rung(provider.store)).to.equal('websocket');
    await cutAndResume(provider, arrivals, 'ws-cut', 'websocket');
  });

  it('long polling keeps up with 20 events a second: within the hub request limit, each once', async () => {
    const client = createRealtimeClient({
      url: hub.wsUrl,
      token: await hubToken('busy-poll'),
      transport: 'polling',
      share: false,
    });
    clients.push(client);
    const seen: string[] = [];
    const states: string[] = [];
    client.on('realtime-notification', (n) => seen.push(n.id));
    client.connect();
    await waitUntil(() => isLive(client.store) && rung(client.store) === 'polling', 'live over polling', {
      timeout: 10_000,
    });
    client.connection.onState((state) => states.push(state.status));
    // 120 notifications at 20 a second: each poll ends with the first live frame, so unspaced
    // polls would follow the stream's pace and run into the hub's 20 requests a second.
    const count = 120;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + i * 50;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      await notify('busy-poll', 'busy');
    }
    await waitUntil(() => seen.length >= count, `all ${count} notifications (have ${seen.length})`, {
      timeout: 10_000,
    });
    expect(new Set(seen).size, 'each notification once').to.equal(seen.length);
    expect(seen.length).to.equal(count);
    expect(states, 'the connection never left connected (no 429)').to.deep.equal([]);
  });

  for (const only of ['sse', 'polling'] as const) {
    it(`a new token over ${only} re-authenticates in place: still connected, nothing lost or doubled`, async () => {
      // The rung's own re-auth, on a socket of this tab's own: a tab sharing a socket moves to
      // another share when the token's claims change (here the role), by design.
      const client = createRealtimeClient({
        url: hub.wsUrl,
        token: await hubToken('refresh-admin'),
        transport: only,
        share: false,
      });
      clients.push(client);
      const seen: string[] = [];
      const states: string[] = [];
      const welcomes: boolean[] = [];
      client.on('realtime-notification', (n) => seen.push(n.id));
      client.connection.onMessage((m) => m.type === 'welcome' && welcomes.push(m.reauth === true));
      client.connect();
      await waitUntil(() => isLive(client.store) && rung(client.store) === only, `live over ${only}`, {
        timeout: 10_000,
      });
      await notify('refresh-admin', 'old-token');
      await waitUntil(() => seen.length === 1, 'notification with the first token');
      client.connection.onState((state) => states.push(state.status));
      client.setToken(await hubToken('refresh-admin', 'super_admin')); // another token for the same user
      await waitUntil(() => welcomes.includes(true), 'the session went on with the new token', { timeout: 10_000 });
      await notify('refresh-admin', 'new-token', 2);
      await waitUntil(() => seen.length === 3, `three notifications (have ${seen})`);
      expect(new Set(seen).size).to.equal(3);
      expect(states, 'the connection never left connected').to.deep.equal([]);
    });
  }

  it('the WebSocket probe takes the socket back once the proxy lets upgrades through, losing nothing', async () => {
    await fault(proxy, 'refuse-upgrades');
    const client = createRealtimeClient({
      url: proxy.wsUrl,
      token: await hubToken('probe-admin'),
      probeIntervalMs: 500,
    });
    clients.push(client);
    const seen: string[] = [];
    client.on('realtime-notification', (n) => seen.push(n.id));
    client.connect();
    await waitUntil(() => isLive(client.store) && rung(client.store) === 'sse', 'live over SSE', { timeout: 10_000 });
    await notify('probe-admin', 'on-sse');
    await waitUntil(() => seen.length === 1, 'notification over SSE');
    await fault(proxy, 'allow-upgrades');
    await notify('probe-admin', 'switching', 2);
    await waitUntil(() => rung(client.store) === 'websocket', 'back on the WebSocket', { timeout: 10_000 });
    await notify('probe-admin', 'on-ws');
    await waitUntil(() => seen.length === 4, `four notifications (have ${seen})`);
    expect(new Set(seen).size).to.equal(4);
    expect(localStorage.getItem(`admin-realtime:transport|${proxy.wsUrl}`), 'memory cleared').to.equal(null);
    const health = (await executeServerCommand('hub-health', { port: hub.port })) as { connections: number };
    expect(health.connections, 'one socket, the SSE stream closed').to.equal(1);
  });
});
