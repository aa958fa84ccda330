/**
 * The charts of `<realtime-metrics>`, on the page's side: the first time the chart area is on
 * screen, loads uPlot, its stylesheet and the chart code (metric-chart-set.ts) in parallel, each a
 * chunk of its own, then hands every update to the element's ChartSet.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type uPlot from 'uplot';
import type { MetricSeries } from '../../core/types.js';
import { lazy } from '../shared/lazy.js';
import type { ChartSet } from './metric-chart-set.js';

/** The chart code, uPlot and its CSS text, each a chunk of its own, loaded together once per page (again after a failure). */
const loadCharts = lazy(
  () => Promise.all([import('./metric-chart-set.js'), import('uplot'), import('uplot/dist/uPlot.min.css?inline')]),
  'charts',
);

/** What the charts read from their host on every update. */
export interface ChartSource {
  /** The element the IntersectionObserver watches; null while not rendered. */
  area(): HTMLElement | null;
  /** The box a chart for `name` draws into. */
  plot(name: string): HTMLElement | null;
  names(): readonly string[];
  metrics(): MetricSeries | undefined;
}

export class MetricChartsController implements ReactiveController {
  #io: IntersectionObserver | undefined;
  #watched: HTMLElement | null = null;
  #shown = false;
  #set: ChartSet | undefined;
  /** True when uPlot could not be loaded (the host shows a message instead of charts). */
  failed = false;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #source: ChartSource;

  constructor(host: ReactiveControllerHost & HTMLElement, source: ChartSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  /** The chart drawing `name`, once shown. */
  chart(name: string): uPlot | undefined {
    return this.#set?.chart(name);
  }

  hostUpdated(): void {
    const area = this.#source.area();
    if (!area)
      this.#set?.destroy(); // charts="" removed the area
    else if (!this.#shown) this.#watch(area);
    else this.#set?.sync();
  }

  hostDisconnected(): void {
    this.#io?.disconnect();
    this.#io = undefined;
    this.#watched = null;
    this.#shown = false;
    this.#set?.dispose();
    this.#set = undefined;
  }

  #watch(area: HTMLElement): void {
    if (this.#watched === area) return;
    this.#io?.disconnect();
    this.#watched = area;
    if (typeof IntersectionObserver !== 'function') {
      this.#show();
      return;
    }
    this.#io = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.#io?.disconnect();
      this.#io = undefined;
      this.#show();
    });
    this.#io.observe(area);
  }

  #show(): void {
    this.#shown = true;
    void loadCharts().then((lib) => {
      if (!lib) {
        // Logged by lazy(); a later show tries again.
        this.failed = true;
        this.#shown = false;
        this.#watched = null;
        this.#host.requestUpdate();
        return;
      }
      if (!this.#shown) return; // removed while loading
      const [set, uplot, css] = lib;
      this.#set ??= new set.ChartSet(uplot.default, this.#host, this.#source, css.default);
      this.failed = false;
      this.#set.sync();
    });
  }
}
