import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeId, type NodeId } from '../shared/brand.js';
import { quorumActive, quorumIndex, voteResult } from './quorum.js';

const ids = (...n: number[]): NodeId[] => n.map(nodeId);

test('quorumIndex: the index a majority has reached', () => {
  const match = new Map([
    [1, 9],
    [2, 5],
    [3, 7],
  ]);
  assert.equal(
    quorumIndex(ids(1, 2, 3), (id) => match.get(id) ?? 0),
    7,
  );
  assert.equal(
    quorumIndex(ids(1, 2, 3, 4), (id) => match.get(id) ?? 0),
    5,
  );
  assert.equal(
    quorumIndex([], () => 9),
    0,
  );
});

test('voteResult: won, lost, pending', () => {
  const v = (entries: [number, boolean][]) => new Map(entries.map(([k, b]) => [nodeId(k), b]));
  assert.equal(
    voteResult(
      ids(1, 2, 3),
      v([
        [1, true],
        [2, true],
      ]),
    ),
    'won',
  );
  assert.equal(
    voteResult(
      ids(1, 2, 3),
      v([
        [1, true],
        [2, false],
      ]),
    ),
    'pending',
  );
  assert.equal(
    voteResult(
      ids(1, 2, 3),
      v([
        [2, false],
        [3, false],
      ]),
    ),
    'lost',
  );
  assert.equal(
    voteResult(
      ids(1, 2, 3, 4),
      v([
        [1, true],
        [2, true],
      ]),
    ),
    'pending',
  );
});

test('quorumActive: a majority heard from', () => {
  assert.equal(
    quorumActive(ids(1, 2, 3), (id) => id !== 3),
    true,
  );
  assert.equal(
    quorumActive(ids(1, 2, 3), (id) => id === 1),
    false,
  );
});
