import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONGTYPE } from '../errors.js';
import { DoubleReply, NULL_ARRAY, PairsReply, type Reply } from '../reply.js';
import { rejects } from '../collections/assertions.js';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { setsCommands } from '../sets/index.js';
import { formatScore } from './common.js';
import { zsetsCommands } from './index.js';

function setup(): Harness {
  const h = new Harness(zsetsCommands, setsCommands);
  h.db.put('str', 'plain');
  return h;
}

/** z: a=1 b=2 c=3 d=4 e=5 */
function filled(): Harness {
  const h = setup();
  h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  return h;
}

function score(reply: Reply): number {
  assert.ok(reply instanceof DoubleReply, `not a double: ${JSON.stringify(reply)}`);
  return reply.value;
}

/** A WITHSCORES reply as [member, score] tuples. */
function pairs(reply: Reply): [string, number][] {
  assert.ok(reply instanceof PairsReply, `not pairs: ${JSON.stringify(reply)}`);
  const out: [string, number][] = [];
  for (let i = 0; i < reply.items.length; i += 2) {
    out.push([reply.items[i] as string, score(reply.items[i + 1] ?? null)]);
  }
  return out;
}

const NOT_FLOAT = 'ERR value is not a valid float';
const NOT_INT = 'ERR value is not an integer or out of range';

test('ZADD basics, CH, NX, XX, GT, LT', () => {
  const h = setup();
  assert.equal(h.run('ZADD', 'z', '1', 'a', '2', 'b'), 2);
  assert.equal(h.run('ZADD', 'z', '3', 'a', '4', 'c'), 1);
  assert.equal(h.run('ZADD', 'z', 'CH', '5', 'a', '4', 'c', '9', 'd'), 2);
  assert.equal(h.run('ZADD', 'z', 'NX', '100', 'a', '6', 'e'), 1);
  assert.equal(score(h.run('ZSCORE', 'z', 'a')), 5);
  assert.equal(h.run('ZADD', 'z', 'XX', 'CH', '7', 'a', '1', 'new'), 1);
  assert.equal(h.run('ZSCORE', 'z', 'new'), null);
  assert.equal(h.run('ZADD', 'z', 'GT', 'CH', '1', 'a', '8', 'b'), 1);
  assert.equal(score(h.run('ZSCORE', 'z', 'a')), 7);
  assert.equal(h.run('ZADD', 'z', 'lt', 'ch', '0', 'a', '100', 'b'), 1);
  assert.equal(score(h.run('ZSCORE', 'z', 'a')), 0);
  assert.equal(h.run('ZADD', 'z', 'GT', '3', 'fresh'), 1, 'GT/LT still add new members');
  assert.equal(h.run('ZADD', 'missing', 'XX', '1', 'a'), 0);
  assert.equal(h.db.data.has('missing'), false);
  assert.equal(h.run('ZCARD', 'z'), 6);
});

test('ZADD INCR and ZINCRBY reply doubles; NaN and aborted INCR', () => {
  const h = setup();
  assert.equal(score(h.run('ZADD', 'z', 'INCR', '1.5', 'a')), 1.5);
  assert.equal(score(h.run('ZINCRBY', 'z', '2', 'a')), 3.5);
  assert.equal(score(h.run('ZINCRBY', 'z', '-1e3', 'b')), -1000);
  assert.equal(h.run('ZADD', 'z', 'NX', 'INCR', '1', 'a'), null);
  assert.equal(h.run('ZADD', 'z', 'XX', 'INCR', '1', 'nobody'), null);
  assert.equal(h.run('ZADD', 'missing', 'XX', 'INCR', '1', 'a'), null);
  assert.equal(h.run('ZADD', 'z', 'GT', 'INCR', '-1', 'a'), null);
  h.run('ZADD', 'z', 'inf', 'top');
  rejects(h, 'ERR resulting score is not a number (NaN)', 'ZINCRBY', 'z', '-inf', 'top');
  rejects(h, 'ERR resulting score is not a number (NaN)', 'ZADD', 'z', 'INCR', '-inf', 'top');
  rejects(h, NOT_FLOAT, 'ZINCRBY', 'z', 'abc', 'a');
  assert.equal(wire(h.run('ZINCRBY', 'z', '0.5', 'a'), 2), '$1\r\n4\r\n');
  assert.equal(wire(h.run('ZINCRBY', 'z', '0.25', 'a'), 3), ',4.25\r\n');
});

test('ZADD option and argument errors are exact and change nothing', () => {
  const h = filled();
  rejects(
    h,
    'ERR XX and NX options at the same time are not compatible',
    'ZADD',
    'z',
    'NX',
    'XX',
    '1',
    'a',
  );
  rejects(
    h,
    'ERR GT, LT, and/or NX options at the same time are not compatible',
    'ZADD',
    'z',
    'GT',
    'LT',
    '1',
    'a',
  );
  rejects(
    h,
    'ERR GT, LT, and/or NX options at the same time are not compatible',
    'ZADD',
    'z',
    'NX',
    'GT',
    '1',
    'a',
  );
  rejects(
    h,
    'ERR INCR option supports a single increment-element pair',
    'ZADD',
    'z',
    'INCR',
    '1',
    'a',
    '2',
    'b',
  );
  rejects(h, 'ERR syntax error', 'ZADD', 'z', '1', 'a', '2');
  rejects(h, 'ERR syntax error', 'ZADD', 'z', 'NX', 'CH');
  rejects(h, NOT_FLOAT, 'ZADD', 'z', '1', 'a', 'x', 'b');
  rejects(h, NOT_FLOAT, 'ZADD', 'z', 'nan', 'a');
  rejects(h, NOT_FLOAT, 'ZADD', 'z', '1e400', 'a');
  rejects(h, NOT_FLOAT, 'ZADD', 'new', ' 1', 'a');
  assert.equal(h.db.data.has('new'), false);
  assert.equal(h.run('ZADD', 'z', '-inf', 'low', '+inf', 'high'), 2);
});

test('ZREM, ZSCORE, ZMSCORE, ZCARD', () => {
  const h = filled();
  assert.equal(h.run('ZREM', 'z', 'a', 'zz', 'a'), 1);
  assert.equal(h.run('ZREM', 'missing', 'a'), 0);
  assert.equal(h.run('ZSCORE', 'z', 'a'), null);
  assert.equal(h.run('ZSCORE', 'missing', 'a'), null);
  const scores = h.run('ZMSCORE', 'z', 'b', 'zz', 'e') as Reply[];
  assert.equal(score(scores[0] ?? null), 2);
  assert.equal(scores[1], null);
  assert.equal(score(scores[2] ?? null), 5);
  assert.deepEqual(h.run('ZMSCORE', 'missing', 'a', 'b'), [null, null]);
  assert.equal(h.run('ZREM', 'z', 'b', 'c', 'd', 'e'), 4);
  assert.equal(h.db.data.has('z'), false);
  assert.equal(h.run('ZCARD', 'z'), 0);
});

test('ZCOUNT bounds: inclusive, exclusive, infinities and errors', () => {
  const h = filled();
  assert.equal(h.run('ZCOUNT', 'z', '2', '4'), 3);
  assert.equal(h.run('ZCOUNT', 'z', '(2', '4'), 2);
  assert.equal(h.run('ZCOUNT', 'z', '(2', '(4'), 1);
  assert.equal(h.run('ZCOUNT', 'z', '-inf', '+inf'), 5);
  assert.equal(h.run('ZCOUNT', 'z', '(1', '(1'), 0);
  assert.equal(h.run('ZCOUNT', 'z', '4', '2'), 0);
  assert.equal(h.run('ZCOUNT', 'z', '6', 'inf'), 0);
  assert.equal(h.run('ZCOUNT', 'missing', '0', '1'), 0);
  rejects(h, 'ERR min or max is not a float', 'ZCOUNT', 'z', 'x', '1');
  // strtod converts nothing in "(" and Redis checks only the end pointer: "(" is (0.
  assert.equal(h.run('ZCOUNT', 'z', '-inf', '('), 0);
  rejects(h, 'ERR min or max is not a float', 'ZCOUNT', 'z', 'nan', '1');
  rejects(h, 'ERR min or max is not a float', 'ZCOUNT', 'missing', '[1', '2');
});

test('ZRANGE by rank, REV, WITHSCORES; RESP2 flat and RESP3 nested wire shapes', () => {
  const h = filled();
  assert.deepEqual(h.run('ZRANGE', 'z', '0', '-1'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(h.run('ZRANGE', 'z', '-2', '100'), ['d', 'e']);
  assert.deepEqual(h.run('ZRANGE', 'z', '0', '1', 'REV'), ['e', 'd']);
  assert.deepEqual(h.run('ZREVRANGE', 'z', '1', '2'), ['d', 'c']);
  assert.deepEqual(h.run('ZRANGE', 'z', '3', '1'), []);
  assert.deepEqual(h.run('ZRANGE', 'missing', '0', '-1'), []);
  const withScores = h.run('ZRANGE', 'z', '0', '1', 'WITHSCORES');
  assert.deepEqual(pairs(withScores), [
    ['a', 1],
    ['b', 2],
  ]);
  assert.equal(wire(withScores, 2), '*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.equal(wire(withScores, 3), '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  assert.deepEqual(pairs(h.run('ZREVRANGE', 'z', '0', '0', 'withscores')), [['e', 5]]);
});

test('ZRANGE BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE with LIMIT', () => {
  const h = filled();
  assert.deepEqual(h.run('ZRANGE', 'z', '(1', '4', 'BYSCORE'), ['b', 'c', 'd']);
  assert.deepEqual(h.run('ZRANGE', 'z', '4', '(1', 'BYSCORE', 'REV'), ['d', 'c', 'b']);
  assert.deepEqual(h.run('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1', '2'), ['b', 'c']);
  assert.deepEqual(h.run('ZRANGEBYSCORE', 'z', '2', '5', 'LIMIT', '1', '-1'), ['c', 'd', 'e']);
  assert.deepEqual(h.run('ZRANGEBYSCORE', 'z', '2', '5', 'LIMIT', '1', '0'), []);
  assert.deepEqual(h.run('ZRANGEBYSCORE', 'z', '2', '5', 'LIMIT', '-1', '2'), []);
  assert.deepEqual(h.run('ZRANGEBYSCORE', 'z', '2', '5', 'LIMIT', '10', '2'), []);
  assert.deepEqual(pairs(h.run('ZRANGEBYSCORE', 'z', '4', 'inf', 'WITHSCORES')), [
    ['d', 4],
    ['e', 5],
  ]);
  assert.deepEqual(h.run('ZREVRANGEBYSCORE', 'z', '+inf', '(3'), ['e', 'd']);
  assert.deepEqual(h.run('ZREVRANGEBYSCORE', 'z', '5', '1', 'LIMIT', '1', '2'), ['d', 'c']);
  assert.deepEqual(h.run('ZRANGEBYSCORE', 'z', '6', '10'), []);
});

test('ZRANGE BYLEX / ZRANGEBYLEX / ZREVRANGEBYLEX / ZLEXCOUNT', () => {
  const h = setup();
  h.run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
  assert.deepEqual(h.run('ZRANGE', 'l', '[b', '(d', 'BYLEX'), ['b', 'c']);
  assert.deepEqual(h.run('ZRANGEBYLEX', 'l', '-', '+'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(h.run('ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '1', '2'), ['b', 'c']);
  assert.deepEqual(h.run('ZREVRANGEBYLEX', 'l', '+', '[c'), ['e', 'd', 'c']);
  assert.deepEqual(h.run('ZRANGE', 'l', '(c', '-', 'BYLEX', 'REV'), ['b', 'a']);
  assert.deepEqual(h.run('ZRANGEBYLEX', 'l', '+', '-'), []);
  assert.equal(h.run('ZLEXCOUNT', 'l', '-', '+'), 5);
  assert.equal(h.run('ZLEXCOUNT', 'l', '(a', '[c'), 2);
  assert.equal(h.run('ZLEXCOUNT', 'l', '-', '-'), 0);
  assert.equal(h.run('ZLEXCOUNT', 'missing', '-', '+'), 0);
  const bad = 'ERR min or max not valid string range item';
  rejects(h, bad, 'ZRANGEBYLEX', 'l', 'a', '+');
  rejects(h, bad, 'ZRANGEBYLEX', 'l', '-', '++');
  rejects(h, bad, 'ZLEXCOUNT', 'l', '', '+');
  rejects(h, bad, 'ZRANGE', 'l', '1', '2', 'BYLEX');
});

test('ZRANGE option errors are exact, in Redis order', () => {
  const h = filled();
  rejects(
    h,
    'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    'ZRANGE',
    'z',
    '0',
    '1',
    'LIMIT',
    '0',
    '1',
  );
  rejects(
    h,
    'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    'ZRANGE',
    'z',
    '-',
    '+',
    'BYLEX',
    'WITHSCORES',
  );
  rejects(
    h,
    'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    'ZRANGEBYLEX',
    'z',
    '-',
    '+',
    'WITHSCORES',
  );
  rejects(h, 'ERR syntax error', 'ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX');
  rejects(h, 'ERR syntax error', 'ZRANGE', 'z', '0', '1', 'LIMIT', '1');
  rejects(h, 'ERR syntax error', 'ZRANGE', 'z', '0', '1', 'REV', 'REV');
  rejects(h, 'ERR syntax error', 'ZRANGEBYSCORE', 'z', '0', '1', 'REV');
  rejects(h, 'ERR syntax error', 'ZREVRANGE', 'z', '0', '1', 'BYSCORE');
  rejects(h, NOT_INT, 'ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', 'x', '1');
  rejects(h, NOT_INT, 'ZRANGE', 'z', 'a', '1');
  rejects(h, NOT_INT, 'ZRANGE', 'missing', '0', '1.5');
  rejects(h, 'ERR min or max is not a float', 'ZRANGE', 'z', 'a', '1', 'BYSCORE');
  // LIMIT with a -1 count is "no limit", so Redis accepts it with a rank range.
  assert.deepEqual(h.run('ZRANGE', 'z', '0', '0', 'LIMIT', '5', '-1'), ['a']);
});

test('ZRANK / ZREVRANK with WITHSCORE', () => {
  const h = filled();
  assert.equal(h.run('ZRANK', 'z', 'a'), 0);
  assert.equal(h.run('ZRANK', 'z', 'e'), 4);
  assert.equal(h.run('ZREVRANK', 'z', 'e'), 0);
  assert.equal(h.run('ZRANK', 'z', 'zz'), null);
  assert.equal(h.run('ZRANK', 'missing', 'a'), null);
  const withScore = h.run('ZREVRANK', 'z', 'b', 'WITHSCORE') as Reply[];
  assert.equal(withScore[0], 3);
  assert.equal(score(withScore[1] ?? null), 2);
  assert.equal(h.run('ZRANK', 'z', 'zz', 'withscore'), NULL_ARRAY);
  assert.equal(h.run('ZRANK', 'missing', 'a', 'WITHSCORE'), NULL_ARRAY);
  rejects(h, 'ERR syntax error', 'ZRANK', 'z', 'a', 'WITHSCORES');
  rejects(
    h,
    "ERR wrong number of arguments for 'zrank' command",
    'ZRANK',
    'z',
    'a',
    'WITHSCORE',
    'x',
  );
});

test('ZPOPMIN / ZPOPMAX: flat without count, pairs with count, deletes emptied key', () => {
  const h = filled();
  const one = h.run('ZPOPMIN', 'z');
  assert.ok(Array.isArray(one));
  assert.equal(one[0], 'a');
  assert.equal(score(one[1] ?? null), 1);
  assert.equal(wire(one, 3), '*2\r\n$1\r\na\r\n,1\r\n');
  const two = h.run('ZPOPMAX', 'z', '2');
  assert.deepEqual(pairs(two), [
    ['e', 5],
    ['d', 4],
  ]);
  assert.equal(wire(two, 3), '*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n');
  assert.equal(wire(two, 2), '*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n');
  assert.deepEqual(h.run('ZPOPMIN', 'z', '0'), []);
  assert.deepEqual(pairs(h.run('ZPOPMIN', 'z', '10')), [
    ['b', 2],
    ['c', 3],
  ]);
  assert.equal(h.db.data.has('z'), false);
  assert.deepEqual(h.run('ZPOPMIN', 'z'), []);
  assert.deepEqual(h.run('ZPOPMAX', 'z', '3'), []);
  h.run('ZADD', 'z', '1', 'a');
  rejects(h, 'ERR value is out of range, must be positive', 'ZPOPMIN', 'z', '-1');
  rejects(h, 'ERR value is out of range, must be positive', 'ZPOPMAX', 'z', 'x');
  rejects(h, 'ERR syntax error', 'ZPOPMIN', 'z', '1', '2');
});

test('ZSCAN returns member/score strings and walks everything', () => {
  const h = setup();
  assert.deepEqual(h.run('ZSCAN', 'missing', '0'), ['0', []]);
  for (let i = 0; i < 150; i++) h.run('ZADD', 'z', String(i / 4), `m${i}`);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = h.run('ZSCAN', 'z', cursor, 'COUNT', '7') as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  assert.equal(seen.size, 150);
  assert.equal(seen.get('m6'), '1.5');
  assert.equal(seen.get('m8'), '2');
  rejects(h, 'ERR invalid cursor', 'ZSCAN', 'z', '1.5');
});

test('formatScore follows Redis d2string', () => {
  assert.equal(formatScore(1), '1');
  assert.equal(formatScore(-0), '-0');
  assert.equal(formatScore(Infinity), 'inf');
  assert.equal(formatScore(-Infinity), '-inf');
  assert.equal(formatScore(0.1), '0.1');
  assert.equal(formatScore(1e18), '1000000000000000000');
  assert.equal(formatScore(1e20), '1e+20');
  assert.equal(formatScore(1e-7), '1e-7');
  assert.equal(formatScore(-2.5), '-2.5');
  assert.equal(formatScore(1.5e300), '1.5e+300');
});

test('every sorted-set command answers WRONGTYPE on another kind and changes nothing', () => {
  const h = setup();
  h.run('SADD', 'set', 'x');
  for (const key of ['str', 'set']) {
    for (const args of [
      ['ZADD', key, '1', 'a'],
      ['ZINCRBY', key, '1', 'a'],
      ['ZREM', key, 'a'],
      ['ZSCORE', key, 'a'],
      ['ZMSCORE', key, 'a'],
      ['ZCARD', key],
      ['ZCOUNT', key, '0', '1'],
      ['ZLEXCOUNT', key, '-', '+'],
      ['ZRANGE', key, '0', '1'],
      ['ZRANGEBYSCORE', key, '0', '1'],
      ['ZREVRANGEBYSCORE', key, '1', '0'],
      ['ZREVRANGE', key, '0', '1'],
      ['ZRANGEBYLEX', key, '-', '+'],
      ['ZREVRANGEBYLEX', key, '+', '-'],
      ['ZRANK', key, 'a'],
      ['ZREVRANK', key, 'a'],
      ['ZPOPMIN', key],
      ['ZPOPMAX', key, '2'],
      ['ZSCAN', key, '0'],
    ]) {
      rejects(h, WRONGTYPE.text, ...args);
    }
  }
});

test('a larger set keeps ranks, ranges and pops consistent', () => {
  const h = setup();
  for (let i = 0; i < 2000; i++) h.run('ZADD', 'z', String((i * 7919) % 1000), `m${i}`);
  assert.equal(h.run('ZCARD', 'z'), 2000);
  assert.equal(h.run('ZCOUNT', 'z', '100', '(200'), 200);
  const range = h.run('ZRANGE', 'z', '100', '(200', 'BYSCORE') as string[];
  assert.equal(range.length, 200);
  assert.equal(h.run('ZRANK', 'z', range[0] as string), 200);
  const popped = pairs(h.run('ZPOPMIN', 'z', '5'));
  assert.deepEqual(
    popped.map(([, s]) => s),
    [0, 0, 1, 1, 2],
  );
  assert.deepEqual(popped.map(([m]) => m).slice(0, 2), ['m0', 'm1000']);
});

test('ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX', () => {
  const h = filled();
  assert.equal(h.run('ZREMRANGEBYRANK', 'z', '0', '1'), 2);
  assert.deepEqual(h.run('ZRANGE', 'z', '0', '-1'), ['c', 'd', 'e']);
  assert.equal(h.run('ZREMRANGEBYRANK', 'z', '-1', '-1'), 1);
  assert.equal(h.run('ZREMRANGEBYRANK', 'z', '5', '10'), 0);
  assert.equal(h.run('ZREMRANGEBYSCORE', 'z', '(3', '+inf'), 1);
  assert.deepEqual(h.run('ZRANGE', 'z', '0', '-1'), ['c']);
  assert.equal(h.run('ZREMRANGEBYSCORE', 'z', '-inf', '(3'), 0);
  assert.equal(h.run('ZREMRANGEBYSCORE', 'z', '3', '3'), 1);
  assert.equal(h.db.data.has('z'), false, 'emptied set is deleted');
  assert.equal(h.run('ZREMRANGEBYRANK', 'missing', '0', '-1'), 0);
  h.run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
  assert.equal(h.run('ZREMRANGEBYLEX', 'l', '(a', '[c'), 2);
  assert.deepEqual(h.run('ZRANGE', 'l', '0', '-1'), ['a', 'd']);
  rejects(h, NOT_INT, 'ZREMRANGEBYRANK', 'l', 'x', '1');
  rejects(h, 'ERR min or max is not a float', 'ZREMRANGEBYSCORE', 'l', 'x', '1');
  rejects(h, 'ERR min or max not valid string range item', 'ZREMRANGEBYLEX', 'l', 'a', '+');
  rejects(h, WRONGTYPE.text, 'ZREMRANGEBYSCORE', 'str', '0', '1');
  rejects(h, NOT_INT, 'ZREMRANGEBYRANK', 'str', 'x', '1');
});

test('ZRANDMEMBER: shapes, WITHSCORES pairs, repetition and errors', () => {
  const h = filled();
  assert.equal(h.run('ZRANDMEMBER', 'missing'), null);
  assert.deepEqual(h.run('ZRANDMEMBER', 'missing', '2'), []);
  assert.ok('abcde'.includes(h.run('ZRANDMEMBER', 'z') as string));
  assert.deepEqual(h.run('ZRANDMEMBER', 'z', '0'), []);
  assert.equal(new Set(h.run('ZRANDMEMBER', 'z', '3') as string[]).size, 3);
  assert.equal((h.run('ZRANDMEMBER', 'z', '-8') as string[]).length, 8);
  const withScores = pairs(h.run('ZRANDMEMBER', 'z', '10', 'WITHSCORES'));
  assert.equal(withScores.length, 5);
  for (const [member, value] of withScores)
    assert.equal(score(h.run('ZSCORE', 'z', member)), value);
  rejects(h, 'ERR syntax error', 'ZRANDMEMBER', 'z', '1', 'WITHSCORE');
  rejects(h, NOT_INT, 'ZRANDMEMBER', 'z', 'x');
  rejects(h, WRONGTYPE.text, 'ZRANDMEMBER', 'str', '1');
});
