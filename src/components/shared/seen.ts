import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RealtimeStore } from '../../core/types.js';

/**
 * Reports the notifications an element shows as seen (`store.markSeen`) while they can be seen:
 * the page is visible and the element's box is in the viewport (an IntersectionObserver, so a
 * center inside a closed popover or scrolled away reports nothing). It reports after each render,
 * when the box comes into view and when the page becomes visible; the store sends each id once.
 * A chunk of its own: elements add it through `watchSeen` (watch-seen.ts).
 */
export class SeenController implements ReactiveController {
  #inView = false;
  #observer?: IntersectionObserver;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly shown: () => { store: RealtimeStore | undefined; ids: readonly string[] },
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer = new IntersectionObserver((entries) => {
      this.#inView = entries.some((e) => e.isIntersecting);
      this.report();
    });
    this.#observer.observe(this.host);
    document.addEventListener('visibilitychange', this.report);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#inView = false;
    document.removeEventListener('visibilitychange', this.report);
  }

  hostUpdated(): void {
    this.report();
  }

  readonly report = (): void => {
    if (!this.#inView || document.visibilityState !== 'visible') return;
    const { store, ids } = this.shown();
    if (ids.length) store?.markSeen(ids);
  };
}
