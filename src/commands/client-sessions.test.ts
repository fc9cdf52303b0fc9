import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemlayerError } from '../shared/errors.js';
import { ClientSessions } from './client-sessions.js';
import type { Reply } from './reply.js';
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
  VerbatimReply,
} from './reply.js';

const EVERY_KIND: Reply = [
  'bulk\x00\xff',
  42,
  -1.5,
  9223372036854775807n,
  null,
  Buffer.from([1, 2, 3]),
  [],
  OK,
  new ErrorReply('ERR nope'),
  new MapReply([['k', [1, 'v']]]),
  new SetReply(['a', 'b']),
  new DoubleReply(Infinity),
  new BoolReply(true),
  NULL_ARRAY,
  new VerbatimReply('txt', 'text'),
  new RawReply(Uint8Array.from([43, 79, 75, 13, 10])),
  new PairsReply(['m', new DoubleReply(1)]),
];

describe('client sessions', () => {
  it('round-trips the cache, keeping LRU order', () => {
    const sessions = new ClientSessions(3);
    sessions.record(1, 10, 'a');
    sessions.record(2, 20, EVERY_KIND);
    sessions.record(3, 30, 7);
    sessions.record(1, 11, 'b'); // 1 becomes most recent
    sessions.record(4, 40, null); // evicts 2
    const copy = ClientSessions.decode(sessions.encode(), 3);
    assert.equal(copy.size, 3);
    assert.deepEqual(copy.check(2, 20), { kind: 'new' });
    assert.deepEqual(copy.check(1, 11), { kind: 'duplicate', reply: 'b' });
    assert.equal(copy.check(1, 10).kind, 'stale');
    assert.deepEqual(Buffer.from(copy.encode()), Buffer.from(sessions.encode()));
  });

  it('rejects corrupt bytes with ERR_SNAPSHOT_CORRUPT', () => {
    const sessions = new ClientSessions();
    sessions.record(5, 1, EVERY_KIND);
    const bytes = sessions.encode();
    for (let length = 0; length < bytes.length; length++) {
      assert.throws(
        () => ClientSessions.decode(bytes.subarray(0, length)),
        (error: unknown) => error instanceof MemlayerError && error.code === 'ERR_SNAPSHOT_CORRUPT',
      );
    }
  });
});
