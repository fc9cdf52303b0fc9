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

/** Link slots of the levels above 0: [next1, span1, next2, span2, ...]. */
type UpperLinks = (ZNode | number | null)[];

/** Shared by every level-1 node (three in four): never written, as a node has no level 1. */
const NO_UPPER_LINKS: UpperLinks = [];

/**
 * A skiplist node. Level 0 (every step of an iteration, most steps of a search) lives in plain
 * fields, and the higher levels' links and spans share one interleaved array, so a node costs
 * one allocation (two from level 2 up) and a search step one load fewer than with separate
 * `next` / `span` arrays. Read links through nextAt / spanAt.
 */
export class ZNode {
  backward: ZNode | null = null;
  next0: ZNode | null = null;
  span0 = 0;
  readonly upper: UpperLinks;
  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    if (level === 1) {
      this.upper = NO_UPPER_LINKS;
    } else {
      // Built by push so that the array stays packed (no hole checks on load).
      const upper: UpperLinks = [];
      for (let i = 1; i < level; i++) upper.push(null, 0);
      this.upper = upper;
    }
  }
  /** The following node in order, or null at the end. */
  forward(): ZNode | null {
    return this.next0;
  }
}

function nextAt(x: ZNode, i: number): ZNode | null {
  return i === 0 ? x.next0 : (x.upper[2 * i - 2] as ZNode | null);
}

function spanAt(x: ZNode, i: number): number {
  return i === 0 ? x.span0 : (x.upper[2 * i - 1] as number);
}

function setNextAt(x: ZNode, i: number, next: ZNode | null): void {
  if (i === 0) x.next0 = next;
  else x.upper[2 * i - 2] = next;
}

function setSpanAt(x: ZNode, i: number, span: number): void {
  if (i === 0) x.span0 = span;
  else x.upper[2 * i - 1] = span;
}

function levelOf(x: ZNode): number {
  return 1 + (x.upper.length >> 1);
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
    return nextAt(this.header, 0);
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
      let next = nextAt(x, i);
      while (next && (next.score < score || (next.score === score && next.member <= member))) {
        rank += spanAt(x, i);
        x = next;
        next = nextAt(x, i);
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
      let next = nextAt(x, i);
      while (next && traversed + spanAt(x, i) <= target) {
        traversed += spanAt(x, i);
        x = next;
        next = nextAt(x, i);
      }
      if (traversed === target) return x;
    }
    return null;
  }

  firstInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.overlapsScoreRange(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = nextAt(x, i);
      while (next && !scoreGteMin(next.score, range)) {
        x = next;
        next = nextAt(x, i);
      }
    }
    const found = nextAt(x, 0);
    return found !== null && scoreLteMax(found.score, range) ? found : null;
  }

  lastInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.overlapsScoreRange(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = nextAt(x, i);
      while (next && scoreLteMax(next.score, range)) {
        x = next;
        next = nextAt(x, i);
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
      let x = nextAt(this.header, 0);
      while (x !== null && !lexGteMin(x.member, range.min)) x = x.forward();
      return x !== null && lexLteMax(x.member, range.max) ? x : null;
    }
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = nextAt(x, i);
      while (next && !lexGteMin(next.member, range.min)) {
        x = next;
        next = nextAt(x, i);
      }
    }
    const found = nextAt(x, 0);
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
      let next = nextAt(x, i);
      while (next && lexLteMax(next.member, range.max)) {
        x = next;
        next = nextAt(x, i);
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
    const first = nextAt(this.header, 0);
    if (!last || !first) return false;
    return scoreGteMin(last.score, range) && scoreLteMax(first.score, range);
  }

  private overlapsLexRange(range: LexRange): boolean {
    const cmp = compareLexBounds(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.min.exclusive || range.max.exclusive))) return false;
    const last = this.tail;
    const first = nextAt(this.header, 0);
    if (!last || !first) return false;
    return lexGteMin(last.member, range.min) && lexLteMax(first.member, range.max);
  }

  /** Redis zslInsert: the pair must not be present. */
  private insert(score: number, member: string): void {
    this.link(new ZNode(member, score, randomLevel()));
  }

  /** Links an unlinked node at the place of its (score, member), keeping its level. */
  private link(node: ZNode): void {
    const score = node.score;
    const member = node.member;
    const header = this.header;
    let x = header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = nextAt(x, i);
      while (next !== null && before(next, score, member)) {
        rank += spanAt(x, i);
        x = next;
        next = nextAt(x, i);
      }
      rankAt[i] = rank;
      update[i] = x;
    }
    const level = levelOf(node);
    if (level > this.level) {
      const length = this.scores.size - 1; // the map already holds the new member
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = header;
        setSpanAt(header, i, length);
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const prev = update[i] ?? header;
      const skipped = rank - (rankAt[i] ?? 0);
      setNextAt(node, i, nextAt(prev, i));
      setNextAt(prev, i, node);
      setSpanAt(node, i, spanAt(prev, i) - skipped);
      setSpanAt(prev, i, skipped + 1);
    }
    for (let i = level; i < this.level; i++) {
      const prev = update[i] ?? header;
      setSpanAt(prev, i, spanAt(prev, i) + 1);
    }
    node.backward = x === header ? null : x;
    const after = node.next0;
    if (after !== null) after.backward = node;
    else this.tail = node;
  }

  /** Fills `update` with the path to (score, member) and returns its node, or null. */
  private findPath(score: number, member: string): ZNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = nextAt(x, i);
      while (next !== null && before(next, score, member)) {
        x = next;
        next = nextAt(x, i);
      }
      update[i] = x;
    }
    const found = x.next0;
    return found !== null && found.score === score && found.member === member ? found : null;
  }

  /** Redis zslDeleteNode, with `update` filled by findPath. Leaves the node's own links. */
  private unlink(node: ZNode): void {
    const header = this.header;
    for (let i = 0; i < this.level; i++) {
      const prev = update[i] ?? header;
      if (nextAt(prev, i) === node) {
        setSpanAt(prev, i, spanAt(prev, i) + spanAt(node, i) - 1);
        setNextAt(prev, i, nextAt(node, i));
      } else {
        setSpanAt(prev, i, spanAt(prev, i) - 1);
      }
    }
    const after = node.next0;
    if (after !== null) after.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && nextAt(header, this.level - 1) === null) this.level--;
  }

  /**
   * Redis zslUpdateScore: in place when the order does not change, else remove and insert
   * again, reusing the node (and its level) instead of allocating a new one.
   */
  private updateScore(member: string, current: number, score: number): void {
    const node = this.findPath(current, member);
    if (node === null) return;
    const prev = node.backward;
    const after = node.next0;
    const stays =
      (prev === null || before(prev, score, member)) &&
      (after === null || after.score > score || (after.score === score && after.member > member));
    if (stays) {
      node.score = score;
      return;
    }
    this.unlink(node);
    node.score = score;
    this.link(node);
  }
}
