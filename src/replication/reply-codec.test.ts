import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type Reply,
} from '../commands/reply.js';
import { decodeReply, encodeReply } from './reply-codec.js';

describe('reply codec', () => {
  it('round-trips every reply kind, binary-safe', () => {
    const all: Reply = [
      'caf\xe9\x00\xff',
      42,
      -0.5,
      2n ** 63n - 1n,
      null,
      Buffer.from([0, 1, 255]),
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
      new RawReply(Buffer.from('+OK\r\n')),
      [],
    ];
    assert.deepEqual(decodeReply(encodeReply(all)), all);
  });

  it('rejects truncated, trailing and unknown input', () => {
    const bytes = encodeReply(['abc', 1]);
    assert.throws(() => decodeReply(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => decodeReply(Buffer.concat([bytes, Buffer.from([4])])), /trailing/);
    assert.throws(() => decodeReply(Buffer.from([99])), /unknown reply tag 99/);
  });

  it('bounds nesting depth', () => {
    let deep: Reply = null;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.throws(() => decodeReply(encodeReply(deep)), /nested too deeply/);
  });
});
