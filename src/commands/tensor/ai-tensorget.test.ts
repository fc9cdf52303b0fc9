import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DoubleReply, ErrorReply, OK, type Reply } from '../reply.js';
import { VALUES_REPLY_MAX } from './common.js';
import { f32, newDb, run } from './testing.js';

const err = (text: string): ErrorReply => new ErrorReply(text);

function seeded(): ReturnType<typeof newDb> {
  const db = newDb();
  run(db, 'AI.TENSORSET', 'f', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4.5');
  run(
    db,
    'AI.TENSORSET',
    'i',
    'INT64',
    '3',
    'VALUES',
    '-9223372036854775808',
    '9223372036854775807',
    '7',
  );
  run(db, 'AI.TENSORSET', 'u', 'UINT64', '2', 'VALUES', '18446744073709551615', '3');
  run(db, 'AI.TENSORSET', 'b', 'BOOL', '2', 'VALUES', '1', '0');
  run(db, 'AI.TENSORSET', 'h', 'BFLOAT16', '1', 'VALUES', '-2');
  return db;
}

test('no format: META and BLOB as one array (RedisAI shape)', () => {
  assert.deepEqual(run(seeded(), 'AI.TENSORGET', 'f'), [
    'dtype',
    'FLOAT',
    'shape',
    [2, 2],
    'blob',
    f32(1, 2, 3, 4.5),
  ]);
});

test('META alone, BLOB alone, VALUES alone, META VALUES in either order', () => {
  const db = seeded();
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'META'), ['dtype', 'FLOAT', 'shape', [2, 2]]);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'blob'), f32(1, 2, 3, 4.5));
  const doubles = [1, 2, 3, 4.5].map((v) => new DoubleReply(v));
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'VALUES'), doubles);
  const withMeta: Reply = ['dtype', 'FLOAT', 'shape', [2, 2], 'values', doubles];
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'META', 'VALUES'), withMeta);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'values', 'meta'), withMeta);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'META', 'BLOB'), run(db, 'AI.TENSORGET', 'f'));
});

test('VALUES: floats are doubles, integers are integers (64-bit exact), BOOL 0/1', () => {
  const db = seeded();
  assert.deepEqual(run(db, 'AI.TENSORGET', 'i', 'VALUES'), [-(2n ** 63n), 2n ** 63n - 1n, 7]);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'u', 'VALUES'), ['18446744073709551615', 3]);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'b', 'VALUES'), [1, 0]);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'h', 'META', 'VALUES'), [
    'dtype',
    'BFLOAT16',
    'shape',
    [1],
    'values',
    [new DoubleReply(-2)],
  ]);
});

test('errors: format, both BLOB and VALUES, missing key, wrong type, too many arguments', () => {
  const db = seeded();
  db.put('s', 'x');
  assert.deepEqual(run(db, 'AI.TENSORGET', 'f', 'JSON'), err('ERR unsupported data format'));
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 'f', 'BLOB', 'VALUES'),
    err('ERR both BLOB and VALUES specified'),
  );
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 'nope'),
    err('ERR tensor key is empty or in a different shard'),
  );
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 's'),
    err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 'f', 'META', 'BLOB', 'META'),
    err("ERR wrong number of arguments for 'AI.TENSORGET' command"),
  );
  assert.deepEqual(
    run(db, 'ai.TensorGet', 'f', 'META', 'BLOB', 'META'),
    err("ERR wrong number of arguments for 'ai.TensorGet' command"),
  );
  // The key is looked at before the format (RedisAI's order, and its own tests' replies).
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 's', 'unsupported'),
    err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
  assert.deepEqual(
    run(db, 'AI.TENSORGET', 'nope', 'bogus'),
    err('ERR tensor key is empty or in a different shard'),
  );
});

test('BLOB replies with the stored buffer itself (no copy)', () => {
  const db = seeded();
  const a = run(db, 'AI.TENSORGET', 'f', 'BLOB');
  const b = run(db, 'AI.TENSORGET', 'f', 'BLOB');
  assert.ok(Buffer.isBuffer(a) && Buffer.isBuffer(b));
  assert.equal(a.buffer, b.buffer);
});

test('VALUES of a tensor over VALUES_REPLY_MAX elements: a clear error; BLOB still answers', () => {
  const db = newDb();
  const n = String(VALUES_REPLY_MAX + 1);
  assert.deepEqual(run(db, 'AI.TENSORSET', 'big', 'UINT8', n), OK);
  const tooLarge = err(
    `ERR tensor of ${n} elements is too large for VALUES (at most ${VALUES_REPLY_MAX}); use BLOB`,
  );
  assert.deepEqual(run(db, 'AI.TENSORGET', 'big', 'VALUES'), tooLarge);
  assert.deepEqual(run(db, 'AI.TENSORGET', 'big', 'META', 'VALUES'), tooLarge);
  assert.deepEqual(run(db, 'TENSOR.GET', 'big', 'VALUES'), tooLarge);
  assert.equal((run(db, 'AI.TENSORGET', 'big', 'BLOB') as Buffer).length, VALUES_REPLY_MAX + 1);
});
