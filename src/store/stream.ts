/**
 * A stream (the subset of Redis streams that XADD/XRANGE/XDEL/XTRIM/XLEN need): entries ordered
 * by ID `ms-seq`, appended at the end. IDs are kept as two parallel number arrays; both parts
 * are limited to safe integers (2^53 - 1), which any realistic millisecond clock and sequence
 * fit in. Consumer groups are not supported.
 */
export interface StreamId {
  readonly ms: number;
  readonly seq: number;
}

export const ZERO_ID: StreamId = Object.freeze({ ms: 0, seq: 0 });
export const MAX_ID: StreamId = Object.freeze({
  ms: Number.MAX_SAFE_INTEGER,
  seq: Number.MAX_SAFE_INTEGER,
});

export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

export class StreamValue {
  readonly kind = 'stream';
  private ms: number[] = [];
  private seq: number[] = [];
  private fields: string[][] = [];
  /** The greatest ID ever added (XADD must go above it even after deletions). */
  lastId: StreamId = ZERO_ID;
  /** Entries ever added, for XINFO-style accounting. */
  entriesAdded = 0;

  get length(): number {
    return this.ms.length;
  }

  append(id: StreamId, fieldValues: string[]): void {
    this.ms.push(id.ms);
    this.seq.push(id.seq);
    this.fields.push(fieldValues);
    this.lastId = id;
    this.entriesAdded++;
  }

  idAt(position: number): StreamId {
    return { ms: this.ms[position] ?? 0, seq: this.seq[position] ?? 0 };
  }

  fieldsAt(position: number): readonly string[] {
    return this.fields[position] ?? [];
  }

  /** First position whose ID is >= id (binary search). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.idAt(mid), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes the entry with exactly this ID; true if it existed. */
  delete(id: StreamId): boolean {
    const position = this.lowerBound(id);
    if (position >= this.ms.length || compareIds(this.idAt(position), id) !== 0) return false;
    this.removeRange(position, 1);
    return true;
  }

  /** Removes `count` entries from the front (trimming). */
  removeFront(count: number): void {
    this.removeRange(0, count);
  }

  private removeRange(start: number, count: number): void {
    this.ms.splice(start, count);
    this.seq.splice(start, count);
    this.fields.splice(start, count);
  }

  clone(): StreamValue {
    const copy = new StreamValue();
    copy.ms = [...this.ms];
    copy.seq = [...this.seq];
    copy.fields = this.fields.map((f) => [...f]);
    copy.lastId = this.lastId;
    copy.entriesAdded = this.entriesAdded;
    return copy;
  }
}
