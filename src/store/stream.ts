/**
 * A stream (the subset of Redis streams that XADD/XRANGE/XDEL/XTRIM/XLEN need): entries ordered
 * by ID `ms-seq`, appended at the end. Both parts of an ID are unsigned 64-bit integers, as in
 * Redis, kept as IdParts in two parallel arrays. Consumer groups are not supported.
 */

/**
 * One part of a stream ID, 0 to 2^64 - 1: a number up to 2^53 - 1, which covers every real
 * millisecond clock and sequence and keeps the common path cheap, a bigint above. Canonical: a
 * value that fits a safe integer is never a bigint, so parts compare with `===`, and `<`/`>`
 * compare any two parts exactly (JS compares a number with a bigint by value).
 */
export type IdPart = number | bigint;

export interface StreamId {
  readonly ms: IdPart;
  readonly seq: IdPart;
}

/** 2^64 - 1, Redis' UINT64_MAX. */
export const ID_PART_MAX = 0xffff_ffff_ffff_ffffn;
const FIRST_UNSAFE = BigInt(Number.MAX_SAFE_INTEGER) + 1n;

export const ZERO_ID: StreamId = Object.freeze({ ms: 0, seq: 0 });
export const MAX_ID: StreamId = Object.freeze({ ms: ID_PART_MAX, seq: ID_PART_MAX });

/** The canonical IdPart of `value` (0 <= value <= 2^64 - 1, checked by the caller). */
export function idPart(value: bigint): IdPart {
  return value < FIRST_UNSAFE ? Number(value) : value;
}

/** `part + 1`; the caller checks that `part` is below ID_PART_MAX. */
export function incrementPart(part: IdPart): IdPart {
  if (typeof part === 'bigint') return part + 1n;
  return part < Number.MAX_SAFE_INTEGER ? part + 1 : FIRST_UNSAFE;
}

/** `part - 1`; the caller checks that `part` is above 0. */
export function decrementPart(part: IdPart): IdPart {
  return typeof part === 'bigint' ? idPart(part - 1n) : part - 1;
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

export class StreamValue {
  readonly kind = 'stream';
  private ms: IdPart[] = [];
  private seq: IdPart[] = [];
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
