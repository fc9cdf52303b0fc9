import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as replies from './reply.js';
import {
  BoolReply,
  DoubleReply,
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
} from './reply.js';
import { decodeReply, encodeReply } from './reply-codec.js';

/** One of every kind, binary-safe text and extreme numbers included. */
const EVERY_KIND: readonly Reply[] = [
  'caf\xe9\x00\xff',
  42,
  -0.5,
  2n ** 63n - 1n,
  null,
  Buffer.from([0, 1, 255]),
  [],
  OK,
  new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'),
  new MapReply([
    ['a', 1],
    [new SimpleString('k'), [null]],
  ]),
  new SetReply(['x', 'y']),
  new DoubleReply(Infinity),
  new BoolReply(true),
  NULL_ARRAY,
  new VerbatimReply('txt', '# Server\r\n'),
  new PairsReply(['m', new DoubleReply(1)]),
  new RawReply(Uint8Array.from(Buffer.from('+OK\r\n'))),
];

describe('reply codec', () => {
  it('round-trips every reply kind, alone and nested', () => {
    for (const reply of EVERY_KIND) assert.deepEqual(decodeReply(encodeReply(reply)), reply);
    const nested: Reply = [...EVERY_KIND, new MapReply([['all', [...EVERY_KIND]]])];
    assert.deepEqual(decodeReply(encodeReply(nested)), nested);
  });

  it('knows every reply class reply.ts exports', () => {
    // A class added to Reply and missed here is a reply the codec may not carry.
    const classes = Object.values(replies).filter(
      (value): value is abstract new (...args: never[]) => unknown =>
        typeof value === 'function' && /^[A-Z]/.test(value.name), // classes, not helpers
    );
    const missing = classes.filter((c) => !EVERY_KIND.some((reply) => reply instanceof c));
    assert.ok(classes.length >= 10, `found the classes: ${classes.map((c) => c.name).join(',')}`);
    assert.deepEqual(
      missing.map((c) => c.name),
      [],
    );
  });

  it('rejects truncated, trailing and unknown input', () => {
    const bytes = encodeReply(['abc', 1]);
    assert.throws(() => decodeReply(bytes.subarray(0, bytes.length - 1)));
    assert.throws(() => decodeReply(Buffer.concat([bytes, Buffer.from([4])])));
    assert.throws(() => decodeReply(Buffer.from([99])), /unknown reply tag 99/);
  });

  it('bounds nesting depth', () => {
    let deep: Reply = null;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.throws(() => decodeReply(encodeReply(deep)), /nested too deeply/);
  });
});
