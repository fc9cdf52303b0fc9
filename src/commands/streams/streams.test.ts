import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { ErrorReply, SimpleString, type Reply } from '../reply.js';
import { StreamValue } from '../../store/stream.js';
import { decodeStream, encodeStream } from '../../store/codecs/stream.js';
import { keysCommands } from '../keys/index.js';
import { stringsCommands } from '../strings/index.js';
import { streamsCommands } from './index.js';

function harness(): Harness {
  return new Harness(streamsCommands, keysCommands, stringsCommands);
}

function errorText(reply: Reply): string {
  assert.ok(reply instanceof ErrorReply, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.text;
}

test('XADD * takes the entry time as the ID and never goes backwards', () => {
  const h = harness();
  h.nowMs = 1000;
  assert.equal(h.run('XADD', 's', '*', 'f', 'v'), '1000-0');
  assert.equal(h.run('XADD', 's', '*', 'f', 'v'), '1000-1');
  h.nowMs = 900; // a clock that went back still yields a greater ID
  assert.equal(h.run('XADD', 's', '*', 'f', 'v'), '1000-2');
  h.nowMs = 2000;
  assert.equal(h.run('XADD', 's', '*', 'f', 'v'), '2000-0');
  assert.equal(h.run('XLEN', 's'), 4);
  assert.deepEqual(h.run('TYPE', 's'), new SimpleString('stream'));
});

test('XADD with explicit IDs enforces growth and Redis error strings', () => {
  const h = harness();
  assert.equal(h.run('XADD', 's', '5-1', 'a', '1'), '5-1');
  assert.equal(h.run('XADD', 's', '5-*', 'a', '2'), '5-2');
  assert.equal(h.run('XADD', 's', '7', 'a', '3'), '7-0');
  assert.equal(
    errorText(h.run('XADD', 's', '6-0', 'a', '4')),
    'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  );
  assert.equal(
    errorText(h.run('XADD', 'z', '0-0', 'a', '4')),
    'ERR The ID specified in XADD must be greater than 0-0',
  );
  assert.equal(
    errorText(h.run('XADD', 's', 'abc', 'a', '4')),
    'ERR Invalid stream ID specified as stream command argument',
  );
  assert.equal(
    errorText(h.run('XADD', 's', '*', 'a', 'b', 'c')),
    "ERR wrong number of arguments for 'xadd' command",
  );
  assert.equal(h.run('XLEN', 's'), 3);
  assert.equal(h.db.get('z', 0), undefined, 'a rejected XADD creates nothing');
});

test('XADD NOMKSTREAM, MAXLEN and MINID trimming', () => {
  const h = harness();
  assert.equal(h.run('XADD', 'none', 'NOMKSTREAM', '*', 'f', 'v'), null);
  assert.equal(h.db.get('none', 0), undefined);
  for (let i = 1; i <= 5; i++) h.run('XADD', 's', `${i}-0`, 'f', String(i));
  assert.equal(h.run('XADD', 's', 'MAXLEN', '=', '3', '6-0', 'f', '6'), '6-0');
  assert.equal(h.run('XLEN', 's'), 3);
  assert.equal(h.run('XTRIM', 's', 'MINID', '5'), 1);
  assert.deepEqual(h.run('XRANGE', 's', '-', '+'), [
    ['5-0', ['f', '5']],
    ['6-0', ['f', '6']],
  ]);
  assert.equal(
    errorText(h.run('XTRIM', 's', 'MAXLEN', '-1')),
    'ERR The MAXLEN argument must be >= 0.',
  );
  assert.equal(
    errorText(h.run('XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '10')),
    'ERR syntax error, LIMIT cannot be used without the special ~ option',
  );
  assert.equal(h.run('XTRIM', 's', 'MAXLEN', '~', '1', 'LIMIT', '10'), 1);
  assert.equal(h.run('XLEN', 's'), 1);
});

test('XRANGE and XREVRANGE honour bounds, exclusive bounds and COUNT', () => {
  const h = harness();
  for (let i = 1; i <= 4; i++) h.run('XADD', 's', `${i}-0`, 'k', `v${i}`);
  assert.deepEqual(h.run('XRANGE', 's', '2', '3'), [
    ['2-0', ['k', 'v2']],
    ['3-0', ['k', 'v3']],
  ]);
  assert.deepEqual(h.run('XRANGE', 's', '(2-0', '+', 'COUNT', '1'), [['3-0', ['k', 'v3']]]);
  assert.deepEqual(h.run('XREVRANGE', 's', '+', '-', 'COUNT', '2'), [
    ['4-0', ['k', 'v4']],
    ['3-0', ['k', 'v3']],
  ]);
  assert.deepEqual(h.run('XREVRANGE', 's', '(4-0', '(1'), [
    ['3-0', ['k', 'v3']],
    ['2-0', ['k', 'v2']],
  ]);
  assert.deepEqual(h.run('XRANGE', 's', '3', '2'), []);
  assert.deepEqual(h.run('XRANGE', 'missing', '-', '+'), []);
  // As Redis: COUNT 0 or below on an existing stream is a null array, not an empty one.
  assert.equal(wire(h.run('XRANGE', 's', '-', '+', 'COUNT', '-5'), 2), '*-1\r\n');
  assert.equal(
    errorText(h.run('XRANGE', 's', 'x', '+')),
    'ERR Invalid stream ID specified as stream command argument',
  );
  assert.equal(errorText(h.run('XRANGE', 's', '-', '+', 'LIMIT', '1')), 'ERR syntax error');
  assert.equal(
    wire(h.run('XRANGE', 's', '1', '1'), 2),
    '*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nk\r\n$2\r\nv1\r\n',
  );
});

test('XDEL removes only existing IDs and validates all before deleting', () => {
  const h = harness();
  for (let i = 1; i <= 3; i++) h.run('XADD', 's', `${i}-0`, 'k', 'v');
  assert.equal(
    errorText(h.run('XDEL', 's', '1-0', 'bad')),
    'ERR Invalid stream ID specified as stream command argument',
  );
  assert.equal(h.run('XLEN', 's'), 3);
  assert.equal(h.run('XDEL', 's', '1-0', '9-9', '3'), 2);
  assert.equal(h.run('XLEN', 's'), 1);
  // The last ID stays: a new explicit ID must still exceed 3-0.
  assert.ok(h.run('XADD', 's', '2-5', 'k', 'v') instanceof ErrorReply);
});

test('stream commands answer WRONGTYPE on other kinds and strings on streams', () => {
  const h = harness();
  h.run('SET', 'str', 'x');
  assert.match(errorText(h.run('XADD', 'str', '*', 'f', 'v')), /^WRONGTYPE/);
  assert.match(errorText(h.run('XLEN', 'str')), /^WRONGTYPE/);
  h.run('XADD', 's', '1-0', 'f', 'v');
  assert.match(errorText(h.run('GET', 's')), /^WRONGTYPE/);
});

test('stream codec round-trips and rejects corruption', () => {
  const h = harness();
  h.run('XADD', 's', '1-0', 'a', '\u0000\u00ff');
  h.run('XADD', 's', '2-3', 'b', 'c', 'd', 'e');
  h.run('XDEL', 's', '2-3');
  const stream = h.db.get('s', 0);
  assert.ok(stream instanceof StreamValue);
  const bytes = encodeStream(stream);
  const copy = decodeStream(bytes);
  assert.deepEqual(copy.lastId, { ms: 2, seq: 3 });
  assert.equal(copy.length, 1);
  assert.deepEqual(copy.fieldsAt(0), ['a', '\u0000\u00ff']);
  assert.throws(
    () => decodeStream(bytes.subarray(0, bytes.length - 1)),
    /corrupt|snapshot|stream/i,
  );
  const clone = stream.clone();
  clone.append({ ms: 9, seq: 0 }, ['x', 'y']);
  assert.equal(stream.length, 1, 'clone is independent');
});
