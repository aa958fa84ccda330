import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long arrivals are gathered before one announcement ("5 new notifications", not five). */
export const ANNOUNCE_SETTLE_MS = 400;

/**
 * Gathers arrivals that come in quick succession (the store flushes once per frame, so a burst
 * spans several renders) into one polite announcement. Its only timer is this settle window,
 * cleared when the host disconnects.
 */
export class ArrivalAnnouncer implements ReactiveController {
  /** Text of the live region. */
  text = '';
  #pending = 0;
  #timer?: ReturnType<typeof setTimeout>;

  readonly #host: ReactiveControllerHost;
  readonly #format: (count: number) => string;

  constructor(host: ReactiveControllerHost, format: (count: number) => string) {
    this.#host = host;
    this.#format = format;
    host.addController(this);
  }

  /** Counts `count` more arrivals into the next announcement. */
  add(count: number): void {
    this.#pending += count;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // The same words twice in a row are still announced: the region changes either way.
      const next = this.#format(this.#pending);
      this.text = next === this.text ? `${next}\u00a0` : next;
      this.#pending = 0;
      this.#host.requestUpdate();
    }, ANNOUNCE_SETTLE_MS);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = 0;
  }
}
