import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../shared/effects.js';
import {
  LEX_SCAN_SIZE_MAX,
  NO_NODE,
  SortedSet,
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexBound,
  type LexRange,
  type ScoreRange,
  type ZNodeHandle,
} from './zset.js';

type Pair = [string, number];

function order(a: Pair, b: Pair): number {
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The member of a handle, undefined for NO_NODE (as `node?.member` read before handles). */
function memberOf(zset: SortedSet, node: ZNodeHandle): string | undefined {
  return node === NO_NODE ? undefined : zset.memberOf(node);
}

/** Members from the last to the first through the backward links. */
function backwardMembers(zset: SortedSet): string[] {
  const out: string[] = [];
  for (let node = zset.last(); node !== NO_NODE; node = zset.prev(node)) {
    out.push(zset.memberOf(node));
  }
  return out;
}

function modelOf(map: Map<string, number>): Pair[] {
  return [...map].sort(order);
}

test('random set/delete agree with a sorted-array model: order, rank, at, ranges', () => {
  const rng = new SeededRng(11);
  const zset = new SortedSet();
  const reference = new Map<string, number>();
  for (let step = 0; step < 6000; step++) {
    const member = `m${rng.int(400)}`;
    if (rng.int(4) === 0) {
      assert.equal(zset.delete(member), reference.delete(member));
    } else {
      const score = rng.int(50) - 25; // many ties: order falls back to member bytes
      zset.set(member, score);
      reference.set(member, score);
    }
    if (step % 500 !== 0) continue;
    const model = modelOf(reference);
    assert.deepEqual([...zset.entries()], model);
    assert.equal(zset.size, model.length);
    for (let r = 0; r < model.length; r += 37) {
      const [member0] = model[r] as Pair;
      assert.equal(zset.rank(member0), r);
      assert.equal(memberOf(zset, zset.at(r)), member0);
    }
  }
  const model = modelOf(reference);
  const range: ScoreRange = { min: -3, max: 4, minExclusive: true, maxExclusive: false };
  const inRange = model.filter(([, s]) => s > -3 && s <= 4);
  assert.equal(memberOf(zset, zset.firstInScoreRange(range)), inRange[0]?.[0]);
  assert.equal(memberOf(zset, zset.lastInScoreRange(range)), inRange.at(-1)?.[0]);
  assert.equal(zset.at(model.length), NO_NODE);
  assert.equal(zset.at(-1), NO_NODE);
  assert.equal(zset.rank('absent'), undefined);
});

test('backward links and tail survive deletes at both ends', () => {
  const zset = new SortedSet();
  for (let i = 0; i < 100; i++) zset.set(`m${String(i).padStart(3, '0')}`, i);
  zset.delete('m000');
  zset.delete('m099');
  assert.equal(memberOf(zset, zset.first()), 'm001');
  assert.equal(memberOf(zset, zset.last()), 'm098');
  const backwards = backwardMembers(zset);
  assert.equal(backwards.length, 98);
  assert.equal(backwards[97], 'm001');
});

test('lex ranges on equal scores', () => {
  const zset = new SortedSet();
  for (const member of ['a', 'b', 'c', 'd', 'e']) zset.set(member, 0);
  const range = {
    min: { value: 'b', exclusive: false, infinite: 0 as const },
    max: { value: 'd', exclusive: true, infinite: 0 as const },
  };
  assert.equal(memberOf(zset, zset.firstInLexRange(range)), 'b');
  assert.equal(memberOf(zset, zset.lastInLexRange(range)), 'c');
  const empty = {
    min: { value: '', exclusive: true, infinite: 1 as const },
    max: { value: '', exclusive: true, infinite: -1 as const },
  };
  assert.equal(zset.firstInLexRange(empty), NO_NODE);
});

test('updating a score moves the member; clone is independent', () => {
  const zset = new SortedSet();
  zset.set('a', 1);
  zset.set('b', 2);
  zset.set('c', 3);
  zset.set('a', 10);
  assert.deepEqual(
    [...zset.entries()],
    [
      ['b', 2],
      ['c', 3],
      ['a', 10],
    ],
  );
  zset.set('c', 2.5); // in place: order unchanged
  assert.equal(zset.rank('c'), 1);
  const copy = zset.clone();
  zset.delete('b');
  assert.deepEqual(
    [...copy.entries()],
    [
      ['b', 2],
      ['c', 2.5],
      ['a', 10],
    ],
  );
  assert.equal(copy.rank('a'), 2);
});

test('score updates (moves reuse their node, in-place ones do not move) keep spans and links', () => {
  const rng = new SeededRng(23);
  const zset = new SortedSet();
  const reference = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const member = `k${rng.int(1_000_000)}`;
    const score = rng.int(100);
    zset.set(member, score);
    reference.set(member, score);
  }
  const members = [...reference.keys()];
  for (let step = 1; step <= 3000; step++) {
    const member = members[rng.int(members.length)] as string;
    const old = reference.get(member) ?? 0;
    // Half tiny nudges (usually in place), half jumps (a move, often onto tied scores).
    const score = rng.int(2) === 0 ? old + rng.int(3) / 1024 : rng.int(100);
    zset.set(member, score);
    reference.set(member, score);
    if (step % 1000 !== 0) continue;
    const model = modelOf(reference);
    assert.deepEqual([...zset.entries()], model);
    model.forEach(([m], r) => {
      assert.equal(zset.rank(m), r);
      assert.equal(memberOf(zset, zset.at(r)), m);
    });
    const backwards = backwardMembers(zset);
    assert.deepEqual(
      backwards.reverse(),
      model.map(([m]) => m),
    );
  }
});

/** The reference: pairs kept sorted by (score, member) with binary search, and a score map. */
class SortedModel {
  readonly pairs: Pair[] = [];
  readonly scores = new Map<string, number>();

  copy(): SortedModel {
    const copy = new SortedModel();
    for (const pair of this.pairs) copy.pairs.push([pair[0], pair[1]]);
    for (const [member, score] of this.scores) copy.scores.set(member, score);
    return copy;
  }

  set(member: string, score: number): void {
    this.delete(member);
    this.scores.set(member, score);
    this.pairs.splice(this.lowerBound([member, score]), 0, [member, score]);
  }

  delete(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.scores.delete(member);
    this.pairs.splice(this.lowerBound([member, score]), 1);
    return true;
  }

  private lowerBound(pair: Pair): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(this.pairs[mid] as Pair, pair) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function randomScoreRange(rng: SeededRng): ScoreRange {
  const a = rng.int(60) - 30;
  const b = a + rng.int(12) - 2; // sometimes empty (b < a)
  return { min: a, max: b, minExclusive: rng.int(2) === 0, maxExclusive: rng.int(2) === 0 };
}

function randomLexBound(rng: SeededRng, member: () => string): LexBound {
  const roll = rng.int(10);
  if (roll === 0) return { value: '', exclusive: true, infinite: -1 };
  if (roll === 1) return { value: '', exclusive: true, infinite: 1 };
  return { value: member(), exclusive: rng.int(2) === 0, infinite: 0 };
}

/**
 * The lex seeks the model predicts: none unless the range overlaps [first member, last member]
 * (Redis zslIsInLexRange / zzlIsInLexRange), else the first / last pair in (score, member)
 * order inside the range, as a listpack scan finds it. With one score for all members, or any
 * set up to LEX_SCAN_SIZE_MAX, that is what SortedSet answers.
 */
function modelLexSeeks(
  pairs: readonly Pair[],
  range: LexRange,
): [string | undefined, string | undefined] {
  const from = pairs.find(([m]) => lexGteMin(m, range.min));
  const to = pairs.findLast(([m]) => lexLteMax(m, range.max));
  const empty =
    range.min.infinite === 1 ||
    range.max.infinite === -1 ||
    (range.min.infinite === 0 &&
      range.max.infinite === 0 &&
      (range.min.value > range.max.value ||
        (range.min.value === range.max.value && (range.min.exclusive || range.max.exclusive))));
  const [firstMember] = pairs[0] ?? [''];
  const [lastMember] = pairs.at(-1) ?? [''];
  const overlaps =
    pairs.length > 0 && lexGteMin(lastMember, range.min) && lexLteMax(firstMember, range.max);
  if (empty || !overlaps) return [undefined, undefined];
  return [
    from !== undefined && lexLteMax(from[0], range.max) ? from[0] : undefined,
    to !== undefined && lexGteMin(to[0], range.min) ? to[0] : undefined,
  ];
}

/** One random query of each kind against the model; `full` walks everything as well. */
function compare(
  zset: SortedSet,
  model: SortedModel,
  rng: SeededRng,
  full: boolean,
  sameScore: boolean,
): void {
  const pairs = model.pairs;
  assert.equal(zset.size, pairs.length);
  if (pairs.length > 0) {
    const r = rng.int(pairs.length);
    const [member, score] = pairs[r] as Pair;
    assert.equal(zset.rank(member), r);
    assert.equal(memberOf(zset, zset.at(r)), member);
    assert.equal(zset.score(member), score);
    assert.equal(zset.rankOfNode(zset.at(r)), r);
  }
  assert.equal(zset.rank('absent'), undefined);
  assert.equal(zset.at(pairs.length), NO_NODE);
  assert.equal(memberOf(zset, zset.first()), pairs[0]?.[0]);
  assert.equal(memberOf(zset, zset.last()), pairs.at(-1)?.[0]);
  const range = randomScoreRange(rng);
  const inRange = pairs.filter(([, s]) => scoreGteMin(s, range) && scoreLteMax(s, range));
  assert.equal(memberOf(zset, zset.firstInScoreRange(range)), inRange[0]?.[0]);
  assert.equal(memberOf(zset, zset.lastInScoreRange(range)), inRange.at(-1)?.[0]);
  if (sameScore || pairs.length <= LEX_SCAN_SIZE_MAX) {
    const pick = (): string => (pairs[rng.int(pairs.length)] ?? ['m'])[0] + (rng.int(3) ? '' : '!');
    const lex: LexRange = { min: randomLexBound(rng, pick), max: randomLexBound(rng, pick) };
    const [first, last] = modelLexSeeks(pairs, lex);
    assert.equal(memberOf(zset, zset.firstInLexRange(lex)), first, JSON.stringify(lex));
    assert.equal(memberOf(zset, zset.lastInLexRange(lex)), last, JSON.stringify(lex));
  }
  if (!full) return;
  assert.deepEqual([...zset.entries()], pairs);
  assert.deepEqual(
    backwardMembers(zset).reverse(),
    pairs.map(([m]) => m),
  );
  assert.deepEqual([...zset.keys()].sort(), [...model.scores.keys()].sort());
}

/** One random change applied to both; scores in a narrow range so that ties are common. */
function mutate(
  zset: SortedSet,
  model: SortedModel,
  rng: SeededRng,
  members: number,
  sameScore: boolean,
): void {
  const member = `m${rng.int(members)}`;
  const roll = rng.int(10);
  if (roll < 3) {
    assert.equal(zset.delete(member), model.delete(member));
    return;
  }
  const old = model.scores.get(member);
  // A nudge usually keeps the order (an in-place update); a jump moves the node.
  const score = sameScore
    ? 0
    : roll < 5 && old !== undefined
      ? old + rng.int(3) / 1024
      : rng.int(50) - 25;
  zset.set(member, score);
  model.set(member, score);
}

for (const sameScore of [false, true]) {
  test(`arena skiplist agrees with a sorted-array model (${sameScore ? 'one score' : 'mixed scores'}): growth, free-list reuse, compaction, clones`, () => {
    const rng = new SeededRng(sameScore ? 97 : 41);
    let zset = new SortedSet();
    let model = new SortedModel();
    const emptyBytes = zset.arenaBytes;
    // Grow well past the initial records (and past the compaction floor) with changes mixed in.
    for (let step = 0; step < 6000; step++) {
      mutate(zset, model, rng, 2500, sameScore);
      compare(zset, model, rng, step % 1000 === 999, sameScore);
    }
    assert.ok(model.pairs.length > 1000, `grew to ${model.pairs.length}`);
    const grownBytes = zset.arenaBytes;
    assert.ok(grownBytes > 50 * emptyBytes, 'the arena grew');
    // Drain most of it: freed records go on the free list, then compaction renumbers.
    for (const [member] of [...model.pairs]) {
      if (model.pairs.length <= 40) break;
      if (rng.int(8) === 0) continue;
      assert.equal(zset.delete(member), model.delete(member));
      if (rng.int(50) === 0) compare(zset, model, rng, false, sameScore);
    }
    compare(zset, model, rng, true, sameScore);
    assert.ok(zset.arenaBytes < grownBytes / 2, 'compaction gave the arena back');
    // Reuse freed records, clone, then change both copies independently.
    for (let round = 0; round < 4; round++) {
      for (let step = 0; step < 800; step++) {
        mutate(zset, model, rng, 600, sameScore);
        compare(zset, model, rng, false, sameScore);
      }
      const copy = zset.clone();
      const copyModel = model.copy();
      compare(copy, copyModel, rng, true, sameScore);
      for (let step = 0; step < 400; step++) {
        mutate(zset, model, rng, 700, sameScore);
        mutate(copy, copyModel, rng, 700, sameScore);
        compare(zset, model, rng, false, sameScore);
        compare(copy, copyModel, rng, false, sameScore);
      }
      compare(zset, model, rng, true, sameScore);
      compare(copy, copyModel, rng, true, sameScore);
      // Go on with either copy, so that clones of clones are exercised too.
      if (rng.int(2) === 0) {
        zset = copy;
        model = copyModel;
      }
    }
  });
}
