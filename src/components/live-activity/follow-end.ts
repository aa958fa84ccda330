/**
 * Keeps a scroller at its end while what it holds grows, without reading layout while the page
 * renders. Every element renders in the same task after a store change; reading `scrollHeight`
 * in `updated()` forced a synchronous layout of everything the elements rendered before it, on
 * every frame. A ResizeObserver calls back after the browser's own layout, when the size is known.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface FollowEndOptions {
  /** The scrolling element. */
  scroller(): HTMLElement | null | undefined;
  /** What it scrolls (replaced when the feed switches between a list and an empty line). */
  content(): Element | null | undefined;
  /** Whether to follow now (false while the reader has scrolled away). */
  following(): boolean;
}

export class FollowEnd implements ReactiveController {
  readonly #observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.follow()) : undefined;
  #observed: readonly Element[] = [];

  readonly #o: FollowEndOptions;

  constructor(host: ReactiveControllerHost, o: FollowEndOptions) {
    this.#o = o;
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.#observer) {
      this.follow();
      return;
    }
    const elements = [this.#o.scroller(), this.#o.content()].filter((e): e is Element => Boolean(e));
    if (elements.length === this.#observed.length && elements.every((e, i) => e === this.#observed[i])) return;
    this.#observer.disconnect();
    for (const e of elements) this.#observer.observe(e);
    this.#observed = elements;
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observed = [];
  }

  /**
   * Scrolls to the end now, when following. Outside a ResizeObserver callback this is a forced
   * layout: for the reader's own actions (Resume), not for every render.
   */
  follow(): void {
    const scroller = this.#o.scroller();
    if (scroller && this.#o.following()) scroller.scrollTop = scroller.scrollHeight;
  }
}
