import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BoolReply,
  DoubleReply,
  EMPTY_ARRAY,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  PairsReply,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type Reply,
} from '../commands/reply.js';
import { ReplyWriter, formatDouble, writeReply, type Protocol } from './encoder.js';

function encode(reply: Reply, protocol: Protocol): string {
  const writer = new ReplyWriter(64);
  writeReply(writer, reply, protocol);
  return writer.take()?.toString('latin1') ?? '';
}

/** [reply, RESP2 bytes, RESP3 bytes] */
const CASES: readonly [string, Reply, string, string][] = [
  ['bulk', 'hello', '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
  ['empty bulk', '', '$0\r\n\r\n', '$0\r\n\r\n'],
  ['binary bulk', '\x00\xff\r\n', '$4\r\n\x00\xff\r\n\r\n', '$4\r\n\x00\xff\r\n\r\n'],
  ['integer', 42, ':42\r\n', ':42\r\n'],
  ['zero', 0, ':0\r\n', ':0\r\n'],
  ['negative', -1234567, ':-1234567\r\n', ':-1234567\r\n'],
  ['max safe', Number.MAX_SAFE_INTEGER, ':9007199254740991\r\n', ':9007199254740991\r\n'],
  ['bigint', -(2n ** 63n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
  ['null', null, '$-1\r\n', '_\r\n'],
  ['buffer', Buffer.from([1, 2, 0xff]), '$3\r\n\x01\x02\xff\r\n', '$3\r\n\x01\x02\xff\r\n'],
  ['array', ['a', 1, null], '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n'],
  ['empty array', EMPTY_ARRAY, '*0\r\n', '*0\r\n'],
  ['nested', [[1], []], '*2\r\n*1\r\n:1\r\n*0\r\n', '*2\r\n*1\r\n:1\r\n*0\r\n'],
  ['simple', OK, '+OK\r\n', '+OK\r\n'],
  ['simple with CRLF', new SimpleString('a\r\nb'), '+a  b\r\n', '+a  b\r\n'],
  ['error', new ErrorReply('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
  [
    'map',
    new MapReply([
      ['a', 1],
      ['b', null],
    ]),
    '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n',
    '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n',
  ],
  ['set', new SetReply(['x', 'y']), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n', '~2\r\n$1\r\nx\r\n$1\r\ny\r\n'],
  ['double', new DoubleReply(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['double inf', new DoubleReply(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  ['double nan', new DoubleReply(NaN), '$3\r\nnan\r\n', ',nan\r\n'],
  ['bool true', new BoolReply(true), ':1\r\n', '#t\r\n'],
  ['bool false', new BoolReply(false), ':0\r\n', '#f\r\n'],
  ['null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
  ['verbatim', new VerbatimReply('txt', 'a:1'), '$3\r\na:1\r\n', '=7\r\ntxt:a:1\r\n'],
  [
    'pairs',
    new PairsReply(['m', new DoubleReply(2)]),
    '*2\r\n$1\r\nm\r\n$1\r\n2\r\n',
    '*1\r\n*2\r\n$1\r\nm\r\n,2\r\n',
  ],
  ['raw', new RawReply(Buffer.from('+RAW\r\n')), '+RAW\r\n', '+RAW\r\n'],
];

for (const [name, reply, resp2, resp3] of CASES) {
  test(`encodes ${name}`, () => {
    assert.equal(encode(reply, 2), resp2);
    assert.equal(encode(reply, 3), resp3);
  });
}

test('a non-integer number reply is a bug (assertion), not bad output', () => {
  assert.throws(() => encode(1.5, 2), { name: 'AssertionFailure' });
});

test('doubles print like Redis 7.2 (d2string + fpconv)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-3, '-3'],
    [0.1, '0.1'],
    [1.5, '1.5'],
    [3.14159, '3.14159'],
    [-2.5, '-2.5'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [1.234e-5, '1.234e-5'],
    [123456.789, '123456.789'],
    [1 / 3, '0.3333333333333333'],
    [2 ** 62, '4611686018427387904'],
    [2 ** 63, '9223372036854776000'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [-1.7976931348623157e308, '-1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [Infinity, 'inf'],
  ];
  for (const [value, text] of cases) assert.equal(formatDouble(value), text, String(value));
});

test('the writer never rewrites bytes it handed out; it takes a fresh slab', () => {
  const writer = new ReplyWriter(32);
  writeReply(writer, 'abc', 2);
  const first = writer.take();
  assert.ok(first !== null);
  const snapshot = Buffer.from(first);
  for (let i = 0; i < 20; i++) writeReply(writer, 'x'.repeat(i * 7), 3);
  const second = writer.take();
  assert.ok(second !== null);
  assert.deepEqual(first, snapshot);
  assert.equal(writer.take(), null);
  let expected = '';
  for (let i = 0; i < 20; i++) expected += `$${i * 7}\r\n${'x'.repeat(i * 7)}\r\n`;
  assert.equal(second.toString('latin1'), expected);
});

test('a reply larger than the slab is written whole', () => {
  const writer = new ReplyWriter(16);
  const big = Buffer.alloc(100_000, 7);
  writeReply(writer, [1, big], 2);
  const out = writer.take();
  assert.ok(out !== null);
  assert.equal(out.length, 4 + 4 + 9 + 100_000 + 2);
  assert.ok(out.subarray(17, 17 + 100_000).equals(big));
});
