import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Rows the list renders at first, and how many more each growth adds: about three scroller-fulls.
 * Under a flood every row is rebuilt on each arrival turn, and 100 rebuilt rows made main-thread
 * tasks far longer than a frame; 25 cost a quarter of that, while the reader still sees the ~8
 * that fit.
 */
export const ROWS_PAGE = 25;

export interface ListWindowOptions {
  /** The scrolling element, root of the observer. */
  scroller(): HTMLElement | null;
  /** The "show more" button after the rendered rows, when there is one. */
  showMore(): HTMLElement | null;
}

/**
 * How many of the list's items are rendered: the first `rows`. It grows on request (the "show
 * more" button, the keyboard moving beyond the last row) and by itself when the reader scrolls
 * near the end: an IntersectionObserver on the "show more" button, whose root margin reaches half
 * a scroller below the view, so mouse and touch readers never need to press it. It shrinks back
 * only when told to (`reset`), which the host does only while the reader is not busy in the list.
 */
export class ListWindow implements ReactiveController {
  /** How many items are rendered (Infinity: all). */
  rows = ROWS_PAGE;
  #observer?: IntersectionObserver;
  /** The button observed, and the window it was observed for. */
  #watched?: { button: HTMLElement; rows: number };

  readonly #host: ReactiveControllerHost;
  readonly #o: ListWindowOptions;

  constructor(host: ReactiveControllerHost, o: ListWindowOptions) {
    this.#host = host;
    this.#o = o;
    host.addController(this);
  }

  /** Renders `ROWS_PAGE` more. */
  grow(): void {
    this.#resize(this.rows + ROWS_PAGE);
  }

  /** Renders at least the items up to `index` (the keyboard moved there). */
  include(index: number): void {
    if (index >= this.rows) this.#resize(index + 1);
  }

  /** Renders every item, now and as more load (the reader asked the hub for older ones). */
  showAll(): void {
    this.#resize(Number.POSITIVE_INFINITY);
  }

  /** Back to the first `ROWS_PAGE`. */
  reset(): void {
    this.#resize(ROWS_PAGE);
  }

  hostConnected(): void {
    // Observed again after the next render (the observer was dropped on disconnect).
    this.#host.requestUpdate();
  }

  hostUpdated(): void {
    const button = this.#o.showMore();
    const watched = this.#watched;
    if (watched ? watched.button === button && watched.rows === this.rows : !button) return;
    // IntersectionObserver reports changes only: observing anew after a growth gets a fresh
    // report, so a button still near view (a tall scroller) grows the window again.
    this.#observer?.disconnect();
    this.#watched = button ? { button, rows: this.rows } : undefined;
    if (!button) return;
    this.#observer ??= new IntersectionObserver(
      (entries) => {
        // Not while the button has focus: a keyboard reader who tabbed to it decides with Enter,
        // and growing now would carry the focused button away, out of view.
        if (entries.some((e) => e.isIntersecting && !e.target.matches(':focus'))) this.grow();
      },
      { root: this.#o.scroller(), rootMargin: '0px 0px 50% 0px' },
    );
    this.#observer.observe(button);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#watched = undefined;
  }

  #resize(rows: number): void {
    if (rows === this.rows) return;
    this.rows = rows;
    this.#host.requestUpdate();
  }
}
