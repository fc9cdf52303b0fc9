import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DoubleReply, ErrorReply, MapReply, OK } from '../reply.js';
import { Tensor } from '../../tensor/tensor.js';
import { dump, ENV, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

function seeded(): ReturnType<typeof newDb> {
  const db = newDb();
  run(db, 'TENSOR.SET', 't', 'int16', '3,2', 'VALUES', '1', '2', '3', '4', '5', '6');
  return db;
}

test('SLICE rows of the first axis, negative indexes from the end', () => {
  const db = seeded();
  assert.deepEqual(run(db, 'TENSOR.SLICE', 't', '1', '3', 'VALUES'), [3, 4, 5, 6]);
  assert.deepEqual(
    run(db, 'TENSOR.SLICE', 't', '-1', '-1', 'META'),
    new MapReply([
      ['dtype', 'int16'],
      ['shape', [1, 2]],
    ]),
  );
  assert.deepEqual(run(db, 'TENSOR.SLICE', 't', '0', '1', 'BLOB'), Buffer.from([1, 0, 2, 0]));
});

test('SETSLICE overwrites whole rows; RESHAPE keeps the elements; both keep the TTL', () => {
  const db = seeded();
  db.setExpiry('t', ENV.nowMs + 1000);
  assert.equal(run(db, 'TENSOR.SETSLICE', 't', '1', 'VALUES', '30', '40'), OK);
  assert.equal(run(db, 'TENSOR.SETSLICE', 't', '-1', 'BLOB', Buffer.from([50, 0, 60, 0])), OK);
  assert.deepEqual(run(db, 'TENSOR.GET', 't', 'VALUES'), [1, 2, 30, 40, 50, 60]);
  assert.equal(run(db, 'TENSOR.RESHAPE', 't', '2,3'), OK);
  assert.deepEqual((db.get('t', 0) as Tensor).shape, [2, 3]);
  assert.deepEqual(run(db, 'TENSOR.GET', 't', 'VALUES'), [1, 2, 30, 40, 50, 60]);
  assert.equal(db.expiresAt('t'), ENV.nowMs + 1000);
});

test('CAST between dtypes', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 'f', 'float32', '4', 'VALUES', '1.75', '-2.5', '0', '65504');
  assert.equal(run(db, 'TENSOR.CAST', 'i', 'f', 'int32'), OK);
  assert.deepEqual(run(db, 'TENSOR.GET', 'i', 'VALUES'), [1, -2, 0, 65504]);
  assert.equal(run(db, 'TENSOR.CAST', 'h', 'f', 'FLOAT16'), OK);
  assert.deepEqual(
    run(db, 'TENSOR.GET', 'h', 'BLOB'),
    Buffer.from([0x00, 0x3f, 0x00, 0xc1, 0, 0, 0xff, 0x7b]),
  );
  assert.equal(run(db, 'TENSOR.CAST', 'back', 'h', 'float'), OK);
  assert.deepEqual(run(db, 'TENSOR.GET', 'back', 'BLOB'), run(db, 'TENSOR.GET', 'f', 'BLOB'));
  assert.equal(run(db, 'TENSOR.CAST', 'b', 'f', 'bool'), OK);
  assert.deepEqual(run(db, 'TENSOR.GET', 'b', 'VALUES'), [1, 1, 0, 1]);
  assert.equal(run(db, 'TENSOR.CAST', 'd', 'i', 'double'), OK);
  assert.deepEqual(
    run(db, 'TENSOR.GET', 'd', 'VALUES'),
    [1, -2, 0, 65504].map((v) => new DoubleReply(v)),
  );
  assert.deepEqual(
    run(db, 'TENSOR.CAST', 'l', 'i', 'uint64'),
    err('ERR value does not fit the target dtype'),
  );
});

test('slice/setslice/reshape/cast errors change nothing', () => {
  const db = seeded();
  run(db, 'TENSOR.SET', 'nan', 'float32', '1', 'BLOB', Buffer.from([0, 0, 0xc0, 0x7f]));
  run(db, 'TENSOR.SET', 'scalar', 'int8', '[]');
  db.put('s', 'x');
  const before = dump(db);
  const cases: [string[], ErrorReply][] = [
    [['TENSOR.SLICE', 't', '2', '2'], err('ERR slice out of range')],
    [['TENSOR.SLICE', 't', '0', '4'], err('ERR slice out of range')],
    [['TENSOR.SLICE', 't', 'a', '1'], err('ERR value is not an integer or out of range')],
    [['TENSOR.SLICE', 'scalar', '0', '1'], err('ERR tensor has no first axis')],
    [['TENSOR.SLICE', 'nope', '0', '1'], err('ERR no such tensor')],
    [['TENSOR.SETSLICE', 't', '2', 'VALUES', '1', '2', '3', '4'], err('ERR slice out of range')],
    [['TENSOR.SETSLICE', 't', '0', 'VALUES', '1'], err('ERR slice out of range')],
    [['TENSOR.SETSLICE', 't', '0', 'VALUES', '1', 'x'], err('ERR invalid value')],
    [
      ['TENSOR.SETSLICE', 't', '0', 'BLOB', 'abc'],
      err('ERR data length does not match tensor shape and type'),
    ],
    [
      ['TENSOR.SETSLICE', 's', '0', 'BLOB', 'ab'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    [['TENSOR.RESHAPE', 't', '4,2'], err('ERR new shape must have the same number of elements')],
    [['TENSOR.RESHAPE', 't', '0,6'], err('ERR invalid or negative value found in tensor shape')],
    [['TENSOR.CAST', 'x', 't', 'quaternion'], err('ERR invalid data type')],
    [['TENSOR.CAST', 'x', 'nan', 'int8'], err('ERR value does not fit the target dtype')],
    [
      ['TENSOR.CAST', 's', 't', 'int8'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(run(db, ...args), expected, args.join(' '));
    assert.deepEqual(dump(db), before, `${args.join(' ')}: changed nothing`);
  }
});
