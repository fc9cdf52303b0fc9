import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorReply, OK } from '../reply.js';
import { Tensor } from '../../tensor/tensor.js';
import { dump, ENV, f32, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);
const values = (db: ReturnType<typeof newDb>, key: string): unknown =>
  run(db, 'TENSOR.GET', key, 'VALUES');
const nums = (reply: unknown): number[] =>
  (reply as { value: number }[]).map((r) => (typeof r === 'object' ? r.value : Number(r)));

test('ADD/SUB/MUL/SCALE/AXPY on float32', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'a', 'float32', '3', 'VALUES', '1', '2', '3');
  run(db, 'TENSOR.SET', 'b', 'float32', '3', 'VALUES', '0.5', '-1', '4');
  assert.equal(run(db, 'TENSOR.ADD', 'c', 'a', 'b'), OK);
  assert.deepEqual(nums(values(db, 'c')), [1.5, 1, 7]);
  run(db, 'TENSOR.SUB', 'c', 'a', 'b');
  assert.deepEqual(nums(values(db, 'c')), [0.5, 3, -1]);
  run(db, 'TENSOR.MUL', 'c', 'a', 'b');
  assert.deepEqual(nums(values(db, 'c')), [0.5, -2, 12]);
  run(db, 'TENSOR.SCALE', 'c', 'a', '-2');
  assert.deepEqual(nums(values(db, 'c')), [-2, -4, -6]);
  run(db, 'TENSOR.AXPY', 'c', 'a', 'b', '2');
  assert.deepEqual(nums(values(db, 'c')), [2.5, 3, 10]);
});

test('accumulating into a tensor in place: TENSOR.ADD w w g, keeping its TTL', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'w', 'float64', '2', 'VALUES', '1', '1');
  run(db, 'TENSOR.SET', 'g', 'float64', '2', 'VALUES', '0.25', '-0.5');
  db.setExpiry('w', ENV.nowMs + 60_000);
  for (let i = 0; i < 4; i++) run(db, 'TENSOR.ADD', 'w', 'w', 'g');
  assert.deepEqual(nums(values(db, 'w')), [2, -1]);
  assert.equal(db.expiresAt('w'), ENV.nowMs + 60_000);
  run(db, 'TENSOR.AXPY', 'w', 'g', 'w', '-4');
  assert.deepEqual(nums(values(db, 'w')), [1, 1]);
});

test('a stale TTL on an expired destination does not expire the result', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'a', 'int8', '1', 'VALUES', '1');
  run(db, 'TENSOR.SET', 'old', 'int8', '1', 'VALUES', '9');
  db.setExpiry('old', ENV.nowMs - 1);
  run(db, 'TENSOR.ADD', 'old', 'a', 'a');
  assert.deepEqual(values(db, 'old'), [2]);
  assert.equal(db.expiresAt('old'), undefined);
});

test('integers wrap; int64 exact; float16 rounds once; stored operands never change', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'i', 'int8', '2', 'VALUES', '100', '-128');
  run(db, 'TENSOR.ADD', 'o', 'i', 'i');
  assert.deepEqual(values(db, 'o'), [-56, 0]);
  run(db, 'TENSOR.SET', 'u', 'uint32', '1', 'VALUES', '4294967295');
  run(db, 'TENSOR.MUL', 'o', 'u', 'u');
  assert.deepEqual(values(db, 'o'), [1]);
  run(db, 'TENSOR.SET', 'l', 'int64', '1', 'VALUES', '9007199254740993');
  run(db, 'TENSOR.SCALE', 'o', 'l', '3');
  assert.deepEqual(values(db, 'o'), [27021597764222979n]);
  run(db, 'TENSOR.SET', 'h', 'float16', '1', 'VALUES', '2048');
  run(db, 'TENSOR.SET', 'one', 'float16', '1', 'VALUES', '1');
  run(db, 'TENSOR.ADD', 'o', 'h', 'one'); // 2049 is a tie between 2048 and 2050: even
  assert.deepEqual(nums(values(db, 'o')), [2048]);
  assert.deepEqual(nums(values(db, 'h')), [2048]);
  const before = (db.get('i', 0) as Tensor).data;
  run(db, 'TENSOR.ADD', 'i', 'i', 'i');
  assert.deepEqual(
    [...before],
    [100, 128],
    'the old buffer (maybe being written to a socket) is untouched',
  );
});

test('NaN results are stored as the canonical quiet NaN', () => {
  const db = newDb();
  const nanWithPayload = Buffer.from([0x23, 0x01, 0xc0, 0xff]);
  run(db, 'TENSOR.SET', 'n', 'float32', '1', 'BLOB', nanWithPayload);
  run(db, 'TENSOR.ADD', 'o', 'n', 'n');
  assert.deepEqual(run(db, 'TENSOR.GET', 'o', 'BLOB'), Buffer.from([0, 0, 0xc0, 0x7f]));
});

test('arithmetic errors: missing, wrong type, layout mismatch, BOOL, bad alpha; nothing changes', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'a', 'float32', '2', 'BLOB', f32(1, 2));
  run(db, 'TENSOR.SET', 'a3', 'float32', '3');
  run(db, 'TENSOR.SET', 'd', 'float64', '2');
  run(db, 'TENSOR.SET', 'b', 'bool', '2');
  run(db, 'TENSOR.SET', 'n', 'int8', '2');
  db.put('s', 'str');
  const before = dump(db);
  const cases: [string[], ErrorReply][] = [
    [['TENSOR.ADD', 'c', 'a', 'missing'], err('ERR no such tensor')],
    [
      ['TENSOR.ADD', 'c', 'a', 's'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    [
      ['TENSOR.ADD', 's', 'a', 'a'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    [['TENSOR.SUB', 'c', 'a', 'a3'], err('ERR tensors differ in dtype or shape')],
    [['TENSOR.MUL', 'c', 'a', 'd'], err('ERR tensors differ in dtype or shape')],
    [['TENSOR.ADD', 'c', 'b', 'b'], err('ERR TENSOR.ADD does not support dtype bool')],
    [['TENSOR.SCALE', 'c', 'a', 'abc'], err('ERR value is not a valid float')],
    [['TENSOR.SCALE', 'c', 'n', '1.5'], err('ERR value is not an integer or out of range')],
    [['TENSOR.AXPY', 'c', 'a', 'a3', '1'], err('ERR tensors differ in dtype or shape')],
    [['TENSOR.AXPY', 'c', 'a', 'a', 'nan'], err('ERR value is not a valid float')],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(run(db, ...args), expected, args.join(' '));
    assert.deepEqual(dump(db), before, `${args.join(' ')}: changed nothing`);
  }
});
