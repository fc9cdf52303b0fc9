import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logIndex, nodeId, term } from '../shared/brand.js';
import { MemoryStorage } from './storage.js';
import { RaftError, type Entry } from './types.js';

const e = (index: number, t: number): Entry => ({
  index: logIndex(index),
  term: term(t),
  type: 'normal',
  data: new Uint8Array([index]),
});
const conf = { voters: [nodeId(1)], learners: [] };
const isCode = (code: string) => (err: unknown) => err instanceof RaftError && err.code === code;

test('MemoryStorage: an empty log has first 1, last 0 and term(0) = 0', () => {
  const s = new MemoryStorage();
  assert.equal(s.firstIndex(), 1);
  assert.equal(s.lastIndex(), 0);
  assert.equal(s.term(logIndex(0)), 0);
});

test('MemoryStorage.append truncates a conflicting suffix', () => {
  const s = new MemoryStorage({ entries: [e(1, 1), e(2, 1), e(3, 1)] });
  s.append([e(2, 2)]);
  assert.equal(s.lastIndex(), 2);
  assert.equal(s.term(logIndex(2)), 2);
  assert.throws(() => s.append([e(5, 2)]), /gap/);
});

test('MemoryStorage.entries honours [lo, hi), the byte limit (at least one) and compaction', () => {
  const s = new MemoryStorage({ entries: [e(1, 1), e(2, 1), e(3, 1)] });
  assert.deepEqual(
    s.entries(logIndex(1), logIndex(4), 100).map((x) => x.index),
    [1, 2, 3],
  );
  assert.equal(s.entries(logIndex(1), logIndex(4), 0).length, 1);
  assert.equal(s.entries(logIndex(1), logIndex(4), 2).length, 2);
  s.compact(logIndex(2));
  assert.throws(() => s.entries(logIndex(2), logIndex(4), 100), isCode('compacted'));
  assert.throws(() => s.entries(logIndex(3), logIndex(9), 100), isCode('unavailable'));
});

test('MemoryStorage.compact keeps the term of the compacted index for log matching', () => {
  const s = new MemoryStorage({ entries: [e(1, 1), e(2, 2), e(3, 3)] });
  s.compact(logIndex(2));
  assert.equal(s.firstIndex(), 3);
  assert.equal(s.term(logIndex(2)), 2);
  assert.throws(() => s.term(logIndex(1)), isCode('compacted'));
  assert.throws(() => s.compact(logIndex(1)), isCode('compacted'));
  assert.throws(() => s.compact(logIndex(9)), isCode('unavailable'));
  assert.equal(s.lastIndex(), 3, 'a refused compaction changes nothing');
});

test('MemoryStorage snapshots: create at an index in the log, apply a newer one, refuse older', () => {
  const s = new MemoryStorage({ conf, entries: [e(1, 1), e(2, 1)] });
  const snap = s.createSnapshot(logIndex(2), conf, new Uint8Array([9]));
  assert.equal(snap.meta.term, 1);
  assert.throws(() => s.createSnapshot(logIndex(2), conf, new Uint8Array()), isCode('compacted'));
  s.applySnapshot({ meta: { index: logIndex(10), term: term(3), conf }, data: new Uint8Array() });
  assert.equal(s.firstIndex(), 11);
  assert.equal(s.lastIndex(), 10);
  assert.equal(s.term(logIndex(10)), 3);
  assert.throws(() => s.applySnapshot(snap), isCode('compacted'));
});

test('MemoryStorage.bootstrap: snapshot at 1 with the membership, log starting at 2', () => {
  const s = MemoryStorage.bootstrap(conf, new Uint8Array([1]));
  assert.equal(s.firstIndex(), 2);
  assert.equal(s.snapshot().meta.index, 1);
  assert.deepEqual(s.initialState().conf, conf);
  assert.equal(s.initialState().hardState.commit, 1);
});
