/**
 * SCAN, HSCAN, SSCAN and ZSCAN cursor arguments over real TCP: what redis-server accepts is
 * accepted, what it rejects is rejected with its exact error (the cursors memlayer hands out,
 * and so its pages, are its own).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wireSession, type WireCase } from '../../../test/compat/wire-cases.js';

describe('scan cursors over TCP', () => {
  const session = wireSession();

  // Replies of redis-server 7.0.15 to these commands, in this order, recorded over TCP. With one
  // key, and one element per collection, the pages of a scan from cursor 0 are the same as ours.
  const REDIS: readonly WireCase[] = [
    [['FLUSHALL'], '+OK\r\n'],
    [['SET', 'a', '1'], '+OK\r\n'],
    [['SCAN', '0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', '00'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', '-0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', '+0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', ''], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', '\u0000abc'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n'],
    [['SCAN', '18446744073709551616'], '-ERR invalid cursor\r\n'],
    [['SCAN', '-18446744073709551616'], '-ERR invalid cursor\r\n'],
    [['SCAN', '99999999999999999999999'], '-ERR invalid cursor\r\n'],
    [['SCAN', '1a'], '-ERR invalid cursor\r\n'],
    [['SCAN', ' 1'], '-ERR invalid cursor\r\n'],
    [['SCAN', '\t1'], '-ERR invalid cursor\r\n'],
    [['SCAN', '\n5'], '-ERR invalid cursor\r\n'],
    [['SCAN', '1 '], '-ERR invalid cursor\r\n'],
    [['SCAN', '0x10'], '-ERR invalid cursor\r\n'],
    [['SCAN', '1.5'], '-ERR invalid cursor\r\n'],
    [['SCAN', '1e3'], '-ERR invalid cursor\r\n'],
    [['SCAN', '+'], '-ERR invalid cursor\r\n'],
    [['SCAN', '-'], '-ERR invalid cursor\r\n'],
    [['SCAN', '  '], '-ERR invalid cursor\r\n'],
    [['SCAN', '+-1'], '-ERR invalid cursor\r\n'],
    [['SCAN', '--1'], '-ERR invalid cursor\r\n'],
    [['SCAN', '+ 1'], '-ERR invalid cursor\r\n'],
    [['SCAN', '- 1'], '-ERR invalid cursor\r\n'],
    [['SCAN', 'abc'], '-ERR invalid cursor\r\n'],
    [['SCAN', '1a', 'COUNT', '0'], '-ERR invalid cursor\r\n'],
    [['SCAN', '0', 'COUNT', '0'], '-ERR syntax error\r\n'],
    [['DEL', 'a'], ':1\r\n'],
    [['HSET', 'h', 'f', 'v'], ':1\r\n'],
    [['SADD', 's', 'm'], ':1\r\n'],
    [['ZADD', 'z', '1', 'm'], ':1\r\n'],
    [['SET', 'str', 'x'], '+OK\r\n'],
    [['HSCAN', 'h', ''], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    [['HSCAN', 'h', '-0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    [['HSCAN', 'h', '+0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    [['HSCAN', 'h', '\u0000x'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    [['HSCAN', 'h', '18446744073709551616'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'h', '1a'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'h', ' 1'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'h', '+'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'h', '-'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'nokey', '1a'], '-ERR invalid cursor\r\n'],
    [['HSCAN', 'str', '1a'], '-ERR invalid cursor\r\n'],
    [
      ['HSCAN', 'str', ''],
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    ],
    [['HSCAN', 'nokey', '-1'], '*2\r\n$1\r\n0\r\n*0\r\n'],
    [['SSCAN', 's', ''], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nm\r\n'],
    [['SSCAN', 's', '-0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nm\r\n'],
    [['SSCAN', 's', '+0'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nm\r\n'],
    [['SSCAN', 's', '\u0000x'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nm\r\n'],
    [['SSCAN', 's', '18446744073709551616'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 's', '1a'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 's', ' 1'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 's', '+'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 's', '-'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 'nokey', '1a'], '-ERR invalid cursor\r\n'],
    [['SSCAN', 'str', '1a'], '-ERR invalid cursor\r\n'],
    [
      ['SSCAN', 'str', ''],
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    ],
    [['SSCAN', 'nokey', '-1'], '*2\r\n$1\r\n0\r\n*0\r\n'],
    [['ZSCAN', 'z', ''], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$1\r\n1\r\n'],
    [['ZSCAN', 'z', '-0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$1\r\n1\r\n'],
    [['ZSCAN', 'z', '+0'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$1\r\n1\r\n'],
    [['ZSCAN', 'z', '\u0000x'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$1\r\n1\r\n'],
    [['ZSCAN', 'z', '18446744073709551616'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'z', '1a'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'z', ' 1'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'z', '+'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'z', '-'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'nokey', '1a'], '-ERR invalid cursor\r\n'],
    [['ZSCAN', 'str', '1a'], '-ERR invalid cursor\r\n'],
    [
      ['ZSCAN', 'str', ''],
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    ],
    [['ZSCAN', 'nokey', '-1'], '*2\r\n$1\r\n0\r\n*0\r\n'],
  ];

  it('accepts and rejects cursors with the bytes redis-server answers', async () => {
    await session.expect(REDIS);
  });

  it('accepts the non-zero cursors redis-server accepts (strtoul)', async () => {
    // Redis answers each with a page of its own; here any cursor past 2^32 ends the scan. The
    // keyspace holds what the test above left; a missing key is an empty scan either way.
    const done = /^\*2\r\n\$1\r\n0\r\n\*\d+\r\n/;
    const cursors = ['+5', '010', '1\x002', '-1', '18446744073709551615', '-18446744073709551615'];
    for (const cursor of cursors) {
      assert.match(await session.reply('SCAN', cursor), done, cursor);
      assert.match(await session.reply('HSCAN', 'h', cursor), done, cursor);
      assert.match(await session.reply('SSCAN', 's', cursor), done, cursor);
      assert.match(await session.reply('ZSCAN', 'z', cursor), done, cursor);
    }
  });
});
