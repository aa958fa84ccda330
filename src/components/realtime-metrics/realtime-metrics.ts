import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type uPlot from 'uplot';
import type { AgentSummary } from '../../core/protocol.js';
import type { MetricSeries } from '../../core/types.js';
import { enMetrics } from '../shared/locales/en.js';
import { formatDate, formatNumber, msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { repeat } from '../shared/repeat.js';
import { MetricChartsController } from './metric-charts.js';
import {
  DEFAULT_CHARTS,
  formatMetric,
  KPI_METRICS,
  metricLabel,
  minuteRows,
  type Trend,
  trendOf,
  trendWords,
} from './metric-values.js';
import { styles } from './realtime-metrics.styles.js';

interface MetricsSlice {
  metrics: MetricSeries;
  latest: Readonly<Record<string, number>>;
  agents: AgentSummary | null;
}

const ARROWS = { up: '▲', down: '▼', flat: '▶' } as const;
/** Minutes of history in the screen-reader table. */
const TABLE_MINUTES = 5;

/**
 * @tag realtime-metrics
 * @summary Live KPI cards with trends, uPlot time-series charts backfilled from the hub, the agent
 * summary and an error-rate alert, with a text alternative for screen readers.
 *
 * uPlot, its stylesheet (adopted into the shadow root) and the chart code are imported only when
 * the chart area first comes on screen. Charts are created once and fed in place on each store change.
 *
 * @csspart base - The wrapper of everything.
 * @csspart alert - The error-rate alert (a `role="alert"` region, empty while below the threshold).
 * @csspart kpis - The list of KPI cards.
 * @csspart kpi - One KPI card (`data-metric` names the metric).
 * @csspart kpi-label - The metric's name in a card.
 * @csspart kpi-value - The metric's current value in a card.
 * @csspart trend - The change over the last minute (`data-direction`: up, down, flat; `data-sentiment`: good, bad, neutral).
 * @csspart agents - The agent summary.
 * @csspart agent-count - One count in the agent summary (`data-state`: active, idle, error).
 * @csspart charts - The chart area.
 * @csspart chart - One chart (`data-metric` names the metric).
 * @csspart chart-title - A chart's caption.
 *
 * @cssproperty [--realtime-chart-1=#0b5cd5] - Line colour of the first chart (then -2 … -5, cycling).
 * @cssproperty [--realtime-chart-2=#1a7f37] - Line colour of the second chart.
 * @cssproperty [--realtime-chart-3=#9a6700] - Line colour of the third chart.
 * @cssproperty [--realtime-chart-4=#cf222e] - Line colour of the fourth chart.
 * @cssproperty [--realtime-chart-5=#8250df] - Line colour of the fifth chart.
 * @cssproperty [--realtime-metrics-chart-height=140px] - Height of each chart.
 * @cssproperty [--realtime-metrics-card-background=var(--realtime-surface-raised)] - Background of KPI cards.
 */
export class RealtimeMetrics extends RealtimeElement {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    provider: { reflect: true },
    charts: { reflect: true },
    errorThreshold: { type: Number, attribute: 'error-threshold', reflect: true },
  };

  constructor() {
    super(enMetrics);
  }

  /** Id of the `<realtime-provider>` to use when it is not an ancestor (reflected). */
  declare provider?: string;

  /** Comma-separated metric names to chart, in order. */
  charts = DEFAULT_CHARTS;

  /** Error rate (0–1) above which the alert shows. */
  errorThreshold = 0.05;

  readonly #data = this.select<MetricsSlice>(
    (s) => ({ metrics: s.metrics, latest: s.latest, agents: s.agents }),
    (a, b) => a.metrics === b.metrics && a.latest === b.latest && a.agents === b.agents,
  );
  readonly #chartsController = new MetricChartsController(this, {
    area: () => this.renderRoot.querySelector<HTMLElement>('.charts'),
    plot: (name) => this.renderRoot.querySelector<HTMLElement>(`figure[data-metric="${CSS.escape(name)}"] .plot`),
    names: () => this.#chartNames,
    metrics: () => this.#data.value?.metrics,
  });
  #chartNames: string[] = [];

  /** The uPlot instance drawing `name`, once the chart has been shown (for plugins or inspection). */
  getChart(name: string): uPlot | undefined {
    return this.#chartsController.chart(name);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('charts')) {
      this.#chartNames = [
        ...new Set(
          (this.charts ?? '')
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean),
        ),
      ];
    }
  }

  protected override render() {
    const latest = this.#data.value?.latest ?? {};
    const metrics = this.#data.value?.metrics;
    const errorRate = latest.errorRate;
    const alerting = errorRate !== undefined && errorRate > this.errorThreshold;
    return html`
      <div part="base" class="base">
        <div part="alert" class="alert" role="alert" ?data-active=${alerting}>
          ${
            alerting
              ? msg('metrics.errorAlert', {
                  rate: formatMetric('errorRate', errorRate),
                  threshold: formatMetric('errorRate', this.errorThreshold),
                })
              : nothing
          }
        </div>
        <ul part="kpis" class="kpis" aria-label=${msg('metrics.kpis')}>
          ${KPI_METRICS.map((name) => this.#renderKpi(name, latest[name], metrics))}
        </ul>
        ${this.#renderAgents(this.#data.value?.agents ?? null)}
        ${this.#chartNames.length ? this.#renderCharts(metrics) : nothing}
      </div>
    `;
  }

  #renderKpi(name: string, value: number | undefined, metrics: MetricSeries | undefined) {
    const trend = metrics ? trendOf(metrics, name, value) : undefined;
    return html`
      <li part="kpi" class="kpi" data-metric=${name}>
        <span part="kpi-label" class="label">${metricLabel(name)}</span>
        <span part="kpi-value" class="value">${formatMetric(name, value)}</span>
        ${trend ? this.#renderTrend(trend) : nothing}
      </li>
    `;
  }

  #renderTrend(trend: Trend) {
    const shown = trend.percent === null ? '' : ` ${formatNumber(trend.percent / 100, { style: 'percent' })}`;
    return html`
      <span part="trend" class="trend" data-direction=${trend.direction} data-sentiment=${trend.sentiment}>
        <span aria-hidden="true">${ARROWS[trend.direction]}${shown}</span>
        <span class="visually-hidden">${trendWords(trend)}</span>
      </span>
    `;
  }

  #renderAgents(agents: AgentSummary | null) {
    const states = ['active', 'idle', 'error'] as const;
    return html`
      <section part="agents" class="agents" aria-labelledby="agents-title">
        <h3 id="agents-title">${msg('metrics.agents.title')}</h3>
        <dl>
          ${states.map(
            (state) => html`
              <div part="agent-count" class="agent" data-state=${state}>
                <dt>${msg(`metrics.agents.${state}`)}</dt>
                <dd>${agents ? formatNumber(agents[state]) : msg('metrics.noValue')}</dd>
              </div>
            `,
          )}
        </dl>
      </section>
    `;
  }

  #renderCharts(metrics: MetricSeries | undefined) {
    const rows = metrics ? minuteRows(metrics, this.#chartNames, TABLE_MINUTES) : [];
    return html`
      <div part="charts" class="charts">
        ${repeat(
          this.#chartNames,
          (name) => name,
          (name) => html`
            <figure part="chart" class="chart" data-metric=${name}>
              <figcaption part="chart-title">${metricLabel(name)}</figcaption>
              <div class="plot" aria-hidden="true"></div>
            </figure>
          `,
        )}
        ${this.#chartsController.failed ? html`<p class="failed">${msg('metrics.chartsUnavailable')}</p>` : nothing}
      </div>
      <!-- The wrapper is what hides: a table is never narrower than its content, whatever its width. -->
      <div class="visually-hidden">
      <table>
        <caption>
          ${msg('metrics.table.caption', { count: TABLE_MINUTES })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${msg('metrics.table.time')}</th>
            ${this.#chartNames.map((name) => html`<th scope="col">${metricLabel(name)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row) => html`
              <tr>
                <th scope="row">${formatMinute(row.minute)}</th>
                ${this.#chartNames.map((name) => html`<td>${formatMetric(name, row.values[name])}</td>`)}
              </tr>
            `,
          )}
        </tbody>
      </table>
      </div>
    `;
  }
}

const SHORT_TIME: Intl.DateTimeFormatOptions = { timeStyle: 'short' };

/** The start of a table row's minute, as a short time in the current locale. */
function formatMinute(epochSeconds: number): string {
  return formatDate(epochSeconds * 1000, SHORT_TIME);
}

declare global {
  interface HTMLElementTagNameMap {
    'realtime-metrics': RealtimeMetrics;
  }
}
