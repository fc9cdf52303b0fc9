import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashValue } from '../../store/values.js';
import { ErrorReply, MapReply, OK } from '../reply.js';
import { Harness, T0_MS } from '../keys/harness.js';
import { wireSession, type WireCase } from '../../../test/compat/wire-cases.js';

const err = (text: string): ErrorReply => new ErrorReply(text);
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = err('ERR syntax error');
const NOT_INTEGER = err('ERR value is not an integer or out of range');

function withHash(h: Harness, key = 'h'): void {
  const hash = new HashValue();
  hash.fields.set('f', 'v');
  h.db.put(key, hash);
}

describe('GET / SET', () => {
  it('sets and gets, binary-safe', () => {
    const h = new Harness();
    assert.equal(h.run('GET', 'k'), null);
    assert.equal(h.run('SET', 'k', 'v\x00\xff'), OK);
    assert.equal(h.run('get', 'k'), 'v\x00\xff');
    assert.equal(h.run('SET', 'k', 'w'), OK);
    assert.equal(h.run('GET', 'k'), 'w');
  });

  it('plain SET overwrites another kind and clears the TTL', () => {
    const h = new Harness();
    withHash(h);
    h.run('EXPIRE', 'h', '100');
    assert.equal(h.run('SET', 'h', 'x'), OK);
    assert.equal(h.run('GET', 'h'), 'x');
    assert.equal(h.run('TTL', 'h'), -1);
  });

  it('GET on another kind is WRONGTYPE', () => {
    const h = new Harness();
    withHash(h);
    assert.deepEqual(h.unchanged('GET', 'h'), WRONGTYPE);
  });

  it('NX and XX', () => {
    const h = new Harness();
    assert.equal(h.run('SET', 'k', '1', 'XX'), null);
    assert.equal(h.run('EXISTS', 'k'), 0);
    assert.equal(h.run('SET', 'k', '1', 'NX'), OK);
    assert.equal(h.run('SET', 'k', '2', 'nx'), null);
    assert.equal(h.run('GET', 'k'), '1');
    assert.equal(h.run('SET', 'k', '3', 'XX'), OK);
    assert.equal(h.run('GET', 'k'), '3');
  });

  it('GET option answers the old value, also when NX/XX stop the write', () => {
    const h = new Harness();
    assert.equal(h.run('SET', 'k', 'a', 'GET'), null);
    assert.equal(h.run('SET', 'k', 'b', 'GET'), 'a');
    assert.equal(h.run('SET', 'k', 'c', 'NX', 'GET'), 'b');
    assert.equal(h.run('GET', 'k'), 'b');
    assert.equal(h.run('SET', 'missing', 'c', 'XX', 'GET'), null);
    withHash(h);
    assert.deepEqual(h.unchanged('SET', 'h', 'x', 'GET'), WRONGTYPE);
  });

  it('EX, PX, EXAT, PXAT and KEEPTTL', () => {
    const h = new Harness();
    assert.equal(h.run('SET', 'k', 'v', 'EX', '10'), OK);
    assert.equal(h.run('PTTL', 'k'), 10_000);
    assert.equal(h.run('SET', 'k', 'v', 'PX', '1500'), OK);
    assert.equal(h.run('PTTL', 'k'), 1500);
    assert.equal(h.run('SET', 'k', 'v', 'EXAT', String(T0_MS / 1000 + 20)), OK);
    assert.equal(h.run('TTL', 'k'), 20);
    assert.equal(h.run('SET', 'k', 'v', 'PXAT', String(T0_MS + 30_000)), OK);
    assert.equal(h.run('PEXPIRETIME', 'k'), T0_MS + 30_000);
    assert.equal(h.run('SET', 'k', 'w', 'KEEPTTL'), OK);
    assert.equal(h.run('PEXPIRETIME', 'k'), T0_MS + 30_000);
    assert.equal(h.run('SET', 'k', 'w'), OK);
    assert.equal(h.run('TTL', 'k'), -1);
  });

  it('an absolute time already past leaves no key', () => {
    const h = new Harness();
    h.run('SET', 'k', 'old');
    assert.equal(h.run('SET', 'k', 'v', 'PXAT', String(T0_MS - 1)), OK);
    assert.equal(h.run('EXISTS', 'k'), 0);
    assert.equal(h.db.size, 0);
  });

  it('expires with the clock', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v', 'PX', '100');
    h.nowMs += 99;
    assert.equal(h.run('GET', 'k'), 'v');
    h.nowMs += 1;
    assert.equal(h.run('GET', 'k'), null);
    assert.equal(h.run('SET', 'k', 'n', 'NX'), OK);
  });

  it('syntax errors and invalid expire times change nothing', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    const syntax = [
      ['SET', 'k', 'x', 'NX', 'XX'],
      ['SET', 'k', 'x', 'XX', 'NX'],
      ['SET', 'k', 'x', 'EX', '10', 'PX', '10'],
      ['SET', 'k', 'x', 'EX', '10', 'KEEPTTL'],
      ['SET', 'k', 'x', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'x', 'EX'],
      ['SET', 'k', 'x', 'PERSIST'],
      ['SET', 'k', 'x', 'BOGUS'],
      ['SET', 'k', 'x', 'EX', 'abc', 'BOGUS'],
    ];
    for (const args of syntax) assert.deepEqual(h.unchanged(...args), SYNTAX, args.join(' '));
    const invalid = err("ERR invalid expire time in 'set' command");
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'EX', '0'), invalid);
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'PX', '-5'), invalid);
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'EX', '9223372036854775'), invalid);
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'PX', '9223372036854775807'), invalid);
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'EX', '1.5'), NOT_INTEGER);
    assert.deepEqual(h.unchanged('SET', 'k', 'x', 'EX', '99999999999999999999'), NOT_INTEGER);
    assert.equal(h.run('GET', 'k'), 'v');
  });

  it('a repeated expiry option of the same kind is accepted (last wins)', () => {
    const h = new Harness();
    assert.equal(h.run('SET', 'k', 'v', 'EX', '10', 'EX', '20'), OK);
    assert.equal(h.run('TTL', 'k'), 20);
  });
});

describe('SETNX, SETEX, PSETEX, GETSET, GETDEL', () => {
  it('SETNX', () => {
    const h = new Harness();
    assert.equal(h.run('SETNX', 'k', 'a'), 1);
    assert.equal(h.run('SETNX', 'k', 'b'), 0);
    assert.equal(h.run('GET', 'k'), 'a');
  });

  it('SETEX / PSETEX', () => {
    const h = new Harness();
    assert.equal(h.run('SETEX', 'k', '5', 'v'), OK);
    assert.equal(h.run('TTL', 'k'), 5);
    assert.equal(h.run('PSETEX', 'k', '250', 'w'), OK);
    assert.equal(h.run('PTTL', 'k'), 250);
    assert.equal(h.run('GET', 'k'), 'w');
    assert.deepEqual(
      h.unchanged('SETEX', 'k', '0', 'v'),
      err("ERR invalid expire time in 'setex' command"),
    );
    assert.deepEqual(
      h.unchanged('PSETEX', 'k', '-1', 'v'),
      err("ERR invalid expire time in 'psetex' command"),
    );
    assert.deepEqual(h.unchanged('SETEX', 'k', 'x', 'v'), NOT_INTEGER);
  });

  it('GETSET clears the TTL; GETDEL deletes', () => {
    const h = new Harness();
    assert.equal(h.run('GETSET', 'k', 'a'), null);
    h.run('EXPIRE', 'k', '100');
    assert.equal(h.run('GETSET', 'k', 'b'), 'a');
    assert.equal(h.run('TTL', 'k'), -1);
    assert.equal(h.run('GETDEL', 'k'), 'b');
    assert.equal(h.run('GETDEL', 'k'), null);
    assert.equal(h.db.size, 0);
    withHash(h);
    assert.deepEqual(h.unchanged('GETSET', 'h', 'x'), WRONGTYPE);
    assert.deepEqual(h.unchanged('GETDEL', 'h'), WRONGTYPE);
  });
});

describe('GETEX', () => {
  it('sets, changes and removes the TTL', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    assert.equal(h.run('GETEX', 'k'), 'v');
    assert.equal(h.run('TTL', 'k'), -1);
    assert.equal(h.run('GETEX', 'k', 'EX', '100'), 'v');
    assert.equal(h.run('TTL', 'k'), 100);
    assert.equal(h.run('GETEX', 'k', 'PX', '5000'), 'v');
    assert.equal(h.run('PTTL', 'k'), 5000);
    assert.equal(h.run('GETEX', 'k', 'PERSIST'), 'v');
    assert.equal(h.run('TTL', 'k'), -1);
    assert.equal(h.run('GETEX', 'k', 'EXAT', String(T0_MS / 1000 - 1)), 'v');
    assert.equal(h.run('EXISTS', 'k'), 0);
  });

  it('errors in Redis order', () => {
    const h = new Harness();
    assert.equal(h.run('GETEX', 'missing', 'EX', '0'), null);
    assert.deepEqual(h.run('GETEX', 'missing', 'NX'), SYNTAX);
    h.run('SET', 'k', 'v');
    assert.deepEqual(
      h.unchanged('GETEX', 'k', 'EX', '0'),
      err("ERR invalid expire time in 'getex' command"),
    );
    assert.deepEqual(h.unchanged('GETEX', 'k', 'EX', '10', 'PERSIST'), SYNTAX);
    assert.deepEqual(h.unchanged('GETEX', 'k', 'KEEPTTL'), SYNTAX);
    withHash(h);
    assert.deepEqual(h.unchanged('GETEX', 'h', 'EX', '10'), WRONGTYPE);
  });
});

describe('MGET, MSET, MSETNX', () => {
  it('works and answers null for other kinds', () => {
    const h = new Harness();
    assert.equal(h.run('MSET', 'a', '1', 'b', '2'), OK);
    withHash(h);
    assert.deepEqual(h.run('MGET', 'a', 'b', 'h', 'c'), ['1', '2', null, null]);
    assert.equal(h.run('MSETNX', 'c', '3', 'a', 'x'), 0);
    assert.equal(h.run('EXISTS', 'c'), 0);
    assert.equal(h.run('MSETNX', 'c', '3', 'd', '4'), 1);
    assert.deepEqual(h.run('MGET', 'c', 'd'), ['3', '4']);
  });

  it('odd argument counts are arity errors', () => {
    const h = new Harness();
    assert.deepEqual(
      h.unchanged('MSET', 'a', '1', 'b'),
      err("ERR wrong number of arguments for 'mset' command"),
    );
    assert.deepEqual(
      h.unchanged('MSETNX', 'a', '1', 'b'),
      err("ERR wrong number of arguments for 'msetnx' command"),
    );
  });
});

describe('APPEND, STRLEN, GETRANGE, SETRANGE', () => {
  it('APPEND keeps the TTL and answers the length', () => {
    const h = new Harness();
    assert.equal(h.run('APPEND', 'k', 'Hello'), 5);
    h.run('EXPIRE', 'k', '50');
    assert.equal(h.run('APPEND', 'k', ' World'), 11);
    assert.equal(h.run('GET', 'k'), 'Hello World');
    assert.equal(h.run('TTL', 'k'), 50);
    assert.equal(h.run('STRLEN', 'k'), 11);
    assert.equal(h.run('STRLEN', 'nokey'), 0);
    withHash(h);
    assert.deepEqual(h.unchanged('APPEND', 'h', 'x'), WRONGTYPE);
    assert.deepEqual(h.unchanged('STRLEN', 'h'), WRONGTYPE);
  });

  it('GETRANGE / SUBSTR as Redis', () => {
    const h = new Harness();
    h.run('SET', 'k', 'This is a string');
    assert.equal(h.run('GETRANGE', 'k', '0', '3'), 'This');
    assert.equal(h.run('GETRANGE', 'k', '-3', '-1'), 'ing');
    assert.equal(h.run('GETRANGE', 'k', '0', '-1'), 'This is a string');
    assert.equal(h.run('GETRANGE', 'k', '10', '100'), 'string');
    assert.equal(h.run('GETRANGE', 'k', '5', '3'), '');
    assert.equal(h.run('GETRANGE', 'k', '-1', '-5'), '');
    assert.equal(h.run('GETRANGE', 'k', '-100', '2'), 'Thi');
    assert.equal(h.run('SUBSTR', 'k', '0', '3'), 'This');
    assert.equal(h.run('GETRANGE', 'nokey', '0', '-1'), '');
    assert.deepEqual(h.run('GETRANGE', 'k', 'a', '1'), NOT_INTEGER);
  });

  it('SETRANGE pads with zero bytes', () => {
    const h = new Harness();
    h.run('SET', 'k', 'Hello World');
    assert.equal(h.run('SETRANGE', 'k', '6', 'Redis'), 11);
    assert.equal(h.run('GET', 'k'), 'Hello Redis');
    assert.equal(h.run('SETRANGE', 'new', '3', 'ab'), 5);
    assert.equal(h.run('GET', 'new'), '\0\0\0ab');
    assert.equal(h.run('SETRANGE', 'k', '13', '!'), 14);
    assert.equal(h.run('GET', 'k'), 'Hello Redis\0\0!');
    assert.equal(h.unchanged('SETRANGE', 'none', '5', ''), 0);
    assert.equal(h.unchanged('SETRANGE', 'k', '100', ''), 14);
  });

  it('SETRANGE errors', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    assert.deepEqual(h.unchanged('SETRANGE', 'k', '-1', 'x'), err('ERR offset is out of range'));
    assert.deepEqual(h.unchanged('SETRANGE', 'k', 'x', 'x'), NOT_INTEGER);
    assert.deepEqual(
      h.unchanged('SETRANGE', 'k', String(512 * 1024 * 1024), 'x'),
      err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
    );
    withHash(h);
    assert.deepEqual(h.unchanged('SETRANGE', 'h', '0', 'x'), WRONGTYPE);
  });
});

describe('INCR family', () => {
  it('counts and keeps the TTL', () => {
    const h = new Harness();
    assert.equal(h.run('INCR', 'n'), 1);
    assert.equal(h.run('INCRBY', 'n', '10'), 11);
    assert.equal(h.run('DECR', 'n'), 10);
    assert.equal(h.run('DECRBY', 'n', '15'), -5);
    assert.equal(h.run('GET', 'n'), '-5');
    h.run('EXPIRE', 'n', '100');
    assert.equal(h.run('INCR', 'n'), -4);
    assert.equal(h.run('TTL', 'n'), 100);
  });

  it('is exact across 2^53 up to int64', () => {
    const h = new Harness();
    h.run('SET', 'n', '9007199254740991');
    assert.equal(h.run('INCR', 'n'), 9007199254740992n);
    assert.equal(h.run('INCR', 'n'), 9007199254740993n);
    assert.equal(h.run('GET', 'n'), '9007199254740993');
    h.run('SET', 'n', '9223372036854775806');
    assert.equal(h.run('INCR', 'n'), 9223372036854775807n);
    assert.deepEqual(h.unchanged('INCR', 'n'), err('ERR increment or decrement would overflow'));
    h.run('SET', 'n', '-9223372036854775807');
    assert.equal(h.run('DECR', 'n'), -9223372036854775808n);
    assert.deepEqual(h.unchanged('DECR', 'n'), err('ERR increment or decrement would overflow'));
    assert.equal(h.run('INCRBY', 'n', '9223372036854775807'), -1);
    assert.equal(h.run('GET', 'n'), '-1');
  });

  it('rejects bad values and increments', () => {
    const h = new Harness();
    h.run('SET', 's', 'abc');
    for (const bad of ['abc', ' 1', '1 ', '+1', '01', '-0', '1.0', '', '9223372036854775808']) {
      h.run('SET', 's', bad);
      assert.deepEqual(h.unchanged('INCR', 's'), NOT_INTEGER, JSON.stringify(bad));
    }
    h.run('SET', 'n', '1');
    assert.deepEqual(h.unchanged('INCRBY', 'n', '1x'), NOT_INTEGER);
    assert.deepEqual(
      h.unchanged('DECRBY', 'n', '-9223372036854775808'),
      err('ERR decrement would overflow'),
    );
    withHash(h);
    assert.deepEqual(h.unchanged('INCR', 'h'), WRONGTYPE);
  });
});

describe('INCRBYFLOAT', () => {
  it('formats as Redis', () => {
    const h = new Harness();
    h.run('SET', 'f', '10.50');
    assert.equal(h.run('INCRBYFLOAT', 'f', '0.1'), '10.6');
    assert.equal(h.run('INCRBYFLOAT', 'f', '-5'), '5.6');
    h.run('SET', 'f', '5.0e3');
    assert.equal(h.run('INCRBYFLOAT', 'f', '2.0e2'), '5200');
    assert.equal(h.run('GET', 'f'), '5200');
    assert.equal(h.run('INCRBYFLOAT', 'new', '0.1'), '0.1');
    assert.equal(h.run('INCRBYFLOAT', 'new', '0.2'), '0.3');
    assert.equal(h.run('INCRBYFLOAT', 'big', '1e21'), '1000000000000000000000');
    assert.equal(h.run('INCRBYFLOAT', 'small', '0.0000001'), '0.0000001');
    assert.equal(h.run('INCRBYFLOAT', 'x', '-1.5'), '-1.5');
    assert.equal(h.run('INCRBYFLOAT', 'x', '1.5'), '0');
  });

  it('errors', () => {
    const h = new Harness();
    h.run('SET', 'f', '1');
    assert.deepEqual(h.unchanged('INCRBYFLOAT', 'f', 'abc'), err('ERR value is not a valid float'));
    assert.deepEqual(h.unchanged('INCRBYFLOAT', 'f', ' 1'), err('ERR value is not a valid float'));
    assert.deepEqual(h.unchanged('INCRBYFLOAT', 'f', 'nan'), err('ERR value is not a valid float'));
    assert.deepEqual(
      h.unchanged('INCRBYFLOAT', 'f', 'inf'),
      err('ERR increment would produce NaN or Infinity'),
    );
    h.run('SET', 's', 'x');
    assert.deepEqual(h.unchanged('INCRBYFLOAT', 's', '1'), err('ERR value is not a valid float'));
    withHash(h);
    assert.deepEqual(h.unchanged('INCRBYFLOAT', 'h', '1'), WRONGTYPE);
  });
});

describe('LCS', () => {
  it('string, LEN and IDX as in the Redis docs', () => {
    const h = new Harness();
    h.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    assert.equal(h.run('LCS', 'key1', 'key2'), 'mytext');
    assert.equal(h.run('LCS', 'key1', 'key2', 'LEN'), 6);
    assert.deepEqual(
      h.run('LCS', 'key1', 'key2', 'IDX'),
      new MapReply([
        [
          'matches',
          [
            [
              [4, 7],
              [5, 8],
            ],
            [
              [2, 3],
              [0, 1],
            ],
          ],
        ],
        ['len', 6],
      ]),
    );
    assert.deepEqual(
      h.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'),
      new MapReply([
        ['matches', [[[4, 7], [5, 8], 4]]],
        ['len', 6],
      ]),
    );
    assert.equal(h.run('LCS', 'key1', 'missing'), '');
  });

  it('errors', () => {
    const h = new Harness();
    h.run('MSET', 'a', 'x', 'b', 'y');
    assert.deepEqual(
      h.run('LCS', 'a', 'b', 'LEN', 'IDX'),
      err('ERR If you want both the length and indexes, please just use IDX.'),
    );
    assert.deepEqual(h.run('LCS', 'a', 'b', 'FOO'), SYNTAX);
    assert.deepEqual(h.run('LCS', 'a', 'b', 'MINMATCHLEN'), SYNTAX);
    assert.deepEqual(h.run('LCS', 'a', 'b', 'MINMATCHLEN', 'x'), NOT_INTEGER);
    withHash(h);
    assert.deepEqual(
      h.run('LCS', 'a', 'h'),
      err('ERR The specified keys must contain string values'),
    );
  });
});

describe('INCRBYFLOAT over TCP', () => {
  const session = wireSession();

  // Replies of redis-server 7.0.15 to these commands, in this order, recorded over TCP: strtold
  // reads hexadecimal floats, rejects leading space and trailing bytes, and underflow to zero.
  const REDIS: readonly WireCase[] = [
    [['DEL', 'k', 'k2', 'k3', 'tiny', 'big'], ':0\r\n'],
    [['SET', 'k', '0x10'], '+OK\r\n'],
    [['INCRBYFLOAT', 'k', '1'], '$2\r\n17\r\n'],
    [['INCRBYFLOAT', 'k', '0x1p-2'], '$5\r\n17.25\r\n'],
    [['INCRBYFLOAT', 'k', '0X1.8P1'], '$5\r\n20.25\r\n'],
    [['INCRBYFLOAT', 'k', '-0x10'], '$4\r\n4.25\r\n'],
    [['INCRBYFLOAT', 'k', '0x.8'], '$4\r\n4.75\r\n'],
    [['INCRBYFLOAT', 'k', '+0xABCdef'], '$11\r\n11259379.75\r\n'],
    [['INCRBYFLOAT', 'k', '0x'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '0x1p'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '0x.p1'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '1e'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '0x1g'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', ' 1'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '1 '], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '\t1'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '1\u00002'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', 'nan'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '0x1p16384'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', '0x1p-16446'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'k', 'inf'], '-ERR increment would produce NaN or Infinity\r\n'],
    [['INCRBYFLOAT', 'k', '-Infinity'], '-ERR increment would produce NaN or Infinity\r\n'],
    [['GET', 'k'], '$11\r\n11259379.75\r\n'],
    [['SET', 'k2', '0x1p'], '+OK\r\n'],
    [['INCRBYFLOAT', 'k2', '1'], '-ERR value is not a valid float\r\n'],
    [['SET', 'k3', ' 1'], '+OK\r\n'],
    [['INCRBYFLOAT', 'k3', '1'], '-ERR value is not a valid float\r\n'],
    [['INCRBYFLOAT', 'tiny', '0x1p-16445'], '$1\r\n0\r\n'],
    [['INCRBYFLOAT', 'tiny', '1e-4950'], '$1\r\n0\r\n'],
    [['DEL', 'k', 'k2', 'k3', 'tiny'], ':4\r\n'],
  ];

  it('answers with the bytes redis-server answers', async () => {
    await session.expect(REDIS);
  });

  it('prints the largest power of two in full, as Redis', async () => {
    // redis-server 7.0.15: a 4932-digit bulk string, the exact value of 2^16383.
    const digits = (2n ** 16383n).toString();
    await session.expect([
      [['INCRBYFLOAT', 'big', '0x1p16383'], `$${digits.length}\r\n${digits}\r\n`],
      [['DEL', 'big'], ':1\r\n'],
    ]);
  });
});
