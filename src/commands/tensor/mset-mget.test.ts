import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { ErrorReply, MapReply, OK } from '../reply.js';
import { tensorsFromArrow } from '../../tensor/arrow.js';
import { decodeSnapshot, encodeSnapshot, installSnapshot } from '../../store/snapshot.js';
import { ALL_DTYPES } from '../../tensor/dtype.js';
import { sampleBytes } from '../../tensor/testing.js';
import { dump, f32, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

test('MSET stores all, MGET returns each (nil for missing or other kinds)', () => {
  const db = newDb();
  db.put('s', 'x');
  assert.equal(
    run(db, 'TENSOR.MSET', 'a', 'float32', '2', f32(1, 2), 'b', 'float32', '2', f32(3, 4)),
    OK,
  );
  assert.deepEqual(run(db, 'TENSOR.MGET', 'a', 'nope', 's', 'b'), [
    new MapReply([
      ['dtype', 'float32'],
      ['shape', [2]],
      ['blob', f32(1, 2)],
    ]),
    null,
    null,
    new MapReply([
      ['dtype', 'float32'],
      ['shape', [2]],
      ['blob', f32(3, 4)],
    ]),
  ]);
});

test('MSET is all or nothing', () => {
  const db = newDb();
  db.put('s', 'x');
  const before = dump(db);
  assert.deepEqual(
    run(db, 'TENSOR.MSET', 'a', 'float32', '2', f32(1, 2), 'b', 'float32', '2', f32(3)),
    err('ERR data length does not match tensor shape and type'),
  );
  assert.deepEqual(
    run(db, 'TENSOR.MSET', 'a', 'float32', '2', f32(1, 2), 's', 'float32', '1', f32(3)),
    err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
  assert.deepEqual(
    run(db, 'TENSOR.MSET', 'a', 'float32', '2', f32(1, 2), 'b', 'float32'),
    err("ERR wrong number of arguments for 'tensor.mset' command"),
  );
  assert.deepEqual(dump(db), before);
});

test('MGETARROW: equal-shape tensors as one Arrow table, one row each', () => {
  const db = newDb();
  run(
    db,
    'TENSOR.MSET',
    'a',
    'float32',
    '2',
    f32(1, 2),
    'b',
    'float32',
    '2',
    f32(3, 4),
    'c',
    'float32',
    '3',
    f32(0, 0, 0),
  );
  const ipc = run(db, 'TENSOR.MGETARROW', 'b', 'a');
  assert.ok(Buffer.isBuffer(ipc));
  const table = tableFromIPC(ipc);
  assert.equal(table.numRows, 2);
  assert.deepEqual([...(table.getChildAt(0)?.get(0) ?? [])], [3, 4]);
  assert.deepEqual([...(table.getChildAt(0)?.get(1) ?? [])], [1, 2]);
  assert.deepEqual(
    tensorsFromArrow(ipc).map((t) => [...t.data]),
    [[...f32(3, 4)], [...f32(1, 2)]],
  );
  const batchError = err('ERR an ARROW batch needs existing tensors of one dtype and shape');
  assert.deepEqual(run(db, 'TENSOR.MGETARROW', 'a', 'c'), batchError);
  assert.deepEqual(run(db, 'TENSOR.MGETARROW', 'a', 'missing'), batchError);
});

test('tensors and their TTLs survive a full snapshot and restore bit for bit', () => {
  const db = newDb();
  for (const dtype of ALL_DTYPES) {
    run(db, 'TENSOR.SET', `t:${dtype}`, dtype, '2,3', 'BLOB', sampleBytes(dtype));
  }
  db.setExpiry('t:float16', 9_999_999);
  const restored = newDb();
  installSnapshot(restored, decodeSnapshot(encodeSnapshot(db, new Uint8Array(0))));
  assert.deepEqual(dump(restored), dump(db));
});
