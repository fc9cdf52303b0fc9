import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../config/limits.js';
import {
  CarryPool,
  RespParser,
  RespProtocolError,
  parseInteger,
  type ParserLimits,
  type ParserOptions,
} from './parser.js';

const CRLF = Buffer.from('\r\n');

const LIMITS: ParserLimits = {
  bulkBytesMax: DEFAULT_LIMITS.bulkBytesMax,
  multibulkLengthMax: DEFAULT_LIMITS.multibulkLengthMax,
  inlineBytesMax: DEFAULT_LIMITS.inlineBytesMax,
  queryBufferBytesMax: DEFAULT_LIMITS.queryBufferBytesMax,
  commandBytesMax: DEFAULT_LIMITS.commandBytesMax,
};

type Outcome = string[] | string; // a command, or the error reply text

/** Feeds the chunks and drains every command; stops at the first error. */
function parseChunks(
  chunks: readonly Buffer[],
  limits: ParserLimits = LIMITS,
  options: ParserOptions = {},
): Outcome[] {
  const parser = new RespParser(limits, options);
  const out: Outcome[] = [];
  for (const chunk of chunks) {
    parser.feed(chunk);
    for (;;) {
      const next = parser.next();
      if (next === null) break;
      if (next instanceof RespProtocolError) {
        out.push(next.reply ?? `(closed: ${next.reason})`);
        return out;
      }
      out.push(next);
    }
  }
  return out;
}

const parse = (text: string, limits?: ParserLimits): Outcome[] =>
  parseChunks([Buffer.from(text, 'latin1')], limits);

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

test('multibulk and inline commands, pipelined', () => {
  assert.deepEqual(parse('*1\r\n$4\r\nPING\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n'), [
    ['PING'],
    ['PING'],
    ['SET', 'k', ''],
  ]);
});

test('arguments are binary-safe latin1 strings', () => {
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  const bytes = Buffer.concat([
    Buffer.from(`*2\r\n$3\r\nSET\r\n$256\r\n`, 'latin1'),
    Buffer.from(all, 'latin1'),
    Buffer.from('\r\n', 'latin1'),
  ]);
  const [command] = parseChunks([bytes]);
  assert.ok(Array.isArray(command));
  assert.equal(command[1], all);
  assert.deepEqual(Buffer.from(command[1] ?? '', 'latin1'), Buffer.from(all, 'latin1'));
});

test('*0, *-1 and empty inline lines are skipped', () => {
  assert.deepEqual(parse('*0\r\n*-1\r\n\r\n   \r\n\nPING\r\n'), [['PING']]);
});

test('inline lines split like sdssplitargs', () => {
  assert.deepEqual(parse('set "a b" \'c d\'  e\r\n'), [['set', 'a b', 'c d', 'e']]);
  assert.deepEqual(parse('"\\x41\\x7a\\n\\r\\t\\b\\a\\q\\"" \'it\\\'s\'\n'), [
    ['Az\n\r\t\b\x07q"', "it's"],
  ]);
  assert.deepEqual(parse('"\\xZZ"\r\n'), [['xZZ']]);
  assert.deepEqual(parse('a\tb\r\n'), [['a', 'b']]);
  assert.deepEqual(parse('x"y z"\r\n'), [['xy z']]);
  // A line ends at '\n'; '\r' before it is dropped, a '\r' elsewhere separates arguments.
  assert.deepEqual(parse('a\rb\n'), [['a', 'b']]);
});

test('exact protocol errors', () => {
  const err = (what: string): string => `ERR Protocol error: ${what}`;
  assert.deepEqual(parse('"abc\r\n'), [err('unbalanced quotes in request')]);
  assert.deepEqual(parse('"abc"d\r\n'), [err('unbalanced quotes in request')]);
  assert.deepEqual(parse("'abc\r\n"), [err('unbalanced quotes in request')]);
  assert.deepEqual(parse('*x\r\n'), [err('invalid multibulk length')]);
  assert.deepEqual(parse('*01\r\n'), [err('invalid multibulk length')]);
  assert.deepEqual(parse('*+1\r\n'), [err('invalid multibulk length')]);
  assert.deepEqual(parse('*99999999999999999999\r\n'), [err('invalid multibulk length')]);
  assert.deepEqual(parse(`*${LIMITS.multibulkLengthMax + 1}\r\n`), [
    err('invalid multibulk length'),
  ]);
  assert.deepEqual(parse('*1\r\n$-1\r\n'), [err('invalid bulk length')]);
  assert.deepEqual(parse('*1\r\n$abc\r\n'), [err('invalid bulk length')]);
  assert.deepEqual(parse(`*1\r\n$${LIMITS.bulkBytesMax + 1}\r\n`), [err('invalid bulk length')]);
  assert.deepEqual(parse('*1\r\n:1\r\n'), [err("expected '$', got ':'")]);
  assert.deepEqual(parse('*1\r\n*1\r\n$1\r\na\r\n'), [err("expected '$', got '*'")]);
  const big = 'x'.repeat(LIMITS.inlineBytesMax + 1);
  assert.deepEqual(parse(big), [err('too big inline request')]);
  assert.deepEqual(parse(`*1${big}`), [err('too big mbulk count string')]);
  assert.deepEqual(parse(`*1\r\n$1${big}`), [err('too big bulk count string')]);
});

test('commands before an error are returned, and the parser stays failed', () => {
  const parser = new RespParser(LIMITS);
  parser.feed(Buffer.from('PING\r\n*1\r\n:1\r\nPING\r\n'));
  assert.deepEqual(parser.next(), ['PING']);
  const error = parser.next();
  assert.ok(error instanceof RespProtocolError);
  parser.feed(Buffer.from('PING\r\n'));
  assert.equal(parser.next(), error);
});

test('a pipeline split at every byte boundary parses the same', () => {
  const commands = [
    ['SET', 'key:1', 'v'.repeat(40)],
    ['GET', 'key:1'],
    ['PING'],
    ['MSET', 'a', '\r\n', 'b', ''],
  ];
  const wire = commands.map(encode).join('') + 'PING\r\nset "x y" z\n';
  const expected = [...commands, ['PING'], ['set', 'x y', 'z']];
  const bytes = Buffer.from(wire, 'latin1');
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(parseChunks([bytes.subarray(0, cut), bytes.subarray(cut)]), expected);
  }
  // One byte at a time.
  const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(parseChunks(single), expected);
});

test('stops after any command and resumes; chunks fed meanwhile are queued', () => {
  const parser = new RespParser(LIMITS);
  parser.feed(Buffer.from(encode(['A']) + encode(['B']).slice(0, 5)));
  assert.deepEqual(parser.next(), ['A']);
  parser.feed(Buffer.from(encode(['B']).slice(5) + encode(['C'])));
  parser.feed(Buffer.from('D\r\n'));
  assert.deepEqual(parser.next(), ['B']);
  assert.deepEqual(parser.next(), ['C']);
  assert.deepEqual(parser.next(), ['D']);
  assert.equal(parser.next(), null);
  assert.equal(parser.bufferedBytes, 0);
});

test('a large bulk across many reads is collected without quadratic copying', () => {
  const size = 8 * 1024 * 1024;
  const value = Buffer.alloc(size, 0x61);
  value[0] = 0;
  value[size - 1] = 0xff;
  const wire = Buffer.concat([
    Buffer.from(`*2\r\n$3\r\nSET\r\n$${size}\r\n`),
    value,
    Buffer.from('\r\n*1\r\n$4\r\nPING\r\n'),
  ]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 65536) chunks.push(wire.subarray(i, i + 65536));
  const out = parseChunks(chunks);
  assert.equal(out.length, 2);
  const set = out[0];
  assert.ok(Array.isArray(set));
  assert.equal(set[1]?.length, size);
  assert.ok(Buffer.from(set[1] ?? '', 'latin1').equals(value));
  assert.deepEqual(out[1], ['PING']);
});

test('a huge declared length does not make the parser allocate it up front', () => {
  const parser = new RespParser(LIMITS);
  parser.feed(Buffer.from('*1\r\n$500000000\r\nabc'));
  assert.equal(parser.next(), null);
  assert.equal(parser.bufferedBytes, 3);
  assert.ok(parser.carryCapacityBytes <= 1024 * 1024 + 256, `${parser.carryCapacityBytes}`);
});

test('big bulks reuse one pooled carry across parsers; a declared length never allocates', () => {
  const pool = new CarryPool();
  const size = 3 * 1024 * 1024;
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = (i * 31) & 0xff;
  const request = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${size}\r\n`), value, CRLF]);
  const send = (parser: RespParser): string => {
    for (let at = 0; at < request.length; at += 65536)
      parser.feed(request.subarray(at, at + 65536));
    const cmd = parser.next();
    assert.ok(Array.isArray(cmd));
    return cmd[1] ?? '';
  };
  const first = new RespParser(LIMITS, { pool });
  assert.ok(Buffer.from(send(first), 'latin1').equals(value));
  const kept = pool.bytes;
  assert.ok(kept >= size + 2, `pool keeps the finished carry (${kept})`);
  // Another connection's bulk of the same size takes it (the pool is empty while lent) and
  // still gets its own bytes: the string is a copy, not a view of the shared buffer.
  const second = new RespParser(LIMITS, { pool });
  const other = Buffer.from(value.map((b) => b ^ 0x5a));
  const otherRequest = Buffer.concat([
    Buffer.from(`*2\r\n$4\r\nECHO\r\n$${size}\r\n`),
    other.subarray(0, 1000),
  ]);
  second.feed(otherRequest);
  assert.equal(second.next(), null);
  assert.equal(pool.bytes, 0, 'lent to the parser filling a bulk');
  assert.equal(second.carryCapacityBytes, kept);
  second.feed(Buffer.concat([other.subarray(1000), CRLF]));
  const cmd = second.next();
  assert.ok(Array.isArray(cmd));
  assert.ok(Buffer.from(cmd[1] ?? '', 'latin1').equals(other));
  assert.equal(pool.bytes, kept, 'given back');
  // A huge declared length with the pool too small: no allocation beyond what arrived.
  const third = new RespParser(LIMITS, { pool });
  third.feed(Buffer.from('*1\r\n$500000000\r\nabc'));
  assert.equal(third.next(), null);
  assert.ok(third.carryCapacityBytes <= 1024 * 1024 + 256, `${third.carryCapacityBytes}`);
  assert.equal(pool.bytes, kept, 'the spare stays in the pool');
});

/** `text` in chunks of `size` bytes, as reads deliver it. */
function chunked(text: string, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < text.length; i += size)
    chunks.push(Buffer.from(text.slice(i, i + size), 'latin1'));
  return chunks;
}

test('the query buffer limit counts unparsed bytes, not the arguments of a command', () => {
  // As Redis: completed arguments leave the query buffer, so MSET with three 100-byte values
  // passes a 150-byte limit when the bytes arrive in reads the parser keeps up with.
  const limits = { ...LIMITS, bulkBytesMax: 100, queryBufferBytesMax: 150 };
  const values = ['a', 'b', 'c'].map((c) => c.repeat(100));
  const mset = encode(['MSET', 'a', values[0] ?? '', 'b', values[1] ?? '', 'c', values[2] ?? '']);
  assert.deepEqual(parseChunks(chunked(mset, 40), limits), [
    ['MSET', 'a', values[0], 'b', values[1], 'c', values[2]],
  ]);
});

test('more unparsed input than the query buffer limit closes without a reply', () => {
  const limits = { ...LIMITS, bulkBytesMax: 100, queryBufferBytesMax: 150 };
  // Checked after the read, before parsing (Redis frees the client before it parses).
  const pings = '*1\r\n$4\r\nPING\r\n'.repeat(11); // 154 bytes
  assert.deepEqual(parse(pings, limits), ['(closed: query buffer limit exceeded)']);
  assert.equal(parseChunks(chunked(pings, 100), limits).length, 11);
});

test('the arguments of one command are bounded by commandBytesMax', () => {
  const limits = { ...LIMITS, bulkBytesMax: 100, queryBufferBytesMax: 150, commandBytesMax: 250 };
  const three = encode(['SET', 'a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)]);
  assert.deepEqual(parseChunks(chunked(three, 40), limits), [
    'ERR Protocol error: too big command (its arguments exceed 250 bytes)',
  ]);
  const two = encode(['SET', 'a'.repeat(100), 'b'.repeat(100)]);
  assert.deepEqual(parseChunks(chunked(two, 40), limits), [
    ['SET', 'a'.repeat(100), 'b'.repeat(100)],
  ]);
  // The same bound on the fast path (one chunk holding the whole command).
  const big = { ...limits, queryBufferBytesMax: 1000 };
  assert.deepEqual(parse(three, big), [
    'ERR Protocol error: too big command (its arguments exceed 250 bytes)',
  ]);
});

test('before authentication: at most 10 elements and 16 KiB bulks (Redis CVE-2021-32675)', () => {
  const unauthenticated = { authRequired: () => true };
  const run = (text: string): Outcome[] =>
    parseChunks([Buffer.from(text, 'latin1')], LIMITS, unauthenticated);
  const multibulk = 'ERR Protocol error: unauthenticated multibulk length';
  const bulk = 'ERR Protocol error: unauthenticated bulk length';
  assert.deepEqual(run('*11\r\n'), [multibulk]);
  assert.deepEqual(run('*10\r\n'), [], 'ten elements: waits for them');
  assert.deepEqual(run('*1\r\n$16385\r\n'), [bulk]);
  assert.deepEqual(run('*1\r\n$16384\r\n'), [], 'a 16 KiB bulk: waits for it');
  assert.deepEqual(run(`*2\r\n$4\r\nAUTH\r\n$16385\r\n${'a'.repeat(16385)}\r\n`), [bulk]);
  // Whole commands in one chunk (the fast path) are refused the same way.
  const eleven = encode(new Array<string>(11).fill('x'));
  assert.deepEqual(run(eleven), [multibulk]);
  assert.deepEqual(run(encode(['AUTH', 'a'.repeat(16385)])), [bulk]);
  assert.deepEqual(run(encode(['AUTH', 'a'.repeat(16384)])), [['AUTH', 'a'.repeat(16384)]]);
  // Redis' other checks come first; empty and negative counts are still no command.
  assert.deepEqual(run('*x\r\n'), ['ERR Protocol error: invalid multibulk length']);
  assert.deepEqual(run('*1\r\n$-1\r\n'), ['ERR Protocol error: invalid bulk length']);
  assert.deepEqual(run('*-1\r\n*0\r\n*1\r\n$4\r\nPING\r\n'), [['PING']]);
  // Inline commands are limited only by the inline line length, as in Redis.
  const inline = `${new Array<string>(20).fill('x').join(' ')}\r\n`;
  assert.deepEqual(run(inline), [new Array<string>(20).fill('x')]);
  // Once authenticated (or with no password) the normal limits apply.
  assert.deepEqual(parse(eleven), [new Array<string>(11).fill('x')]);
  assert.deepEqual(parse(encode(['SET', 'k', 'a'.repeat(16385)])), [
    ['SET', 'k', 'a'.repeat(16385)],
  ]);
});

test('the authentication state is asked when each command starts (AUTH then a large one)', () => {
  let authRequired = true;
  const parser = new RespParser(LIMITS, { authRequired: () => authRequired });
  const large = encode(new Array<string>(12).fill('y'));
  parser.feed(Buffer.from(encode(['AUTH', 'pw']) + large, 'latin1'));
  assert.deepEqual(parser.next(), ['AUTH', 'pw']);
  authRequired = false; // AUTH succeeded
  assert.deepEqual(parser.next(), new Array<string>(12).fill('y'));
});

test('multibulk counts above 1024*1024 are accepted, as Redis 7', () => {
  assert.deepEqual(parse('*1048577\r\n'), [], 'waits for the arguments');
  const keys = 1024 * 1024 + 1;
  const del = `*${keys + 1}\r\n$3\r\nDEL\r\n${'$1\r\nk\r\n'.repeat(keys)}`;
  const [command] = parse(del);
  assert.ok(Array.isArray(command));
  assert.equal(command.length, keys + 1);
});

test('parseInteger follows string2ll', () => {
  const p = (s: string): number => parseInteger(Buffer.from(s), 0, s.length);
  assert.equal(p('0'), 0);
  assert.equal(p('-1'), -1);
  assert.equal(p('123'), 123);
  assert.ok(p('9223372036854775807') > 9.2e18);
  assert.ok(p('-9223372036854775808') < -9.2e18);
  for (const bad of ['', '-', '-0', '01', '+1', '1a', ' 1', '9223372036854775808']) {
    assert.ok(Number.isNaN(p(bad)), bad);
  }
});

/** Deterministic PRNG (xorshift32) so a fuzz failure replays from its seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function randomArg(random: () => number): string {
  const length = Math.floor(random() * random() * 300);
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(Math.floor(random() * 256));
  return s;
}

test('fuzz: random valid pipelines split at random points round-trip', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = rng(seed);
    const commands: string[][] = [];
    const count = 1 + Math.floor(random() * 20);
    for (let c = 0; c < count; c++) {
      const argc = 1 + Math.floor(random() * 6);
      commands.push(Array.from({ length: argc }, () => randomArg(random)));
    }
    const bytes = Buffer.from(commands.map(encode).join(''), 'latin1');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length;) {
      const step = 1 + Math.floor(random() * random() * 200);
      chunks.push(bytes.subarray(i, i + step));
      i += step;
    }
    assert.deepEqual(parseChunks(chunks), commands, `seed ${seed}`);
  }
});

test('fuzz: mutated, truncated and random input never throws and stays bounded', () => {
  const limits = { ...LIMITS, bulkBytesMax: 1 << 20, inlineBytesMax: 1024 };
  const valid = Buffer.from(
    encode(['SET', 'k', 'value']) + 'PING\r\n' + encode(['MSET', 'a', 'b', 'c', 'd']),
    'latin1',
  );
  const specials = [0x2a, 0x24, 0x0d, 0x0a, 0x2d, 0x30, 0x39, 0x22, 0x27, 0x5c, 0x00, 0x20];
  for (let seed = 1; seed <= 3000; seed++) {
    const random = rng(seed);
    let input: Buffer;
    if (seed % 3 === 0) {
      input = Buffer.from(
        Array.from(
          { length: Math.floor(random() * 200) },
          () => specials[Math.floor(random() * specials.length)] ?? 0,
        ),
      );
    } else {
      input = Buffer.from(valid);
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * input.length);
        input[at] =
          random() < 0.7
            ? (specials[Math.floor(random() * specials.length)] ?? 0)
            : Math.floor(random() * 256);
      }
      input = input.subarray(0, Math.floor(random() * (input.length + 1)));
    }
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length;) {
      const step = 1 + Math.floor(random() * 16);
      chunks.push(input.subarray(i, i + step));
      i += step;
    }
    // Chunking never changes the outcome; errors are Redis' protocol errors.
    const whole = parseChunks([input], limits);
    assert.deepEqual(parseChunks(chunks, limits), whole, `seed ${seed}`);
    for (const outcome of whole) {
      if (typeof outcome === 'string')
        assert.match(outcome, /^ERR Protocol error: /, `seed ${seed}`);
      else assert.ok(outcome.length > 0, `seed ${seed}`);
    }
    const parser = new RespParser(limits);
    parser.feed(input);
    while (Array.isArray(parser.next()));
    assert.ok(parser.bufferedBytes <= input.length, `seed ${seed}`);
  }
});

test('fuzz: huge declared lengths and deep nesting are rejected or held cheaply', () => {
  assert.deepEqual(parse('*1\r\n$9223372036854775807\r\n'), [
    'ERR Protocol error: invalid bulk length',
  ]);
  assert.deepEqual(parse('*1048576\r\n*1048576\r\n*1048576\r\n'), [
    "ERR Protocol error: expected '$', got '*'",
  ]);
  const parser = new RespParser(LIMITS);
  parser.feed(Buffer.from('*1048576\r\n'));
  assert.equal(parser.next(), null);
  assert.equal(parser.bufferedBytes, 0);
});

test('release copies what is left of a chunk its owner will overwrite', () => {
  const wire = (s: string): Buffer => Buffer.from(s, 'latin1');
  const parser = new RespParser(LIMITS);
  const first = wire('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPI');
  parser.feed(first);
  assert.deepEqual(parser.next(), ['PING']);
  // A second chunk arrives while the first is not consumed: it waits in the queue.
  const second = wire('NG\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
  parser.feed(second);
  parser.release(first);
  parser.release(second);
  first.fill(0x78); // the owner reuses both buffers
  second.fill(0x79);
  assert.deepEqual(parser.next(), ['ECHO', 'hello']);
  assert.deepEqual(parser.next(), ['PING']);
  assert.deepEqual(parser.next(), ['GET', 'k']);
  assert.equal(parser.next(), null);
  assert.equal(parser.bufferedBytes, 0);
  // Releasing a chunk that was consumed, or never fed, changes nothing.
  parser.release(first);
  parser.feed(wire('*1\r\n$4\r\nPING\r\n'));
  assert.deepEqual(parser.next(), ['PING']);
});
