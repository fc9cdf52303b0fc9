import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../collections/testing.js';
import { wire } from '../collections/wire.js';
import { ErrorReply, SimpleString, type Reply } from '../reply.js';
import { ID_PART_MAX, StreamValue } from '../../store/stream.js';
import { ByteWriter } from '../../store/bytes.js';
import { decodeStream, encodeStream } from '../../store/codecs/stream.js';
import { keysCommands } from '../keys/index.js';
import { stringsCommands } from '../strings/index.js';
import { streamsCommands } from './index.js';
import { wireSession, type WireCase } from '../../../test/compat/wire-cases.js';

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

test('LIMIT bounds the entries one trim removes (0: no bound)', () => {
  const h = harness();
  for (let i = 1; i <= 10; i++) h.run('XADD', 's', `${i}-0`, 'f', String(i));
  assert.equal(h.run('XTRIM', 's', 'MAXLEN', '~', '1', 'LIMIT', '2'), 2);
  assert.equal(h.run('XLEN', 's'), 8);
  assert.equal(h.run('XTRIM', 's', 'MINID', '~', '9', 'LIMIT', '3'), 3);
  assert.deepEqual(
    (h.run('XRANGE', 's', '-', '+', 'COUNT', '1') as [string, unknown][]).map(([id]) => id),
    ['6-0'],
  );
  assert.equal(h.run('XADD', 's', 'MAXLEN', '~', '0', 'LIMIT', '1', '11-0', 'f', '11'), '11-0');
  assert.equal(h.run('XLEN', 's'), 5);
  assert.equal(h.run('XTRIM', 's', 'MAXLEN', '~', '2', 'LIMIT', '0'), 3);
  assert.equal(h.run('XLEN', 's'), 2);
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

const MAX = '18446744073709551615';

test('IDs are exact up to 2^64 - 1 in both parts', () => {
  const h = harness();
  h.nowMs = 1000;
  assert.equal(
    h.run('XADD', 's', '9007199254740993-9007199254740993', 'a', '1'),
    '9007199254740993-9007199254740993',
  );
  assert.equal(
    h.run('XADD', 's', '9007199254740993-*', 'a', '2'),
    '9007199254740993-9007199254740994',
  );
  assert.equal(
    errorText(h.run('XADD', 's', '9007199254740993-9007199254740994', 'a', '3')),
    'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  );
  assert.equal(h.run('XADD', 's', `9007199254740993-${MAX}`, 'a', '3'), `9007199254740993-${MAX}`);
  // `*` with the clock behind the top: the sequence overflows into the next millisecond.
  assert.equal(h.run('XADD', 's', '*', 'a', '4'), '9007199254740994-0');
  assert.deepEqual(h.run('XRANGE', 's', `(9007199254740993-${MAX}`, '+'), [
    ['9007199254740994-0', ['a', '4']],
  ]);
  assert.deepEqual(h.run('XRANGE', 's', '-', '(9007199254740994-0', 'COUNT', '1'), [
    ['9007199254740993-9007199254740993', ['a', '1']],
  ]);
  assert.equal(h.run('XDEL', 's', '9007199254740993-9007199254740994'), 1);
  assert.equal(h.run('XTRIM', 's', 'MINID', `9007199254740993-${MAX}`), 1);
  assert.equal(h.run('XLEN', 's'), 2);
});

test('the greatest ID is accepted once; then the stream is exhausted', () => {
  const h = harness();
  assert.equal(h.run('XADD', 's', `${MAX}-${MAX}`, 'f', 'v'), `${MAX}-${MAX}`);
  for (const id of ['*', `${MAX}-*`, '1-1', `${MAX}-${MAX}`]) {
    assert.equal(
      errorText(h.run('XADD', 's', id, 'f', 'v')),
      'ERR The stream has exhausted the last possible ID, unable to add more items',
      id,
    );
  }
  assert.equal(
    errorText(h.run('XRANGE', 's', `(${MAX}-${MAX}`, '+')),
    'ERR invalid start ID for the interval',
  );
  assert.equal(errorText(h.run('XRANGE', 's', '-', '(0-0')), 'ERR invalid end ID for the interval');
  assert.deepEqual(h.run('XRANGE', 's', `(${MAX}`, '+'), [[`${MAX}-${MAX}`, ['f', 'v']]]);
  assert.deepEqual(h.run('XRANGE', 's', '-', `(${MAX}-${MAX}`), []);
  // `ms-*` when the sequence of `ms` is used up. redis-server 7.0.15 answers whatever errno
  // held ("Elements are too large to be stored" when we tried); 7.2 answers this.
  h.run('XADD', 't', `5-${MAX}`, 'f', 'v');
  assert.equal(
    errorText(h.run('XADD', 't', '5-*', 'f', 'v')),
    'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  );
  assert.equal(h.run('XADD', 't', '6-*', 'f', 'v'), '6-0');
});

test('stream codec round-trips 64-bit IDs and reads the earlier encoding', () => {
  const h = harness();
  h.run('XADD', 's', '1-2', 'a', 'b');
  h.run('XADD', 's', `9007199254740993-${MAX}`, 'c', 'd');
  h.run('XADD', 's', `${MAX}-0`, 'e', 'f');
  h.run('XADD', 's', `${MAX}-${MAX}`, 'g', 'h');
  h.run('XDEL', 's', `${MAX}-${MAX}`);
  const stream = h.db.get('s', 0);
  assert.ok(stream instanceof StreamValue);
  const copy = decodeStream(encodeStream(stream));
  assert.deepEqual(copy.lastId, { ms: ID_PART_MAX, seq: ID_PART_MAX });
  assert.deepEqual(
    [0, 1, 2].map((i) => copy.idAt(i)),
    [
      { ms: 1, seq: 2 },
      { ms: 9007199254740993n, seq: ID_PART_MAX },
      { ms: ID_PART_MAX, seq: 0 },
    ],
  );
  assert.deepEqual(copy.fieldsAt(1), ['c', 'd']);
  // Earlier versions wrote every ID part with ByteWriter.varint (safe integers only): last ID,
  // entries added, count, then the entry's ID and fields. Those bytes load, and re-encode the same.
  const old = new ByteWriter();
  const safe = Number.MAX_SAFE_INTEGER;
  for (const n of [safe, 5, 3, 1, safe, 2]) old.varint(n);
  old.varint(2);
  old.string('f');
  old.string('v');
  const oldBytes = old.take();
  const restored = decodeStream(oldBytes);
  assert.deepEqual(restored.idAt(0), { ms: safe, seq: 2 });
  assert.deepEqual(restored.lastId, { ms: safe, seq: 5 });
  assert.deepEqual(encodeStream(restored), oldBytes);
});

test('stream codec rejects ID parts beyond 64 bits', () => {
  const part = (bytes: number[]): Uint8Array => {
    const writer = new ByteWriter();
    for (const byte of bytes) writer.u8(byte);
    writer.varint(0); // last id seq
    writer.varint(0); // entries added
    writer.varint(0); // count
    return writer.take();
  };
  // 2^64: ten 7-bit groups, the last one holding bit 64.
  assert.throws(() => decodeStream(part([...Array<number>(9).fill(0x80), 0x02])), /out of range/);
  assert.throws(() => decodeStream(part([...Array<number>(10).fill(0xff), 0x01])), /too long/);
  // 2^64 - 1 itself is fine.
  const max = decodeStream(part([...Array<number>(9).fill(0xff), 0x01]));
  assert.equal(max.lastId.ms, ID_PART_MAX);
});

describe('stream IDs over TCP', () => {
  const session = wireSession();

  // Replies of redis-server 7.0.15 to these commands, in this order, recorded over TCP (the `*`
  // IDs here follow IDs far beyond the clock, so they do not depend on the time).
  const REDIS: readonly WireCase[] = [
    [['DEL', 's', 't', 'nokey'], ':0\r\n'],
    [
      ['XADD', 's', '18446744073709551615-18446744073709551615', 'f', 'v'],
      '$41\r\n18446744073709551615-18446744073709551615\r\n',
    ],
    [
      ['XADD', 's', '18446744073709551615-*', 'f', 'v'],
      '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n',
    ],
    [
      ['XADD', 's', '*', 'f', 'v'],
      '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n',
    ],
    [
      ['XADD', 's', '1-1', 'f', 'v'],
      '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n',
    ],
    [['XADD', 's', '0-0', 'f', 'v'], '-ERR The ID specified in XADD must be greater than 0-0\r\n'],
    [
      ['XRANGE', 's', '-', '+'],
      '*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 's', '18446744073709551615', '18446744073709551615'],
      '*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 's', '(18446744073709551615', '+'],
      '*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 's', '(0-0', '+'],
      '*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [['XRANGE', 's', '-', '(18446744073709551615-18446744073709551615'], '*0\r\n'],
    [
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      '-ERR invalid start ID for the interval\r\n',
    ],
    [['XRANGE', 's', '-', '(0-0'], '-ERR invalid end ID for the interval\r\n'],
    [
      ['XREVRANGE', 's', '+', '-'],
      '*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [['XTRIM', 's', 'MINID', '18446744073709551615-18446744073709551615'], ':0\r\n'],
    [['XDEL', 's', '18446744073709551615-18446744073709551615'], ':1\r\n'],
    [['XLEN', 's'], ':0\r\n'],
    [
      ['XADD', 's', '*', 'f', 'v'],
      '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n',
    ],
    [['DEL', 's'], ':1\r\n'],
    [['XADD', 's', '18446744073709551615-0', 'f', 'v'], '$22\r\n18446744073709551615-0\r\n'],
    [['XADD', 's', '18446744073709551615-*', 'f', 'v'], '$22\r\n18446744073709551615-1\r\n'],
    [['XADD', 's', '*', 'f', 'v'], '$22\r\n18446744073709551615-2\r\n'],
    [
      ['XADD', 's', '18446744073709551615', 'f', 'v'],
      '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n',
    ],
    [
      ['XRANGE', 's', '-', '+'],
      '*3\r\n*2\r\n$22\r\n18446744073709551615-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$22\r\n18446744073709551615-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$22\r\n18446744073709551615-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 's', '(18446744073709551615-0', '+'],
      '*2\r\n*2\r\n$22\r\n18446744073709551615-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$22\r\n18446744073709551615-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 's', '-', '(18446744073709551615-1'],
      '*1\r\n*2\r\n$22\r\n18446744073709551615-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XREVRANGE', 's', '+', '(18446744073709551615-0', 'COUNT', '1'],
      '*1\r\n*2\r\n$22\r\n18446744073709551615-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XDEL', 's', '18446744073709551615-1', '18446744073709551616-1'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [['XDEL', 's', '18446744073709551615-1', '18446744073709551615'], ':2\r\n'],
    [
      ['XRANGE', 's', '-', '+'],
      '*1\r\n*2\r\n$22\r\n18446744073709551615-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [['DEL', 's'], ':1\r\n'],
    [['XADD', 's', '9007199254740992-0', 'a', '1'], '$18\r\n9007199254740992-0\r\n'],
    [['XADD', 's', '9007199254740993-0', 'a', '2'], '$18\r\n9007199254740993-0\r\n'],
    [
      ['XADD', 's', '9007199254740993-9007199254740993', 'a', '3'],
      '$33\r\n9007199254740993-9007199254740993\r\n',
    ],
    [['XADD', 's', '9007199254740993-*', 'a', '4'], '$33\r\n9007199254740993-9007199254740994\r\n'],
    [
      ['XADD', 's', '9007199254740994-18446744073709551615', 'a', '5'],
      '$37\r\n9007199254740994-18446744073709551615\r\n',
    ],
    [['XADD', 's', '*', 'a', '6'], '$18\r\n9007199254740995-0\r\n'],
    [
      ['XADD', 's', '9007199254740995', 'a', '7'],
      '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n',
    ],
    [
      ['XRANGE', 's', '-', '+'],
      '*6\r\n*2\r\n$18\r\n9007199254740992-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$18\r\n9007199254740993-0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$33\r\n9007199254740993-9007199254740993\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$33\r\n9007199254740993-9007199254740994\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$37\r\n9007199254740994-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$18\r\n9007199254740995-0\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n',
    ],
    [
      ['XRANGE', 's', '9007199254740993', '9007199254740993'],
      '*3\r\n*2\r\n$18\r\n9007199254740993-0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$33\r\n9007199254740993-9007199254740993\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$33\r\n9007199254740993-9007199254740994\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n',
    ],
    [
      ['XRANGE', 's', '(9007199254740992-0', '(9007199254740993-9007199254740994'],
      '*2\r\n*2\r\n$18\r\n9007199254740993-0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$33\r\n9007199254740993-9007199254740993\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n',
    ],
    [
      ['XRANGE', 's', '(9007199254740994-18446744073709551615', '+'],
      '*1\r\n*2\r\n$18\r\n9007199254740995-0\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n',
    ],
    [
      ['XREVRANGE', 's', '(9007199254740995-0', '(9007199254740993-9007199254740993'],
      '*2\r\n*2\r\n$37\r\n9007199254740994-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$33\r\n9007199254740993-9007199254740994\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n',
    ],
    [['XTRIM', 's', 'MINID', '9007199254740993-9007199254740993'], ':2\r\n'],
    [['XTRIM', 's', 'MINID', '9007199254740994-18446744073709551615'], ':2\r\n'],
    [
      ['XRANGE', 's', '-', '+'],
      '*2\r\n*2\r\n$37\r\n9007199254740994-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$18\r\n9007199254740995-0\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n',
    ],
    [
      ['XTRIM', 's', 'MINID', '18446744073709551616'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [['XDEL', 's', '9007199254740995-0'], ':1\r\n'],
    [['XLEN', 's'], ':1\r\n'],
    [['DEL', 's'], ':1\r\n'],
    [
      ['XADD', 's', '99999999999999-18446744073709551615', 'f', 'v'],
      '$35\r\n99999999999999-18446744073709551615\r\n',
    ],
    [['XADD', 's', '*', 'f', 'v'], '$17\r\n100000000000000-0\r\n'],
    [['DEL', 's'], ':1\r\n'],
    [
      ['XADD', 's', '18446744073709551615-18446744073709551614', 'f', 'v'],
      '$41\r\n18446744073709551615-18446744073709551614\r\n',
    ],
    [['XADD', 's', '*', 'f', 'v'], '$41\r\n18446744073709551615-18446744073709551615\r\n'],
    [['DEL', 's'], ':1\r\n'],
    [
      ['XADD', 's', '18446744073709551614-18446744073709551615', 'f', 'v'],
      '$41\r\n18446744073709551614-18446744073709551615\r\n',
    ],
    [['XADD', 's', '18446744073709551615-*', 'f', 'v'], '$22\r\n18446744073709551615-0\r\n'],
    [['DEL', 's'], ':1\r\n'],
    [['XADD', 's', '5-18446744073709551615', 'f', 'v'], '$22\r\n5-18446744073709551615\r\n'],
    [
      ['XADD', 's', '0-18446744073709551615', 'f', 'v'],
      '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n',
    ],
    [['XADD', 's', '6-*', 'f', 'v'], '$3\r\n6-0\r\n'],
    [
      ['XADD', 't', '-1-0', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '18446744073709551616-0', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '1-18446744073709551616', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '-1', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '1--9223372036854775808', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '-', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '+', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XADD', 't', '1-', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [['XADD', 't', '+1-+1', 'f', 'v'], '$3\r\n1-1\r\n'],
    [['XADD', 't', ' 2- 2', 'f', 'v'], '$3\r\n2-2\r\n'],
    [
      ['XADD', 't', '2--18446744073709551615', 'f', 'v'],
      '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n',
    ],
    [['XADD', 't', '2--9223372036854775809', 'f', 'v'], '$21\r\n2-9223372036854775807\r\n'],
    [['XADD', 't', '2- -5', 'f', 'v'], '$22\r\n2-18446744073709551611\r\n'],
    [['XADD', 't', '3\u0000x', 'f', 'v'], '$3\r\n3-0\r\n'],
    [['XADD', 't', '3-*\u0000x', 'f', 'v'], '$3\r\n3-1\r\n'],
    [['XADD', 't', '4\u0000-6', 'f', 'v'], '$3\r\n4-0\r\n'],
    [
      ['XADD', 't', '-\u0000', 'f', 'v'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XRANGE', 't', '-\u0000x', '+\u0000y'],
      '*7\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$21\r\n2-9223372036854775807\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$22\r\n2-18446744073709551611\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [
      ['XRANGE', 't', '(3-0\u0000x', '+'],
      '*2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [['XDEL', 't', '3-1\u0000x'], ':1\r\n'],
    [['XRANGE', 't', '(-', '+'], '-ERR Invalid stream ID specified as stream command argument\r\n'],
    [['XRANGE', 't', '(', '+'], '-ERR Invalid stream ID specified as stream command argument\r\n'],
    [
      ['XRANGE', 't', '(18446744073709551616', '+'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XTRIM', 't', 'MINID', '+'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XTRIM', 't', 'MINID', '-'],
      '-ERR Invalid stream ID specified as stream command argument\r\n',
    ],
    [
      ['XRANGE', 't', '-', '+'],
      '*6\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$21\r\n2-9223372036854775807\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$22\r\n2-18446744073709551611\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
    ],
    [['XRANGE', 'nokey', '(0-0', '+'], '*0\r\n'],
    [['XRANGE', 'nokey', '-', '(0-0'], '-ERR invalid end ID for the interval\r\n'],
    [
      ['XRANGE', 'nokey', '(18446744073709551615-18446744073709551615', '+'],
      '-ERR invalid start ID for the interval\r\n',
    ],
    [['XRANGE', 'nokey', '(18446744073709551615', '+'], '*0\r\n'],
    [['XRANGE', 'nokey', '-', '(0'], '*0\r\n'],
    [['DEL', 's', 't'], ':2\r\n'],
  ];

  it('answers with the bytes redis-server answers', async () => {
    await session.expect(REDIS);
  });
});
