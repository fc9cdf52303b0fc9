import { DEFAULT_LIMITS } from '../../config/limits.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { DoubleReply, ErrorReply, MapReply, OK } from '../reply.js';
import { dump, f32, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

test('TENSOR.SET with a one-argument shape; TENSOR.GET formats', () => {
  const db = newDb();
  assert.equal(run(db, 'TENSOR.SET', 't', 'float32', '2,2', 'BLOB', f32(1, 2, 3, 4)), OK);
  assert.equal(run(db, 'TENSOR.SET', 'v', 'int16', '[3]', 'VALUES', '-1', '0', '1'), OK);
  assert.equal(run(db, 'TENSOR.SET', 'z', 'uint8', '2x2'), OK);
  assert.equal(run(db, 'TENSOR.SET', 's', 'float64', '[]', 'VALUES', '3'), OK);
  assert.deepEqual(
    run(db, 'TENSOR.GET', 't'),
    new MapReply([
      ['dtype', 'float32'],
      ['shape', [2, 2]],
      ['blob', f32(1, 2, 3, 4)],
    ]),
  );
  assert.deepEqual(
    run(db, 'TENSOR.GET', 'v', 'META'),
    new MapReply([
      ['dtype', 'int16'],
      ['shape', [3]],
    ]),
  );
  assert.deepEqual(run(db, 'TENSOR.GET', 'v', 'VALUES'), [-1, 0, 1]);
  assert.deepEqual(run(db, 'TENSOR.GET', 'z', 'BLOB'), Buffer.alloc(4));
  assert.deepEqual(run(db, 'TENSOR.GET', 's', 'VALUES'), [new DoubleReply(3)]);
  assert.equal(run(db, 'TENSOR.GET', 'missing'), null);
});

test('TENSOR.GET ARROW answers an Arrow IPC stream apache-arrow reads', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 't', 'float32', '2,2', 'BLOB', f32(1, 2, 3, 4));
  const ipc = run(db, 'TENSOR.GET', 't', 'ARROW');
  assert.ok(Buffer.isBuffer(ipc));
  const table = tableFromIPC(ipc);
  const field = table.schema.fields[0];
  assert.equal(field?.metadata.get('ARROW:extension:name'), 'arrow.fixed_shape_tensor');
  assert.equal(field?.metadata.get('ARROW:extension:metadata'), '{"shape":[2,2]}');
  assert.deepEqual([...(table.getChildAt(0)?.get(0) ?? [])], [1, 2, 3, 4]);
  assert.deepEqual(run(db, 'TENSOR.GET', 't', 'ARROW', 'META'), err('ERR syntax error'));
});

test('TENSOR.INFO', () => {
  const db = newDb();
  run(db, 'TENSOR.SET', 't', 'bfloat16', '2,3');
  assert.deepEqual(
    run(db, 'TENSOR.INFO', 't'),
    new MapReply([
      ['dtype', 'bfloat16'],
      ['redisai_dtype', 'BFLOAT16'],
      ['shape', [2, 3]],
      ['rank', 2],
      ['elements', 6],
      ['bytes', 12],
    ]),
  );
  assert.equal(run(db, 'TENSOR.INFO', 'nope'), null);
});

test('TENSOR.SET/GET bad input: exact errors, nothing changed', () => {
  const db = newDb();
  db.put('str', 'x');
  run(db, 'TENSOR.SET', 't', 'int8', '1', 'VALUES', '5');
  const before = dump(db);
  const cases: [string[], ErrorReply][] = [
    [['TENSOR.SET', 't', 'complex64', '1'], err('ERR invalid data type')],
    [['TENSOR.SET', 't', 'int8', '0'], err('ERR invalid or negative value found in tensor shape')],
    [
      ['TENSOR.SET', 't', 'int8', '2,-1'],
      err('ERR invalid or negative value found in tensor shape'),
    ],
    [
      ['TENSOR.SET', 't', 'int8', '2,,1'],
      err('ERR invalid or negative value found in tensor shape'),
    ],
    [
      ['TENSOR.SET', 't', 'int8', '2', 'BLOB', 'abc'],
      err('ERR data length does not match tensor shape and type'),
    ],
    [['TENSOR.SET', 't', 'int8', '2', 'BLOB'], err('ERR syntax error')],
    [['TENSOR.SET', 't', 'int8', '2', 'JSON', '[1,2]'], err('ERR syntax error')],
    [
      ['TENSOR.SET', 't', 'int8', '2', 'VALUES', '1'],
      err("ERR wrong number of values was given in 'AI.TENSORSET' command"),
    ],
    [['TENSOR.SET', 't', 'int8', '1', 'VALUES', '300'], err('ERR invalid value')],
    [['TENSOR.SET', 't', 'bool', '1', 'VALUES', '3'], err('ERR invalid value')],
    [
      ['TENSOR.SET', 't', 'float32', '65536,65536'],
      err(
        `ERR tensor of 17179869184 bytes exceeds the limit of ${DEFAULT_LIMITS.tensorBytesMax} bytes`,
      ),
    ],
    [
      ['TENSOR.SET', 't', 'int8', Array<string>(40).fill('1').join(',')],
      err('ERR tensor rank 40 exceeds the limit of 32'),
    ],
    [
      ['TENSOR.SET', 'str', 'int8', '1'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    [
      ['TENSOR.GET', 'str'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    [['TENSOR.GET', 't', 'XML'], err('ERR unsupported data format')],
    [['TENSOR.GET', 't', 'BLOB', 'VALUES'], err('ERR both BLOB and VALUES specified')],
    [
      ['TENSOR.INFO', 'str'],
      err('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(run(db, ...args), expected, args.join(' '));
    assert.deepEqual(dump(db), before, `${args.join(' ')}: changed nothing`);
  }
});
