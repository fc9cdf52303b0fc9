import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONGTYPE } from '../errors.js';
import { NULL_ARRAY, OK } from '../reply.js';
import { rejects } from '../collections/assertions.js';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { hashesCommands } from '../hashes/index.js';
import { listsCommands } from './index.js';

function setup(...elements: string[]): Harness {
  const h = new Harness(listsCommands, hashesCommands);
  h.db.put('str', 'plain');
  if (elements.length > 0) h.run('RPUSH', 'l', ...elements);
  return h;
}

const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_POSITIVE = 'ERR value is out of range, must be positive';

test('LPUSH/RPUSH/LPUSHX/RPUSHX order and lengths', () => {
  const h = setup();
  assert.equal(h.run('LPUSH', 'l', 'a', 'b'), 2);
  assert.equal(h.run('RPUSH', 'l', 'c'), 3);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['b', 'a', 'c']);
  assert.equal(h.run('LPUSHX', 'missing', 'x'), 0);
  assert.equal(h.run('RPUSHX', 'missing', 'x'), 0);
  assert.equal(h.db.data.has('missing'), false);
  assert.equal(h.run('LPUSHX', 'l', 'z'), 4);
  assert.equal(h.run('RPUSHX', 'l', 'y', 'w'), 6);
  assert.equal(h.db.changeIndex('l'), h.lastIndex, 'a push marks the key for WATCH');
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['z', 'b', 'a', 'c', 'y', 'w']);
});

test('LPOP/RPOP with and without count, RESP2/RESP3 null rules', () => {
  const h = setup('a', 'b', 'c', 'd');
  assert.equal(h.run('LPOP', 'l'), 'a');
  assert.equal(h.run('RPOP', 'l'), 'd');
  assert.deepEqual(h.run('LPOP', 'l', '0'), []);
  assert.deepEqual(h.run('RPOP', 'l', '5'), ['c', 'b']);
  assert.equal(h.db.data.has('l'), false, 'emptied list is deleted');
  assert.equal(h.run('LPOP', 'l'), null);
  const missing = h.run('LPOP', 'l', '2');
  assert.equal(missing, NULL_ARRAY);
  assert.equal(wire(missing, 2), '*-1\r\n');
  assert.equal(wire(missing, 3), '_\r\n');
  assert.equal(wire(h.run('RPOP', 'l'), 2), '$-1\r\n');
  h.run('RPUSH', 'l', 'x');
  rejects(h, NOT_POSITIVE, 'LPOP', 'l', '-1');
  rejects(h, NOT_POSITIVE, 'RPOP', 'l', 'abc');
  rejects(h, "ERR wrong number of arguments for 'lpop' command", 'LPOP', 'l', '1', '2');
  assert.deepEqual(h.run('LPOP', 'l', '9223372036854775807'), ['x']);
});

test('LLEN, LINDEX and LRANGE index rules', () => {
  const h = setup('a', 'b', 'c', 'd', 'e');
  assert.equal(h.run('LLEN', 'l'), 5);
  assert.equal(h.run('LLEN', 'missing'), 0);
  assert.equal(h.run('LINDEX', 'l', '0'), 'a');
  assert.equal(h.run('LINDEX', 'l', '-1'), 'e');
  assert.equal(h.run('LINDEX', 'l', '5'), null);
  assert.equal(h.run('LINDEX', 'l', '-6'), null);
  assert.equal(h.run('LINDEX', 'missing', 'notanumber'), null, 'key is looked up first');
  assert.deepEqual(h.run('LRANGE', 'l', '1', '2'), ['b', 'c']);
  assert.deepEqual(h.run('LRANGE', 'l', '-2', '100'), ['d', 'e']);
  assert.deepEqual(h.run('LRANGE', 'l', '-100', '0'), ['a']);
  assert.deepEqual(h.run('LRANGE', 'l', '3', '1'), []);
  assert.deepEqual(h.run('LRANGE', 'l', '5', '10'), []);
  assert.deepEqual(h.run('LRANGE', 'missing', '0', '-1'), []);
  assert.equal((h.run('LRANGE', 'l', '0', '9223372036854775807') as string[]).length, 5);
  rejects(h, NOT_INT, 'LINDEX', 'l', '1.5');
  rejects(h, NOT_INT, 'LRANGE', 'l', '0', 'x');
  rejects(h, NOT_INT, 'LRANGE', 'missing', '01', '2');
  rejects(h, NOT_INT, 'LRANGE', 'l', '0', '9223372036854775808');
});

test('LSET', () => {
  const h = setup('a', 'b', 'c');
  assert.equal(h.run('LSET', 'l', '-1', 'z'), OK);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['a', 'b', 'z']);
  rejects(h, 'ERR index out of range', 'LSET', 'l', '3', 'x');
  rejects(h, 'ERR index out of range', 'LSET', 'l', '-4', 'x');
  rejects(h, 'ERR no such key', 'LSET', 'missing', '0', 'x');
  rejects(h, NOT_INT, 'LSET', 'l', 'x', 'x');
});

test('LREM from head, tail and all', () => {
  const h = setup('a', 'x', 'b', 'x', 'c', 'x');
  assert.equal(h.run('LREM', 'l', '1', 'x'), 1);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['a', 'b', 'x', 'c', 'x']);
  assert.equal(h.run('LREM', 'l', '-1', 'x'), 1);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['a', 'b', 'x', 'c']);
  assert.equal(h.run('LREM', 'l', '0', 'nothing'), 0);
  assert.equal(h.run('LREM', 'missing', '0', 'x'), 0);
  h.run('RPUSH', 'm', 'q', 'q');
  assert.equal(h.run('LREM', 'm', '0', 'q'), 2);
  assert.equal(h.db.data.has('m'), false);
  rejects(h, NOT_INT, 'LREM', 'l', 'x', 'a');
});

test('LTRIM', () => {
  const h = setup('a', 'b', 'c', 'd', 'e');
  assert.equal(h.run('LTRIM', 'l', '1', '-2'), OK);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['b', 'c', 'd']);
  assert.equal(h.run('LTRIM', 'l', '0', '100'), OK);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['b', 'c', 'd']);
  assert.equal(h.run('LTRIM', 'missing', '0', '1'), OK);
  assert.equal(h.run('LTRIM', 'l', '5', '10'), OK);
  assert.equal(h.db.data.has('l'), false, 'trimmed to nothing deletes the key');
  rejects(h, NOT_INT, 'LTRIM', 'str', 'a', '1');
});

test('LINSERT', () => {
  const h = setup('a', 'c');
  assert.equal(h.run('LINSERT', 'l', 'BEFORE', 'c', 'b'), 3);
  assert.equal(h.run('LINSERT', 'l', 'after', 'c', 'd'), 4);
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-1'), ['a', 'b', 'c', 'd']);
  assert.equal(h.run('LINSERT', 'l', 'AFTER', 'zz', 'x'), -1);
  assert.equal(h.run('LINSERT', 'missing', 'AFTER', 'a', 'x'), 0);
  rejects(h, 'ERR syntax error', 'LINSERT', 'l', 'MIDDLE', 'a', 'x');
  rejects(h, 'ERR syntax error', 'LINSERT', 'str', 'MIDDLE', 'a', 'x');
});

test('LPOS with RANK, COUNT and MAXLEN', () => {
  const h = setup('a', 'b', 'c', '1', '2', '3', 'c', 'c');
  assert.equal(h.run('LPOS', 'l', 'c'), 2);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '2'), 6);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '-1'), 7);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '0'), [2, 6, 7]);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '2'), [2, 6]);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'RANK', '-1', 'COUNT', '2'), [7, 6]);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'), [2, 6]);
  assert.equal(h.run('LPOS', 'l', 'c', 'MAXLEN', '2'), null);
  assert.equal(h.run('LPOS', 'l', 'zz'), null);
  assert.deepEqual(h.run('LPOS', 'l', 'zz', 'COUNT', '1'), []);
  assert.equal(h.run('LPOS', 'missing', 'a'), null);
  assert.deepEqual(h.run('LPOS', 'missing', 'a', 'COUNT', '1'), []);
  rejects(
    h,
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    'LPOS',
    'l',
    'c',
    'RANK',
    '0',
  );
  rejects(h, "ERR COUNT can't be negative", 'LPOS', 'l', 'c', 'COUNT', '-1');
  rejects(h, "ERR COUNT can't be negative", 'LPOS', 'l', 'c', 'COUNT', 'x');
  rejects(h, "ERR MAXLEN can't be negative", 'LPOS', 'l', 'c', 'MAXLEN', '-1');
  rejects(h, NOT_INT, 'LPOS', 'l', 'c', 'RANK', 'x');
  rejects(
    h,
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    'LPOS',
    'l',
    'c',
    'RANK',
    '-9223372036854775808',
  );
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '-9223372036854775807'), null);
  rejects(h, 'ERR syntax error', 'LPOS', 'l', 'c', 'RANK');
  rejects(h, 'ERR syntax error', 'LPOS', 'l', 'c', 'FOO', '1');
});

test('LMOVE and RPOPLPUSH, including rotation on one key', () => {
  const h = setup('a', 'b', 'c');
  assert.equal(h.run('LMOVE', 'l', 'm', 'LEFT', 'RIGHT'), 'a');
  assert.equal(h.run('LMOVE', 'l', 'm', 'right', 'left'), 'c');
  assert.deepEqual(h.run('LRANGE', 'm', '0', '-1'), ['c', 'a']);
  assert.equal(h.run('RPOPLPUSH', 'm', 'm'), 'a');
  assert.deepEqual(h.run('LRANGE', 'm', '0', '-1'), ['a', 'c']);
  assert.equal(h.run('RPOPLPUSH', 'l', 'n'), 'b');
  assert.equal(h.db.data.has('l'), false);
  assert.equal(h.run('LMOVE', 'missing', 'm', 'LEFT', 'LEFT'), null);
  assert.equal(
    h.run('RPOPLPUSH', 'missing', 'str'),
    null,
    'missing source wins over wrong destination',
  );
  h.run('RPUSH', 'one', 'x');
  assert.equal(h.run('LMOVE', 'one', 'one', 'LEFT', 'RIGHT'), 'x');
  assert.deepEqual(h.run('LRANGE', 'one', '0', '-1'), ['x']);
  rejects(h, WRONGTYPE.text, 'LMOVE', 'm', 'str', 'LEFT', 'LEFT');
  rejects(h, WRONGTYPE.text, 'RPOPLPUSH', 'str', 'm');
  rejects(h, 'ERR syntax error', 'LMOVE', 'm', 'n', 'UP', 'LEFT');
});

test('every list command answers WRONGTYPE on another kind and changes nothing', () => {
  const h = setup();
  h.run('HSET', 'hash', 'f', 'v');
  for (const key of ['str', 'hash']) {
    for (const args of [
      ['LPUSH', key, 'x'],
      ['RPUSH', key, 'x'],
      ['LPUSHX', key, 'x'],
      ['RPUSHX', key, 'x'],
      ['LPOP', key],
      ['RPOP', key, '2'],
      ['LLEN', key],
      ['LRANGE', key, '0', '-1'],
      ['LINDEX', key, '0'],
      ['LSET', key, '0', 'x'],
      ['LREM', key, '0', 'x'],
      ['LTRIM', key, '0', '1'],
      ['LINSERT', key, 'BEFORE', 'a', 'b'],
      ['LPOS', key, 'x'],
      ['LMOVE', key, 'dst', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', key, 'dst'],
    ]) {
      rejects(h, WRONGTYPE.text, ...args);
    }
  }
});

test('LRANGE 0 599 over a 1000-element list (redis-benchmark shape)', () => {
  const h = setup();
  for (let i = 0; i < 1000; i++) h.run('LPUSH', 'l', `v${i}`);
  const range = h.run('LRANGE', 'l', '0', '599') as string[];
  assert.equal(range.length, 600);
  assert.equal(range[0], 'v999');
  assert.equal(range[599], 'v400');
});
