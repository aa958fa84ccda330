/**
 * Pure helpers of `<realtime-metrics>`: how each known metric is formatted, which direction is
 * good for it, its trend over the last minute, and the per-minute rows of the screen-reader table.
 */
import type { MetricSeries } from '../../core/types.js';
import { formatNumber, type MessageKey, msg } from '../shared/localize.js';

/** The KPI cards, in display order. */
export const KPI_METRICS = ['activeUsers', 'activeCalls', 'systemLoad', 'responseTimeMs', 'errorRate'] as const;

/** The charts shown when the `charts` attribute is absent. */
export const DEFAULT_CHARTS = 'activeUsers,activeCalls,responseTimeMs,errorRate';

/** Seconds back the trend compares with. */
export const TREND_WINDOW_SECONDS = 60;

/** Metrics for which a rise is bad news (coloured as danger when they go up). */
const LOWER_IS_BETTER = new Set(['systemLoad', 'responseTimeMs', 'errorRate']);

/** The localised label of a metric; unknown names are shown as they are. */
export function metricLabel(name: string): string {
  const key = `metrics.name.${name}` as MessageKey;
  const label = msg(key);
  return label === key ? name : label;
}

/** A metric value in the current locale: ratios as percentages, response time in ms. */
export function formatMetric(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return msg('metrics.noValue');
  switch (name) {
    case 'systemLoad':
      return formatNumber(value, { style: 'percent', maximumFractionDigits: 0 });
    case 'errorRate':
      return formatNumber(value, { style: 'percent', maximumFractionDigits: 2 });
    case 'responseTimeMs':
      return formatNumber(value, { style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 });
    default:
      return formatNumber(value, { maximumFractionDigits: 2 });
  }
}

export interface Trend {
  direction: 'up' | 'down' | 'flat';
  /** Relative change in whole percent; null when the earlier value was 0. */
  percent: number | null;
  /** Whether the change is good, bad or neither for this metric. */
  sentiment: 'good' | 'bad' | 'neutral';
}

/**
 * The change of `name` from its value about a minute before the newest point to `current`.
 * Undefined when the history does not reach back a minute.
 */
export function trendOf(metrics: MetricSeries, name: string, current: number | undefined): Trend | undefined {
  const column = metrics.series[name];
  const newest = metrics.t.at(-1);
  if (!column || newest === undefined || current === undefined) return undefined;
  let before: number | null = null;
  for (let i = metrics.t.length - 1; i >= 0; i--) {
    if ((metrics.t[i] as number) > newest - TREND_WINDOW_SECONDS) continue;
    const value = column[i];
    if (value !== null && value !== undefined) {
      before = value;
      break;
    }
  }
  if (before === null) return undefined;
  const delta = current - before;
  const percent = before === 0 ? null : Math.round((Math.abs(delta) / Math.abs(before)) * 100);
  const direction = delta === 0 || percent === 0 ? 'flat' : delta > 0 ? 'up' : 'down';
  const sentiment =
    direction === 'flat' || !LOWER_IS_BETTER.has(name) ? 'neutral' : direction === 'up' ? 'bad' : 'good';
  return { direction, percent, sentiment };
}

/** "up 12%", "down 3%", "unchanged": the words a screen reader says for a trend. */
export function trendWords(trend: Trend): string {
  if (trend.direction === 'flat') return msg('metrics.trend.flat');
  if (trend.percent === null) {
    return msg(trend.direction === 'up' ? 'metrics.trend.upFromZero' : 'metrics.trend.downFromZero');
  }
  return msg(trend.direction === 'up' ? 'metrics.trend.up' : 'metrics.trend.down', { percent: trend.percent });
}

export interface MinuteRow {
  /** Start of the minute, epoch seconds. */
  minute: number;
  /** Last value in that minute per metric name. */
  values: Record<string, number | null>;
}

/** The last `count` minutes that have points, newest first, each with the last value per metric. */
export function minuteRows(metrics: MetricSeries, names: readonly string[], count: number): MinuteRow[] {
  const rows: MinuteRow[] = [];
  for (let i = metrics.t.length - 1; i >= 0 && rows.length <= count; i--) {
    const minute = Math.floor((metrics.t[i] as number) / 60) * 60;
    let row = rows.at(-1);
    if (!row || row.minute !== minute) {
      if (rows.length === count) break;
      row = { minute, values: {} };
      rows.push(row);
    }
    for (const name of names) {
      const value = metrics.series[name]?.[i];
      if (row.values[name] === undefined && value !== null && value !== undefined) row.values[name] = value;
    }
  }
  return rows;
}
