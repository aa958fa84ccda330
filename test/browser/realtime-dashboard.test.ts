import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/realtime-dashboard/index.js';
import type { RealtimeDashboard } from '../../src/components/realtime-dashboard/realtime-dashboard.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { isLive, one, publish, text, useHub } from './widget-hub.js';

/** Records every frame the page's WebSockets send and receive (installed before a dashboard connects). */
function spyOnSockets() {
  const Original = window.WebSocket;
  const frames = { sent: [] as Record<string, unknown>[], received: [] as Record<string, unknown>[] };
  class SpyingWebSocket extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => frames.received.push(JSON.parse(String(e.data))));
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      frames.sent.push(JSON.parse(String(data)));
      super.send(data);
    }
  }
  window.WebSocket = SpyingWebSocket;
  const count = (list: Record<string, unknown>[], type: string) => list.filter((f) => f.type === type).length;
  return {
    frames,
    snapshots: () => count(frames.received, 'snapshot'),
    sentOf: (type: string) => frames.sent.filter((f) => f.type === type),
    restore: () => {
      window.WebSocket = Original;
    },
  };
}

const status = (el: RealtimeDashboard) => el.store?.getState().connection.status;
const button = (el: RealtimeDashboard, part: string) => one<HTMLButtonElement>(el, `[part~='${part}']`);
const titles = (el: RealtimeDashboard) => (el.store?.getState().notifications ?? []).map((n) => n.title);

describe('<realtime-dashboard>', () => {
  const ctx = useHub({ sub: 'dashboard-admin', resetLocale: true });
  let spy: ReturnType<typeof spyOnSockets>;

  beforeEach(() => {
    spy = spyOnSockets();
  });
  afterEach(() => {
    spy.restore();
  });

  async function liveDashboard(): Promise<RealtimeDashboard> {
    const el = await fixture<RealtimeDashboard>(
      html`<realtime-dashboard url=${ctx.hub.wsUrl} token=${ctx.token}></realtime-dashboard>`,
    );
    await waitUntil(() => isLive(el.store), 'dashboard connected', { timeout: 8000 });
    await waitUntil(() => !button(el, 'refresh-button').disabled, 'dashboard shows the live connection');
    return el;
  }

  it('with url, renders its own provider around every panel', async () => {
    const el = await liveDashboard();
    const root = el.shadowRoot!;
    const provider = root.querySelector<RealtimeProvider>('realtime-provider')!;
    expect(provider.store).to.equal(el.store);
    for (const tag of [
      'connection-status',
      'critical-alerts',
      'realtime-metrics',
      'live-activity',
      'admin-notification-center',
    ]) {
      expect(provider.querySelector(tag), tag).to.not.equal(null);
    }
    expect(provider.querySelector('system-status')?.getAttribute('variant')).to.equal('detailed');
    // The panels use the dashboard's connection: a published metric reaches the metrics panel.
    await publish(ctx.hub, { kind: 'metrics', values: { activeCalls: 31 } });
    const metrics = provider.querySelector('realtime-metrics')!;
    await waitUntil(
      () => text(metrics.shadowRoot?.querySelector("[data-metric='activeCalls'] [part~='kpi-value']")) === '31',
      'metrics panel fed',
    );
    // Critical notifications show in the inline banner, in the dashboard's flow.
    await publish(ctx.hub, { kind: 'notification', title: 'Payments down', category: 'billing', priority: 'critical' });
    const banner = root.querySelector('critical-alerts')!;
    await waitUntil(
      () => text(banner.shadowRoot?.querySelector("[part~='toast']")).includes('Payments down'),
      'banner',
    );
    expect(getComputedStyle(banner).position).to.equal('static');
    await expect(el).to.be.accessible();
  });

  it('follows a new url with a new connection', async () => {
    const el = await liveDashboard();
    const first = el.store;
    el.url = `${ctx.hub.wsUrl}?dashboard=2`;
    await waitUntil(() => el.store !== first && isLive(el.store), 'new store live', { timeout: 8000 });
    expect(first?.getState().connection.status).to.equal('closed');
    await waitUntil(() => !button(el, 'refresh-button').disabled, 'controls follow the new connection');
    const before = spy.snapshots();
    button(el, 'refresh-button').click();
    await waitUntil(() => spy.snapshots() === before + 1, 'refresh on the new connection');
  });

  it('connect / disconnect toggles the provider connection', async () => {
    const el = await liveDashboard();
    const toggle = button(el, 'connect-button');
    expect(text(toggle)).to.equal('Disconnect');
    toggle.click();
    await waitUntil(() => status(el) === 'closed', 'closed');
    await waitUntil(() => text(button(el, 'connect-button')) === 'Connect', 'label flips');
    expect(button(el, 'refresh-button').disabled, 'nothing to refresh while closed').to.equal(true);
    await expect(el).to.be.accessible();
    button(el, 'connect-button').click();
    await waitUntil(() => status(el) === 'connected', 'reconnected', { timeout: 8000 });
    await waitUntil(() => text(button(el, 'connect-button')) === 'Disconnect', 'label flips back');
  });

  it('refresh asks the hub for a new snapshot', async () => {
    const el = await liveDashboard();
    await waitUntil(() => spy.snapshots() === 1, 'first snapshot');
    button(el, 'refresh-button').click();
    await waitUntil(() => spy.snapshots() === 2, 'a second snapshot after refresh');
    expect(spy.sentOf('refresh')).to.have.length(1);
  });

  it('auto-refresh refreshes on the chosen interval and stops on disconnect and removal', async () => {
    const el = await liveDashboard();
    el.refreshIntervals = [0.25];
    await el.updateComplete;
    const select = one<HTMLSelectElement>(el, "[part~='interval']");
    expect([...select.options].map((o) => o.value)).to.deep.equal(['0', '0.25']);
    select.value = '0.25';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.autoRefresh).to.equal(0.25);
    expect(el.autoRefreshing).to.equal(true);
    const start = spy.snapshots();
    await waitUntil(() => spy.snapshots() >= start + 2, 'two automatic refreshes', { timeout: 5000 });

    button(el, 'connect-button').click();
    await waitUntil(() => status(el) === 'closed' && !el.autoRefreshing, 'timer cleared while disconnected');

    button(el, 'connect-button').click();
    await waitUntil(() => status(el) === 'connected' && el.autoRefreshing, 'timer back once connected', {
      timeout: 8000,
    });
    select.value = '0';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.autoRefreshing, 'off').to.equal(false);

    el.autoRefresh = 0.25;
    await waitUntil(() => el.autoRefreshing, 'on again');
    el.remove();
    expect(el.autoRefreshing, 'timer cleared on removal').to.equal(false);
  });

  it('category toggles change what the hub sends', async () => {
    const el = await liveDashboard();
    const box = (category: string) => one<HTMLInputElement>(el, `input[name='category'][value='${category}']`);
    expect(box('billing').checked).to.equal(true);
    const refreshed = async () => {
      // The hub handles a socket's frames in order: once the refresh's snapshot is back, the
      // subscription change sent before it is in force.
      const before = spy.snapshots();
      await waitUntil(() => !button(el, 'refresh-button').disabled, 'refresh enabled');
      button(el, 'refresh-button').click();
      await waitUntil(() => spy.snapshots() > before, 'refreshed');
    };

    const change = oneEvent(el, 'realtime-categories-change');
    box('billing').click();
    const { detail } = await change;
    expect(detail.categories).to.deep.equal(['system', 'security', 'agents', 'users', 'calls']);
    expect(spy.sentOf('subscribe').at(-1)?.categories).to.deep.equal(detail.categories);
    await refreshed();

    await publish(
      ctx.hub,
      { kind: 'notification', title: 'Invoice failed (muted)', category: 'billing' },
      { kind: 'notification', title: 'Disk almost full', category: 'system' },
    );
    await waitUntil(() => titles(el).includes('Disk almost full'), 'system notification delivered');
    expect(titles(el)).to.not.include('Invoice failed (muted)');

    box('billing').click();
    await waitUntil(() => el.store?.getState().categories === null, 'all categories again');
    expect(spy.sentOf('subscribe').at(-1)?.categories).to.equal(null);
    await refreshed();
    await publish(ctx.hub, { kind: 'notification', title: 'Invoice paid', category: 'billing' });
    await waitUntil(() => titles(el).includes('Invoice paid'), 'billing delivered again');
    expect(box('billing').checked).to.equal(true);
  });

  it('works by keyboard', async () => {
    const el = await liveDashboard();
    const before = spy.snapshots();
    button(el, 'refresh-button').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => spy.snapshots() === before + 1, 'Enter on Refresh refreshes');

    const calls = one<HTMLInputElement>(el, "input[name='category'][value='calls']");
    calls.focus();
    const change = oneEvent(el, 'realtime-categories-change');
    await sendKeys({ press: 'Space' });
    expect((await change).detail.categories).to.not.include('calls');
    expect(calls.checked).to.equal(false);

    button(el, 'connect-button').focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => status(el) === 'closed', 'Space on Disconnect closes');
  });

  it('without url, uses the provider named by provider="id"', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`
      <div>
        <realtime-provider id="far-provider" url=${ctx.hub.wsUrl} token=${ctx.token}></realtime-provider>
        <realtime-provider id="other-provider" manual url=${ctx.hub.wsUrl} token=${ctx.token}></realtime-provider>
        <section><realtime-dashboard provider="far-provider"></realtime-dashboard></section>
      </div>
    `);
    const provider = wrapper.querySelector<RealtimeProvider>('#far-provider')!;
    const el = wrapper.querySelector('realtime-dashboard')!;
    await waitUntil(() => isLive(provider.store), 'provider live', { timeout: 8000 });
    expect(el.shadowRoot!.querySelector('realtime-provider'), 'no provider of its own').to.equal(null);
    expect(el.providerElement).to.equal(provider);
    await waitUntil(() => text(button(el, 'connect-button')) === 'Disconnect', 'shows the provider state');
    button(el, 'connect-button').click();
    await waitUntil(() => provider.store?.getState().connection.status === 'closed', 'that provider closed');
    const status = el.shadowRoot!.querySelector('connection-status')!;
    expect(status.getAttribute('provider')).to.equal('far-provider');
  });

  it('themes through a custom property and parts', async () => {
    const style = document.createElement('style');
    style.textContent = `.themed::part(refresh-button) { color: rgb(0, 0, 255); }`;
    document.head.append(style);
    try {
      const el = await fixture<RealtimeDashboard>(html`
        <realtime-dashboard
          class="themed"
          url=${ctx.hub.wsUrl}
          token=${ctx.token}
          style="--realtime-dashboard-header-background: rgb(1, 2, 3)"
        ></realtime-dashboard>
      `);
      expect(getComputedStyle(one(el, "[part~='header']")).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(button(el, 'refresh-button')).color).to.equal('rgb(0, 0, 255)');
    } finally {
      style.remove();
    }
  });

  it('is accessible in the dark colour scheme', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const el = await liveDashboard();
      await publish(ctx.hub, { kind: 'metrics', values: { activeUsers: 5, errorRate: 0.5 } });
      const metrics = el.shadowRoot!.querySelector('realtime-metrics')!;
      await waitUntil(() => text(metrics.shadowRoot?.querySelector('[role="alert"]')) !== '', 'error alert shown');
      expect(getComputedStyle(one(el, "[part~='base']")).backgroundColor).to.equal('rgb(22, 27, 34)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'no-preference' });
    }
  });

  it('speaks German', async () => {
    await setLocale('de');
    const el = await liveDashboard();
    expect(text(button(el, 'connect-button'))).to.equal('Trennen');
    expect(text(button(el, 'refresh-button'))).to.equal('Aktualisieren');
    expect(text(one(el, 'legend'))).to.equal('Abonnierte Kategorien');
    expect(text(one(el, "input[value='billing']").parentElement)).to.equal('Abrechnung');
    const options = [...one<HTMLSelectElement>(el, 'select').options].map((o) => text(o));
    expect(options).to.deep.equal(['Aus', 'Alle 30 Sekunden', 'Jede Minute', 'Alle 5 Minuten']);
    await expect(el).to.be.accessible();
  });
});
