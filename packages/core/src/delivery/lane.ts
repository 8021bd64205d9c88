/** Items per chunk: big enough to amortise the chunk, small enough that a chunk is cheap to drop. */
const CHUNK = 1024;

interface Chunk<T> {
  readonly items: (T | undefined)[];
  readonly sizes: Float64Array;
  /** A number the owner attaches to each item (its spool sequence number; 0 for none). */
  readonly tags: Float64Array;
  /** First live slot. */
  head: number;
  /** One past the last written slot. */
  tail: number;
  next: Chunk<T> | undefined;
}

/**
 * A FIFO of items with their sizes: O(1) `push` and `shift`, in a list of fixed-size chunks, so
 * it never copies what it holds to grow (a queue filling up under a dead collector would
 * otherwise pause the host to copy tens of thousands of references) and frees memory as it
 * drains. Bounds are the byte budget's business, not the lane's.
 */
export class Lane<T> {
  #head: Chunk<T> | undefined;
  #tail: Chunk<T> | undefined;
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

  /** Appends `item` of `size` bytes, tagged `tag`. */
  push(item: T, size: number, tag = 0): void {
    let tail = this.#tail;
    if (tail === undefined || tail.tail === CHUNK) {
      const chunk: Chunk<T> = {
        items: new Array<T | undefined>(CHUNK),
        sizes: new Float64Array(CHUNK),
        tags: new Float64Array(CHUNK),
        head: 0,
        tail: 0,
        next: undefined,
      };
      if (tail === undefined) this.#head = chunk;
      else tail.next = chunk;
      this.#tail = tail = chunk;
    }
    tail.items[tail.tail] = item;
    tail.sizes[tail.tail] = size;
    tail.tags[tail.tail] = tag;
    tail.tail++;
    this.#length++;
    this.#bytes += size;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    const head = this.#head;
    return head === undefined || head.head === head.tail ? undefined : head.items[head.head];
  }

  /** The size of the oldest item (0 when empty). */
  peekSize(): number {
    const head = this.#head;
    return head === undefined || head.head === head.tail ? 0 : head.sizes[head.head]!;
  }

  /** The tag of the oldest item (0 when empty). */
  peekTag(): number {
    const head = this.#head;
    return head === undefined || head.head === head.tail ? 0 : head.tags[head.head]!;
  }

  /** Calls `fn` with the tag of every item held, oldest first. */
  forEachTag(fn: (tag: number) => void): void {
    for (let c = this.#head; c !== undefined; c = c.next) for (let i = c.head; i < c.tail; i++) fn(c.tags[i]!);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    const head = this.#head;
    if (head === undefined || head.head === head.tail) return undefined;
    const item = head.items[head.head];
    head.items[head.head] = undefined; // let the event be collected once sent
    this.#bytes -= head.sizes[head.head]!;
    head.head++;
    this.#length--;
    if (head.head === head.tail) {
      // Drained: drop the chunk, or rewind it when it is the only one.
      if (head.next !== undefined) this.#head = head.next;
      else head.head = head.tail = 0;
    }
    return item;
  }

  /** Empties the lane; returns how many items and bytes it held. */
  clear(): { readonly count: number; readonly bytes: number } {
    const held = { count: this.#length, bytes: this.#bytes };
    this.#head = this.#tail = undefined;
    this.#length = 0;
    this.#bytes = 0;
    return held;
  }
}
