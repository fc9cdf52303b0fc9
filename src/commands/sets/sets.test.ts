import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONGTYPE } from '../errors.js';
import { SetReply, type Reply } from '../reply.js';
import { rejects } from '../collections/assertions.js';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { listsCommands } from '../lists/index.js';
import { setsCommands } from './index.js';

function setup(): Harness {
  const h = new Harness(setsCommands, listsCommands);
  h.db.put('str', 'plain');
  return h;
}

function sorted(reply: Reply): string[] {
  const items = reply instanceof SetReply ? reply.items : (reply as string[]);
  return [...(items as string[])].sort();
}

test('SADD/SREM/SCARD/SISMEMBER/SMISMEMBER/SMEMBERS', () => {
  const h = setup();
  assert.equal(h.run('SADD', 's', 'a', 'b', 'a'), 2);
  assert.equal(h.run('SADD', 's', 'b', 'c'), 1);
  const before = h.db.changeIndex('s');
  assert.equal(h.run('SADD', 's', 'a'), 0);
  assert.equal(h.db.changeIndex('s'), before, 'no-op SADD does not touch WATCH');
  assert.equal(h.run('SCARD', 's'), 3);
  assert.equal(h.run('SCARD', 'missing'), 0);
  assert.equal(h.run('SISMEMBER', 's', 'a'), 1);
  assert.equal(h.run('SISMEMBER', 's', 'z'), 0);
  assert.equal(h.run('SISMEMBER', 'missing', 'a'), 0);
  assert.deepEqual(h.run('SMISMEMBER', 's', 'a', 'z', 'c'), [1, 0, 1]);
  assert.deepEqual(h.run('SMISMEMBER', 'missing', 'a'), [0]);
  const members = h.run('SMEMBERS', 's');
  assert.ok(members instanceof SetReply);
  assert.deepEqual(sorted(members), ['a', 'b', 'c']);
  const empty = h.run('SMEMBERS', 'missing');
  assert.equal(wire(empty, 3), '~0\r\n');
  assert.equal(wire(empty, 2), '*0\r\n');
  assert.equal(h.run('SREM', 's', 'a', 'z'), 1);
  assert.equal(h.run('SREM', 'missing', 'a'), 0);
  assert.equal(h.run('SREM', 's', 'b', 'c'), 2);
  assert.equal(h.db.data.has('s'), false);
});

test('SPOP: single, count, whole set, empty and errors', () => {
  const h = setup();
  h.run('SADD', 's', 'a', 'b', 'c', 'd', 'e');
  const one = h.run('SPOP', 's');
  assert.ok(typeof one === 'string' && 'abcde'.includes(one));
  assert.equal(h.run('SCARD', 's'), 4);
  const two = h.run('SPOP', 's', '2');
  assert.ok(two instanceof SetReply);
  assert.equal(two.items.length, 2);
  assert.equal(h.run('SCARD', 's'), 2);
  assert.deepEqual(h.run('SPOP', 's', '0'), new SetReply([]));
  const rest = h.run('SPOP', 's', '100');
  assert.equal(sorted(rest).length, 2);
  assert.equal(h.db.data.has('s'), false);
  assert.equal(h.run('SPOP', 's'), null);
  assert.equal(wire(h.run('SPOP', 's', '3'), 3), '~0\r\n');
  h.run('SADD', 's', 'x');
  rejects(h, 'ERR value is out of range, must be positive', 'SPOP', 's', '-1');
  rejects(h, 'ERR value is out of range, must be positive', 'SPOP', 's', 'x');
  rejects(h, 'ERR syntax error', 'SPOP', 's', '1', '2');
});

test('SPOP and SRANDMEMBER are deterministic under the same entry index (replicas agree)', () => {
  const run = (): Reply[] => {
    const h = setup();
    for (let i = 0; i < 100; i++) h.run('SADD', 's', `m${i}`);
    return [h.run('SPOP', 's'), h.run('SPOP', 's', '10'), h.run('SRANDMEMBER', 's', '-5')];
  };
  const first = run();
  assert.deepEqual(run(), first);
  // And the choice depends on the entry: another index picks differently (with overwhelming odds).
  const h = setup();
  for (let i = 0; i < 100; i++) h.run('SADD', 's', `m${i}`);
  h.run('SCARD', 's'); // shifts the entry index by one
  assert.notDeepEqual([h.run('SPOP', 's', '10')], [first[1]]);
});

test('SRANDMEMBER: counts, repetition and errors; never changes the set', () => {
  const h = setup();
  assert.equal(h.run('SRANDMEMBER', 'missing'), null);
  assert.deepEqual(h.run('SRANDMEMBER', 'missing', '5'), []);
  h.run('SADD', 's', 'a', 'b', 'c');
  const before = h.dump();
  assert.ok(['a', 'b', 'c'].includes(h.run('SRANDMEMBER', 's') as string));
  assert.deepEqual(h.run('SRANDMEMBER', 's', '0'), []);
  assert.deepEqual(sorted(h.run('SRANDMEMBER', 's', '10')), ['a', 'b', 'c']);
  assert.equal(new Set(h.run('SRANDMEMBER', 's', '2') as string[]).size, 2);
  assert.equal((h.run('SRANDMEMBER', 's', '-10') as string[]).length, 10);
  assert.deepEqual(h.dump(), before);
  rejects(h, 'ERR value is not an integer or out of range', 'SRANDMEMBER', 's', 'x');
  rejects(h, 'ERR value is out of range', 'SRANDMEMBER', 's', '-100000000');
  rejects(h, 'ERR syntax error', 'SRANDMEMBER', 's', '1', '2');
});

test('SINTER/SUNION/SDIFF and their STORE forms', () => {
  const h = setup();
  h.run('SADD', 'a', '1', '2', '3', '4');
  h.run('SADD', 'b', '2', '3', '5');
  h.run('SADD', 'c', '3', '4', '6');
  assert.deepEqual(sorted(h.run('SINTER', 'a', 'b')), ['2', '3']);
  assert.deepEqual(sorted(h.run('SINTER', 'a', 'b', 'c')), ['3']);
  assert.deepEqual(sorted(h.run('SINTER', 'a', 'missing')), []);
  assert.deepEqual(sorted(h.run('SUNION', 'a', 'b', 'missing')), ['1', '2', '3', '4', '5']);
  assert.deepEqual(sorted(h.run('SDIFF', 'a', 'b', 'c')), ['1']);
  assert.deepEqual(sorted(h.run('SDIFF', 'missing', 'a')), []);
  assert.ok(h.run('SINTER', 'a') instanceof SetReply);

  h.run('SADD', 'dst', 'old');
  h.db.setExpiry('dst', h.nowMs + 60_000);
  assert.equal(h.run('SINTERSTORE', 'dst', 'a', 'b'), 2);
  assert.deepEqual(sorted(h.run('SMEMBERS', 'dst')), ['2', '3']);
  assert.equal(h.db.expiresAt('dst'), undefined, 'STORE replaces the key and its TTL');
  assert.equal(h.run('SUNIONSTORE', 'dst', 'b', 'c'), 5);
  assert.equal(h.run('SDIFFSTORE', 'dst', 'a', 'b'), 2);
  assert.deepEqual(sorted(h.run('SMEMBERS', 'dst')), ['1', '4']);
  assert.equal(h.run('SDIFFSTORE', 'a', 'a', 'b'), 2, 'destination may be a source');
  assert.deepEqual(sorted(h.run('SMEMBERS', 'a')), ['1', '4']);
  assert.equal(h.run('SINTERSTORE', 'dst', 'a', 'missing'), 0);
  assert.equal(h.db.data.has('dst'), false, 'an empty result deletes the destination');
  assert.equal(h.run('SUNIONSTORE', 'str', 'b'), 3, 'the destination type does not matter');
  assert.deepEqual(sorted(h.run('SMEMBERS', 'str')), ['2', '3', '5']);
});

test('multi-key set commands check every key type first and change nothing on error', () => {
  const h = setup();
  h.db.put('plain', 'x');
  h.run('SADD', 'a', '1');
  for (const args of [
    ['SINTER', 'a', 'plain'],
    ['SINTER', 'missing', 'plain'],
    ['SUNION', 'plain', 'a'],
    ['SDIFF', 'a', 'plain'],
    ['SINTERSTORE', 'dst', 'missing', 'plain'],
    ['SUNIONSTORE', 'a', 'a', 'plain'],
    ['SDIFFSTORE', 'dst', 'a', 'plain'],
  ]) {
    rejects(h, WRONGTYPE.text, ...args);
  }
});

test('SMOVE', () => {
  const h = setup();
  h.run('SADD', 'src', 'a', 'b');
  assert.equal(h.run('SMOVE', 'src', 'dst', 'a'), 1);
  assert.equal(h.run('SMOVE', 'src', 'dst', 'zz'), 0);
  assert.equal(h.run('SMOVE', 'src', 'src', 'b'), 1);
  assert.equal(h.run('SMOVE', 'src', 'src', 'zz'), 0);
  assert.equal(h.run('SMOVE', 'src', 'dst', 'b'), 1);
  assert.equal(h.db.data.has('src'), false);
  assert.deepEqual(sorted(h.run('SMEMBERS', 'dst')), ['a', 'b']);
  assert.equal(
    h.run('SMOVE', 'missing', 'str', 'a'),
    0,
    'missing source answers 0 before type checks',
  );
  rejects(h, WRONGTYPE.text, 'SMOVE', 'dst', 'str', 'a');
  rejects(h, WRONGTYPE.text, 'SMOVE', 'str', 'dst', 'a');
});

test('SINTERCARD with LIMIT and its exact errors', () => {
  const h = setup();
  h.run('SADD', 'a', '1', '2', '3', '4');
  h.run('SADD', 'b', '2', '3', '4', '5');
  assert.equal(h.run('SINTERCARD', '2', 'a', 'b'), 3);
  assert.equal(h.run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'), 2);
  assert.equal(h.run('SINTERCARD', '2', 'a', 'b', 'limit', '0'), 3);
  assert.equal(h.run('SINTERCARD', '1', 'a'), 4);
  assert.equal(h.run('SINTERCARD', '2', 'a', 'missing'), 0);
  rejects(h, 'ERR numkeys should be greater than 0', 'SINTERCARD', '0', 'a');
  rejects(h, 'ERR numkeys should be greater than 0', 'SINTERCARD', 'x', 'a');
  rejects(
    h,
    "ERR Number of keys can't be greater than number of args",
    'SINTERCARD',
    '3',
    'a',
    'b',
  );
  rejects(h, "ERR LIMIT can't be negative", 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1');
  rejects(h, 'ERR syntax error', 'SINTERCARD', '2', 'a', 'b', 'LIMIT');
  rejects(h, 'ERR syntax error', 'SINTERCARD', '1', 'a', 'b');
  rejects(h, WRONGTYPE.text, 'SINTERCARD', '2', 'a', 'str');
});

test('SSCAN walks every member and honours MATCH', () => {
  const h = setup();
  assert.deepEqual(h.run('SSCAN', 'missing', '0'), ['0', []]);
  for (let i = 0; i < 200; i++) h.run('SADD', 's', `m${i}`);
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = h.run('SSCAN', 's', cursor) as [string, string[]];
    for (const item of items) seen.add(item);
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  assert.equal(seen.size, 200);
  const [, matched] = h.run('SSCAN', 's', '0', 'MATCH', 'm1*', 'COUNT', '1000') as [
    string,
    string[],
  ];
  assert.equal(matched.length, 111);
  rejects(h, 'ERR invalid cursor', 'SSCAN', 's', 'x');
  rejects(h, 'ERR syntax error', 'SSCAN', 's', '0', 'NOVALUES');
});

test('every set command answers WRONGTYPE on another kind and changes nothing', () => {
  const h = setup();
  h.run('RPUSH', 'list', 'x');
  for (const key of ['str', 'list']) {
    for (const args of [
      ['SADD', key, 'x'],
      ['SREM', key, 'x'],
      ['SMEMBERS', key],
      ['SISMEMBER', key, 'x'],
      ['SMISMEMBER', key, 'x'],
      ['SCARD', key],
      ['SPOP', key],
      ['SPOP', key, '2'],
      ['SRANDMEMBER', key],
      ['SRANDMEMBER', key, '2'],
      ['SSCAN', key, '0'],
    ]) {
      rejects(h, WRONGTYPE.text, ...args);
    }
  }
});
