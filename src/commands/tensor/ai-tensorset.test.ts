import { DEFAULT_LIMITS } from '../../config/limits.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorReply, OK } from '../reply.js';
import { ALL_DTYPES, DTYPES } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { sampleBytes } from '../../tensor/testing.js';
import { dump, ENV, f32, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

test("RedisAI's documented example: FLOAT 2 2 VALUES 1 2 3 4 stores little-endian floats", () => {
  const db = newDb();
  assert.equal(
    run(db, 'AI.TENSORSET', 'mytensor', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4'),
    OK,
  );
  const stored = db.get('mytensor', ENV.nowMs);
  assert.ok(stored instanceof Tensor);
  assert.deepEqual(stored.data, f32(1, 2, 3, 4));
  assert.deepEqual(stored.shape, [2, 2]);
  assert.equal(stored.dtype, 'float32');
});

test('BLOB, zeros, a scalar, and case-insensitive names', () => {
  const db = newDb();
  assert.equal(run(db, 'ai.tensorset', 'b', 'float', '4', 'blob', f32(1, 2, 3, 4)), OK);
  assert.deepEqual((db.get('b', 0) as Tensor).data, f32(1, 2, 3, 4));
  assert.equal(run(db, 'AI.TENSORSET', 'z', 'INT16', '3'), OK);
  assert.deepEqual((db.get('z', 0) as Tensor).data, Buffer.alloc(6));
  assert.equal(run(db, 'AI.TENSORSET', 's', 'DOUBLE', 'VALUES', '2.5'), OK);
  const scalar = db.get('s', 0) as Tensor;
  assert.deepEqual(scalar.shape, []);
  assert.equal(scalar.data.readDoubleLE(0), 2.5);
  assert.equal(run(db, 'AI.TENSORSET', 'h', 'Float16', '1', 'VALUES', '0.1'), OK);
  assert.equal((db.get('h', 0) as Tensor).data.readUInt16LE(0), 0x2e66);
});

test('every dtype round-trips bit-exactly through BLOB (RedisAI and memlayer names)', () => {
  for (const dtype of ALL_DTYPES) {
    for (const name of [DTYPES[dtype].redisai, dtype]) {
      const db = newDb();
      const blob = sampleBytes(dtype);
      assert.equal(run(db, 'AI.TENSORSET', 'k', name, '2', '3', 'BLOB', blob), OK, name);
      const reply = run(db, 'AI.TENSORGET', 'k', 'BLOB');
      assert.ok(Buffer.isBuffer(reply));
      assert.deepEqual(reply, blob, name);
    }
  }
});

test('re-setting replaces the tensor and clears its TTL', () => {
  const db = newDb();
  run(db, 'AI.TENSORSET', 'k', 'INT8', '1', 'VALUES', '1');
  db.setExpiry('k', ENV.nowMs + 5000);
  run(db, 'AI.TENSORSET', 'k', 'INT8', '2', 'VALUES', '1', '2');
  assert.equal(db.expiresAt('k'), undefined);
  assert.deepEqual((db.get('k', 0) as Tensor).shape, [2]);
});

const BAD: [string, (string | Buffer)[], ErrorReply][] = [
  ['unknown dtype', ['k', 'FLOAT128', '1'], err('ERR invalid data type')],
  ['STRING is not supported', ['k', 'STRING', '1'], err('ERR invalid data type')],
  ['zero dim', ['k', 'FLOAT', '0'], err('ERR invalid or negative value found in tensor shape')],
  [
    'negative dim',
    ['k', 'FLOAT', '2', '-1'],
    err('ERR invalid or negative value found in tensor shape'),
  ],
  [
    'non-numeric dim',
    ['k', 'FLOAT', 'two'],
    err('ERR invalid or negative value found in tensor shape'),
  ],
  [
    'fractional dim',
    ['k', 'FLOAT', '1.5'],
    err('ERR invalid or negative value found in tensor shape'),
  ],
  [
    'huge dim',
    ['k', 'FLOAT', '99999999999999999999'],
    err('ERR invalid or negative value found in tensor shape'),
  ],
  [
    'BLOB with two strings',
    ['k', 'FLOAT', '1', 'BLOB', 'abcd', 'x'],
    err("ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
  ],
  [
    'BLOB with nothing',
    ['k', 'FLOAT', '1', 'BLOB'],
    err("ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
  ],
  [
    'short blob',
    ['k', 'FLOAT', '2', 'BLOB', 'abcd'],
    err('ERR data length does not match tensor shape and type'),
  ],
  [
    'long blob',
    ['k', 'INT8', '2', 'BLOB', 'abc'],
    err('ERR data length does not match tensor shape and type'),
  ],
  [
    'too few values',
    ['k', 'FLOAT', '3', 'VALUES', '1', '2'],
    err("ERR wrong number of values was given in 'AI.TENSORSET' command"),
  ],
  [
    'too many values',
    ['k', 'FLOAT', '1', 'VALUES', '1', '2'],
    err("ERR wrong number of values was given in 'AI.TENSORSET' command"),
  ],
  ['value not a number', ['k', 'FLOAT', '2', 'VALUES', '1', 'abc'], err('ERR invalid value')],
  ['NaN value', ['k', 'DOUBLE', '1', 'VALUES', 'nan'], err('ERR invalid value')],
  ['float overflows FLOAT', ['k', 'FLOAT', '1', 'VALUES', '1e39'], err('ERR invalid value')],
  ['float overflows FLOAT16', ['k', 'FLOAT16', '1', 'VALUES', '65520'], err('ERR invalid value')],
  [
    'decimal too large for a double',
    ['k', 'DOUBLE', '1', 'VALUES', '1e400'],
    err('ERR invalid value'),
  ],
  // string2d refuses strtod's ERANGE underflow (a nonzero decimal that would become 0).
  [
    'decimal too small for a double',
    ['k', 'DOUBLE', '1', 'VALUES', '-1e-400'],
    err('ERR invalid value'),
  ],
  ['fraction for INT32', ['k', 'INT32', '1', 'VALUES', '1.5'], err('ERR invalid value')],
  ['INT8 overflow', ['k', 'INT8', '1', 'VALUES', '128'], err('ERR invalid value')],
  ['UINT8 negative', ['k', 'UINT8', '1', 'VALUES', '-1'], err('ERR invalid value')],
  [
    'INT64 overflow',
    ['k', 'INT64', '1', 'VALUES', '9223372036854775808'],
    err('ERR invalid value'),
  ],
  [
    'UINT64 overflow',
    ['k', 'UINT64', '1', 'VALUES', '18446744073709551616'],
    err('ERR invalid value'),
  ],
  ['leading zero', ['k', 'INT32', '1', 'VALUES', '01'], err('ERR invalid value')],
  // RedisAI's range check (_ValOverflow) answers VALUES out of range as any bad value.
  ['BOOL 2', ['k', 'BOOL', '2', 'VALUES', '1', '2'], err('ERR invalid value')],
  ['BOOL -1', ['k', 'BOOL', '1', 'VALUES', '-1'], err('ERR invalid value')],
  [
    'BOOL blob byte 2',
    ['k', 'BOOL', '2', 'BLOB', Buffer.from([1, 2])],
    err('ERR BOOL tensor elements must be 0 or 1'),
  ],
  [
    'rank 33',
    ['k', 'INT8', ...Array<string>(33).fill('1')],
    err('ERR tensor rank 33 exceeds the limit of 32'),
  ],
  [
    'product over the limit',
    ['k', 'FLOAT', '65536', '65536'],
    err(
      `ERR tensor of 17179869184 bytes exceeds the limit of ${DEFAULT_LIMITS.tensorBytesMax} bytes`,
    ),
  ],
  [
    // Not exact as a double: the size given is 2^63 * 8 bytes.
    'a dimension above 2^53',
    ['k', 'FLOAT', '9223372036854775807', '2'],
    err(
      `ERR tensor of 73786976294838206464 bytes exceeds the limit of ${DEFAULT_LIMITS.tensorBytesMax} bytes`,
    ),
  ],
  [
    'a dimension above int64',
    ['k', 'FLOAT', '9223372036854775808'],
    err('ERR invalid or negative value found in tensor shape'),
  ],
  [
    'product overflowing 2^64',
    ['k', 'DOUBLE', '4294967296', '4294967296', '4294967296'],
    err(
      `ERR tensor of 633825300114114700748351602688 bytes exceeds the limit of ${DEFAULT_LIMITS.tensorBytesMax} bytes`,
    ),
  ],
];

test('zeros and subnormals are values, not underflows', () => {
  const db = newDb();
  const args = ['0e5', '-0.000', '4.9e-324', '1e-310'];
  assert.deepEqual(run(db, 'AI.TENSORSET', 'k', 'DOUBLE', '4', 'VALUES', ...args), OK);
  const blob = run(db, 'AI.TENSORGET', 'k', 'BLOB') as Buffer;
  const values = [0, 1, 2, 3].map((i) => blob.readDoubleLE(i * 8));
  assert.deepEqual(values, [0, -0, 5e-324, 1e-310]);
});

test('bad input answers the RedisAI/memlayer error and changes nothing', () => {
  for (const [what, args, expected] of BAD) {
    const db = newDb();
    run(db, 'AI.TENSORSET', 'k', 'INT8', '1', 'VALUES', '7');
    const before = dump(db);
    assert.deepEqual(run(db, 'AI.TENSORSET', ...args), expected, what);
    assert.deepEqual(dump(db), before, `${what}: changed nothing`);
  }
});

test('WRONGTYPE on a key of another kind, which is left alone', () => {
  const db = newDb();
  db.put('s', 'a string');
  const before = dump(db);
  assert.deepEqual(
    run(db, 'AI.TENSORSET', 's', 'FLOAT', '1'),
    err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
  assert.deepEqual(dump(db), before);
});
