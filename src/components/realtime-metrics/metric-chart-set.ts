/**
 * The charts of `<realtime-metrics>` once uPlot is loaded, a chunk of its own loaded with uPlot
 * (see metric-charts.ts): creates one chart per metric name once, then feeds each store change
 * into the existing charts with `setData` (coalesced to about once a second while only the newest
 * point's values change) and follows the plot boxes' size with a ResizeObserver. Charts are
 * rebuilt only when the set of names changes; the store drives, the one timer only defers a redraw.
 */
import type uPlot from 'uplot';
import type { MetricSeries } from '../../core/types.js';
import { formatDate } from '../shared/localize.js';
import type { ChartSource } from './metric-charts.js';
import { formatMetric, metricLabel } from './metric-values.js';

const FALLBACK_COLORS = ['#0b5cd5', '#1a7f37', '#9a6700', '#cf222e', '#8250df'];

/** Least time (ms) between two redraws for changes to the newest point only. */
const SAME_POINT_REDRAW_MS = 1000;

/** Changes when points are added or dropped (a new second, a new history), not when values change. */
/** uPlot's stylesheet, shared by every element's shadow root. */
let sheet: CSSStyleSheet | undefined;

function axisKey(metrics: MetricSeries | undefined): string {
  const t = metrics?.t ?? [];
  return `${t.length}:${t[0]}:${t.at(-1)}`;
}

/**
 * The charts of one element, from the first time its chart area shows until it is disconnected:
 * uPlot's stylesheet adopted into the element's shadow root, and the charts recoloured when the
 * colour scheme or forced colours change (the canvas is not recoloured by the browser).
 */
export class ChartSet {
  readonly #charts = new Map<string, uPlot>();
  #ro: ResizeObserver | undefined;
  #builtKey: string | undefined;
  #applied: MetricSeries | undefined;
  /** `axisKey` of the metrics last drawn, and when (performance.now()). */
  #drawnAxis: string | undefined;
  #drawnAt = 0;
  /** The pending redraw, and when it is due (performance.now()). */
  #redraw: ReturnType<typeof setTimeout> | undefined;
  #redrawAt = 0;
  /** Read by the charts' stroke callbacks; updated in place when the colour scheme or forced colours change. */
  readonly #theme: ChartTheme = { colors: FALLBACK_COLORS, axis: '#57606a', grid: '#d0d7de' };
  readonly #UPlot: typeof uPlot;
  readonly #host: HTMLElement;
  readonly #source: ChartSource;
  readonly #schemes =
    typeof matchMedia === 'function'
      ? ['(prefers-color-scheme: dark)', '(forced-colors: active)'].map((query) => matchMedia(query))
      : [];
  readonly #onScheme = (): void => this.retheme();

  /** `css`: uPlot's stylesheet as text, made a sheet once per page. */
  constructor(UPlot: typeof uPlot, host: HTMLElement, source: ChartSource, css: string) {
    this.#UPlot = UPlot;
    this.#host = host;
    this.#source = source;
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    const root = host.shadowRoot;
    if (root && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    for (const scheme of this.#schemes) scheme.addEventListener('change', this.#onScheme);
  }

  /** Destroys the charts and stops following the colour scheme: the element left the page. */
  dispose(): void {
    this.destroy();
    for (const scheme of this.#schemes) scheme.removeEventListener('change', this.#onScheme);
  }

  /** The chart drawing `name`. */
  chart(name: string): uPlot | undefined {
    return this.#charts.get(name);
  }

  /** Builds the charts when the set of names changed, else feeds them the store's metrics. */
  sync(): void {
    const names = this.#source.names();
    const metrics = this.#source.metrics();
    const key = names.join(',');
    if (key !== this.#builtKey) {
      this.destroy();
      this.#readTheme();
      this.#ro ??= new ResizeObserver((entries) => this.#onResize(entries));
      names.forEach((name, index) => {
        const plot = this.#source.plot(name);
        if (!plot) return;
        this.#charts.set(name, createChart(this.#UPlot, this.#theme, name, index, plot, metrics));
        this.#ro?.observe(plot);
      });
      this.#builtKey = key;
      this.#applied = metrics;
      this.#drawnAxis = axisKey(metrics);
      this.#drawnAt = performance.now();
      return;
    }
    this.#feed(metrics);
  }

  /** Rereads the colours and redraws (the colour scheme or forced colours changed). */
  retheme(): void {
    this.#readTheme();
    for (const chart of this.#charts.values()) chart.redraw(true, true);
  }

  /** Destroys every chart; the next sync builds them again. */
  destroy(): void {
    for (const chart of this.#charts.values()) chart.destroy();
    this.#charts.clear();
    this.#ro?.disconnect();
    clearTimeout(this.#redraw);
    this.#redraw = undefined;
    this.#builtKey = undefined;
    this.#applied = undefined;
    this.#drawnAxis = undefined;
  }

  /**
   * Redraws the charts with the store's latest metrics, coalesced and never inside the frame the
   * elements render in. The store hands out new metrics on every frame a metrics event arrives,
   * but points are per second, and a redraw repaints each canvas whole, axis text included (about
   * 2 ms a chart here, and a forced layout when the page has pending changes). A new point (the
   * time axis changed) is drawn in the next task; changes to the newest point's values at most
   * once per SAME_POINT_REDRAW_MS, the last of them always.
   */
  #feed(metrics: MetricSeries | undefined): void {
    if (metrics === this.#applied) return;
    const due = axisKey(metrics) !== this.#drawnAxis ? 0 : this.#drawnAt + SAME_POINT_REDRAW_MS - performance.now();
    const at = performance.now() + Math.max(0, due);
    if (this.#redraw !== undefined && this.#redrawAt <= at) return;
    clearTimeout(this.#redraw);
    this.#redrawAt = at;
    this.#redraw = setTimeout(this.#draw, Math.max(0, due));
  }

  readonly #draw = (): void => {
    this.#redraw = undefined;
    const metrics = this.#source.metrics();
    if (metrics === this.#applied) return;
    this.#applied = metrics;
    this.#drawnAxis = axisKey(metrics);
    this.#drawnAt = performance.now();
    for (const [name, chart] of this.#charts) chart.setData(dataOf(metrics, name));
  };

  #onResize(entries: ResizeObserverEntry[]): void {
    for (const entry of entries) {
      for (const chart of this.#charts.values()) {
        if (chart.root.parentElement !== entry.target) continue;
        const width = Math.round(entry.contentRect.width);
        const height = Math.round(entry.contentRect.height);
        if (width > 0 && height > 0 && (width !== chart.width || height !== chart.height)) {
          chart.setSize({ width, height });
        }
      }
    }
  }

  /** Reads the chart colours from `--realtime-chart-1..5` (resolved into `--_chart-*` by the styles). */
  #readTheme(): void {
    const style = getComputedStyle(this.#host);
    const read = (prop: string, fallback: string): string => style.getPropertyValue(prop).trim() || fallback;
    this.#theme.colors = FALLBACK_COLORS.map((fallback, i) => read(`--_chart-${i + 1}`, fallback));
    this.#theme.axis = read('--_muted', this.#theme.axis);
    this.#theme.grid = read('--_border', this.#theme.grid);
  }
}

/** The colours the charts draw with, resolved from the host's custom properties. */
interface ChartTheme {
  colors: readonly string[];
  axis: string;
  grid: string;
}

/**
 * One uPlot chart for metric `name`. A module function, not a method, so that no callback handed
 * to uPlot can reach the controller or its host: they close over `theme`, `name` and `index` only.
 * uPlot builds each instance on a `{ mode }` object literal and defines its `rect` getter with
 * Object.defineProperty; V8 keeps that getter (and so the constructor scope it closes over, with
 * these options) in a descriptor array shared by every object of that shape, for the life of the
 * page, after destroy(). A callback that captured `this` kept the first chart's element, its
 * provider, client and store (and the page around them) reachable after removal.
 */
function createChart(
  UPlot: typeof uPlot,
  theme: ChartTheme,
  name: string,
  index: number,
  plot: HTMLElement,
  metrics?: MetricSeries,
): uPlot {
  let y = { min: 0, max: 1, step: 0.5 };
  const color = (): string => theme.colors[index % theme.colors.length] ?? FALLBACK_COLORS[0]!;
  const axis = {
    stroke: () => theme.axis,
    grid: { stroke: () => theme.grid, width: 1 },
    ticks: { stroke: () => theme.grid, width: 1 },
  };
  const opts: uPlot.Options = {
    width: Math.max(plot.clientWidth, 100),
    height: Math.max(plot.clientHeight, 60),
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          y = niceRange(min, max);
          return [y.min, y.max];
        },
      },
    },
    // Explicit nulls (inserted at gaps in time, see dataOf) break the line; missing values
    // (undefined) within a run are bridged.
    series: [{}, { label: metricLabel(name), stroke: color, width: 2, spanGaps: false, points: { show: false } }],
    axes: [
      {
        ...axis,
        // Tick, gap and one line of text (uPlot's default of 50 px left the plot short of room).
        size: 34,
        space: timeLabelSpace,
        values: (_u, splits, _i, _space, incr) => splits.map((s) => formatTime(s, incr)),
      },
      {
        ...axis,
        size: labelColumnWidth,
        // The nice steps the range was cut into: three to six labels whatever the chart's height.
        splits: (_u, _i, min, max) => ticksOf(min, max, y.step),
        values: (_u, splits) => splits.map((v) => formatMetric(name, v)),
      },
    ],
  };
  return new UPlot(opts, dataOf(metrics, name), plot);
}

let measurer: CanvasRenderingContext2D | null | undefined;

/**
 * The y axis's width from its widest label ("1,000 ms", "100 %" in German), so no label is cut
 * off at the chart's edge. Measured on a canvas of our own: uPlot caches the font it last set on
 * the chart's context. uPlot scales its axis font by the device pixel ratio (font kept as
 * [font, size] after init), hence the division.
 */
function labelColumnWidth(u: uPlot, values: string[] | null, axisIdx: number): number {
  const axis = u.axes[axisIdx] as { ticks?: { size?: number }; gap?: number } | undefined;
  const widest = values?.length ? labelWidth(u, axisIdx, values) : 0;
  return Math.max(40, Math.ceil(widest + (axis?.ticks?.size ?? 10) + (axis?.gap ?? 5) + 2));
}

/** Widest of `labels` in the axis's font, in CSS pixels. */
function labelWidth(u: uPlot, axisIdx: number, labels: string[]): number {
  const axis = u.axes[axisIdx] as { font?: unknown } | undefined;
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 60;
  const scaled = Array.isArray(axis?.font);
  measurer.font = String(scaled ? (axis!.font as unknown[])[0] : (axis?.font ?? '12px system-ui'));
  let widest = 0;
  for (const label of labels) widest = Math.max(widest, measurer.measureText(label).width);
  return scaled ? widest / (devicePixelRatio || 1) : widest;
}

/** Room between two time labels. */
const TIME_LABEL_GAP_PX = 8;

/**
 * Least distance (px) between x ticks: a time label's width plus a gap, so labels never run
 * together ("08:05 PM08:10 PM"). Labels carry seconds only when ticks are under a minute apart,
 * which is the case only when minute labels would fit less than a minute apart.
 */
function timeLabelSpace(u: uPlot, axisIdx: number, min: number, max: number, plotDim: number): number {
  const minutes = labelWidth(u, axisIdx, [formatTime(max, 60)]) + TIME_LABEL_GAP_PX;
  const secondsPerPx = plotDim > 0 ? (max - min) / plotDim : 0;
  if (minutes * secondsPerPx >= 60) return minutes;
  return labelWidth(u, axisIdx, [formatTime(max, 1)]) + TIME_LABEL_GAP_PX;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at least `x`. */
function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= x * (1 - 1e-9)) return m * power;
  return 10 * power;
}

/**
 * A y range on nice steps around the data, two to five steps long (so three to six labels): the
 * step is the data's span over three rounded up; a flat line gets a span of its own size (or 1).
 */
export function niceRange(dataMin: number | null, dataMax: number | null): { min: number; max: number; step: number } {
  if (dataMin === null || dataMax === null || !Number.isFinite(dataMin) || !Number.isFinite(dataMax)) {
    return { min: 0, max: 1, step: 0.5 };
  }
  let span = dataMax - dataMin;
  if (span <= 0) span = Math.abs(dataMax) || 1;
  const step = niceStep(span / 3);
  let min = Math.floor(dataMin / step) * step;
  let max = Math.ceil(dataMax / step) * step;
  if (max - min < 2 * step) {
    if (min >= 0 && dataMin >= 0 && min - step < 0) max = min + 2 * step;
    else min = max - 2 * step;
  }
  if (dataMin >= 0) min = Math.max(0, min);
  return { min, max, step };
}

/** Ticks from `min` to `max` every `step` (rounded to the step's decimals). */
function ticksOf(min: number, max: number, step: number): number[] {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  const ticks: number[] = [];
  const count = Math.round((max - min) / step);
  for (let i = 0; i <= count && i <= 20; i++) ticks.push(Number((min + i * step).toFixed(decimals)));
  return ticks;
}

/** A gap is this many typical sample intervals without a sample (and at least MIN_GAP_SECONDS). */
const GAP_INTERVALS = 5;
const MIN_GAP_SECONDS = 5;
/** How many of the newest intervals the typical interval is the median of. */
const INTERVAL_SAMPLE = 60;

/**
 * Where the times in `t` (ascending seconds) jump by more than GAP_INTERVALS typical intervals:
 * the indexes after which a gap starts, and the typical interval. The hub stops sending while it
 * is down, and the line must not be drawn straight across the time it was away.
 */
export function findTimeGaps(t: readonly number[]): { after: number[]; interval: number } {
  if (t.length < 2) return { after: [], interval: 1 };
  const deltas: number[] = [];
  for (let i = Math.max(1, t.length - INTERVAL_SAMPLE); i < t.length; i++) deltas.push(t[i]! - t[i - 1]!);
  deltas.sort((a, b) => a - b);
  const interval = deltas[Math.floor(deltas.length / 2)]! || 1;
  const limit = Math.max(GAP_INTERVALS * interval, MIN_GAP_SECONDS);
  const after: number[] = [];
  for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! > limit) after.push(i - 1);
  return { after, interval };
}

/** The time axis with a point inserted after each gap's start, and where the inserts went; per `t`. */
const gapped = new WeakMap<readonly number[], { t: number[]; after: number[] }>();

function timesWithGaps(t: readonly number[]): { t: number[]; after: number[] } {
  let found = gapped.get(t);
  if (!found) {
    const { after, interval } = findTimeGaps(t);
    const times = [...t];
    for (let g = after.length - 1; g >= 0; g--) times.splice(after[g]! + 1, 0, t[after[g]!]! + interval);
    found = { t: times, after };
    gapped.set(t, found);
  }
  return found;
}

/**
 * uPlot's column data for one metric; the store hands out fresh arrays it never mutates. A null
 * is inserted just after the last sample before each gap in time (a break in the line); missing
 * values within a run become undefined, which the line bridges.
 */
function dataOf(metrics: MetricSeries | undefined, name: string): uPlot.AlignedData {
  const t = (metrics?.t ?? []) as number[];
  const values = metrics?.series[name] as (number | null)[] | undefined;
  const { t: times, after } = timesWithGaps(t);
  const column: (number | null | undefined)[] = [];
  let g = 0;
  for (let i = 0; i < t.length; i++) {
    column.push(values?.[i] ?? undefined);
    if (after[g] === i) {
      column.push(null);
      g++;
    }
  }
  return [times, column];
}

const WITH_SECONDS: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
const MINUTES: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** An x-axis tick in the page's locale: seconds shown when ticks are less than a minute apart. */
function formatTime(epochSeconds: number, incr: number): string {
  return formatDate(epochSeconds * 1000, incr < 60 ? WITH_SECONDS : MINUTES);
}
