/**
 * What every backend shares, whatever the database: default retention, the rules that normalise
 * what is stored (audiences, entries, epoch seconds, clamped limits), and the metric history's
 * bucketing into a bounded snapshot.
 */
import type { Audience, MetricHistory, StreamEvent } from '../../core/protocol.js';
import { type RetentionOptions, STORAGE_LIMITS, type StreamEntry } from '../backend.js';

export const DEFAULT_RETENTION: RetentionOptions = {
  replayCount: 10_000,
  replayAgeMs: 60 * 60 * 1000,
  metricsSeconds: 3600,
  notificationDays: 30,
  auditDays: 90,
};

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_LIST_LIMIT = 500;
export const MAX_AUDIT_LIMIT = 1000;

/** Options every backend takes beside its connection. */
export interface StoreOptions {
  retention?: Partial<RetentionOptions>;
  /** Clock (epoch ms); injectable for tests. */
  now?: () => number;
  /** Structured log sink (prune results, listener errors). */
  log?: (obj: Record<string, unknown>) => void;
  /** How long an event id is remembered for idempotent publishes (ms, default 24 h, at least replayAgeMs). */
  idempotencyMs?: number;
  /** Activity entries kept (default 500). */
  activityKeep?: number;
  /**
   * Rows each table may lose per `prune()` call beyond twice what was written since the previous
   * call (default 5000): pruning keeps up with any append rate, and a call's work stays
   * proportional to the traffic it follows.
   */
  pruneBatch?: number;
}

/** `StoreOptions` with every default applied. */
export function resolveStoreOptions(options: StoreOptions) {
  const retention: RetentionOptions = { ...DEFAULT_RETENTION };
  for (const [key, value] of Object.entries(options.retention ?? {}) as [keyof RetentionOptions, unknown][]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) retention[key] = value;
  }
  return {
    retention,
    now: options.now ?? Date.now,
    log: options.log ?? (() => {}),
    idempotencyMs: Math.max(options.idempotencyMs ?? DAY_MS, retention.replayAgeMs),
    activityKeep: Math.max(1, options.activityKeep ?? 500),
    pruneBatch: Math.max(1, options.pruneBatch ?? 5000),
  };
}

/** An audience with no userIds and no roles field is "every admin"; empty lists target nobody. */
export function normaliseAudience(audience: Audience | undefined): Audience | undefined {
  if (!audience) return undefined;
  if (audience.userIds === undefined && audience.roles === undefined) return undefined;
  const out: Audience = {};
  if (audience.userIds !== undefined) out.userIds = [...new Set(audience.userIds)];
  if (audience.roles !== undefined) out.roles = [...new Set(audience.roles)];
  return out;
}

/** A stored row (event JSON and audience JSON) as a stream entry. */
export function parseEntry(json: string, audience: string | null): StreamEntry {
  const event = JSON.parse(json) as StreamEvent;
  return audience ? { event, audience: JSON.parse(audience) as Audience } : { event };
}

export function epochSeconds(iso: string | undefined, fallbackMs: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Math.floor((Number.isFinite(ms) ? ms : fallbackMs) / 1000);
}

export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** The window a metric history covers: never past retention nor past the clock's skew. */
export function historyWindow(sinceEpochSeconds: number, nowMs: number, metricsSeconds: number) {
  const nowT = Math.floor(nowMs / 1000);
  return {
    since: Math.max(Math.floor(sinceEpochSeconds), nowT - metricsSeconds),
    until: nowT + Math.floor(STORAGE_LIMITS.metricFutureSkewMs / 1000),
  };
}

/**
 * Builds a history from rows of one second each (`values`: name → value), oldest first, for at
 * most `metricNames` names; past `snapshotMetricValues` values, consecutive seconds merge into
 * buckets (each keeps its last second and each name's last value in it), so the history stays an
 * hour wide and small. `points` is the number of rows, `names` the names kept.
 */
export function bucketHistory(
  rows: Iterable<{ t: number; values: Record<string, number> }>,
  points: number,
  names: number,
): MetricHistory {
  if (points === 0) return { t: [], series: {} };
  const kept = Math.max(1, Math.min(names, STORAGE_LIMITS.metricNames));
  const width = Math.max(1, Math.ceil((points * kept) / STORAGE_LIMITS.snapshotMetricValues));
  const t: number[] = [];
  const series = new Map<string, (number | null)[]>();
  let bucket = Number.NaN;
  for (const row of rows) {
    const b = Math.floor(row.t / width);
    if (b !== bucket) {
      bucket = b;
      t.push(row.t);
    } else t[t.length - 1] = row.t;
    for (const [name, value] of Object.entries(row.values)) {
      let values = series.get(name);
      if (!values) {
        if (series.size >= STORAGE_LIMITS.metricNames) continue; // a store from before the cap
        values = [];
        series.set(name, values);
      }
      values[t.length - 1] = value;
    }
  }
  for (const values of series.values()) for (let i = 0; i < t.length; i++) values[i] ??= null;
  return { t, series: Object.fromEntries(series) };
}

/**
 * Unread counts from cells of (category, priority, count): visible minus read, each aggregated by
 * the database, plus what the user's inbox state adjusts (`adjust`, signed); at most
 * (categories × priorities) cells each.
 */
export function unreadFromCells(
  visible: Iterable<{ category: string; priority: string; c: number }>,
  read: () => Iterable<{ category: string; priority: string; c: number }>,
  adjust: Iterable<{ category: string; priority: string; c: number }> = [],
) {
  const cells = new Map<string, { category: string; priority: string; c: number }>();
  const key = (row: { category: string; priority: string }) => `${row.priority}\u0000${row.category}`;
  for (const row of visible) cells.set(key(row), { ...row, c: Number(row.c) });
  if (cells.size > 0) {
    for (const row of read()) {
      const cell = cells.get(key(row));
      if (cell) cell.c -= Number(row.c);
    }
  }
  for (const row of adjust) {
    const cell = cells.get(key(row));
    if (cell) cell.c += Number(row.c);
    else cells.set(key(row), { ...row, c: Number(row.c) });
  }
  const counts = { total: 0, byCategory: {} as Record<string, number>, byPriority: {} as Record<string, number> };
  for (const { category, priority, c } of cells.values()) {
    if (c <= 0) continue;
    counts.total += c;
    counts.byCategory[category] = (counts.byCategory[category] ?? 0) + c;
    counts.byPriority[priority] = (counts.byPriority[priority] ?? 0) + c;
  }
  return counts;
}
