/**
 * A capped, newest-first list deduplicated by id, with a pending buffer so that a burst of
 * prepends costs O(burst + limit) instead of O(burst × limit). The store keeps notifications and
 * activity in these and publishes `items` once per frame.
 *
 * Limits: `items` never holds more than `limit` entries; entries that fall off the end are
 * forgotten (an id seen again after that is accepted as new). `add` is O(1); pending entries are
 * merged early once they reach `2 × limit`, so memory stays bounded during a long burst.
 */
type Item = { id: string };

export class Feed<T extends Item> {
  /** The merged list, newest first; replaced (never mutated) when it changes. */
  items: readonly T[] = [];
  /** Set when items fell off the end because of the limit; the owner clears it. */
  trimmed = false;
  #pending: T[] = [];
  #ids = new Set<string>();
  /** Items changed since the last `flush` (an early compaction counts). */
  #changed = false;

  /** `limit`: most entries kept; the store may raise it (history paging) or reset it (snapshot). */
  constructor(public limit: number) {}

  /** Whether an entry with this id is listed or pending. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Queues a new item; false when its id is already present. */
  add(item: T): boolean {
    if (this.#ids.has(item.id)) return false;
    this.#ids.add(item.id);
    this.#pending.push(item);
    this.#changed = true;
    if (this.#pending.length >= 2 * this.limit) this.#merge();
    return true;
  }

  /** Merges pending items; true when `items` changed since the last flush. */
  flush(): boolean {
    this.#merge();
    const changed = this.#changed;
    this.#changed = false;
    return changed;
  }

  /** Replaces the list (already deduplicated, newest first). */
  set(items: readonly T[]): void {
    this.#pending = [];
    this.#changed = false;
    this.items = items;
    this.#ids = new Set(items.map((i) => i.id));
  }

  #merge(): void {
    if (!this.#pending.length) return;
    const fresh = this.#pending.slice(-this.limit).reverse();
    const all = fresh.length < this.limit ? fresh.concat(this.items) : fresh;
    this.trimmed ||= this.#pending.length + this.items.length > this.limit;
    this.#pending = [];
    this.items = all.length > this.limit ? all.slice(0, this.limit) : all;
    this.#ids = new Set(this.items.map((i) => i.id));
  }
}
