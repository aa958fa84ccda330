import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.js';

export const styles = [
  tokens,
  css`
    :host {
      --_chart-1: var(--realtime-chart-1, #0b5cd5);
      --_chart-2: var(--realtime-chart-2, #1a7f37);
      --_chart-3: var(--realtime-chart-3, #9a6700);
      --_chart-4: var(--realtime-chart-4, #cf222e);
      --_chart-5: var(--realtime-chart-5, #8250df);
      --_chart-height: var(--realtime-metrics-chart-height, 140px);
      --_card: var(--realtime-metrics-card-background, var(--_surface-2));
      display: block;
      position: relative;
      container-type: inline-size;
    }
    @media (prefers-color-scheme: dark) {
      :host {
        --_chart-1: var(--realtime-chart-1, #4493f8);
        --_chart-2: var(--realtime-chart-2, #3fb950);
        --_chart-3: var(--realtime-chart-3, #d29922);
        --_chart-4: var(--realtime-chart-4, #f85149);
        --_chart-5: var(--realtime-chart-5, #a371f7);
      }
    }
    @media (forced-colors: active) {
      :host {
        --_chart-1: CanvasText;
        --_chart-2: CanvasText;
        --_chart-3: CanvasText;
        --_chart-4: CanvasText;
        --_chart-5: CanvasText;
      }
    }
    .base {
      display: grid;
      /* minmax(0, …): a chart's fixed-size canvas must never hold its column open when shrinking. */
      grid-template-columns: minmax(0, 1fr);
      gap: calc(var(--_gap) * 2);
      /* Own surface, so the text keeps its contrast on any page in light and dark schemes. */
      background: var(--_surface);
      color: var(--_text);
    }
    .alert[data-active] {
      padding: var(--_gap) calc(var(--_gap) * 2);
      border: 1px solid var(--_danger);
      border-inline-start-width: 4px;
      border-radius: var(--_radius);
      background: var(--_surface);
      font-weight: 600;
    }
    /* Kept in the accessibility tree while quiet so the alert is announced when text arrives. */
    .alert:not([data-active]) {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .kpis {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
      gap: var(--_gap);
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .kpi {
      display: grid;
      gap: 0.25rem;
      padding: calc(var(--_gap) * 1.5);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_card);
    }
    .label {
      color: var(--_muted);
    }
    .value {
      font-size: 1.5em;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .trend {
      font-size: 0.875em;
      color: var(--_muted);
    }
    .trend[data-sentiment='bad'] {
      color: var(--_danger);
    }
    .trend[data-sentiment='good'] {
      color: var(--_ok);
    }
    .agents {
      padding: calc(var(--_gap) * 1.5);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_card);
    }
    .agents h3 {
      margin: 0 0 var(--_gap);
      font-size: 1em;
    }
    .agents dl {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--_gap) * 2);
      margin: 0;
    }
    .agent {
      display: flex;
      gap: 0.375rem;
      align-items: baseline;
    }
    .agent dt {
      color: var(--_muted);
    }
    .agent dd {
      margin: 0;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .agent[data-state='error'] dd {
      color: var(--_danger);
    }
    .agent[data-state='active'] dd {
      color: var(--_ok);
    }
    .charts {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: var(--_gap);
    }
    @container (min-width: 36rem) {
      .charts {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
    }
    @container (min-width: 72rem) {
      .charts {
        grid-template-columns: repeat(4, minmax(0, 1fr));
      }
    }
    .chart {
      min-width: 0;
      margin: 0;
      padding: var(--_gap);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    .chart figcaption {
      margin-bottom: 0.25rem;
      color: var(--_muted);
    }
    .plot {
      position: relative;
      height: var(--_chart-height);
      overflow: hidden;
    }
    .failed {
      margin: 0;
      color: var(--_muted);
    }
  `,
];
