import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DoubleReply, ErrorReply, MapReply } from '../reply.js';
import { newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

function db2x3(): ReturnType<typeof newDb> {
  const db = newDb();
  run(db, 'TENSOR.SET', 't', 'int32', '2,3', 'VALUES', '1', '2', '3', '4', '5', '6');
  run(db, 'TENSOR.SET', 'f', 'float32', '3', 'VALUES', '3', '4', '0');
  run(db, 'TENSOR.SET', 'g', 'float32', '3', 'VALUES', '1', '2', '3');
  run(db, 'TENSOR.SET', 'b', 'bool', '4', 'VALUES', '1', '0', '1', '1');
  return db;
}

test('SUM/MEAN/NORM over everything are doubles', () => {
  const db = db2x3();
  assert.deepEqual(run(db, 'TENSOR.SUM', 't'), new DoubleReply(21));
  assert.deepEqual(run(db, 'TENSOR.MEAN', 't'), new DoubleReply(3.5));
  assert.deepEqual(run(db, 'TENSOR.NORM', 'f'), new DoubleReply(5));
  assert.deepEqual(run(db, 'TENSOR.SUM', 'b'), new DoubleReply(3));
  assert.deepEqual(run(db, 'TENSOR.DOT', 'f', 'g'), new DoubleReply(11));
});

test('AXIS n reduces one axis (negative counts from the end)', () => {
  const db = db2x3();
  const d = (...v: number[]): DoubleReply[] => v.map((x) => new DoubleReply(x));
  assert.deepEqual(
    run(db, 'TENSOR.SUM', 't', 'AXIS', '0'),
    new MapReply([
      ['shape', [3]],
      ['values', d(5, 7, 9)],
    ]),
  );
  assert.deepEqual(
    run(db, 'TENSOR.MEAN', 't', 'axis', '-1'),
    new MapReply([
      ['shape', [2]],
      ['values', d(2, 5)],
    ]),
  );
});

test('reduction errors', () => {
  const db = db2x3();
  db.put('s', 'x');
  assert.deepEqual(run(db, 'TENSOR.SUM', 't', 'AXIS', '2'), err('ERR axis out of range'));
  assert.deepEqual(run(db, 'TENSOR.SUM', 't', 'AXIS', '-3'), err('ERR axis out of range'));
  assert.deepEqual(
    run(db, 'TENSOR.SUM', 't', 'AXIS', 'x'),
    err('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(run(db, 'TENSOR.SUM', 't', 'AXES', '0'), err('ERR syntax error'));
  assert.deepEqual(run(db, 'TENSOR.SUM', 'missing'), err('ERR no such tensor'));
  assert.deepEqual(
    run(db, 'TENSOR.NORM', 's'),
    err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
  assert.deepEqual(run(db, 'TENSOR.DOT', 'f', 't'), err('ERR tensors differ in dtype or shape'));
});
