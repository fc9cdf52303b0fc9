/**
 * The list value: a deque of latin1 strings in a power-of-two ring buffer, so that push and pop
 * at both ends are O(1) and allocation-free until the buffer grows (LPUSH/LPOP/RPUSH/RPOP are
 * redis-benchmark hot paths). Index access is O(1), so LRANGE and LINDEX need no walk.
 * Middle edits (LREM, LINSERT, LSET by value) are O(n), as in Redis.
 */
import type { ListValue } from './values.js';

const CAPACITY_MIN = 8;

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
    this.items = new Array<string | undefined>(size);
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
    const out = new Array<string>(end - start + 1);
    for (let i = start, j = 0; i <= end; i++, j++) {
      out[j] = this.items[(this.head + i) & this.mask] as string;
    }
    return out;
  }

  toArray(): string[] {
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  /** Replaces the whole content (LREM, LINSERT, LTRIM rebuild the deque in one pass). */
  replaceAll(elements: readonly string[]): void {
    let size = CAPACITY_MIN;
    while (size < elements.length) size *= 2;
    this.items = new Array<string | undefined>(size);
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

  private resize(capacity: number): void {
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
