/**
 * A polite live region that does not flood screen readers: at most one announcement per
 * interval. A lone entry is read out; a burst is summarised ("3 new activities").
 */
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { msg } from '../shared/localize.js';

export class ThrottledAnnouncer implements ReactiveController {
  #pending: string[] = [];
  #text = '';
  #serial = 0;
  #lastAt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #host: ReactiveControllerHost;
  /** Minimum time between two announcements (ms), read at each call so it can change. */
  readonly #intervalMs: () => number;

  constructor(host: ReactiveControllerHost, intervalMs: () => number) {
    this.#host = host;
    this.#intervalMs = intervalMs;
    host.addController(this);
  }

  /** Queues new entries, each described in one short sentence. */
  add(descriptions: readonly string[]): void {
    if (descriptions.length === 0) return;
    this.#pending.push(...descriptions);
    if (this.#timer !== undefined) return;
    const wait = this.#lastAt + this.#intervalMs() - Date.now();
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  /** The live region; its text node is replaced per announcement so a repeated text is read again. */
  render() {
    return html`<div part="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true">
      ${keyed(this.#serial, html`<span>${this.#text}</span>`)}
    </div>`;
  }

  hostDisconnected(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }

  #flush(): void {
    this.#timer = undefined;
    const count = this.#pending.length;
    if (count === 0) return;
    this.#text = count === 1 ? (this.#pending[0] ?? '') : msg('activity.announce', { count });
    this.#pending = [];
    this.#serial++;
    this.#lastAt = Date.now();
    this.#host.requestUpdate();
  }
}
