/**
 * The window of append messages sent to one follower and not yet acknowledged (etcd's
 * Inflights): a ring of (last index, bytes) pairs bounded in count and in bytes.
 */
import { assert } from '../shared/assert.js';

export class Inflights {
  private readonly indexes: number[];
  private readonly sizes: number[];
  private start = 0;
  count = 0;
  bytes = 0;

  constructor(
    readonly countMax: number,
    readonly bytesMax: number,
  ) {
    assert(countMax > 0 && bytesMax > 0, 'inflight limits must be positive');
    this.indexes = new Array<number>(countMax).fill(0);
    this.sizes = new Array<number>(countMax).fill(0);
  }

  full(): boolean {
    return this.count === this.countMax || this.bytes >= this.bytesMax;
  }

  /** Records a message whose last entry is `index`; indexes must increase. */
  add(index: number, bytes: number): void {
    assert(this.count < this.countMax, 'inflights: add while full');
    if (this.count > 0) {
      const lastSlot = (this.start + this.count - 1) % this.countMax;
      assert((this.indexes[lastSlot] ?? 0) < index, 'inflights: indexes must increase');
    }
    const slot = (this.start + this.count) % this.countMax;
    this.indexes[slot] = index;
    this.sizes[slot] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (they were acknowledged). */
  freeLE(index: number): void {
    while (this.count > 0 && (this.indexes[this.start] ?? 0) <= index) this.freeFirst();
  }

  /** Frees the oldest message (a heartbeat response proves the follower is alive). */
  freeFirst(): void {
    if (this.count === 0) return;
    this.bytes -= this.sizes[this.start] ?? 0;
    this.start = (this.start + 1) % this.countMax;
    this.count--;
    if (this.count === 0) {
      this.start = 0;
      this.bytes = 0;
    }
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
