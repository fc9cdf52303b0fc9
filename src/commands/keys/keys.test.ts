import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashValue, SetValue } from '../../store/values.js';
import { ErrorReply, OK, SimpleString } from '../reply.js';
import type { Reply } from '../reply.js';
import { Tensor } from '../../tensor/tensor.js';
import { Harness, T0_MS } from './harness.js';

const err = (text: string): ErrorReply => new ErrorReply(text);
const SYNTAX = err('ERR syntax error');
const NOT_INTEGER = err('ERR value is not an integer or out of range');

function sorted(reply: Reply): string[] {
  assert.ok(Array.isArray(reply));
  return [...(reply as string[])].sort();
}

describe('DEL, UNLINK, EXISTS, TOUCH, TYPE', () => {
  it('count live keys only', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    h.run('PEXPIRE', 'c', '10');
    h.nowMs += 10;
    assert.equal(h.run('EXISTS', 'a', 'a', 'b', 'c', 'x'), 3);
    assert.equal(h.run('TOUCH', 'a', 'c'), 1);
    assert.equal(h.run('DEL', 'a', 'c', 'x'), 1);
    assert.equal(h.run('UNLINK', 'b', 'b'), 1);
    assert.equal(h.db.size, 0);
  });

  it('TYPE answers status replies', () => {
    const h = new Harness();
    h.run('SET', 's', 'v');
    const hash = new HashValue();
    hash.fields.set('f', 'v');
    h.db.put('h', hash);
    h.db.put('set', new SetValue());
    assert.deepEqual(h.run('TYPE', 's'), new SimpleString('string'));
    assert.deepEqual(h.run('TYPE', 'h'), new SimpleString('hash'));
    assert.deepEqual(h.run('TYPE', 'set'), new SimpleString('set'));
    assert.deepEqual(h.run('TYPE', 'none'), new SimpleString('none'));
  });
});

describe('KEYS, SCAN, RANDOMKEY', () => {
  it('KEYS matches globs and skips expired keys', () => {
    const h = new Harness();
    h.run('MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'world', '4', '', 'empty');
    h.run('PEXPIRE', 'world', '1');
    h.nowMs += 1;
    assert.deepEqual(sorted(h.run('KEYS', '*')), ['', 'hallo', 'hello', 'hxllo']);
    assert.deepEqual(sorted(h.run('KEYS', 'h?llo')), ['hallo', 'hello', 'hxllo']);
    assert.deepEqual(sorted(h.run('KEYS', 'h[ae]llo')), ['hallo', 'hello']);
    assert.deepEqual(sorted(h.run('KEYS', 'h[^e]llo')), ['hallo', 'hxllo']);
    assert.deepEqual(sorted(h.run('KEYS', 'w*')), []);
  });

  it('SCAN visits every key once the cursor returns to 0', () => {
    const h = new Harness();
    for (let i = 0; i < 500; i++) h.run('SET', `key:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const reply = h.run('SCAN', cursor, 'COUNT', '20') as [string, string[]];
      cursor = reply[0];
      for (const key of reply[1]) seen.add(key);
      calls++;
    } while (cursor !== '0' && calls < 1000);
    assert.equal(cursor, '0');
    assert.equal(seen.size, 500);
    assert.ok(calls > 5, 'COUNT 20 over 500 keys takes several calls');
  });

  it('SCAN returns every key present throughout, with writes between calls', () => {
    const h = new Harness();
    for (let i = 0; i < 1000; i++) h.run('SET', `stable:${i}`, 'v');
    for (let i = 0; i < 500; i++) h.run('SET', `churn:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let step = 0;
    do {
      const reply = h.run('SCAN', cursor, 'COUNT', '7') as [string, string[]];
      cursor = reply[0];
      for (const key of reply[1]) seen.add(key);
      h.run('DEL', `churn:${step}`);
      h.run('SET', `new:${step}`, 'v');
      if (step % 3 === 0) h.run('SET', `stable:${step % 1000}`, 'updated');
      step++;
    } while (cursor !== '0' && step < 5000);
    assert.equal(cursor, '0');
    for (let i = 0; i < 1000; i++) assert.ok(seen.has(`stable:${i}`), `missed stable:${i}`);
  });

  it('SCAN MATCH and TYPE filter', () => {
    const h = new Harness();
    h.run('MSET', 'a1', 'x', 'a2', 'x', 'b1', 'x');
    h.db.put('a3', new SetValue());
    const all = (args: string[]): string[] => {
      const out: string[] = [];
      let cursor = '0';
      do {
        const reply = h.run('SCAN', cursor, ...args) as [string, string[]];
        cursor = reply[0];
        out.push(...reply[1]);
      } while (cursor !== '0');
      return out.sort();
    };
    assert.deepEqual(all(['MATCH', 'a*']), ['a1', 'a2', 'a3']);
    assert.deepEqual(all(['MATCH', 'a*', 'TYPE', 'string']), ['a1', 'a2']);
    assert.deepEqual(all(['type', 'SET']), ['a3']);
    assert.deepEqual(all(['TYPE', 'nosuchtype']), []);
    // A tensor's type is RedisAI's upper-case AI_TENSOR; the match ignores case, as Redis'.
    h.db.put('a4', Tensor.of('float32', [1], Buffer.alloc(4)));
    assert.deepEqual(all(['TYPE', 'AI_TENSOR']), ['a4']);
    assert.deepEqual(all(['MATCH', 'a*', 'TYPE', 'ai_tensor']), ['a4']);
  });

  it('SCAN errors', () => {
    const h = new Harness();
    assert.deepEqual(h.run('SCAN', 'x'), err('ERR invalid cursor'));
    assert.deepEqual(h.run('SCAN', '1a'), err('ERR invalid cursor'));
    assert.deepEqual(h.run('SCAN', ' 1'), err('ERR invalid cursor'));
    assert.deepEqual(h.run('SCAN', '18446744073709551616'), err('ERR invalid cursor'));
    assert.deepEqual(h.run('SCAN', '0', 'COUNT', '0'), SYNTAX);
    assert.deepEqual(h.run('SCAN', '0', 'COUNT', 'x'), NOT_INTEGER);
    assert.deepEqual(h.run('SCAN', '0', 'MATCH'), SYNTAX);
    assert.deepEqual(h.run('SCAN', '0', 'FOO', 'bar'), SYNTAX);
    assert.deepEqual(h.run('SCAN', '0'), ['0', []]);
    // As Redis (strtoul): "" and "+0" are 0; "-1" is 2^64 - 1, past every cursor here.
    h.run('SET', 'a', '1');
    assert.deepEqual(h.run('SCAN', ''), ['0', ['a']]);
    assert.deepEqual(h.run('SCAN', '+0'), ['0', ['a']]);
    assert.deepEqual(h.run('SCAN', '-1'), ['0', []]);
  });

  it('RANDOMKEY picks live keys, deterministically per index', () => {
    const h = new Harness();
    assert.equal(h.run('RANDOMKEY'), null);
    h.run('MSET', 'a', '1', 'b', '2', 'c', '3', 'gone', '4');
    h.run('PEXPIRE', 'gone', '1');
    h.nowMs += 1;
    const picks = new Set<Reply>();
    for (let i = 0; i < 60; i++) picks.add(h.run('RANDOMKEY'));
    assert.deepEqual([...picks].sort(), ['a', 'b', 'c']);
    const other = new Harness();
    other.run('MSET', 'a', '1', 'b', '2', 'c', '3', 'gone', '4');
    other.run('PEXPIRE', 'gone', '1');
    other.nowMs += 1;
    h.index = other.index = 100;
    assert.equal(h.run('RANDOMKEY'), other.run('RANDOMKEY'));
  });
});

describe('RENAME, RENAMENX, COPY, MOVE', () => {
  it('RENAME keeps the TTL and overwrites', () => {
    const h = new Harness();
    h.run('SET', 'a', '1', 'EX', '100');
    h.run('SET', 'b', '2');
    assert.equal(h.run('RENAME', 'a', 'b'), OK);
    assert.equal(h.run('GET', 'b'), '1');
    assert.equal(h.run('TTL', 'b'), 100);
    assert.equal(h.run('EXISTS', 'a'), 0);
    assert.equal(h.run('RENAME', 'b', 'b'), OK);
    assert.deepEqual(h.unchanged('RENAME', 'nokey', 'x'), err('ERR no such key'));
  });

  it('RENAMENX', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2');
    assert.equal(h.unchanged('RENAMENX', 'a', 'b'), 0);
    assert.equal(h.run('RENAMENX', 'a', 'c'), 1);
    assert.equal(h.run('GET', 'c'), '1');
    assert.equal(h.run('RENAMENX', 'c', 'c'), 0);
    assert.deepEqual(h.unchanged('RENAMENX', 'nokey', 'x'), err('ERR no such key'));
  });

  it('COPY copies deeply, with REPLACE and TTL', () => {
    const h = new Harness();
    const hash = new HashValue();
    hash.fields.set('f', 'v');
    h.db.put('h', hash);
    h.run('PEXPIRE', 'h', '5000');
    assert.equal(h.run('COPY', 'h', 'h2'), 1);
    hash.fields.set('f', 'changed');
    const copy = h.db.get('h2', h.nowMs);
    assert.ok(copy instanceof HashValue);
    assert.equal(copy.fields.get('f'), 'v');
    assert.equal(h.run('PTTL', 'h2'), 5000);
    h.run('SET', 's', 'x');
    assert.equal(h.unchanged('COPY', 's', 'h2'), 0);
    assert.equal(h.run('COPY', 's', 'h2', 'REPLACE'), 1);
    assert.equal(h.run('GET', 'h2'), 'x');
    assert.equal(h.run('TTL', 'h2'), -1);
    assert.equal(h.run('COPY', 'nokey', 'z'), 0);
    assert.equal(h.run('COPY', 's', 'z', 'DB', '0'), 1);
  });

  it('COPY and MOVE errors', () => {
    const h = new Harness();
    h.run('SET', 's', 'x');
    assert.deepEqual(
      h.unchanged('COPY', 's', 's'),
      err('ERR source and destination objects are the same'),
    );
    assert.deepEqual(h.unchanged('COPY', 's', 't', 'DB', '1'), err('ERR DB index is out of range'));
    assert.deepEqual(h.unchanged('COPY', 's', 't', 'DB', 'x'), NOT_INTEGER);
    assert.deepEqual(h.unchanged('COPY', 's', 't', 'DB'), SYNTAX);
    assert.deepEqual(h.unchanged('COPY', 's', 't', 'FOO'), SYNTAX);
    assert.deepEqual(
      h.unchanged('MOVE', 's', '0'),
      err('ERR source and destination objects are the same'),
    );
    assert.deepEqual(h.unchanged('MOVE', 's', '1'), err('ERR DB index is out of range'));
    assert.deepEqual(h.unchanged('MOVE', 's', 'x'), NOT_INTEGER);
    assert.deepEqual(
      h.unchanged('MOVE', 's', '99999999999'),
      err('ERR value is out of range, value must between -2147483648 and 2147483647'),
    );
  });
});

describe('OBJECT', () => {
  it('ENCODING as Redis chooses', () => {
    const h = new Harness();
    h.run('MSET', 'i', '12345', 'e', 'short', 'r', 'x'.repeat(45), 'n', '-0');
    assert.equal(h.run('OBJECT', 'ENCODING', 'i'), 'int');
    assert.equal(h.run('OBJECT', 'encoding', 'e'), 'embstr');
    assert.equal(h.run('OBJECT', 'ENCODING', 'r'), 'raw');
    assert.equal(h.run('OBJECT', 'ENCODING', 'n'), 'embstr');
    const small = new HashValue();
    small.fields.set('f', 'v');
    h.db.put('hs', small);
    const large = new HashValue();
    for (let i = 0; i < 129; i++) large.fields.set(`f${i}`, 'v');
    h.db.put('hl', large);
    const ints = new SetValue();
    ints.members.add('1').add('2');
    h.db.put('si', ints);
    const words = new SetValue();
    words.members.add('a');
    h.db.put('sw', words);
    assert.equal(h.run('OBJECT', 'ENCODING', 'hs'), 'listpack');
    assert.equal(h.run('OBJECT', 'ENCODING', 'hl'), 'hashtable');
    assert.equal(h.run('OBJECT', 'ENCODING', 'si'), 'intset');
    assert.equal(h.run('OBJECT', 'ENCODING', 'sw'), 'listpack');
    assert.equal(h.run('OBJECT', 'ENCODING', 'missing'), null);
  });

  it('FREQ, IDLETIME, REFCOUNT, HELP and errors', () => {
    const h = new Harness();
    h.run('MSET', 'i', '100', 's', 'abc');
    assert.equal(h.run('OBJECT', 'REFCOUNT', 'i'), 2147483647);
    assert.equal(h.run('OBJECT', 'REFCOUNT', 's'), 1);
    assert.equal(h.run('OBJECT', 'IDLETIME', 's'), 0);
    assert.match(
      (h.run('OBJECT', 'FREQ', 's') as ErrorReply).text,
      /^ERR An LFU maxmemory policy is not selected/,
    );
    const help = h.run('OBJECT', 'HELP') as SimpleString[];
    assert.equal(help[0]?.text, 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(
      h.run('OBJECT', 'foo', 'k'),
      err("ERR unknown subcommand 'foo'. Try OBJECT HELP."),
    );
    assert.deepEqual(
      h.run('OBJECT', 'ENCODING'),
      err("ERR wrong number of arguments for 'object|encoding' command"),
    );
  });
});

describe('EXPIRE family, TTL family, PERSIST', () => {
  it('sets and reads TTLs', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    assert.equal(h.run('TTL', 'k'), -1);
    assert.equal(h.run('TTL', 'nokey'), -2);
    assert.equal(h.run('PTTL', 'nokey'), -2);
    assert.equal(h.run('EXPIRETIME', 'k'), -1);
    assert.equal(h.run('EXPIRE', 'k', '100'), 1);
    assert.equal(h.run('TTL', 'k'), 100);
    assert.equal(h.run('PTTL', 'k'), 100_000);
    assert.equal(h.run('EXPIRETIME', 'k'), T0_MS / 1000 + 100);
    h.nowMs += 1499;
    assert.equal(h.run('TTL', 'k'), 99, 'rounds to the nearest second');
    assert.equal(h.run('PEXPIRE', 'k', '2500'), 1);
    assert.equal(h.run('PTTL', 'k'), 2500);
    assert.equal(h.run('EXPIREAT', 'k', String(T0_MS / 1000 + 50)), 1);
    assert.equal(h.run('PEXPIRETIME', 'k'), T0_MS + 50_000);
    assert.equal(h.run('PEXPIREAT', 'k', String(T0_MS + 60_000)), 1);
    assert.equal(h.run('PEXPIRETIME', 'k'), T0_MS + 60_000);
    assert.equal(h.run('PERSIST', 'k'), 1);
    assert.equal(h.run('PERSIST', 'k'), 0);
    assert.equal(h.run('TTL', 'k'), -1);
    assert.equal(h.run('EXPIRE', 'nokey', '10'), 0);
    assert.equal(h.run('PERSIST', 'nokey'), 0);
  });

  it('a time in the past deletes the key', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    assert.equal(h.run('EXPIRE', 'a', '0'), 1);
    assert.equal(h.run('PEXPIRE', 'b', '-100'), 1);
    assert.equal(h.run('EXPIREAT', 'c', '1'), 1);
    assert.equal(h.db.size, 0);
  });

  it('NX XX GT LT', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    assert.equal(h.run('EXPIRE', 'k', '100', 'XX'), 0);
    assert.equal(h.run('EXPIRE', 'k', '100', 'GT'), 0, 'no TTL is infinite: GT never beats it');
    assert.equal(h.run('EXPIRE', 'k', '100', 'NX'), 1);
    assert.equal(h.run('EXPIRE', 'k', '200', 'NX'), 0);
    assert.equal(h.run('EXPIRE', 'k', '50', 'GT'), 0);
    assert.equal(h.run('EXPIRE', 'k', '150', 'gt'), 1);
    assert.equal(h.run('EXPIRE', 'k', '160', 'LT'), 0);
    assert.equal(h.run('EXPIRE', 'k', '120', 'LT', 'XX'), 1);
    assert.equal(h.run('TTL', 'k'), 120);
    h.run('SET', 'p', 'v');
    assert.equal(h.run('EXPIRE', 'p', '10', 'LT'), 1, 'no TTL is infinite: LT always beats it');
  });

  it('errors change nothing', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    assert.deepEqual(h.unchanged('EXPIRE', 'k', 'x'), NOT_INTEGER);
    assert.deepEqual(
      h.unchanged('EXPIRE', 'k', '10', 'NX', 'XX'),
      err('ERR NX and XX, GT or LT options at the same time are not compatible'),
    );
    assert.deepEqual(
      h.unchanged('EXPIRE', 'k', '10', 'GT', 'LT'),
      err('ERR GT and LT options at the same time are not compatible'),
    );
    assert.deepEqual(h.unchanged('EXPIRE', 'k', '10', 'FOO'), err('ERR Unsupported option FOO'));
    assert.deepEqual(
      h.unchanged('EXPIRE', 'k', '9223372036854775807'),
      err("ERR invalid expire time in 'expire' command"),
    );
    assert.deepEqual(
      h.unchanged('PEXPIRE', 'k', '9223372036854775807'),
      err("ERR invalid expire time in 'pexpire' command"),
    );
    assert.deepEqual(
      h.unchanged('EXPIREAT', 'k', '-9223372036854775808'),
      err("ERR invalid expire time in 'expireat' command"),
    );
    assert.equal(h.run('TTL', 'k'), -1);
  });
});

describe('DBSIZE, FLUSHDB, FLUSHALL, __expired', () => {
  it('flushes', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2');
    assert.equal(h.run('DBSIZE'), 2);
    assert.equal(h.run('FLUSHDB'), OK);
    assert.equal(h.run('DBSIZE'), 0);
    h.run('SET', 'a', '1');
    assert.equal(h.run('FLUSHALL', 'ASYNC'), OK);
    h.run('SET', 'a', '1');
    assert.deepEqual(h.unchanged('FLUSHALL', 'NOW'), SYNTAX);
    assert.deepEqual(h.unchanged('FLUSHDB', 'SYNC', 'SYNC'), SYNTAX);
    assert.equal(h.run('FLUSHDB', 'sync'), OK);
    assert.equal(h.run('DBSIZE'), 0);
  });

  it('__expired removes only keys expired at the entry time', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    h.run('PEXPIRE', 'a', '10');
    h.run('PEXPIRE', 'b', '1000');
    h.nowMs += 10;
    assert.equal(h.run('DBSIZE'), 3, 'expired keys are held until removed');
    assert.equal(h.run('__expired', 'a', 'b', 'c', 'nokey'), 1);
    assert.equal(h.run('DBSIZE'), 2);
    assert.equal(h.run('GET', 'b'), '2');
  });
});

describe('__evicted', () => {
  it('removes only keys unchanged since the index they were chosen at', () => {
    const h = new Harness();
    h.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    const asOf = String(h.db.applyIndex);
    // A client writes b again before the eviction entry is applied.
    h.run('SET', 'b', 'fresh');
    assert.equal(h.run('__evicted', asOf, 'a', 'b', 'nokey'), 1);
    assert.equal(h.run('EXISTS', 'a'), 0);
    assert.equal(h.run('GET', 'b'), 'fresh');
    assert.equal(h.run('GET', 'c'), '3');
    assert.deepEqual(
      h.unchanged('__evicted', 'x', 'c'),
      new ErrorReply('ERR value is not an integer or out of range'),
    );
  });
});
