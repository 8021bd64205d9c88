/**
 * A bounded FIFO ring buffer: O(1) `push` and `shift`, no allocation after construction
 * beyond the backing array growing up to `capacity` (it starts small so that an idle sink with
 * a large capacity costs almost nothing).
 *
 * When full, `push` refuses the NEWEST item (returns false): the caller counts the drop. Older
 * items are never evicted, so what is already queued keeps its place.
 */
export class Lane<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  /** @param capacity maximum number of items (at least 1). */
  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#items = new Array<T | undefined>(Math.min(this.capacity, 64));
  }

  /** Items currently held. */
  get length(): number {
    return this.#length;
  }

  /** Appends `item`; false (and nothing stored) when the lane is full. */
  push(item: T): boolean {
    if (this.#length >= this.capacity) return false;
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = item;
    this.#length++;
    return true;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the event be collected once sent
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** Empties the lane and returns how many items it held. */
  clear(): number {
    const n = this.#length;
    this.#items = new Array<T | undefined>(Math.min(this.capacity, 64));
    this.#head = 0;
    this.#length = 0;
    return n;
  }

  #grow(): void {
    // Doubling keeps push amortised O(1); the copy unrolls the ring so head returns to 0.
    const size = Math.min(this.capacity, this.#items.length * 2);
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.#length; i++) next[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = next;
    this.#head = 0;
  }
}
