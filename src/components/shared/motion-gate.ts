import { pacingClock } from './clock.js';

/**
 * Motion only where it can be followed. A change that comes within `calmMs` of the one before is
 * shown without animating: under a flood of events a bar or a toast that animated on every change
 * would keep the compositor drawing every frame (on a machine without a GPU, most of a core) for
 * motion nobody can follow. The first change after a calm spell still animates.
 */
export class MotionGate {
  #last = Number.NEGATIVE_INFINITY;

  readonly #calmMs: number;
  readonly #now: () => number;

  /**
   * @param calmMs - How long without a change makes the next one animate.
   * @param now - Monotonic ms (default the elements' `pacingClock`).
   */
  constructor(calmMs = 1000, now: () => number = () => pacingClock.now()) {
    this.#calmMs = calmMs;
    this.#now = now;
  }

  /** Records a change now; true when it may animate (it follows a calm spell). */
  change(now = this.#now()): boolean {
    const calm = now - this.#last >= this.#calmMs;
    this.#last = now;
    return calm;
  }
}
