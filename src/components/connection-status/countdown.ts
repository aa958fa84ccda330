import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Countdowns whose timer is running, page-wide. */
const running = new Set<Countdown>();

/** How many countdown timers run in the page (for leak tests). */
export const runningCountdowns = (): number => running.size;

/**
 * Seconds left until a deadline, re-rendering its host once a second while a deadline is set.
 * The element owns this timer only while the connection waits to retry; `set(undefined)` and
 * disconnecting clear it.
 */
export class Countdown implements ReactiveController {
  #deadline?: number;
  #timer?: ReturnType<typeof setTimeout>;
  #connected = false;

  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whole seconds left (0 once the deadline has passed). */
  get seconds(): number {
    return this.#deadline === undefined ? 0 : Math.max(0, Math.ceil((this.#deadline - Date.now()) / 1000));
  }

  /** Counts down to `deadline` (epoch ms), or stops with undefined. */
  set(deadline: number | undefined): void {
    if (deadline === this.#deadline) return;
    this.#deadline = deadline;
    this.#schedule();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#schedule();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #schedule(): void {
    this.#stop();
    if (!this.#connected || this.#deadline === undefined || this.seconds === 0) return;
    // Wake on the next whole-second boundary of the remaining time, so the number never skips.
    const left = this.#deadline - Date.now();
    const delay = left % 1000 || 1000;
    running.add(this);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      running.delete(this);
      this.#host.requestUpdate();
      this.#schedule();
    }, delay);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    running.delete(this);
  }
}
