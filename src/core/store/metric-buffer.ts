/**
 * The store's metric history: one slot per second for the last `windowSeconds`, one ring per
 * metric beside one ring of times, so appending a point is O(metrics) and the window never grows.
 */
import type { MetricHistory } from '../protocol.js';
import { Ring } from '../ring.js';
import type { MetricSeries } from '../types.js';

export class MetricBuffer {
  readonly #windowSeconds: number;
  readonly #times: Ring<number>;
  readonly #series = new Map<string, Ring<number | null>>();
  /** Points changed since the last `take`. */
  #dirty = false;

  constructor(windowSeconds: number) {
    this.#windowSeconds = windowSeconds;
    this.#times = new Ring(windowSeconds);
  }

  /** Adds one point per second; values in the same second as the newest point update that slot. */
  add(second: number, values: Record<string, number | null>): boolean {
    const times = this.#times;
    const newest = times.at(-1);
    if (newest !== undefined && second < newest) return false;
    if (second !== newest) {
      times.push(second);
      for (const ring of this.#series.values()) ring.push(null);
      while ((times.at(0) ?? second) <= second - this.#windowSeconds) {
        times.shift();
        for (const ring of this.#series.values()) ring.shift();
      }
    }
    for (const [name, value] of Object.entries(values)) this.#ring(name).setLast(value);
    this.#dirty = true;
    return true;
  }

  /** Replaces everything with a snapshot's history; returns the latest value of each metric. */
  load(history: MetricHistory): Record<string, number> {
    this.#times.clear();
    this.#series.clear();
    const latest: Record<string, number> = {};
    const start = Math.max(0, history.t.length - this.#windowSeconds);
    for (let i = start; i < history.t.length; i++) {
      const values: Record<string, number | null> = {};
      for (const [name, column] of Object.entries(history.series)) {
        const v = column[i] ?? null;
        values[name] = v;
        if (v !== null) latest[name] = v;
      }
      this.add(Math.floor(history.t[i] as number), values);
    }
    for (const name of Object.keys(history.series)) this.#ring(name);
    this.#dirty = true;
    return latest;
  }

  /** The series as state holds it, numbered `version`; undefined when nothing changed since the last take. */
  take(version: number): MetricSeries | undefined {
    if (!this.#dirty) return undefined;
    this.#dirty = false;
    const series: Record<string, (number | null)[]> = {};
    for (const [name, ring] of this.#series) series[name] = ring.toArray();
    return { t: this.#times.toArray(), series, version };
  }

  /** The ring of `name`, made (backfilled with nulls) on first use. */
  #ring(name: string): Ring<number | null> {
    let ring = this.#series.get(name);
    if (!ring) {
      ring = new Ring(this.#windowSeconds);
      for (let i = 0; i < this.#times.length; i++) ring.push(null);
      this.#series.set(name, ring);
    }
    return ring;
  }
}
