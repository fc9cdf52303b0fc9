import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { MapReply, OK, PairsReply, type Reply } from '../reply.js';
import { WRONGTYPE } from '../errors.js';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { hashesCommands } from './index.js';
import { listsCommands } from '../lists/index.js';
import { wireSession, type WireCase } from '../../../test/compat/wire-cases.js';

function setup(): Harness {
  const h = new Harness(hashesCommands, listsCommands);
  h.db.put('str', 'plain');
  return h;
}

function errorText(reply: Reply): string {
  assert.ok(
    reply !== null && typeof reply === 'object' && 'text' in reply,
    `not an error: ${String(reply)}`,
  );
  return String(reply.text);
}

/** Runs a command that must fail and checks that nothing changed (keys, values, TTLs, WATCH). */
function rejects(h: Harness, expected: string, ...args: string[]): void {
  const before = h.dump();
  const key = args[1] ?? '';
  const changedBefore = h.db.changeIndex(key);
  assert.equal(errorText(h.run(...args)), expected);
  assert.deepEqual(h.dump(), before);
  assert.equal(h.db.changeIndex(key), changedBefore);
}

test('HSET/HGET/HMGET/HMSET/HSETNX/HLEN/HSTRLEN/HEXISTS', () => {
  const h = setup();
  assert.equal(h.run('HSET', 'h', 'a', '1', 'b', '2'), 2);
  assert.equal(h.run('HSET', 'h', 'a', '10', 'c', '3'), 1);
  assert.equal(h.run('HGET', 'h', 'a'), '10');
  assert.equal(h.run('HGET', 'h', 'zz'), null);
  assert.equal(h.run('HGET', 'missing', 'a'), null);
  assert.deepEqual(h.run('HMGET', 'h', 'a', 'zz', 'c'), ['10', null, '3']);
  assert.deepEqual(h.run('HMGET', 'missing', 'a', 'b'), [null, null]);
  assert.equal(h.run('HMSET', 'h', 'd', '4'), OK);
  assert.equal(h.run('HSETNX', 'h', 'd', 'other'), 0);
  assert.equal(h.run('HSETNX', 'h', 'e', 'five'), 1);
  assert.equal(h.run('HSETNX', 'new', 'f', 'v'), 1);
  assert.equal(h.run('HLEN', 'h'), 5);
  assert.equal(h.run('HLEN', 'missing'), 0);
  assert.equal(h.run('HSTRLEN', 'h', 'e'), 4);
  assert.equal(h.run('HSTRLEN', 'h', 'zz'), 0);
  assert.equal(h.run('HEXISTS', 'h', 'a'), 1);
  assert.equal(h.run('HEXISTS', 'h', 'zz'), 0);
  assert.equal(h.run('HEXISTS', 'missing', 'a'), 0);
});

test('HSET with an odd field/value count is an arity error and changes nothing', () => {
  const h = setup();
  h.run('HSET', 'h', 'a', '1');
  rejects(h, "ERR wrong number of arguments for 'hset' command", 'HSET', 'h', 'a', '1', 'b');
  rejects(h, "ERR wrong number of arguments for 'hmset' command", 'HMSET', 'h', 'a', '1', 'b');
  rejects(h, "ERR wrong number of arguments for 'hset' command", 'HSET', 'new', 'a', '1', 'b');
});

test('every hash command answers WRONGTYPE on another kind and changes nothing', () => {
  const h = setup();
  h.run('RPUSH', 'list', 'x');
  for (const key of ['str', 'list']) {
    for (const args of [
      ['HSET', key, 'f', 'v'],
      ['HMSET', key, 'f', 'v'],
      ['HSETNX', key, 'f', 'v'],
      ['HGET', key, 'f'],
      ['HMGET', key, 'f'],
      ['HDEL', key, 'f'],
      ['HEXISTS', key, 'f'],
      ['HLEN', key],
      ['HSTRLEN', key, 'f'],
      ['HKEYS', key],
      ['HVALS', key],
      ['HGETALL', key],
      ['HINCRBY', key, 'f', '1'],
      ['HINCRBYFLOAT', key, 'f', '1'],
      ['HRANDFIELD', key],
      ['HRANDFIELD', key, '2'],
      ['HSCAN', key, '0'],
    ]) {
      rejects(h, WRONGTYPE.text, ...args);
    }
  }
});

test('HDEL counts removed fields and deletes the emptied key', () => {
  const h = setup();
  h.run('HSET', 'h', 'a', '1', 'b', '2');
  assert.equal(h.run('HDEL', 'h', 'a', 'zz', 'a'), 1);
  assert.equal(h.run('HDEL', 'missing', 'a'), 0);
  const before = h.db.changeIndex('h');
  assert.equal(h.run('HDEL', 'h', 'zz'), 0);
  assert.equal(h.db.changeIndex('h'), before, 'a no-op HDEL must not touch WATCH');
  assert.equal(h.run('HDEL', 'h', 'b'), 1);
  assert.equal(h.db.data.has('h'), false);
  assert.equal(h.db.changeIndex('h'), h.lastIndex);
});

test('HKEYS/HVALS/HGETALL, RESP3 map for HGETALL', () => {
  const h = setup();
  assert.deepEqual(h.run('HKEYS', 'missing'), []);
  assert.deepEqual(h.run('HVALS', 'missing'), []);
  const empty = h.run('HGETALL', 'missing');
  assert.equal(wire(empty, 2), '*0\r\n');
  assert.equal(wire(empty, 3), '%0\r\n');
  h.run('HSET', 'h', 'a', '1', 'b', '2');
  assert.deepEqual(h.run('HKEYS', 'h'), ['a', 'b']);
  assert.deepEqual(h.run('HVALS', 'h'), ['1', '2']);
  const all = h.run('HGETALL', 'h');
  assert.ok(all instanceof MapReply);
  assert.equal(wire(all, 3), '%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.equal(wire(all, 2), '*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
});

test('HINCRBY: creation, int64 bounds and exact errors', () => {
  const h = setup();
  assert.equal(h.run('HINCRBY', 'h', 'n', '5'), 5);
  assert.equal(h.run('HINCRBY', 'h', 'n', '-7'), -2);
  h.run('HSET', 'h', 'big', '9223372036854775806', 'text', 'abc', 'spaced', ' 1');
  assert.equal(h.run('HINCRBY', 'h', 'big', '1'), 9223372036854775807n);
  rejects(h, 'ERR increment or decrement would overflow', 'HINCRBY', 'h', 'big', '1');
  rejects(h, 'ERR hash value is not an integer', 'HINCRBY', 'h', 'text', '1');
  rejects(h, 'ERR hash value is not an integer', 'HINCRBY', 'h', 'spaced', '1');
  rejects(h, 'ERR value is not an integer or out of range', 'HINCRBY', 'h', 'n', '1.5');
  rejects(
    h,
    'ERR value is not an integer or out of range',
    'HINCRBY',
    'h',
    'n',
    '9223372036854775808',
  );
  rejects(h, 'ERR value is not an integer or out of range', 'HINCRBY', 'new', 'n', 'x');
  assert.equal(h.db.data.has('new'), false);
});

test('HINCRBYFLOAT: formatting and exact errors', () => {
  const h = setup();
  assert.equal(h.run('HINCRBYFLOAT', 'h', 'f', '10.5'), '10.5');
  assert.equal(h.run('HINCRBYFLOAT', 'h', 'f', '0.1'), '10.6');
  assert.equal(h.run('HINCRBYFLOAT', 'h', 'g', '5.0e3'), '5000');
  assert.equal(h.run('HINCRBYFLOAT', 'h', 'g', '-5000'), '0');
  assert.equal(h.run('HGET', 'h', 'f'), '10.6');
  h.run('HSET', 'h', 'text', 'abc');
  rejects(h, 'ERR hash value is not a float', 'HINCRBYFLOAT', 'h', 'text', '1');
  rejects(h, 'ERR value is not a valid float', 'HINCRBYFLOAT', 'h', 'f', 'abc');
  rejects(h, 'ERR value is not a valid float', 'HINCRBYFLOAT', 'h', 'f', 'nan');
  rejects(h, 'ERR value is NaN or Infinity', 'HINCRBYFLOAT', 'h', 'f', 'inf');
  // Redis adds in 80-bit long double: 2 * 1.7e308 is finite there (a 309-digit reply).
  h.run('HSET', 'h', 'huge', '1.7e308');
  assert.equal((h.run('HINCRBYFLOAT', 'h', 'huge', '1.7e308') as string).length, 309);
  h.run('HSET', 'h', 'top', '1e4932');
  rejects(h, 'ERR increment would produce NaN or Infinity', 'HINCRBYFLOAT', 'h', 'top', '1e4932');
});

test('HRANDFIELD: shapes, counts, WITHVALUES pairs, determinism and errors', () => {
  const h = setup();
  assert.equal(h.run('HRANDFIELD', 'missing'), null);
  assert.deepEqual(h.run('HRANDFIELD', 'missing', '3'), []);
  h.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
  const one = h.run('HRANDFIELD', 'h');
  assert.ok(typeof one === 'string' && ['a', 'b', 'c'].includes(one));
  assert.deepEqual(h.run('HRANDFIELD', 'h', '0'), []);
  const all = h.run('HRANDFIELD', 'h', '10');
  assert.deepEqual([...(all as string[])].sort(), ['a', 'b', 'c']);
  const two = h.run('HRANDFIELD', 'h', '2') as string[];
  assert.equal(new Set(two).size, 2);
  const repeated = h.run('HRANDFIELD', 'h', '-7') as string[];
  assert.equal(repeated.length, 7);
  const pairs = h.run('HRANDFIELD', 'h', '-2', 'withvalues');
  assert.ok(pairs instanceof PairsReply);
  assert.equal(pairs.items.length, 4);
  for (let i = 0; i < 4; i += 2) {
    assert.equal(h.run('HGET', 'h', pairs.items[i] as string), pairs.items[i + 1]);
  }
  assert.match(wire(pairs, 3), /^\*2\r\n\*2\r\n/);
  assert.match(wire(pairs, 2), /^\*4\r\n\$1\r\n/);
  rejects(h, 'ERR syntax error', 'HRANDFIELD', 'h', '2', 'VALUES');
  rejects(h, 'ERR syntax error', 'HRANDFIELD', 'h', '2', 'WITHVALUES', 'x');
  rejects(h, 'ERR value is not an integer or out of range', 'HRANDFIELD', 'h', 'x');
  rejects(h, 'ERR value is out of range', 'HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES');
  rejects(
    h,
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    'HRANDFIELD',
    'h',
    '-9223372036854775808',
  );
  rejects(h, 'ERR value is out of range', 'HRANDFIELD', 'h', '-100000000');
});

test('HRANDFIELD is deterministic for the same entry index and time', () => {
  const pick = (): Reply => {
    const h = setup();
    for (let i = 0; i < 50; i++) h.run('HSET', 'h', `f${i}`, `${i}`);
    return h.run('HRANDFIELD', 'h', '5');
  };
  assert.deepEqual(pick(), pick());
});

test('HSCAN walks every field, honours MATCH, NOVALUES and rejects bad cursors/options', () => {
  const h = setup();
  assert.deepEqual(h.run('HSCAN', 'missing', '0'), ['0', []]);
  for (let i = 0; i < 300; i++) h.run('HSET', 'h', `f${i}`, `v${i}`);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = h.run('HSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  assert.equal(seen.size, 300);
  assert.equal(seen.get('f7'), 'v7');
  const [, matched] = h.run('HSCAN', 'h', '0', 'MATCH', 'f1?', 'COUNT', '1000') as [
    string,
    string[],
  ];
  assert.equal(matched.length, 20);
  const [, fieldsOnly] = h.run('HSCAN', 'h', '0', 'MATCH', 'f29?', 'COUNT', '1000', 'NOVALUES') as [
    string,
    string[],
  ];
  assert.deepEqual([...fieldsOnly].sort(), [
    'f290',
    'f291',
    'f292',
    'f293',
    'f294',
    'f295',
    'f296',
    'f297',
    'f298',
    'f299',
  ]);
  rejects(h, 'ERR invalid cursor', 'HSCAN', 'h', 'abc');
  rejects(h, 'ERR invalid cursor', 'HSCAN', 'h', ' 1');
  rejects(h, 'ERR invalid cursor', 'HSCAN', 'h', '18446744073709551616');
  // As Redis (strtoul): "-1" is 2^64 - 1, past every cursor, and "" is 0.
  assert.deepEqual(h.run('HSCAN', 'h', '-1'), ['0', []]);
  assert.equal((h.run('HSCAN', 'h', '', 'COUNT', '1000') as unknown[])[0], '0');
  rejects(h, 'ERR syntax error', 'HSCAN', 'h', '0', 'COUNT', '0');
  rejects(h, 'ERR value is not an integer or out of range', 'HSCAN', 'h', '0', 'COUNT', 'x');
  rejects(h, 'ERR syntax error', 'HSCAN', 'h', '0', 'MATCH');
  rejects(h, 'ERR syntax error', 'HSCAN', 'h', '0', 'TYPE', 'hash');
});

test('writes to an expired hash start from an empty one', () => {
  const h = setup();
  h.run('HSET', 'h', 'a', '1');
  h.db.setExpiry('h', h.nowMs + 1000);
  h.nowMs += 2000;
  assert.equal(h.run('HGET', 'h', 'a'), null);
  assert.equal(h.run('HSET', 'h', 'b', '2'), 1);
  assert.deepEqual(h.run('HKEYS', 'h'), ['b']);
  assert.equal(h.db.expiresAt('h'), undefined);
});

describe('HINCRBYFLOAT over TCP', () => {
  const session = wireSession();

  // Replies of redis-server 7.0.15 to these commands, in this order, recorded over TCP: the
  // increment and the stored value are read by strtold (hexadecimal floats included).
  const REDIS: readonly WireCase[] = [
    [['DEL', 'h'], ':0\r\n'],
    [['HSET', 'h', 'hex', '0x10', 'bad', '0x1p', 'sp', ' 1'], ':3\r\n'],
    [['HINCRBYFLOAT', 'h', 'hex', '1'], '$2\r\n17\r\n'],
    [['HINCRBYFLOAT', 'h', 'hex', '0x1p-2'], '$5\r\n17.25\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', '0X1.8P1'], '$1\r\n3\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', '-0x.8'], '$3\r\n2.5\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', '0x'], '-ERR value is not a valid float\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', '0x1p'], '-ERR value is not a valid float\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', ' 1'], '-ERR value is not a valid float\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', 'nan'], '-ERR value is not a valid float\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', 'inf'], '-ERR value is NaN or Infinity\r\n'],
    [['HINCRBYFLOAT', 'h', 'f', '0x1p16384'], '-ERR value is not a valid float\r\n'],
    [['HINCRBYFLOAT', 'h', 'bad', '1'], '-ERR hash value is not a float\r\n'],
    [['HINCRBYFLOAT', 'h', 'sp', '1'], '-ERR hash value is not a float\r\n'],
    [['HINCRBYFLOAT', 'h', 'tiny', '0x1p-16445'], '$1\r\n0\r\n'],
    [['HMGET', 'h', 'hex', 'f', 'tiny'], '*3\r\n$5\r\n17.25\r\n$3\r\n2.5\r\n$1\r\n0\r\n'],
    [['DEL', 'h'], ':1\r\n'],
  ];

  it('answers with the bytes redis-server answers', async () => {
    await session.expect(REDIS);
  });
});
