/**
 * Motion only where it can be followed. A change that comes within `calmMs` of the one before is
 * shown without animating: under a flood of events a bar or a toast that animated on every change
 * would keep the compositor drawing every frame (on a machine without a GPU, most of a core) for
 * motion nobody can follow. The first change after a calm spell still animates.
 */
export class MotionGate {
  #last = Number.NEGATIVE_INFINITY;

  readonly #calmMs: number;

  constructor(calmMs = 1000) {
    this.#calmMs = calmMs;
  }

  /** Records a change now; true when it may animate (it follows a calm spell). */
  change(now = performance.now()): boolean {
    const calm = now - this.#last >= this.#calmMs;
    this.#last = now;
    return calm;
  }
}
