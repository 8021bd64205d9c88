/**
 * A FIFO ring buffer of items with their sizes: O(1) `push` and `shift`, no allocation after
 * construction beyond the backing arrays growing (they start small, so an idle sink costs
 * almost nothing). Bounds are the byte budget's business, not the lane's.
 */
export class Lane<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(64);
  #sizes: number[] = new Array<number>(64).fill(0);
  #head = 0;
  #length = 0;
  #bytes = 0;

  /** Items currently held. */
  get length(): number {
    return this.#length;
  }

  /** Sum of the sizes of the items held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `item` of `size` bytes. */
  push(item: T, size: number): void {
    if (this.#length === this.#items.length) this.#grow();
    const i = (this.#head + this.#length) % this.#items.length;
    this.#items[i] = item;
    this.#sizes[i] = size;
    this.#length++;
    this.#bytes += size;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** The size of the oldest item (0 when empty). */
  peekSize(): number {
    return this.#length === 0 ? 0 : this.#sizes[this.#head]!;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the event be collected once sent
    this.#bytes -= this.#sizes[this.#head]!;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** Empties the lane; returns how many items and bytes it held. */
  clear(): { readonly count: number; readonly bytes: number } {
    const held = { count: this.#length, bytes: this.#bytes };
    this.#items = new Array<T | undefined>(64);
    this.#sizes = new Array<number>(64).fill(0);
    this.#head = 0;
    this.#length = 0;
    this.#bytes = 0;
    return held;
  }

  #grow(): void {
    // Doubling keeps push amortised O(1); the copy unrolls the ring so head returns to 0.
    const size = this.#items.length * 2;
    const items = new Array<T | undefined>(size);
    const sizes = new Array<number>(size).fill(0);
    for (let i = 0; i < this.#length; i++) {
      const j = (this.#head + i) % this.#items.length;
      items[i] = this.#items[j];
      sizes[i] = this.#sizes[j]!;
    }
    this.#items = items;
    this.#sizes = sizes;
    this.#head = 0;
  }
}
