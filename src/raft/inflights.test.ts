import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssertionFailure } from '../shared/assert.js';
import { Inflights } from './inflights.js';

test('Inflights: full by count, freed up to an index, wraps around', () => {
  const w = new Inflights(3, 1000);
  w.add(1, 10);
  w.add(2, 10);
  w.add(3, 10);
  assert.equal(w.full(), true);
  assert.throws(() => w.add(4, 1), AssertionFailure);
  w.freeLE(2);
  assert.equal(w.count, 1);
  assert.equal(w.bytes, 10);
  w.add(4, 5);
  w.add(5, 5);
  assert.equal(w.full(), true);
  w.freeFirst();
  assert.equal(w.count, 2);
  w.freeLE(100);
  assert.equal(w.count, 0);
  assert.equal(w.bytes, 0);
});

test('Inflights: full by bytes', () => {
  const w = new Inflights(100, 16);
  w.add(1, 10);
  assert.equal(w.full(), false);
  w.add(2, 6);
  assert.equal(w.full(), true);
  w.freeLE(1);
  assert.equal(w.full(), false);
});

test('Inflights: indexes must increase (a bug otherwise)', () => {
  const w = new Inflights(4, 100);
  w.add(5, 1);
  assert.throws(() => w.add(5, 1), AssertionFailure);
});
