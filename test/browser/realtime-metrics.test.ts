import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/components/realtime-metrics/index.js';
import type { RealtimeMetrics } from '../../src/components/realtime-metrics/realtime-metrics.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { all, isLive, one, publish, text, useHub, withProvider } from './widget-hub.js';

/** Metric points are published at explicit, strictly increasing seconds in the recent past. */
let second = Math.floor(Date.now() / 1000) - 900;
function metrics(values: Record<string, number>, advance = 1) {
  second += advance;
  return { kind: 'metrics', values, at: new Date(second * 1000).toISOString() };
}

const uplotRequests = () => performance.getEntriesByType('resource').filter((e) => /uplot/i.test(e.name));
const kpi = (el: RealtimeMetrics, name: string) => one(el, `[part~='kpi'][data-metric='${name}']`);
const kpiValue = (el: RealtimeMetrics, name: string) => text(kpi(el, name).querySelector("[part~='kpi-value']"));
const alertText = (el: RealtimeMetrics) => text(one(el, '[role="alert"]'));
const chartLength = (el: RealtimeMetrics, name: string) => el.getChart(name)?.data[0]?.length ?? 0;

describe('<realtime-metrics>', () => {
  const ctx = useHub({ sub: 'metrics-admin', resetLocale: true });

  // Runs first: nothing on this page has imported uPlot yet.
  it('does not load uPlot until the chart area is shown', async () => {
    expect(uplotRequests(), 'no uPlot before any chart').to.have.length(0);
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics hidden></realtime-metrics>`,
      'realtime-metrics',
    );
    await publish(ctx.hub, metrics({ activeUsers: 7 }));
    await waitUntil(() => kpiValue(el, 'activeUsers') === '7', 'the KPI shows the published value');
    expect(uplotRequests(), 'hidden: uPlot not requested').to.have.length(0);
    expect(all(el, 'canvas')).to.have.length(0);

    el.hidden = false;
    await waitUntil(() => el.getChart('activeUsers'), 'chart created once visible');
    expect(uplotRequests().length).to.be.greaterThan(0);
    expect(all(el, "figure[data-metric='activeUsers'] canvas").length).to.be.greaterThan(0);
    // uPlot's stylesheet is adopted into the shadow root, not the page.
    const sheets = el.shadowRoot!.adoptedStyleSheets;
    expect([...sheets].some((s) => [...s.cssRules].some((r) => r.cssText.includes('.uplot')))).to.equal(true);
    expect([...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.cssText.includes('.uplot')))).to.equal(
      false,
    );
  });

  it('backfills charts from the hub history and shows KPIs and the screen-reader table', async () => {
    const points = [10, 11, 12, 13, 14].map((activeUsers, i) =>
      metrics({ activeUsers, activeCalls: 3 + i, responseTimeMs: 120 + i, errorRate: 0.01, systemLoad: 0.42 }),
    );
    await publish(ctx.hub, ...points); // before this client connects
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics></realtime-metrics>`,
      'realtime-metrics',
    );
    await waitUntil(() => chartLength(el, 'activeUsers') >= 5, 'chart backfilled');
    const chart = el.getChart('activeUsers')!;
    expect(Array.from(chart.data[1]!).slice(-5)).to.deep.equal([10, 11, 12, 13, 14]);
    expect(Array.from(chart.data[0]!).slice(-1)).to.deep.equal([second]);

    expect(kpiValue(el, 'activeUsers')).to.equal('14');
    expect(kpiValue(el, 'activeCalls')).to.equal('7');
    expect(kpiValue(el, 'systemLoad')).to.equal('42%');
    expect(kpiValue(el, 'responseTimeMs')).to.equal('124 ms');
    expect(kpiValue(el, 'errorRate')).to.equal('1%');

    const table = one(el, 'table');
    expect(text(table.querySelector('caption'))).to.equal('Metrics over the last 5 minutes');
    const headers = [...table.querySelectorAll('thead th')].map((th) => text(th));
    expect(headers).to.deep.equal(['Time', 'Active users', 'Active calls', 'Response time', 'Error rate']);
    const newest = [...table.querySelectorAll('tbody tr')][0]!;
    expect([...newest.querySelectorAll('td')].map((td) => text(td))).to.deep.equal(['14', '7', '124 ms', '1%']);
    expect(one(el, '.plot').getAttribute('aria-hidden')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('appends new points to the same chart in place', async () => {
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics charts="activeUsers,errorRate"></realtime-metrics>`,
      'realtime-metrics',
    );
    await waitUntil(() => chartLength(el, 'activeUsers') > 0, 'chart shown');
    const chart = el.getChart('activeUsers');
    const canvas = one(el, "figure[data-metric='activeUsers'] canvas");
    const before = chartLength(el, 'activeUsers');
    for (let i = 1; i <= 3; i++) {
      await publish(ctx.hub, metrics({ activeUsers: 100 + i }));
      await waitUntil(() => chartLength(el, 'activeUsers') === before + i, `point ${i} appended`);
      expect(kpiValue(el, 'activeUsers')).to.equal(String(100 + i));
    }
    expect(el.getChart('activeUsers'), 'same uPlot instance').to.equal(chart);
    expect(one(el, "figure[data-metric='activeUsers'] canvas"), 'same canvas').to.equal(canvas);
    expect(Array.from(chart!.data[1]!).slice(-3)).to.deep.equal([101, 102, 103]);
    expect(all(el, 'figure')).to.have.length(2);

    // A different set of charts is a rebuild.
    el.charts = 'errorRate';
    await waitUntil(() => all(el, 'figure').length === 1 && !el.getChart('activeUsers'), 'charts rebuilt');
    await waitUntil(() => el.getChart('errorRate'), 'error-rate chart');
  });

  it('shows the trend against the value a minute earlier, in words for screen readers', async () => {
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics></realtime-metrics>`,
      'realtime-metrics',
    );
    await publish(ctx.hub, metrics({ activeUsers: 200, responseTimeMs: 100 }));
    await publish(ctx.hub, metrics({ activeUsers: 224, responseTimeMs: 150 }, 60));
    await waitUntil(() => kpiValue(el, 'activeUsers') === '224', 'new value');
    const users = kpi(el, 'activeUsers').querySelector<HTMLElement>("[part~='trend']")!;
    expect(users.dataset.direction).to.equal('up');
    expect(text(users.querySelector('.visually-hidden'))).to.equal('up 12%');
    expect(users.querySelector('[aria-hidden="true"]')?.textContent).to.contain('▲');
    const response = kpi(el, 'responseTimeMs').querySelector<HTMLElement>("[part~='trend']")!;
    expect(text(response.querySelector('.visually-hidden'))).to.equal('up 50%');
    expect(response.dataset.sentiment, 'slower responses are bad news').to.equal('bad');
  });

  it('alerts above the error-rate threshold and clears below it', async () => {
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics error-threshold="0.1" charts=""></realtime-metrics>`,
      'realtime-metrics',
    );
    await publish(ctx.hub, metrics({ errorRate: 0.25 }));
    await waitUntil(() => alertText(el) !== '', 'alert shown');
    expect(alertText(el)).to.equal('Error rate 25% is above the 10% threshold');
    await expect(el).to.be.accessible();
    await publish(ctx.hub, metrics({ errorRate: 0.02 }));
    await waitUntil(() => alertText(el) === '', 'alert cleared');
    expect(kpiValue(el, 'errorRate')).to.equal('2%');
  });

  it('summarises agents from the hub', async () => {
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics charts=""></realtime-metrics>`,
      'realtime-metrics',
    );
    await publish(ctx.hub, { kind: 'agents', active: 12, idle: 5, error: 2 });
    const count = (state: string) => text(one(el, `[part~='agent-count'][data-state='${state}'] dd`));
    await waitUntil(() => count('active') === '12', 'agents shown');
    expect(count('idle')).to.equal('5');
    expect(count('error')).to.equal('2');
    expect(text(one(el, "[part~='agents'] h3"))).to.equal('Agents');
  });

  it('resizes charts with their container and releases them on removal', async () => {
    const provider = await fixture(html`
      <realtime-provider url=${ctx.hub.wsUrl} token=${ctx.token}>
        <div style="width: 500px"><realtime-metrics charts="activeCalls"></realtime-metrics></div>
      </realtime-provider>
    `);
    const el = provider.querySelector('realtime-metrics')!;
    await waitUntil(() => el.getChart('activeCalls'), 'chart shown');
    const chart = el.getChart('activeCalls')!;
    const plot = one(el, '.plot');
    await waitUntil(() => chart.width === plot.clientWidth, 'chart fills its box');
    const wide = chart.width;
    (el.parentElement as HTMLElement).style.width = '300px';
    await waitUntil(() => chart.width === plot.clientWidth && chart.width < wide, 'chart follows the container');
    expect(chart.width).to.be.lessThan(300);
    expect(el.getChart('activeCalls'), 'resized, not rebuilt').to.equal(chart);

    el.remove();
    expect(el.getChart('activeCalls'), 'destroyed when removed').to.equal(undefined);
    expect(all(el, 'canvas')).to.have.length(0);
  });

  it('themes through custom properties and parts', async () => {
    const style = document.createElement('style');
    style.textContent = `.themed::part(kpi-value) { color: rgb(0, 128, 0); }`;
    document.head.append(style);
    try {
      const { el } = await withProvider<RealtimeMetrics>(
        ctx.hub,
        ctx.token,
        html`<realtime-metrics
          class="themed"
          charts="activeUsers"
          style="--realtime-chart-1: rgb(255, 0, 0); --realtime-metrics-card-background: rgb(1, 2, 3)"
        ></realtime-metrics>`,
        'realtime-metrics',
      );
      await waitUntil(() => el.getChart('activeUsers'), 'chart shown');
      const chart = el.getChart('activeUsers')!;
      const stroke = chart.series[1]!.stroke as (u: unknown, i: number) => string;
      expect(stroke(chart, 1)).to.equal('rgb(255, 0, 0)');
      expect(getComputedStyle(kpi(el, 'activeUsers')).backgroundColor).to.equal('rgb(1, 2, 3)');
      const value = kpi(el, 'activeUsers').querySelector("[part~='kpi-value']")!;
      expect(getComputedStyle(value).color).to.equal('rgb(0, 128, 0)');
    } finally {
      style.remove();
    }
  });

  it('follows the dark colour scheme without rebuilding its charts', async () => {
    await emulateMedia({ colorScheme: 'light' });
    try {
      const { el } = await withProvider<RealtimeMetrics>(
        ctx.hub,
        ctx.token,
        html`<realtime-metrics charts="activeUsers"></realtime-metrics>`,
        'realtime-metrics',
      );
      await waitUntil(() => el.getChart('activeUsers'), 'chart shown');
      const chart = el.getChart('activeUsers')!;
      const stroke = () => (chart.series[1]!.stroke as (u: unknown, i: number) => string)(chart, 1);
      expect(stroke()).to.equal('#0b5cd5');
      await emulateMedia({ colorScheme: 'dark' });
      await waitUntil(() => stroke() === '#4493f8', 'dark palette');
      expect(el.getChart('activeUsers'), 'redrawn, not rebuilt').to.equal(chart);
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'no-preference' });
    }
  });

  it('speaks German', async () => {
    await setLocale('de');
    const { el, provider } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      ctx.token,
      html`<realtime-metrics error-threshold="0.01"></realtime-metrics>`,
      'realtime-metrics',
    );
    await publish(ctx.hub, metrics({ errorRate: 0.5, activeUsers: 1234 }));
    await waitUntil(() => kpiValue(el, 'activeUsers') === '1.234' && isLive(provider.store), 'published values shown');
    expect(alertText(el)).to.equal('Fehlerrate 50 % liegt über dem Schwellenwert von 1 %');
    expect(text(kpi(el, 'activeUsers').querySelector("[part~='kpi-label']"))).to.equal('Aktive Benutzer');
    expect(kpiValue(el, 'activeUsers')).to.equal('1.234');
    expect(text(one(el, 'caption'))).to.equal('Kennzahlen der letzten 5 Minuten');
    await expect(el).to.be.accessible();
  });
});
