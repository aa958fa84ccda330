/**
 * Charts (issue 17 item 8), against a real hub: a metric series with a 25-minute hole (a hub
 * restart) is drawn as two lines, not one straight across the hole; time labels never run
 * together at phone or desktop widths; every chart shows at least three y labels.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type uPlot from 'uplot';
import '../../src/components/realtime-metrics/index.js';
import { findTimeGaps, niceRange } from '../../src/components/realtime-metrics/metric-chart-set.js';
import type { RealtimeMetrics } from '../../src/components/realtime-metrics/realtime-metrics.js';
import { isLive, publish, useHub } from './widget-hub.js';

const NAMES = ['activeUsers', 'activeCalls', 'responseTimeMs', 'errorRate'];

/** The labels uPlot drew on axis `index`, with their pixel positions along the axis. */
function drawnLabels(chart: uPlot, index: number): { text: string; pos: number }[] {
  const axis = chart.axes[index] as { _splits?: number[]; _values?: string[] };
  const splits = axis._splits ?? [];
  const values = axis._values ?? [];
  const scale = index === 0 ? 'x' : 'y';
  return splits
    .map((split, i) => ({ text: String(values[i] ?? ''), pos: chart.valToPos(split, scale) }))
    .filter((l) => l.text !== '');
}

describe('metric charts', () => {
  const ctx = useHub({ sub: 'charts-admin' });

  after(() => setViewport({ width: 800, height: 600 }));

  before(async () => {
    // Two runs of one sample a second, 40 and 9 minutes ago: the hub was down in between. The
    // second run lies wholly within the last ten minutes for the rest of the file.
    const now = Math.floor(Date.now() / 1000);
    const run = (start: number) =>
      Array.from({ length: 90 }, (_, i) => ({
        kind: 'metrics',
        values: {
          activeUsers: 1200 + ((i * 7) % 40),
          activeCalls: 300 + ((i * 3) % 20),
          responseTimeMs: 120 + (i % 9),
          errorRate: 0.004 + (i % 5) / 1000,
        },
        at: new Date((start + i) * 1000).toISOString(),
      }));
    await publish(ctx.hub, ...run(now - 40 * 60));
    await publish(ctx.hub, ...run(now - 9 * 60));
  });

  async function charts(width: number, windowSeconds = 3600, points = 180): Promise<RealtimeMetrics> {
    await setViewport({ width, height: 900 });
    const provider = await fixture<HTMLElement & { store?: RealtimeMetrics['store'] }>(
      html`<realtime-provider url=${ctx.hub.wsUrl} token=${ctx.token} metrics-window=${windowSeconds}
        ><realtime-metrics charts=${NAMES.join(',')}></realtime-metrics
      ></realtime-provider>`,
    );
    await waitUntil(() => isLive(provider.store), 'live', { timeout: 8000 });
    const el = provider.querySelector<RealtimeMetrics>('realtime-metrics')!;
    await waitUntil(() => NAMES.every((n) => (el.getChart(n)?.data[0]?.length ?? 0) >= points), 'charts drawn');
    return el;
  }

  it('breaks the line at a gap in time, and only there', async () => {
    const el = await charts(1024);
    for (const name of NAMES) {
      const chart = el.getChart(name)!;
      const [t, ys] = chart.data as [number[], (number | null | undefined)[]];
      const nulls = ys.flatMap((v, i) => (v === null ? [i] : []));
      expect(nulls, `${name}: one break`).to.have.length(1);
      const at = nulls[0]!;
      // The break sits inside the hole: after the last sample before it, before the first after it.
      expect(t[at]! - t[at - 1]!).to.be.at.most(1);
      expect(t[at + 1]! - t[at]!).to.be.greaterThan(25 * 60);
      expect(chart.series[1]!.spanGaps).to.equal(false);
      expect(ys.filter((v) => typeof v === 'number')).to.have.length(180);
    }
  });

  // The last hour (minute labels), and the last ten minutes: only the second run's 90 s, where
  // labels carry seconds and are at their widest (uPlot's default spacing overlapped them at 320 px).
  for (const [width, windowSeconds, points] of [
    [390, 3600, 180],
    [1440, 3600, 180],
    [320, 600, 90],
    [390, 600, 90],
    [1440, 600, 90],
  ] as const) {
    it(`${width} px, ${windowSeconds} s window: time labels apart, at least three y labels`, async () => {
      const el = await charts(width, windowSeconds, points);
      for (const name of NAMES) {
        const chart = el.getChart(name)!;
        const x = drawnLabels(chart, 0);
        // 90 s of data carry seconds in their labels: in a chart a phone's width, one may be all that fits.
        expect(x.length, `${name}: time labels`).to.be.at.least(windowSeconds === 3600 ? 2 : 1);
        const ctx2d = document.createElement('canvas').getContext('2d')!;
        const font = (chart.axes[0] as { font?: unknown }).font;
        ctx2d.font = String(Array.isArray(font) ? font[0] : font);
        const scale = Array.isArray(font) ? devicePixelRatio || 1 : 1;
        for (let i = 1; i < x.length; i++) {
          const half = (ctx2d.measureText(x[i - 1]!.text).width + ctx2d.measureText(x[i]!.text).width) / 2 / scale;
          expect(x[i]!.pos - x[i - 1]!.pos, `${name}: "${x[i - 1]!.text}" and "${x[i]!.text}" apart`).to.be.greaterThan(
            half + 6,
          );
        }
        const y = drawnLabels(chart, 1);
        expect(y.length, `${name}: y labels ${y.map((l) => l.text)}`).to.be.at.least(3);
        expect(new Set(y.map((l) => l.text)).size, `${name}: distinct y labels`).to.equal(y.length);
      }
    });
  }

  it('finds gaps relative to the sample interval; y ranges on nice steps with three or more ticks', () => {
    expect(findTimeGaps([0, 1, 2, 3, 4, 1500, 1501]).after).to.deep.equal([4]);
    expect(findTimeGaps([0, 1, 2, 3, 4, 7, 8]).after, 'a few missing seconds are no gap').to.deep.equal([]);
    // One sample a minute: ten minutes missing is a gap, two minutes is not.
    expect(findTimeGaps([0, 60, 120, 180, 300, 360, 960, 1020]).after).to.deep.equal([5]);
    for (const [lo, hi] of [
      [0, 10],
      [1200, 1450],
      [0.001, 0.009],
      [42, 42],
      [0, 0],
      [65, 400],
    ] as const) {
      const r = niceRange(lo, hi);
      expect(r.min).to.be.at.most(lo);
      expect(r.max).to.be.at.least(hi);
      const steps = Math.round((r.max - r.min) / r.step);
      expect(steps, `${lo}…${hi}`).to.be.within(2, 5);
    }
  });
});
