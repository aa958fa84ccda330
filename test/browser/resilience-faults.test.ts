/**
 * The real page client through a TCP proxy (test/support/fault-proxy.ts, driven by the
 * `proxy-*` server commands): `<realtime-provider>` with `<connection-status>`,
 * `<notification-bell>` and `<admin-notification-center>` inside. The proxy drops every
 * connection, then stalls it half-open, while notifications keep being published. The UI must
 * show `reconnecting`, come back to `connected`, and list every notification exactly once, in seq
 * order, with the unread badge matching.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/connection-status/index.js';
import '../../src/components/notification-bell/index.js';
import '../../src/components/realtime-provider/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { all, type HubInfo, hubToken, isLive, publish, shadow, startHub, stopHub, text } from './widget-hub.js';

interface ProxyInfo {
  port: number;
  wsUrl: string;
}

const fault = (proxy: ProxyInfo, kind: 'drop' | 'stall' | 'heal') =>
  executeServerCommand('proxy-fault', { proxy: proxy.port, fault: kind });

describe('resilience: the page through a faulty network', () => {
  let hub: HubInfo;
  let proxy: ProxyInfo;

  before(async () => {
    hub = await startHub();
    proxy = (await executeServerCommand('proxy-start', { port: hub.port })) as ProxyInfo;
  });
  after(async () => {
    if (proxy) await executeServerCommand('proxy-stop', { proxy: proxy.port });
    await stopHub(hub);
  });

  async function mount(sub: string) {
    const token = await hubToken(sub);
    const provider = await fixture<RealtimeProvider>(html`
      <realtime-provider url=${proxy.wsUrl} token=${token} max-notifications="500">
        <connection-status></connection-status>
        <notification-bell></notification-bell>
        <admin-notification-center></admin-notification-center>
      </realtime-provider>
    `);
    await waitUntil(() => isLive(provider.store), 'provider live through the proxy', { timeout: 8000 });
    const status = provider.querySelector('connection-status')!;
    const center = provider.querySelector('admin-notification-center')!;
    const bell = provider.querySelector('notification-bell')!;
    // Every state <connection-status> rendered, as the user saw it.
    const seen: string[] = [];
    const record = () => {
      const state = shadow(status).querySelector<HTMLElement>('[part~="base"]')?.dataset.state;
      if (state && seen.at(-1) !== state) seen.push(state);
    };
    record();
    new MutationObserver(record).observe(shadow(status), { attributes: true, subtree: true, childList: true });
    return { provider, status, center, bell, seen };
  }

  const notify = (sub: string, from: number, count: number, tag: string) =>
    publish(
      hub,
      ...Array.from({ length: count }, (_, i) => ({
        kind: 'notification',
        id: `${tag}-${from + i}`,
        title: `${tag} ${from + i}`,
        category: 'calls',
        audience: { userIds: [sub] },
      })),
    );

  /**
   * Titles listed, revealing held-back arrivals first and showing more rows while the center
   * renders only the first ones (it shows 25 at first).
   */
  function listed(center: Element): string[] {
    shadow(center).querySelector<HTMLButtonElement>('[part~="new"]')?.click();
    shadow(center).querySelector<HTMLButtonElement>('[part~="show-more"]')?.click();
    return all(center, '.item .title').map(text);
  }

  async function expectEverythingOnce(
    ui: Awaited<ReturnType<typeof mount>>,
    tag: string,
    total: number,
    label: string,
  ) {
    const expected = Array.from({ length: total }, (_, i) => `${tag} ${total - 1 - i}`);
    await waitUntil(() => listed(ui.center).length === total, `${label}: ${total} listed`, { timeout: 15_000 });
    expect(listed(ui.center)).to.deep.equal(expected, 'each notification once, newest first');
    const state = ui.provider.store!.getState();
    expect(state.notifications.map((n) => n.title)).to.deep.equal(expected);
    const seqs = state.notifications.map((n) => n.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => b - a));
    expect(state.unread.total).to.equal(total);
    await waitUntil(
      () => text(shadow(ui.bell).querySelector('[part~="badge"]')) === String(total),
      `${label}: bell shows ${total}`,
    );
  }

  it('drop: shows reconnecting, comes back, and lists every notification once', async () => {
    const sub = `fault-drop-${Date.now()}`;
    const ui = await mount(sub);
    await notify(sub, 0, 10, 'drop');
    await waitUntil(() => listed(ui.center).length === 10, 'first ten listed');

    await fault(proxy, 'drop');
    await notify(sub, 10, 15, 'drop'); // published while the page is cut off
    await waitUntil(() => ui.seen.includes('reconnecting'), 'UI showed reconnecting', { timeout: 5000 });
    await waitUntil(() => ui.seen.at(-1) === 'connected', 'UI back to connected', { timeout: 10_000 });
    await notify(sub, 25, 5, 'drop');
    await expectEverythingOnce(ui, 'drop', 30, 'drop');
    expect(ui.seen.slice(ui.seen.indexOf('reconnecting'))).to.include('connected');
  });

  it('stall (half-open): the page finds the dead link by itself and catches up', async () => {
    const sub = `fault-stall-${Date.now()}`;
    const ui = await mount(sub);
    // A short heartbeat for this session only (the provider has no attribute for it), so the
    // test does not wait the hub's 30 s interval plus two 10 s pong windows. The next welcome
    // resets the interval to the hub's.
    // The WebSocket rung under the transport ladder.
    const connection = ui.provider.client!.connection.current as unknown as {
      heartbeatMs: number;
      pongTimeoutMs: number;
      connectTimeoutMs: number;
    };
    connection.pongTimeoutMs = 400;
    connection.heartbeatMs = 300;
    // A retry drawn early enough to reach the proxy before `heal` hangs in the stalled link like a
    // real one until the connect timeout (10 s, the whole wait below); 2 s keeps that race short.
    connection.connectTimeoutMs = 2000;
    await notify(sub, 0, 5, 'stall');
    await waitUntil(() => listed(ui.center).length === 5, 'first five listed');
    // Re-arm the heartbeat at the short interval: a page becoming visible pings at once.
    window.dispatchEvent(new Event('visibilitychange'));

    await fault(proxy, 'stall');
    await notify(sub, 5, 10, 'stall'); // vanish into the stalled link
    await waitUntil(() => ui.seen.includes('reconnecting'), 'UI showed reconnecting after a stall', {
      timeout: 10_000,
    });
    await fault(proxy, 'heal');
    await waitUntil(() => ui.seen.at(-1) === 'connected', 'UI back to connected', { timeout: 10_000 });
    await notify(sub, 15, 5, 'stall');
    await expectEverythingOnce(ui, 'stall', 20, 'stall');
  });
});
