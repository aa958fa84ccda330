/**
 * The one polite live region of the elements. It does not flood screen readers: arrivals close
 * together are gathered (`settleMs`: each arrival restarts the wait, so a burst the store hands
 * over in several frames is one announcement) and two announcements are at least `intervalMs`
 * apart. A lone arrival that comes with a description is read as that description; several are
 * summarised ("3 new activities"). Its only timer is that wait, cleared when the host disconnects.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { pacingClock } from './clock.js';

export interface AnnouncerOptions {
  /** The words for `count` arrivals. */
  summary: (count: number) => string;
  /** Arrivals within this many ms of the last one are gathered into one announcement (default 0). */
  settleMs?: number;
  /** Least time between two announcements in ms, read at each arrival (default 0). */
  intervalMs?: () => number;
  /** Monotonic ms (default the elements' `pacingClock`). */
  now?: () => number;
}

export class Announcer implements ReactiveController {
  #pending: string[] = [];
  #pendingCount = 0;
  #text = '';
  #serial = 0;
  #lastAt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #options: AnnouncerOptions;
  readonly #now: () => number;

  constructor(host: ReactiveControllerHost, options: AnnouncerOptions) {
    this.#host = host;
    this.#options = options;
    this.#now = options.now ?? (() => pacingClock.now());
    host.addController(this);
  }

  /** What the region says now. */
  get text(): string {
    return this.#text;
  }

  /** Counts arrivals into the next announcement: a number, or one short description each. */
  add(arrivals: number | readonly string[]): void {
    const count = typeof arrivals === 'number' ? arrivals : arrivals.length;
    if (count <= 0) return;
    this.#pendingCount += count;
    if (typeof arrivals !== 'number') this.#pending.push(...arrivals);
    const settleMs = this.#options.settleMs ?? 0;
    if (this.#timer !== undefined) {
      if (settleMs <= 0) return;
      clearTimeout(this.#timer);
    }
    const wait = Math.max(settleMs, this.#lastAt + (this.#options.intervalMs?.() ?? 0) - this.#now());
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  /**
   * The live region; its text node is replaced per announcement so the same words are read again.
   * Visually hidden unless given another `className` (a visible status line).
   */
  render(part?: string, className = 'visually-hidden') {
    return html`<div part=${part ?? nothing} class=${className} role="status" aria-live="polite" aria-atomic="true">
      ${keyed(this.#serial, html`<span>${this.#text}</span>`)}
    </div>`;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#pendingCount = 0;
  }

  #flush(): void {
    this.#timer = undefined;
    const count = this.#pendingCount;
    if (count === 0) return;
    const lone = count === 1 ? this.#pending[0] : undefined;
    this.#text = lone ?? this.#options.summary(count);
    this.#pending = [];
    this.#pendingCount = 0;
    this.#serial++;
    this.#lastAt = this.#now();
    this.#host.requestUpdate();
  }
}
