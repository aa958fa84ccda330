import type { ListedNotification } from '../../core/protocol.js';

/**
 * Tells new arrivals (newer than anything seen) from the first snapshot and from older pages,
 * and holds arrivals back while the reader is busy further down the list, so the list never
 * jumps under them: they are revealed on request ("3 new") or when the reader is back at the top.
 */
export class Arrivals {
  readonly #held = new Set<string>();
  #newestSeq = Number.NEGATIVE_INFINITY;
  #primed = false;

  /** Notifications newer than every one seen before; none for the first loaded list. */
  take(list: readonly ListedNotification[], loading: boolean): ListedNotification[] {
    if (!this.#primed) {
      if (loading) return [];
      this.#primed = true;
      this.#newestSeq = Math.max(this.#newestSeq, ...list.map((n) => n.seq));
      return [];
    }
    const fresh = list.filter((n) => n.seq > this.#newestSeq);
    for (const n of fresh) this.#newestSeq = Math.max(this.#newestSeq, n.seq);
    return fresh;
  }

  /** Keeps these out of the visible list until `release`. */
  hold(items: readonly ListedNotification[]): void {
    for (const n of items) this.#held.add(n.id);
  }

  /** Shows everything held. */
  release(): void {
    this.#held.clear();
  }

  /** Whether this notification is held back. */
  isHeld(id: string): boolean {
    return this.#held.has(id);
  }

  /** How many of `list` are held back. */
  count(list: readonly ListedNotification[]): number {
    if (this.#held.size === 0) return 0;
    return list.reduce((sum, n) => sum + (this.#held.has(n.id) ? 1 : 0), 0);
  }
}
