/**
 * A fixed-capacity ring buffer: the store keeps metric history in these so that an hour of
 * one-second samples costs a constant amount of memory however long the page stays open.
 *
 * Limits: `capacity` is fixed at construction (at least 1). `push` is O(1) and, when full,
 * overwrites the oldest entry; `shift` and `setLast` are O(1); `toArray` is O(length) and
 * returns a fresh array, oldest first, that the ring never touches again.
 */
export class Ring<T> {
  readonly #items: T[] = [];
  /** Index of the oldest entry in `items`. */
  #head = 0;
  /** Number of entries held, at most `capacity`. */
  length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('Ring capacity must be a positive integer');
  }

  /** Appends `value`; when full, the oldest entry is dropped. */
  push(value: T): void {
    if (this.length < this.capacity) {
      this.#items[(this.#head + this.length++) % this.capacity] = value;
    } else {
      this.#items[this.#head] = value;
      this.#head = (this.#head + 1) % this.capacity;
    }
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (!this.length) return undefined;
    const value = this.#items[this.#head];
    this.#head = (this.#head + 1) % this.capacity;
    this.length--;
    return value;
  }

  /** The entry `i` places from the oldest; a negative `i` counts from the newest (-1 is newest). */
  at(i: number): T | undefined {
    const index = i < 0 ? this.length + i : i;
    return index >= 0 && index < this.length ? this.#items[(this.#head + index) % this.capacity] : undefined;
  }

  /** Replaces the newest entry (no-op when empty). */
  setLast(value: T): void {
    if (this.length) this.#items[(this.#head + this.length - 1) % this.capacity] = value;
  }

  /** Empties the ring. */
  clear(): void {
    this.#items.length = 0;
    this.#head = 0;
    this.length = 0;
  }

  /** A copy of the entries, oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.#items[(this.#head + i) % this.capacity] as T;
    return out;
  }
}
