/**
 * The list value: a deque of latin1 strings in a power-of-two ring buffer, so that push and pop
 * at both ends are O(1) and allocation-free until the buffer grows (LPUSH/LPOP/RPUSH/RPOP are
 * redis-benchmark hot paths). Index access is O(1), so LRANGE and LINDEX need no walk.
 * Middle edits (LREM, LINSERT, LSET by value) are O(n), as in Redis.
 */
import type { ListValue } from './values.js';

const CAPACITY_MIN = 8;

/**
 * `size` empty slots. V8 keeps `new Array(size)` in fast (holey) elements mode even for millions
 * of slots (checked with %HasDictionaryElements), and allocates it several times faster than
 * pushing `undefined`. Holes are never read: only slots inside [head, head + count) are.
 */
function slots(size: number): (string | undefined)[] {
  return new Array<string | undefined>(size);
}

export class ListDeque implements ListValue {
  readonly kind = 'list';
  private items: (string | undefined)[];
  /** Physical slot of element 0. */
  private head = 0;
  private count = 0;
  /** capacity - 1; the capacity is a power of two. */
  private mask: number;

  constructor(capacity = CAPACITY_MIN) {
    let size = CAPACITY_MIN;
    while (size < capacity) size *= 2;
    this.items = slots(size);
    this.mask = size - 1;
  }

  static from(elements: Iterable<string>): ListDeque {
    const array = Array.isArray(elements) ? (elements as string[]) : [...elements];
    const list = new ListDeque(array.length);
    for (let i = 0; i < array.length; i++) list.items[i] = array[i];
    list.count = array.length;
    return list;
  }

  get length(): number {
    return this.count;
  }

  pushBack(element: string): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = element;
    this.count++;
  }

  pushFront(element: string): void {
    if (this.count > this.mask) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = element;
    this.count++;
  }

  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const element = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.maybeShrink();
    return element;
  }

  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & this.mask;
    const element = this.items[slot];
    this.items[slot] = undefined;
    this.count--;
    this.maybeShrink();
    return element;
  }

  /** Element at `index` in 0..length-1; undefined outside. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) & this.mask];
  }

  /** Replaces the element at `index`; the caller has checked 0 <= index < length. */
  set(index: number, element: string): void {
    this.items[(this.head + index) & this.mask] = element;
  }

  /** Elements `start..end` inclusive; the caller has clamped both into range. */
  range(start: number, end: number): string[] {
    const first = (this.head + start) & this.mask;
    const count = end - start + 1;
    // Native slices: one when the range does not wrap around the ring, two when it does.
    if (first + count <= this.mask + 1) return this.items.slice(first, first + count) as string[];
    const wrapped = count - (this.mask + 1 - first);
    return this.items.slice(first).concat(this.items.slice(0, wrapped)) as string[];
  }

  toArray(): string[] {
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  /** Replaces the whole content (LREM, LINSERT, LTRIM rebuild the deque in one pass). */
  replaceAll(elements: readonly string[]): void {
    let size = CAPACITY_MIN;
    while (size < elements.length) size *= 2;
    this.items = slots(size);
    for (let i = 0; i < elements.length; i++) this.items[i] = elements[i];
    this.mask = size - 1;
    this.head = 0;
    this.count = elements.length;
  }

  clone(): ListDeque {
    return ListDeque.from(this.toArray());
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) & this.mask] as string;
  }

  private grow(): void {
    this.resize((this.mask + 1) * 2);
  }

  /** Gives memory back after a burst of pops: shrink when a quarter full. */
  private maybeShrink(): void {
    const capacity = this.mask + 1;
    if (capacity > CAPACITY_MIN * 4 && this.count < capacity >>> 2) this.resize(capacity >>> 1);
  }

  /**
   * Moves the elements into a new buffer, centred so that pushes at either end have room before
   * the ring wraps: LRANGE on an unwrapped range is a single native slice.
   */
  private resize(capacity: number): void {
    const next = slots(capacity);
    const head = (capacity - this.count) >>> 1;
    for (let i = 0; i < this.count; i++) next[head + i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = capacity - 1;
    this.head = head;
  }
}
