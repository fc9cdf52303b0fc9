/**
 * The sorted-set value: a skiplist with spans (as Redis' zskiplist) ordered by (score, member
 * bytes) for O(log n) insert, remove, rank and seek by rank or by score/lex bound, plus a
 * member -> node Map for O(1) ZSCORE. Members are latin1 strings, so JS string comparison (UTF-16
 * code units) is byte order.
 *
 * Why an arena and not node objects: a search step through objects is a chain of dependent
 * loads (node -> level array -> boxed score -> member), each a likely cache miss on a large set.
 * Here a node is an integer index into one ArrayBuffer of 32-byte records, each holding the
 * node's unboxed score next to its level-0 and level-1 links and spans, so a step at the two
 * lowest levels (most steps of a search) touches one record. Members live in a plain array
 * beside it, read only on score ties. Links from the third level up (one node in 16 has any)
 * sit in extension records of the same arena, three levels each, chained. Deleted records go on a free list;
 * the arena grows by doubling and is compacted when three quarters of it is free.
 *
 * Callers see nodes as integer handles (ZNodeHandle, NO_NODE for none) read through
 * memberOf / scoreOf / next / prev. A handle is valid until the next set or delete.
 *
 * Node levels come from each set's own xorshift generator: the shape of the skiplist never
 * shows in a reply, so it needs no replicated randomness, only no global one (pure layer).
 */
import { assert } from '../shared/assert.js';
import type { ZSetValue } from './values.js';

const LEVEL_MAX = 32;

/** Redis' zset-max-listpack-entries default: sets up to this size are scanned for lex ranges. */
export const LEX_SCAN_SIZE_MAX = 128;

/** A node of one SortedSet: an index into its arena. Valid until the next set or delete. */
export type ZNodeHandle = number;

/** No node (before the first, after the last, not found). Record 0 is the header. */
export const NO_NODE: ZNodeHandle = 0;

// Record layout, in Int32 slots (8 per 32-byte record; the score is the Float64 at slot 0-1).
// A Map holds at most 2^24 members, so record indices shifted by I32_SHIFT stay within int32.
const RECORD_BYTES = 32;
const I32_SHIFT = 3;
const F64_SHIFT = 2;
const NEXT0 = 2; // then SPAN0 = 3, NEXT1 = 4, SPAN1 = 5
const BACKWARD = 6;
/** The first extension record, for nodes of level 3 and up. */
const UPPER = 7;
const INLINE_LEVELS = 2;
/** An extension record holds three (next, span) pairs at slots 0-5 and its successor at 7. */
const EXT_LEVELS = 3;
const EXT_CHAIN = 7;
/** Records of a new set: the header and its ten extension records, and room for five more. */
const RECORDS_INITIAL = 16;
/** Below this many records, compaction is not worth a renumbering. */
const COMPACT_RECORDS_MIN = 1024;

/** Extension records a node of `level` needs. */
function extensionsOf(level: number): number {
  return level <= INLINE_LEVELS ? 0 : Math.ceil((level - INLINE_LEVELS) / EXT_LEVELS);
}

/** Int32 slot of node x's next link at level i (its span is the slot after). */
function linkSlot(links: Int32Array, x: number, i: number): number {
  if (i < INLINE_LEVELS) return (x << I32_SHIFT) + NEXT0 + 2 * i;
  let record = links[(x << I32_SHIFT) + UPPER] as number;
  let j = i - INLINE_LEVELS;
  while (j >= EXT_LEVELS) {
    record = links[(record << I32_SHIFT) + EXT_CHAIN] as number;
    j -= EXT_LEVELS;
  }
  return (record << I32_SHIFT) + 2 * j;
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
/** Int32 slot of the predecessor's link at each level, filled by findPath / link. */
const pathSlots = new Int32Array(LEVEL_MAX);
const pathRanks = new Int32Array(LEVEL_MAX);

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
  /**
   * member -> node. A clone has the same handles, so it shares the map until either side adds
   * or removes a member (score changes keep handles): see ownNodes.
   */
  private nodes = new Map<string, ZNodeHandle>();
  private nodesShared = false;
  /** The records; `links` and `scores` view it, `levels` and `members` run beside it. */
  private links: Int32Array;
  private scores: Float64Array;
  /** Level of each node record (0 for extension and free records). */
  private levels: Uint8Array;
  /** Member of each node record ('' for the header, extension and free records). */
  private members: string[];
  /** Records in use or on the free list: [0, top). */
  private top = 0;
  /** First free record, chained through NEXT0; NO_NODE when none. */
  private freeHead = NO_NODE;
  private tail: ZNodeHandle = NO_NODE;
  private level = 1;
  private levelState = 0x9e3779b9;

  constructor() {
    const buffer = new ArrayBuffer(RECORDS_INITIAL * RECORD_BYTES);
    this.links = new Int32Array(buffer);
    this.scores = new Float64Array(buffer);
    this.levels = new Uint8Array(RECORDS_INITIAL);
    this.members = [];
    const header = this.allocNode(LEVEL_MAX);
    assert(header === NO_NODE, 'zset: the header must be record 0');
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Bytes of the arena (records, levels, member slots), for memory accounting. */
  get arenaBytes(): number {
    return this.levels.length * (RECORD_BYTES + 1) + this.members.length * 8;
  }

  score(member: string): number | undefined {
    const node = this.nodes.get(member);
    return node === undefined ? undefined : (this.scores[node << F64_SHIFT] as number);
  }

  has(member: string): boolean {
    return this.nodes.has(member);
  }

  /** Members in insertion order (not score order): the Scannable contract of ZSCAN. */
  keys(): IterableIterator<string> {
    return this.nodes.keys();
  }

  memberOf(node: ZNodeHandle): string {
    return this.members[node] as string;
  }

  scoreOf(node: ZNodeHandle): number {
    return this.scores[node << F64_SHIFT] as number;
  }

  /** The following node in order, or NO_NODE after the last. */
  next(node: ZNodeHandle): ZNodeHandle {
    return this.links[(node << I32_SHIFT) + NEXT0] as number;
  }

  /** The preceding node in order, or NO_NODE before the first. */
  prev(node: ZNodeHandle): ZNodeHandle {
    return this.links[(node << I32_SHIFT) + BACKWARD] as number;
  }

  first(): ZNodeHandle {
    return this.links[NEXT0] as number;
  }

  last(): ZNodeHandle {
    return this.tail;
  }

  /** Adds a member or moves it to a new score. */
  set(member: string, score: number): void {
    const node = this.nodes.get(member);
    if (node === undefined) this.insert(member, score);
    else if ((this.scores[node << F64_SHIFT] as number) !== score)
      this.updateScore(node, member, score);
  }

  /** Removes a member; false if absent. */
  delete(member: string): boolean {
    const node = this.nodes.get(member);
    if (node === undefined) return false;
    this.ownNodes().delete(member);
    const found = this.findPath(this.scores[node << F64_SHIFT] as number, member);
    assert(found === node, 'zset: member map and skiplist disagree');
    this.unlink(node);
    this.freeNode(node);
    const capacity = this.levels.length;
    if (capacity >= COMPACT_RECORDS_MIN && this.nodes.size * 4 < capacity) this.compact();
    return true;
  }

  /** 0-based rank of a member in ascending order, or undefined if absent. */
  rank(member: string): number | undefined {
    const node = this.nodes.get(member);
    return node === undefined ? undefined : this.rankOfNode(node);
  }

  /** 0-based rank of a node in the set (Redis zslGetRank). */
  rankOfNode(node: ZNodeHandle): number {
    const links = this.links;
    const scores = this.scores;
    const members = this.members;
    const score = scores[node << F64_SHIFT] as number;
    const member = members[node] as string;
    let rank = 0;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let slot = linkSlot(links, x, i);
      let next = links[slot] as number;
      while (next !== NO_NODE) {
        const nextScore = scores[next << F64_SHIFT] as number;
        const goes =
          next === node ||
          nextScore < score ||
          (nextScore === score && (members[next] as string) < member);
        if (!goes) break;
        rank += links[slot + 1] as number;
        x = next;
        slot = linkSlot(links, x, i);
        next = links[slot] as number;
      }
      if (x === node) return rank - 1;
    }
    return -1;
  }

  /** The node at 0-based `rank`, or NO_NODE outside 0..size-1. */
  at(rank: number): ZNodeHandle {
    const target = rank + 1;
    if (rank < 0 || target > this.nodes.size) return NO_NODE;
    const links = this.links;
    let traversed = 0;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let slot = linkSlot(links, x, i);
      let next = links[slot] as number;
      while (next !== NO_NODE && traversed + (links[slot + 1] as number) <= target) {
        traversed += links[slot + 1] as number;
        x = next;
        slot = linkSlot(links, x, i);
        next = links[slot] as number;
      }
      if (traversed === target) return x;
    }
    return NO_NODE;
  }

  firstInScoreRange(range: ScoreRange): ZNodeHandle {
    if (!this.overlapsScoreRange(range)) return NO_NODE;
    const links = this.links;
    const scores = this.scores;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = links[linkSlot(links, x, i)] as number;
      while (next !== NO_NODE && !scoreGteMin(scores[next << F64_SHIFT] as number, range)) {
        x = next;
        next = links[linkSlot(links, x, i)] as number;
      }
    }
    const found = this.next(x);
    return found !== NO_NODE && scoreLteMax(this.scoreOf(found), range) ? found : NO_NODE;
  }

  lastInScoreRange(range: ScoreRange): ZNodeHandle {
    if (!this.overlapsScoreRange(range)) return NO_NODE;
    const links = this.links;
    const scores = this.scores;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = links[linkSlot(links, x, i)] as number;
      while (next !== NO_NODE && scoreLteMax(scores[next << F64_SHIFT] as number, range)) {
        x = next;
        next = links[linkSlot(links, x, i)] as number;
      }
    }
    return x !== NO_NODE && scoreGteMin(this.scoreOf(x), range) ? x : NO_NODE;
  }

  /**
   * Lex ranges assume one score for all members. When scores differ, Redis' answer depends on
   * the encoding: a listpack (up to 128 members by default) is scanned in order, a skiplist is
   * descended. We scan small sets as the listpack does, so the answers match Redis there, and
   * descend larger ones; with one score (the documented use) both ways agree.
   */
  firstInLexRange(range: LexRange): ZNodeHandle {
    if (!this.overlapsLexRange(range)) return NO_NODE;
    if (this.size <= LEX_SCAN_SIZE_MAX) {
      let x = this.first();
      while (x !== NO_NODE && !lexGteMin(this.memberOf(x), range.min)) x = this.next(x);
      return x !== NO_NODE && lexLteMax(this.memberOf(x), range.max) ? x : NO_NODE;
    }
    const links = this.links;
    const members = this.members;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = links[linkSlot(links, x, i)] as number;
      while (next !== NO_NODE && !lexGteMin(members[next] as string, range.min)) {
        x = next;
        next = links[linkSlot(links, x, i)] as number;
      }
    }
    const found = this.next(x);
    return found !== NO_NODE && lexLteMax(this.memberOf(found), range.max) ? found : NO_NODE;
  }

  lastInLexRange(range: LexRange): ZNodeHandle {
    if (!this.overlapsLexRange(range)) return NO_NODE;
    if (this.size <= LEX_SCAN_SIZE_MAX) {
      let x = this.tail;
      while (x !== NO_NODE && !lexLteMax(this.memberOf(x), range.max)) x = this.prev(x);
      return x !== NO_NODE && lexGteMin(this.memberOf(x), range.min) ? x : NO_NODE;
    }
    const links = this.links;
    const members = this.members;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = links[linkSlot(links, x, i)] as number;
      while (next !== NO_NODE && lexLteMax(members[next] as string, range.max)) {
        x = next;
        next = links[linkSlot(links, x, i)] as number;
      }
    }
    return x !== NO_NODE && lexGteMin(this.memberOf(x), range.min) ? x : NO_NODE;
  }

  /**
   * An independent deep copy (copy-on-write snapshots): the arena is copied as bytes, and the
   * member map is shared until one side adds or removes a member.
   */
  clone(): SortedSet {
    const copy = new SortedSet();
    // Records past `top` are unused: the copy starts full and doubles on its first insert.
    const buffer = this.links.buffer.slice(0, this.top * RECORD_BYTES);
    copy.links = new Int32Array(buffer);
    copy.scores = new Float64Array(buffer);
    copy.levels = this.levels.slice(0, this.top);
    copy.members = this.members.slice();
    copy.nodes = this.nodes;
    copy.nodesShared = this.nodesShared = true;
    copy.top = this.top;
    copy.freeHead = this.freeHead;
    copy.tail = this.tail;
    copy.level = this.level;
    copy.levelState = this.levelState;
    return copy;
  }

  /**
   * Adds a pair expected to sort after every pair already present (snapshot load); a pair
   * that does not is added through `set`, so order is never corrupted.
   */
  append(member: string, score: number): void {
    const last = this.tail;
    if (last !== NO_NODE && !this.before(last, score, member)) {
      this.set(member, score);
      return;
    }
    this.insert(member, score);
  }

  *entries(): IterableIterator<[string, number]> {
    for (let x = this.first(); x !== NO_NODE; x = this.next(x)) {
      yield [this.memberOf(x), this.scoreOf(x)];
    }
  }

  /** True if node x sorts before (score, member). */
  private before(x: ZNodeHandle, score: number, member: string): boolean {
    const xScore = this.scores[x << F64_SHIFT] as number;
    return xScore < score || (xScore === score && (this.members[x] as string) < member);
  }

  private overlapsScoreRange(range: ScoreRange): boolean {
    if (range.min > range.max) return false;
    if (range.min === range.max && (range.minExclusive || range.maxExclusive)) return false;
    const last = this.tail;
    const first = this.first();
    if (last === NO_NODE || first === NO_NODE) return false;
    return scoreGteMin(this.scoreOf(last), range) && scoreLteMax(this.scoreOf(first), range);
  }

  private overlapsLexRange(range: LexRange): boolean {
    const cmp = compareLexBounds(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.min.exclusive || range.max.exclusive))) return false;
    const last = this.tail;
    const first = this.first();
    if (last === NO_NODE || first === NO_NODE) return false;
    return lexGteMin(this.memberOf(last), range.min) && lexLteMax(this.memberOf(first), range.max);
  }

  /** Level with P(level > k) = 4^-k, as Redis (ZSKIPLIST_P = 0.25). */
  private randomLevel(): number {
    let level = 1;
    let state = this.levelState;
    for (;;) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      if ((state & 3) !== 0 || level >= LEVEL_MAX) break;
      level++;
    }
    this.levelState = state;
    return level;
  }

  /** Redis zslInsert: the member must not be present. */
  private insert(member: string, score: number): void {
    const node = this.allocNode(this.randomLevel());
    this.scores[node << F64_SHIFT] = score;
    this.members[node] = member;
    this.ownNodes().set(member, node);
    this.link(node);
  }

  /** Links an unlinked node at the place of its (score, member), keeping its level. */
  private link(node: ZNodeHandle): void {
    const links = this.links;
    const scores = this.scores;
    const members = this.members;
    const score = scores[node << F64_SHIFT] as number;
    const member = members[node] as string;
    let x = NO_NODE;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let slot = linkSlot(links, x, i);
      let next = links[slot] as number;
      while (next !== NO_NODE) {
        const nextScore = scores[next << F64_SHIFT] as number;
        if (!(nextScore < score || (nextScore === score && (members[next] as string) < member)))
          break;
        rank += links[slot + 1] as number;
        x = next;
        slot = linkSlot(links, x, i);
        next = links[slot] as number;
      }
      pathRanks[i] = rank;
      pathSlots[i] = slot;
    }
    const level = this.levels[node] as number;
    if (level > this.level) {
      const length = this.nodes.size - 1; // the map already holds the node's member
      for (let i = this.level; i < level; i++) {
        const slot = linkSlot(links, NO_NODE, i);
        pathRanks[i] = 0;
        pathSlots[i] = slot;
        links[slot + 1] = length;
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const prevSlot = pathSlots[i] as number;
      const nodeSlot = linkSlot(links, node, i);
      const skipped = rank - (pathRanks[i] as number);
      links[nodeSlot] = links[prevSlot] as number;
      links[prevSlot] = node;
      links[nodeSlot + 1] = (links[prevSlot + 1] as number) - skipped;
      links[prevSlot + 1] = skipped + 1;
    }
    for (let i = level; i < this.level; i++) {
      const spanSlot = (pathSlots[i] as number) + 1;
      links[spanSlot] = (links[spanSlot] as number) + 1;
    }
    links[(node << I32_SHIFT) + BACKWARD] = x;
    const after = links[(node << I32_SHIFT) + NEXT0] as number;
    if (after !== NO_NODE) links[(after << I32_SHIFT) + BACKWARD] = node;
    else this.tail = node;
  }

  /** Fills `pathSlots` with the path to (score, member) and returns its node, or NO_NODE. */
  private findPath(score: number, member: string): ZNodeHandle {
    const links = this.links;
    const scores = this.scores;
    const members = this.members;
    let x = NO_NODE;
    for (let i = this.level - 1; i >= 0; i--) {
      let slot = linkSlot(links, x, i);
      let next = links[slot] as number;
      while (next !== NO_NODE) {
        const nextScore = scores[next << F64_SHIFT] as number;
        if (!(nextScore < score || (nextScore === score && (members[next] as string) < member)))
          break;
        x = next;
        slot = linkSlot(links, x, i);
        next = links[slot] as number;
      }
      pathSlots[i] = slot;
    }
    const found = links[(x << I32_SHIFT) + NEXT0] as number;
    return found !== NO_NODE &&
      scores[found << F64_SHIFT] === score &&
      (members[found] as string) === member
      ? found
      : NO_NODE;
  }

  /** Redis zslDeleteNode, with `pathSlots` filled by findPath. Leaves the node's own links. */
  private unlink(node: ZNodeHandle): void {
    const links = this.links;
    for (let i = 0; i < this.level; i++) {
      const prevSlot = pathSlots[i] as number;
      if (links[prevSlot] === node) {
        const nodeSlot = linkSlot(links, node, i);
        links[prevSlot + 1] = (links[prevSlot + 1] as number) + (links[nodeSlot + 1] as number) - 1;
        links[prevSlot] = links[nodeSlot] as number;
      } else {
        links[prevSlot + 1] = (links[prevSlot + 1] as number) - 1;
      }
    }
    const backward = links[(node << I32_SHIFT) + BACKWARD] as number;
    const after = links[(node << I32_SHIFT) + NEXT0] as number;
    if (after !== NO_NODE) links[(after << I32_SHIFT) + BACKWARD] = backward;
    else this.tail = backward;
    while (this.level > 1 && links[linkSlot(links, NO_NODE, this.level - 1)] === NO_NODE) {
      this.level--;
    }
  }

  /**
   * Redis zslUpdateScore: in place when the order does not change (checked on the node's
   * neighbours, no search needed as we hold the node), else remove and insert again, reusing
   * the node (and its level).
   */
  private updateScore(node: ZNodeHandle, member: string, score: number): void {
    const prev = this.prev(node);
    const after = this.next(node);
    const stays =
      (prev === NO_NODE || this.before(prev, score, member)) &&
      (after === NO_NODE || !this.before(after, score, member));
    if (!stays) {
      const found = this.findPath(this.scores[node << F64_SHIFT] as number, member);
      assert(found === node, 'zset: member map and skiplist disagree');
      this.unlink(node);
    }
    this.scores[node << F64_SHIFT] = score;
    if (!stays) this.link(node);
  }

  /** The member map, copied first if a clone shares it. */
  private ownNodes(): Map<string, ZNodeHandle> {
    if (this.nodesShared) {
      this.nodes = new Map(this.nodes);
      this.nodesShared = false;
    }
    return this.nodes;
  }

  /** A record from the free list, or a new one (growing the arena). Its slots are stale. */
  private allocRecord(): number {
    const free = this.freeHead;
    if (free !== NO_NODE) {
      this.freeHead = this.links[(free << I32_SHIFT) + NEXT0] as number;
      return free;
    }
    if (this.top === this.levels.length) this.grow(this.levels.length * 2);
    this.members.push('');
    return this.top++;
  }

  /** A node record of `level` with its extension records chained. */
  private allocNode(level: number): ZNodeHandle {
    const node = this.allocRecord();
    this.levels[node] = level;
    let chainSlot = (node << I32_SHIFT) + UPPER;
    for (let k = extensionsOf(level); k > 0; k--) {
      const extension = this.allocRecord();
      // The arena may have grown: index `this.links` afresh.
      this.links[chainSlot] = extension;
      chainSlot = (extension << I32_SHIFT) + EXT_CHAIN;
    }
    return node;
  }

  /** Returns a node and its extension records to the free list. */
  private freeNode(node: ZNodeHandle): void {
    const links = this.links;
    let record = links[(node << I32_SHIFT) + UPPER] as number;
    for (let k = extensionsOf(this.levels[node] as number); k > 0; k--) {
      const following = links[(record << I32_SHIFT) + EXT_CHAIN] as number;
      links[(record << I32_SHIFT) + NEXT0] = this.freeHead;
      this.freeHead = record;
      record = following;
    }
    this.levels[node] = 0;
    this.members[node] = ''; // let the member string go
    links[(node << I32_SHIFT) + NEXT0] = this.freeHead;
    this.freeHead = node;
  }

  private grow(records: number): void {
    const buffer = new ArrayBuffer(records * RECORD_BYTES);
    new Int32Array(buffer).set(this.links.subarray(0, this.top << I32_SHIFT));
    this.links = new Int32Array(buffer);
    this.scores = new Float64Array(buffer);
    const levels = new Uint8Array(records);
    levels.set(this.levels.subarray(0, this.top));
    this.levels = levels;
  }

  /**
   * Rebuilds the arena in order with no free records, keeping every node's level, so that a
   * set that shrank gives its memory back. O(n), amortized O(1) per delete as it runs only when
   * three quarters of the arena is unused; invalidates handles. The member map keeps its
   * iteration order (ZSCAN, ZRANDMEMBER): only its values change.
   */
  private compact(): void {
    const sourceLinks = this.links;
    const sourceScores = this.scores;
    const sourceLevels = this.levels;
    const sourceMembers = this.members;
    const nodes = this.ownNodes();
    const count = nodes.size;
    const capacity = Math.max(RECORDS_INITIAL, 2 * count);
    this.links = new Int32Array(new ArrayBuffer(capacity * RECORD_BYTES));
    this.scores = new Float64Array(this.links.buffer);
    this.levels = new Uint8Array(capacity);
    this.members = [];
    this.top = 0;
    this.freeHead = NO_NODE;
    this.allocNode(LEVEL_MAX);
    // The last node linked at each level, and its rank, as the append goes along.
    const lastAt = new Int32Array(LEVEL_MAX);
    const rankAt = new Int32Array(LEVEL_MAX);
    let previous = NO_NODE;
    let rank = 0;
    for (
      let x = sourceLinks[NEXT0] as number;
      x !== NO_NODE;
      x = sourceLinks[(x << I32_SHIFT) + NEXT0] as number
    ) {
      const level = sourceLevels[x] as number;
      const node = this.allocNode(level);
      const member = sourceMembers[x] as string;
      this.scores[node << F64_SHIFT] = sourceScores[x << F64_SHIFT] as number;
      this.members[node] = member;
      nodes.set(member, node);
      rank++;
      const links = this.links;
      for (let i = 0; i < level; i++) {
        const slot = linkSlot(links, lastAt[i] as number, i);
        links[slot] = node;
        links[slot + 1] = rank - (rankAt[i] as number);
        lastAt[i] = node;
        rankAt[i] = rank;
      }
      links[(node << I32_SHIFT) + BACKWARD] = previous;
      previous = node;
    }
    // Links that end the list span to its end, as zslInsert leaves them.
    for (let i = 0; i < LEVEL_MAX; i++) {
      const slot = linkSlot(this.links, lastAt[i] as number, i);
      this.links[slot] = NO_NODE;
      this.links[slot + 1] = count - (rankAt[i] as number);
    }
    this.tail = previous;
  }
}
