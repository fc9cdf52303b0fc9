/**
 * The sorted-set value: a member -> score Map for O(1) ZSCORE, plus a skiplist with spans (as
 * Redis' zskiplist) ordered by (score, member bytes) for O(log n) insert, remove, rank and
 * seek by rank or by score/lex bound. Members are latin1 strings, so JS string comparison
 * (UTF-16 code units) is byte order.
 *
 * Node levels come from a private xorshift generator: the shape of the skiplist never shows in
 * a reply, so it needs no replicated randomness, only no global one (pure layer).
 */
import type { ZSetValue } from './values.js';

const LEVEL_MAX = 32;

/** Redis' zset-max-listpack-entries default: sets up to this size are scanned for lex ranges. */
export const LEX_SCAN_SIZE_MAX = 128;

export class ZNode {
  readonly next: (ZNode | null)[];
  readonly span: number[];
  backward: ZNode | null = null;
  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
  /** The following node in order, or null at the end. */
  forward(): ZNode | null {
    return this.next[0] ?? null;
  }
}

/** A score bound pair as ZRANGEBYSCORE parses it: `(` makes a bound exclusive. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/** One end of a lex range: `-` / `+` are -infinity / +infinity (`infinite` -1 / 1). */
export interface LexBound {
  readonly value: string;
  readonly exclusive: boolean;
  readonly infinite: -1 | 0 | 1;
}

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

// Scratch paths reused by every operation: applies run one at a time, nothing re-enters.
const update: ZNode[] = new Array<ZNode>(LEVEL_MAX);
const rankAt: number[] = new Array<number>(LEVEL_MAX).fill(0);
let levelState = 0x9e3779b9;

/** Level with P(level > k) = 4^-k, as Redis (ZSKIPLIST_P = 0.25). */
function randomLevel(): number {
  let level = 1;
  for (;;) {
    levelState ^= levelState << 13;
    levelState ^= levelState >>> 17;
    levelState ^= levelState << 5;
    if ((levelState & 3) !== 0 || level >= LEVEL_MAX) return level;
    level++;
  }
}

function before(node: ZNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export function scoreGteMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

export function scoreLteMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

export function lexGteMin(member: string, min: LexBound): boolean {
  if (min.infinite !== 0) return min.infinite < 0;
  return min.exclusive ? member > min.value : member >= min.value;
}

export function lexLteMax(member: string, max: LexBound): boolean {
  if (max.infinite !== 0) return max.infinite > 0;
  return max.exclusive ? member < max.value : member <= max.value;
}

/** -1, 0, 1 comparing two lex bounds, -inf < any string < +inf (Redis `sdscmplex`). */
function compareLexBounds(a: LexBound, b: LexBound): number {
  if (a.infinite !== 0 || b.infinite !== 0) return Math.sign(a.infinite - b.infinite);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export class SortedSet implements ZSetValue {
  readonly kind = 'zset';
  /** member -> score; the skiplist holds the same pairs in order. */
  readonly scores = new Map<string, number>();
  private readonly header = new ZNode('', 0, LEVEL_MAX);
  private tail: ZNode | null = null;
  private level = 1;

  get size(): number {
    return this.scores.size;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Adds a member or moves it to a new score. */
  set(member: string, score: number): void {
    const current = this.scores.get(member);
    if (current === undefined) {
      this.scores.set(member, score);
      this.insert(score, member);
    } else if (current !== score) {
      this.scores.set(member, score);
      this.updateScore(member, current, score);
    }
  }

  /** Removes a member; false if absent. */
  delete(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.scores.delete(member);
    const node = this.findPath(score, member);
    if (node !== null) this.unlink(node);
    return true;
  }

  first(): ZNode | null {
    return this.header.next[0] ?? null;
  }

  last(): ZNode | null {
    return this.tail;
  }

  /** 0-based rank of a member in ascending order, or undefined if absent. */
  rank(member: string): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && (next.score < score || (next.score === score && next.member <= member))) {
        rank += x.span[i] ?? 0;
        x = next;
        next = x.next[i];
      }
      if (x !== this.header && x.member === member) return rank - 1;
    }
    return undefined;
  }

  /** The node at 0-based `rank`, or null outside 0..size-1. */
  at(rank: number): ZNode | null {
    const target = rank + 1;
    if (rank < 0 || target > this.scores.size) return null;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && traversed + (x.span[i] ?? 0) <= target) {
        traversed += x.span[i] ?? 0;
        x = next;
        next = x.next[i];
      }
      if (traversed === target) return x;
    }
    return null;
  }

  firstInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.overlapsScoreRange(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && !scoreGteMin(next.score, range)) {
        x = next;
        next = x.next[i];
      }
    }
    const found = x.next[0] ?? null;
    return found !== null && scoreLteMax(found.score, range) ? found : null;
  }

  lastInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.overlapsScoreRange(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && scoreLteMax(next.score, range)) {
        x = next;
        next = x.next[i];
      }
    }
    return x !== this.header && scoreGteMin(x.score, range) ? x : null;
  }

  /**
   * Lex ranges assume one score for all members. When scores differ, Redis' answer depends on
   * the encoding: a listpack (up to 128 members by default) is scanned in order, a skiplist is
   * descended. We scan small sets as the listpack does, so the answers match Redis there, and
   * descend larger ones; with one score (the documented use) both ways agree.
   */
  firstInLexRange(range: LexRange): ZNode | null {
    if (!this.overlapsLexRange(range)) return null;
    if (this.size <= LEX_SCAN_SIZE_MAX) {
      let x = this.header.next[0] ?? null;
      while (x !== null && !lexGteMin(x.member, range.min)) x = x.forward();
      return x !== null && lexLteMax(x.member, range.max) ? x : null;
    }
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && !lexGteMin(next.member, range.min)) {
        x = next;
        next = x.next[i];
      }
    }
    const found = x.next[0] ?? null;
    return found !== null && lexLteMax(found.member, range.max) ? found : null;
  }

  lastInLexRange(range: LexRange): ZNode | null {
    if (!this.overlapsLexRange(range)) return null;
    if (this.size <= LEX_SCAN_SIZE_MAX) {
      let x = this.tail;
      while (x !== null && !lexLteMax(x.member, range.max)) x = x.backward;
      return x !== null && lexGteMin(x.member, range.min) ? x : null;
    }
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && lexLteMax(next.member, range.max)) {
        x = next;
        next = x.next[i];
      }
    }
    return x !== this.header && lexGteMin(x.member, range.min) ? x : null;
  }

  /** 0-based rank of a node known to be in the set. */
  rankOfNode(node: ZNode): number {
    return this.rank(node.member) ?? -1;
  }

  clone(): SortedSet {
    const copy = new SortedSet();
    for (let x = this.first(); x !== null; x = x.forward()) copy.append(x.member, x.score);
    return copy;
  }

  /**
   * Adds a pair expected to sort after every pair already present (clone, snapshot load); a
   * pair that does not is added through `set`, so order is never corrupted.
   */
  append(member: string, score: number): void {
    const last = this.tail;
    if (last !== null && !before(last, score, member)) {
      this.set(member, score);
      return;
    }
    this.scores.set(member, score);
    this.insert(score, member);
  }

  *entries(): IterableIterator<[string, number]> {
    for (let x = this.first(); x !== null; x = x.forward()) yield [x.member, x.score];
  }

  private overlapsScoreRange(range: ScoreRange): boolean {
    if (range.min > range.max) return false;
    if (range.min === range.max && (range.minExclusive || range.maxExclusive)) return false;
    const last = this.tail;
    const first = this.header.next[0];
    if (!last || !first) return false;
    return scoreGteMin(last.score, range) && scoreLteMax(first.score, range);
  }

  private overlapsLexRange(range: LexRange): boolean {
    const cmp = compareLexBounds(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.min.exclusive || range.max.exclusive))) return false;
    const last = this.tail;
    const first = this.header.next[0];
    if (!last || !first) return false;
    return lexGteMin(last.member, range.min) && lexLteMax(first.member, range.max);
  }

  /** Redis zslInsert: the pair must not be present. */
  private insert(score: number, member: string): void {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : (rankAt[i + 1] ?? 0);
      let next = x.next[i];
      while (next && before(next, score, member)) {
        rankAt[i] = (rankAt[i] ?? 0) + (x.span[i] ?? 0);
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    const length = this.scores.size - 1; // the map already holds the new member
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        this.header.span[i] = length;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    const rank0 = rankAt[0] ?? 0;
    for (let i = 0; i < level; i++) {
      const prev = update[i] ?? this.header;
      node.next[i] = prev.next[i] ?? null;
      prev.next[i] = node;
      node.span[i] = (prev.span[i] ?? 0) - (rank0 - (rankAt[i] ?? 0));
      prev.span[i] = rank0 - (rankAt[i] ?? 0) + 1;
    }
    for (let i = level; i < this.level; i++) {
      const prev = update[i] ?? this.header;
      prev.span[i] = (prev.span[i] ?? 0) + 1;
    }
    const prev0 = update[0] ?? this.header;
    node.backward = prev0 === this.header ? null : prev0;
    const after = node.next[0];
    if (after) after.backward = node;
    else this.tail = node;
  }

  /** Fills `update` with the path to (score, member) and returns its node, or null. */
  private findPath(score: number, member: string): ZNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next && before(next, score, member)) {
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    const found = x.next[0] ?? null;
    return found !== null && found.score === score && found.member === member ? found : null;
  }

  /** Redis zslDeleteNode, with `update` filled by findPath. */
  private unlink(node: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const prev = update[i] ?? this.header;
      if (prev.next[i] === node) {
        prev.span[i] = (prev.span[i] ?? 0) + (node.span[i] ?? 0) - 1;
        prev.next[i] = node.next[i] ?? null;
      } else {
        prev.span[i] = (prev.span[i] ?? 0) - 1;
      }
    }
    const after = node.next[0];
    if (after) after.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && !this.header.next[this.level - 1]) this.level--;
  }

  /** Redis zslUpdateScore: in place when the order does not change, else remove + insert. */
  private updateScore(member: string, current: number, score: number): void {
    const node = this.findPath(current, member);
    if (node === null) return;
    const prev = node.backward;
    const after = node.next[0];
    const stays =
      (prev === null || before(prev, score, member)) &&
      (!after || after.score > score || (after.score === score && after.member > member));
    if (stays) {
      node.score = score;
      return;
    }
    this.unlink(node);
    this.insert(score, member);
  }
}
