import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../shared/effects.js';
import { SortedSet, type ScoreRange } from './zset.js';

type Pair = [string, number];

function order(a: Pair, b: Pair): number {
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
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
      assert.equal(zset.at(r)?.member, member0);
    }
  }
  const model = modelOf(reference);
  const range: ScoreRange = { min: -3, max: 4, minExclusive: true, maxExclusive: false };
  const inRange = model.filter(([, s]) => s > -3 && s <= 4);
  assert.equal(zset.firstInScoreRange(range)?.member, inRange[0]?.[0]);
  assert.equal(zset.lastInScoreRange(range)?.member, inRange.at(-1)?.[0]);
  assert.equal(zset.at(model.length), null);
  assert.equal(zset.at(-1), null);
  assert.equal(zset.rank('absent'), undefined);
});

test('backward links and tail survive deletes at both ends', () => {
  const zset = new SortedSet();
  for (let i = 0; i < 100; i++) zset.set(`m${String(i).padStart(3, '0')}`, i);
  zset.delete('m000');
  zset.delete('m099');
  assert.equal(zset.first()?.member, 'm001');
  assert.equal(zset.last()?.member, 'm098');
  const backwards: string[] = [];
  for (let node = zset.last(); node !== null; node = node.backward) backwards.push(node.member);
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
  assert.equal(zset.firstInLexRange(range)?.member, 'b');
  assert.equal(zset.lastInLexRange(range)?.member, 'c');
  const empty = {
    min: { value: '', exclusive: true, infinite: 1 as const },
    max: { value: '', exclusive: true, infinite: -1 as const },
  };
  assert.equal(zset.firstInLexRange(empty), null);
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
      assert.equal(zset.at(r)?.member, m);
    });
    const backwards: string[] = [];
    for (let node = zset.last(); node !== null; node = node.backward) backwards.push(node.member);
    assert.deepEqual(
      backwards.reverse(),
      model.map(([m]) => m),
    );
  }
});
