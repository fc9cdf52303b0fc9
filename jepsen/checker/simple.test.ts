import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../history.js';
import { checkSet } from './set.js';
import { checkCounter } from './counter.js';
import { checkBank } from './bank.js';

let nextId = 0;
function op(
  f: string,
  status: Operation['status'],
  input: unknown,
  output: unknown,
  callNs: number,
  returnNs: number,
): Operation {
  return { id: nextId++, process: 0, f, key: 'k', input, output, status, callNs, returnNs };
}

test('set: every acknowledged add in the final read is valid; unknown adds may appear', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('add', 'info', 'b', undefined, 2, Infinity),
    op('read', 'ok', 'final', ['a', 'b'], 10, 11),
  ]);
  assert.equal(result.valid, true);
  assert.equal(result.recovered, 1);
});

test('set: a lost acknowledged add and an unexpected element are reported', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('add', 'ok', 'b', undefined, 2, 3),
    op('read', 'ok', 'final', ['a', 'zz'], 10, 11),
  ]);
  assert.equal(result.valid, false);
  assert.deepEqual(result.lost, ['b']);
  assert.deepEqual(result.unexpected, ['zz']);
});

test('set: a read missing an add acknowledged before it began is stale', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('read', 'ok', null, [], 2, 3),
    op('read', 'ok', 'final', ['a'], 10, 11),
  ]);
  assert.equal(result.staleReads, 1);
  assert.equal(result.valid, false);
});

test('set: without a final read the run proves nothing and is not valid', () => {
  assert.equal(checkSet([op('add', 'ok', 'a', undefined, 0, 1)]).valid, false);
});

test('counter: reads inside [acknowledged, attempted] bounds pass, others fail', () => {
  const base = [op('add', 'ok', 2, undefined, 0, 1), op('add', 'info', 5, undefined, 2, Infinity)];
  assert.equal(checkCounter([...base, op('read', 'ok', null, 2, 3, 4)]).valid, true);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 7, 3, 4)]).valid, true);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 1, 3, 4)]).valid, false);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 8, 3, 4)]).valid, false);
});

test('bank: totals must be constant and balances non-negative', () => {
  assert.equal(checkBank([op('read', 'ok', null, { a: 5, b: 5 }, 0, 1)], 10).valid, true);
  const wrong = checkBank([op('read', 'ok', null, { a: 5, b: 4 }, 0, 1)], 10);
  assert.equal(wrong.wrongTotal.length, 1);
  const negative = checkBank([op('read', 'ok', null, { a: 11, b: -1 }, 0, 1)], 10);
  assert.equal(negative.valid, false);
  assert.equal(negative.negative[0]?.account, 'b');
});
