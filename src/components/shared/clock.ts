/**
 * The elements' time. `pacingClock`: the monotonic ms the pacing reads (motion gate, arrival
 * pacer, announcer), one seam a test replaces to move time on instead of waiting for it. And one
 * shared clock for relative times ("3 minutes ago"): a single interval for the whole page,
 * running only while some element is connected and listening. Elements never own such timers.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Monotonic milliseconds for pacing; `performance.now()` unless a test set its own `now`. */
export const pacingClock: { now(): number } = {
  now: () => performance.now(),
};

const hosts = new Set<ReactiveControllerHost>();
let timer: ReturnType<typeof setInterval> | undefined;

/** How often relative times refresh (ms). */
export const CLOCK_TICK_MS = 30_000;

function tick(): void {
  for (const host of hosts) host.requestUpdate();
}

/** Re-renders its host every CLOCK_TICK_MS while connected. `now` is the time of the last tick. */
export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }
  /** Wall-clock time for this render. */
  get now(): number {
    return Date.now();
  }
  hostConnected(): void {
    hosts.add(this.#host);
    timer ??= setInterval(tick, CLOCK_TICK_MS);
  }
  hostDisconnected(): void {
    hosts.delete(this.#host);
    if (hosts.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }
}

/** Number of hosts the clock is serving (for leak tests). */
export const clockListeners = (): number => hosts.size;
