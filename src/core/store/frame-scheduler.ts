/**
 * When the store tells its subscribers: at most once per animation frame, so a burst of thousands
 * of events costs one render; and under a flood (flush after flush, each close after the one
 * before) at most once per `floodIntervalMs`: numbers that change 60 times a second cannot be
 * read, and rendering the page every frame left it no time. The first change after a quiet moment
 * is told on the next frame as always.
 */
import type { TimerApi } from '../types.js';

/** Schedules one flush and returns its cancel function. */
export type ScheduleFrame = (flush: () => void) => () => void;

/** Flushes in a row, each close after the one before, that make a flood. */
const FLOOD_AFTER_FLUSHES = 3;

export const defaultTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** requestAnimationFrame when present, otherwise a 16 ms timer (Node, workers). */
export function frameScheduler(timers: TimerApi = defaultTimers): ScheduleFrame {
  return (flush) => {
    if (typeof requestAnimationFrame === 'function') {
      const id = requestAnimationFrame(flush);
      return () => cancelAnimationFrame(id);
    }
    const timer = timers.setTimeout(flush, 16);
    return () => timers.clearTimeout(timer);
  };
}

export interface FlushPacerOptions {
  /** How one flush is scheduled (default: the next animation frame). */
  scheduleFrame: ScheduleFrame;
  /** Under a flood, the least time between two flushes in ms; 0: every frame. */
  floodIntervalMs: number;
  /** Epoch or monotonic ms. */
  now: () => number;
  /** Timers for the wait under a flood. */
  timers: TimerApi;
}

/** Runs `flush` on request, paced as above. */
export class FlushPacer {
  #cancel: (() => void) | null = null;
  /** When the last flush ran, and how many in a row came close after the one before. */
  #flushedAt = Number.NEGATIVE_INFINITY;
  #closeFlushes = 0;

  readonly #flush: () => void;
  readonly #options: FlushPacerOptions;

  constructor(flush: () => void, options: FlushPacerOptions) {
    this.#flush = flush;
    this.#options = options;
  }

  /** Asks for a flush; a no-op while one is scheduled. */
  request(): void {
    if (this.#cancel) return;
    const { scheduleFrame, floodIntervalMs, now, timers } = this.#options;
    const wait = this.#closeFlushes >= FLOOD_AFTER_FLUSHES ? this.#flushedAt + floodIntervalMs - now() : 0;
    if (wait <= 0) {
      this.#cancel = scheduleFrame(this.#run);
      return;
    }
    let cancelFrame: (() => void) | undefined;
    const timer = timers.setTimeout(() => {
      cancelFrame = scheduleFrame(this.#run);
    }, wait);
    this.#cancel = () => {
      timers.clearTimeout(timer);
      cancelFrame?.();
    };
  }

  /** Cancels the scheduled flush, if any. */
  cancel(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  readonly #run = (): void => {
    this.#cancel = null;
    const now = this.#options.now();
    // A flood: the last flushes each followed the one before within the interval (and a half).
    this.#closeFlushes = now - this.#flushedAt < this.#options.floodIntervalMs * 1.5 ? this.#closeFlushes + 1 : 0;
    this.#flushedAt = now;
    this.#flush();
  };
}
