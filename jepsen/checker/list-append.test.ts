import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../history.js';
import { checkListAppend, type MicroOp } from './list-append.js';

let nextId = 0;
function txn(
  status: Operation['status'],
  micro: MicroOp[],
  callNs: number,
  returnNs: number,
): Operation {
  const input = micro.map((m) => (m[0] === 'r' ? (['r', m[1], null] as const) : m));
  return {
    id: nextId++,
    process: nextId,
    f: 'txn',
    key: '',
    input,
    output: status === 'ok' ? micro : undefined,
    status,
    callNs,
    returnNs,
  };
}

test('a serial history of appends and reads has no anomaly', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 1),
    txn(
      'ok',
      [
        ['r', 'x', ['1']],
        ['append', 'x', '2'],
      ],
      2,
      3,
    ),
    txn('ok', [['r', 'x', ['1', '2']]], 4, 5),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
  assert.equal(result.valid, true);
});

test('G0: write cycle — two transactions append to two keys in opposite orders', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['append', 'x', '2'],
        ['append', 'y', '2'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', ['1', '2']],
        ['r', 'y', ['2', '1']],
      ],
      20,
      21,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('G0'), result.anomalyTypes.join());
});

test('G1a: reading an append of a failed transaction', () => {
  const result = checkListAppend([
    txn('fail', [['append', 'x', '1']], 0, 1),
    txn('ok', [['r', 'x', ['1']]], 2, 3),
  ]);
  assert.ok(result.anomalyTypes.includes('G1a'));
});

test('G1b: reading an intermediate state of another transaction', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'x', '2'],
      ],
      0,
      10,
    ),
    txn('ok', [['r', 'x', ['1']]], 0, 10),
  ]);
  assert.ok(result.anomalyTypes.includes('G1b'));
});

test('G-single: read skew across two keys', () => {
  // T1 appends to x and y atomically; T2 sees T1's y but not T1's x.
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', []],
        ['r', 'y', ['1']],
      ],
      0,
      10,
    ),
    txn('ok', [['r', 'x', ['1']]], 20, 21),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single'), result.anomalyTypes.join());
});

test("G2: write skew — each transaction misses the other one's append", () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['r', 'x', []],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'y', []],
        ['append', 'x', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', ['1']],
        ['r', 'y', ['1']],
      ],
      20,
      21,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('G2'), result.anomalyTypes.join());
});

test('stale read: a transaction that began after an append completed misses it', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 1),
    txn('ok', [['r', 'x', []]], 5, 6),
    txn('ok', [['r', 'x', ['1']]], 7, 8),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single-realtime'), result.anomalyTypes.join());
});

test('incompatible orders and duplicated elements are reported', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 10),
    txn('ok', [['append', 'x', '2']], 0, 10),
    txn('ok', [['r', 'x', ['1', '2']]], 11, 12),
    txn('ok', [['r', 'x', ['2', '1']]], 13, 14),
    txn('ok', [['r', 'x', ['1', '1']]], 15, 16),
  ]);
  assert.ok(result.anomalyTypes.includes('incompatible-order'));
  assert.ok(result.anomalyTypes.includes('duplicate-elements'));
});

test('an unknown-outcome append that was read counts as committed', () => {
  const result = checkListAppend([
    txn('info', [['append', 'x', '1']], 0, Infinity),
    txn('ok', [['r', 'x', ['1']]], 2, 3),
  ]);
  assert.equal(result.valid, true);
});
