/**
 * Random command generator for the differential test: every data family, with a share of bad
 * input (wrong arity, wrong types, bad and overflowing numbers, negative and huge counts,
 * out-of-range indexes). Each command carries how its replies are compared; anything but
 * 'exact' is a legitimate difference between two correct servers, explained at COMPARE.
 */
import type { SeededRng } from '../../src/shared/effects.js';

/**
 * exact:  byte for byte.
 * sorted: the same elements in any order (sets, KEYS: Redis' hash-table order is not a contract).
 * pairs:  like sorted, for flat field/value or member/score pairs (HSCAN, ZSCAN).
 * scan:   when both cursors are 0 (a whole scan), the elements as `sorted`/`pairs`; otherwise
 *         the type only: COUNT is a hint and cursors are each server's own encoding.
 * shape:  same type and element count (random choices: SRANDMEMBER, HRANDFIELD, RANDOMKEY...).
 * ttl:    same integer within a second of drift (a TTL counts down between the two servers).
 * score:  doubles equal as numbers: Redis 7.0 prints them with %.17g, memlayer as Redis 7.2+
 *         does (shortest round trip), so 0.1 is "0.10000000000000001" in one and "0.1" in the other.
 */
export type Compare = 'exact' | 'sorted' | 'pairs' | 'scan' | 'shape' | 'ttl' | 'score';

export interface FuzzCommand {
  readonly args: string[];
  readonly compare: Compare;
}

const pick = <T>(rng: SeededRng, items: readonly T[]): T => {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('empty pool');
  return item;
};

const KEYS = {
  string: ['s1', 's2', 'n1'],
  hash: ['h1', 'h2'],
  list: ['l1', 'l2'],
  set: ['S1', 'S2', 'S3'],
  zset: ['z1', 'z2'],
  stream: ['x1', 'x2'],
};
const ALL_KEYS = [...Object.values(KEYS).flat(), 'missing', ''];
const VALUES = ['a', 'b', 'hello', '', '1', '10', '-3', '2.5', 'x\x00y\xff', 'abcabc', '99'];
const MEMBERS = ['a', 'b', 'c', 'd', '1', '2', '3', '-1', '', 'm\xff'];
/** Integers: valid small ones most often, then edges and garbage. */
const INTS_GOOD = ['0', '1', '2', '3', '-1', '-2', '5', '10', '-10', '100'];
const INTS_BAD = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '4294967296',
  '2147483648',
  'abc',
  '',
  '1.5',
  ' 1',
  '1 ',
  '+1',
  '-0',
  '007',
  '0x10',
  '1e3',
  '-',
  '\x00',
];
const FLOATS = [
  '0',
  '1',
  '1.5',
  '-2.25',
  '3',
  '0.1',
  '1e3',
  'inf',
  '-inf',
  '+inf',
  'nan',
  'abc',
  '',
  '1e308',
  '1e309',
  '-0',
  '.5',
  '5.',
  ' 1',
  '0x10',
  '1.7976931348623157e308',
];
const SCORE_RANGES = [
  '-inf',
  '+inf',
  '0',
  '1',
  '(1',
  '2.5',
  '(2.5',
  '-1',
  'abc',
  '(',
  '((1',
  'nan',
];
const LEX_RANGES = ['-', '+', '[a', '(a', '[c', '(d', 'a', '', '[', '(1'];
const TTLS = ['100000', '999999', '5000000', '-1', '0', '9223372036854775807', 'abc', '1000000000'];
/** Absolute times far in the future (2100, 2200) or the past: no timing in the comparison. */
const ATS_S = ['4102444800', '7258118400', '1', '0', '-5', '9223372036854775807', 'x'];
const ATS_MS = ['4102444800000', '7258118400000', '1', '0', '-5', '9223372036854775807'];
const STREAM_IDS = [
  '1',
  '1-1',
  '2-0',
  '5',
  '5-*',
  '3-5',
  '0-0',
  '0-1',
  '10',
  '18446744073709551615-18446744073709551615',
  'x',
  '1-x',
  '-1',
  '2-',
];
const RANGE_IDS = ['-', '+', '0', '1', '2-0', '(1', '(1-1', '5-*', 'x', '(-', '3'];

export class CommandGenerator {
  constructor(private readonly rng: SeededRng) {}

  private chance(percent: number): boolean {
    return this.rng.int(100) < percent;
  }

  private key(family: keyof typeof KEYS): string {
    return this.chance(88) ? pick(this.rng, KEYS[family]) : pick(this.rng, ALL_KEYS);
  }

  private int(): string {
    return this.chance(85) ? pick(this.rng, INTS_GOOD) : pick(this.rng, INTS_BAD);
  }

  private float(): string {
    return pick(this.rng, FLOATS);
  }

  private value(): string {
    return pick(this.rng, VALUES);
  }

  private member(): string {
    return pick(this.rng, MEMBERS);
  }

  private some(make: () => string, max: number): string[] {
    const out: string[] = [];
    const count = 1 + this.rng.int(max);
    for (let i = 0; i < count; i++) out.push(make());
    return out;
  }

  /** A random data command, sometimes with its arity broken. */
  next(): FuzzCommand {
    const families = [
      this.strings,
      this.keys,
      this.hashes,
      this.lists,
      this.sets,
      this.zsets,
      this.streams,
    ];
    const family = pick(this.rng, families);
    const command = family.call(this);
    // A changed SPOP may pop at random: compare its shape only.
    const compare = command.args[0] === 'SPOP' ? 'shape' : command.compare;
    if (this.chance(4)) return { args: this.breakArity(command.args), compare };
    if (this.chance(5) && command.args.length > 1) return this.mutate({ ...command, compare });
    return command;
  }

  /** One argument (not the name) replaced by garbage: random bytes or a bad number. */
  private mutate(command: FuzzCommand): FuzzCommand {
    const args = [...command.args];
    const at = 1 + this.rng.int(args.length - 1);
    let garbage = '';
    if (this.chance(50)) {
      for (let n = this.rng.int(6); n > 0; n--) garbage += String.fromCharCode(this.rng.int(256));
    } else {
      garbage = pick(this.rng, [...INTS_BAD, ...FLOATS]);
    }
    args[at] = garbage;
    return { args, compare: command.compare };
  }

  private breakArity(args: string[]): string[] {
    if (args.length > 1 && this.chance(60)) return args.slice(0, 1 + this.rng.int(args.length - 1));
    return [...args, ...this.some(() => this.value(), 3)];
  }

  private c(compare: Compare, ...args: string[]): FuzzCommand {
    return { args, compare };
  }

  private strings(): FuzzCommand {
    const k = (): string => this.key('string');
    switch (this.rng.int(24)) {
      case 0:
        return this.c('exact', 'SET', k(), this.value(), ...this.setOptions());
      case 1:
        return this.c('exact', 'GET', k());
      case 2:
        return this.c('exact', 'INCR', k());
      case 3:
        return this.c('exact', 'INCRBY', k(), this.int());
      case 4:
        return this.c('exact', 'DECRBY', k(), this.int());
      case 5:
        return this.c('exact', 'INCRBYFLOAT', k(), this.float());
      case 6:
        return this.c('exact', 'APPEND', k(), this.value());
      case 7:
        return this.c('exact', 'STRLEN', k());
      case 8:
        return this.c('exact', 'GETRANGE', k(), this.int(), this.int());
      case 9:
        return this.c('exact', 'SETRANGE', k(), this.int(), this.value());
      case 10:
        return this.c(
          'exact',
          'MSET',
          ...this.some(() => `${k()}\n${this.value()}`, 3).flatMap((p) => p.split('\n')),
        );
      case 11:
        return this.c('exact', 'MGET', ...this.some(k, 4));
      case 12:
        return this.c('exact', 'MSETNX', k(), this.value(), k(), this.value());
      case 13:
        return this.c('exact', 'GETSET', k(), this.value());
      case 14:
        return this.c('exact', 'GETDEL', k());
      case 15:
        return this.c('exact', 'GETEX', k(), ...this.getexOptions());
      case 16:
        return this.c('exact', 'SETNX', k(), this.value());
      case 17:
        return this.c('exact', 'SETEX', k(), pick(this.rng, TTLS), this.value());
      case 18:
        return this.c('exact', 'PSETEX', k(), pick(this.rng, TTLS), this.value());
      case 19:
        return this.c('exact', 'DECR', k());
      case 20:
        return this.c('exact', 'SUBSTR', k(), this.int(), this.int());
      case 21:
        return this.c(
          'exact',
          'LCS',
          k(),
          k(),
          ...(this.chance(50)
            ? [pick(this.rng, ['LEN', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN'])]
            : []),
        );
      case 22:
        return this.c('exact', 'LCS', k(), k(), 'IDX', 'MINMATCHLEN', this.int(), 'WITHMATCHLEN');
      default:
        return this.c('exact', 'SET', k(), this.int());
    }
  }

  private setOptions(): string[] {
    const options = ['NX', 'XX', 'GET', 'KEEPTTL', 'EX', 'PX', 'EXAT', 'PXAT'];
    const out: string[] = [];
    for (let i = this.rng.int(3); i > 0; i--) {
      const option = pick(this.rng, options);
      out.push(option);
      if (option === 'EX' || option === 'PX') out.push(pick(this.rng, TTLS));
      if (option === 'EXAT') out.push(pick(this.rng, ATS_S));
      if (option === 'PXAT') out.push(pick(this.rng, ATS_MS));
    }
    return out;
  }

  private getexOptions(): string[] {
    switch (this.rng.int(7)) {
      case 0:
        return ['EX', pick(this.rng, TTLS)];
      case 1:
        return ['PX', pick(this.rng, TTLS)];
      case 2:
        return ['EXAT', pick(this.rng, ATS_S)];
      case 3:
        return ['PXAT', pick(this.rng, ATS_MS)];
      case 4:
        return ['PERSIST'];
      case 5:
        return ['EX', '10', 'PERSIST'];
      default:
        return [];
    }
  }

  private keys(): FuzzCommand {
    const k = (): string => pick(this.rng, ALL_KEYS);
    const expireFlag = (): string[] =>
      this.chance(40) ? [pick(this.rng, ['NX', 'XX', 'GT', 'LT', 'BAD'])] : [];
    switch (this.rng.int(22)) {
      case 0:
        return this.c('exact', 'DEL', ...this.some(k, 3));
      case 1:
        return this.c('exact', 'EXISTS', ...this.some(k, 3));
      case 2:
        return this.c('exact', 'TYPE', k());
      case 3:
        return this.c('sorted', 'KEYS', pick(this.rng, ['*', 's*', '?1', '[hz]*', 'x[', '\\*']));
      case 4:
        return this.c(
          'scan',
          'SCAN',
          pick(this.rng, ['0', '0', 'abc', '-1']),
          'COUNT',
          '1000',
          ...(this.chance(50) ? ['MATCH', pick(this.rng, ['*1', 'h*'])] : []),
          ...(this.chance(30)
            ? ['TYPE', pick(this.rng, ['string', 'hash', 'zset', 'stream', 'nosuch'])]
            : []),
        );
      case 5:
        return this.c('exact', 'RENAME', k(), k());
      case 6:
        return this.c('exact', 'RENAMENX', k(), k());
      case 7:
        return this.c('exact', 'COPY', k(), k(), ...(this.chance(40) ? ['REPLACE'] : []));
      case 8:
        return this.c('exact', 'EXPIRE', k(), pick(this.rng, TTLS), ...expireFlag());
      case 9:
        return this.c('exact', 'PEXPIRE', k(), pick(this.rng, TTLS), ...expireFlag());
      case 10:
        return this.c('exact', 'EXPIREAT', k(), pick(this.rng, ATS_S), ...expireFlag());
      case 11:
        return this.c('exact', 'PEXPIREAT', k(), pick(this.rng, ATS_MS), ...expireFlag());
      case 12:
        return this.c('ttl', 'TTL', k());
      case 13:
        return this.c('ttl', 'PTTL', k());
      case 14:
        return this.c('ttl', 'EXPIRETIME', k());
      case 15:
        return this.c('ttl', 'PEXPIRETIME', k());
      case 16:
        return this.c('exact', 'PERSIST', k());
      case 17:
        return this.c('exact', 'TOUCH', ...this.some(k, 3));
      case 18:
        return this.c('exact', 'UNLINK', k());
      case 19:
        return this.c('shape', 'RANDOMKEY');
      // DBSIZE: Redis counts a key set with a past EXAT/PXAT until its active expiry cycle
      // reclaims it (timing); memlayer never stores it. KEYS and SCAN compare the names.
      case 20:
        return this.c('shape', 'DBSIZE');
      // Encodings differ by version (7.2 added listpack sets): compare the reply's type only.
      default:
        return this.c('shape', 'OBJECT', 'ENCODING', k());
    }
  }

  private hashes(): FuzzCommand {
    const k = (): string => this.key('hash');
    const f = (): string => this.member();
    switch (this.rng.int(16)) {
      case 0:
        return this.c(
          'exact',
          'HSET',
          k(),
          ...this.some(() => `${f()}\n${this.value()}`, 3).flatMap((p) => p.split('\n')),
        );
      case 1:
        return this.c('exact', 'HGET', k(), f());
      case 2:
        return this.c('exact', 'HMGET', k(), ...this.some(f, 3));
      case 3:
        return this.c('exact', 'HDEL', k(), ...this.some(f, 3));
      case 4:
        return this.c('exact', 'HEXISTS', k(), f());
      case 5:
        return this.c('exact', 'HLEN', k());
      // Redis keeps insertion order only while a hash is a listpack (values up to 64 bytes, up
      // to 128 fields); INCRBYFLOAT can make a 309-digit value. memlayer always keeps it.
      case 6:
        return this.c('sorted', 'HKEYS', k());
      case 7:
        return this.c('sorted', 'HVALS', k());
      case 8:
        return this.c('pairs', 'HGETALL', k());
      case 9:
        return this.c('exact', 'HINCRBY', k(), f(), this.int());
      case 10:
        return this.c('exact', 'HINCRBYFLOAT', k(), f(), this.float());
      case 11:
        return this.c('exact', 'HSETNX', k(), f(), this.value());
      case 12:
        return this.c('exact', 'HSTRLEN', k(), f());
      case 13:
        return this.c(
          'scan',
          'HSCAN',
          k(),
          pick(this.rng, ['0', '0', 'x']),
          'COUNT',
          '1000',
          ...(this.chance(30) ? ['MATCH', '[ab]*'] : []),
        );
      case 14:
        return this.c(
          'shape',
          'HRANDFIELD',
          k(),
          ...(this.chance(70) ? [this.int(), ...(this.chance(50) ? ['WITHVALUES'] : [])] : []),
        );
      default:
        return this.c('exact', 'HMSET', k(), f(), this.value());
    }
  }

  private lists(): FuzzCommand {
    const k = (): string => this.key('list');
    const end = (): string => pick(this.rng, ['LEFT', 'RIGHT', 'left', 'UP']);
    switch (this.rng.int(18)) {
      case 0:
        return this.c('exact', 'LPUSH', k(), ...this.some(() => this.member(), 4));
      case 1:
        return this.c('exact', 'RPUSH', k(), ...this.some(() => this.member(), 4));
      case 2:
        return this.c('exact', 'LPUSHX', k(), this.member());
      case 3:
        return this.c('exact', 'RPUSHX', k(), this.member());
      case 4:
        return this.c('exact', 'LPOP', k(), ...(this.chance(50) ? [this.int()] : []));
      case 5:
        return this.c('exact', 'RPOP', k(), ...(this.chance(50) ? [this.int()] : []));
      case 6:
        return this.c('exact', 'LLEN', k());
      case 7:
        return this.c('exact', 'LRANGE', k(), this.int(), this.int());
      case 8:
        return this.c('exact', 'LINDEX', k(), this.int());
      case 9:
        return this.c('exact', 'LSET', k(), this.int(), this.member());
      case 10:
        return this.c('exact', 'LREM', k(), this.int(), this.member());
      case 11:
        return this.c('exact', 'LTRIM', k(), this.int(), this.int());
      case 12:
        return this.c(
          'exact',
          'LINSERT',
          k(),
          pick(this.rng, ['BEFORE', 'AFTER', 'after', 'MIDDLE']),
          this.member(),
          this.member(),
        );
      case 13:
        return this.c('exact', 'LPOS', k(), this.member(), ...this.lposOptions());
      case 14:
        return this.c('exact', 'LMOVE', k(), k(), end(), end());
      case 15:
        return this.c('exact', 'RPOPLPUSH', k(), k());
      default:
        return this.c('exact', 'LRANGE', k(), '0', '-1');
    }
  }

  private lposOptions(): string[] {
    const out: string[] = [];
    for (let i = this.rng.int(3); i > 0; i--) {
      out.push(pick(this.rng, ['RANK', 'COUNT', 'MAXLEN', 'BAD']), this.int());
    }
    return out;
  }

  private sets(): FuzzCommand {
    const k = (): string => this.key('set');
    switch (this.rng.int(19)) {
      case 0:
      case 1:
        return this.c('exact', 'SADD', k(), ...this.some(() => this.member(), 4));
      case 2:
        return this.c('exact', 'SREM', k(), ...this.some(() => this.member(), 3));
      case 3:
        return this.c('sorted', 'SMEMBERS', k());
      case 4:
        return this.c('exact', 'SISMEMBER', k(), this.member());
      case 5:
        return this.c('exact', 'SMISMEMBER', k(), ...this.some(() => this.member(), 3));
      case 6:
        return this.c('exact', 'SCARD', k());
      case 7:
        return this.c('shape', 'SRANDMEMBER', k(), ...(this.chance(70) ? [this.int()] : []));
      case 8:
        return this.c('sorted', 'SINTER', ...this.some(k, 3));
      case 9:
        return this.c('sorted', 'SUNION', ...this.some(k, 3));
      case 10:
        return this.c('sorted', 'SDIFF', ...this.some(k, 3));
      case 11:
        return this.c('exact', 'SINTERSTORE', k(), ...this.some(k, 3));
      case 12:
        return this.c('exact', 'SUNIONSTORE', k(), ...this.some(k, 3));
      case 13:
        return this.c('exact', 'SDIFFSTORE', k(), ...this.some(k, 3));
      case 14:
        return this.c('exact', 'SMOVE', k(), k(), this.member());
      case 15:
        return this.c(
          'exact',
          'SINTERCARD',
          pick(this.rng, ['1', '2', '0', '-1', '5', 'x']),
          k(),
          k(),
          ...(this.chance(40) ? ['LIMIT', this.int()] : []),
        );
      case 16:
        return this.c('scan', 'SSCAN', k(), pick(this.rng, ['0', '0', 'x']), 'COUNT', '1000');
      // SPOP removes a random member: each server removes a different one, so only pops that
      // are determined by the set's contents (count >= size, count 0, errors) leave the two
      // keyspaces equal. A random pop is followed by DEL of the key to resynchronise them.
      case 17:
        return this.c(
          'sorted',
          'SPOP',
          k(),
          pick(this.rng, ['100', '0', '-1', 'x', '9223372036854775808']),
        );
      default:
        return this.c('shape', 'SPOP', k(), ...(this.chance(50) ? [this.int()] : []));
    }
  }

  private zsets(): FuzzCommand {
    const k = (): string => this.key('zset');
    const flags = (): string[] =>
      this.chance(40)
        ? this.some(() => pick(this.rng, ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']), 2)
        : [];
    const score = (): string =>
      this.chance(85)
        ? pick(this.rng, ['1', '2', '2.5', '-1', '0', '10', '0.1', 'inf', '-inf'])
        : this.float();
    const ranges = (): string[] => (this.chance(30) ? ['LIMIT', this.int(), this.int()] : []);
    const withScores = (): string[] => (this.chance(40) ? ['WITHSCORES'] : []);
    switch (this.rng.int(26)) {
      case 0:
      case 1:
        return this.c(
          'score',
          'ZADD',
          k(),
          ...flags(),
          ...this.some(() => `${score()}\n${this.member()}`, 3).flatMap((p) => p.split('\n')),
        );
      case 2:
        return this.c('exact', 'ZREM', k(), ...this.some(() => this.member(), 3));
      case 3:
        return this.c('score', 'ZSCORE', k(), this.member());
      case 4:
        return this.c('score', 'ZMSCORE', k(), ...this.some(() => this.member(), 3));
      case 5:
        return this.c('score', 'ZINCRBY', k(), score(), this.member());
      case 6:
        return this.c('exact', 'ZCARD', k());
      case 7:
        return this.c(
          'exact',
          'ZCOUNT',
          k(),
          pick(this.rng, SCORE_RANGES),
          pick(this.rng, SCORE_RANGES),
        );
      case 8:
        return this.c(
          'score',
          'ZRANGE',
          k(),
          this.int(),
          this.int(),
          ...(this.chance(30) ? ['REV'] : []),
          ...withScores(),
        );
      case 9:
        return this.c(
          'score',
          'ZRANGE',
          k(),
          pick(this.rng, SCORE_RANGES),
          pick(this.rng, SCORE_RANGES),
          'BYSCORE',
          ...(this.chance(30) ? ['REV'] : []),
          ...ranges(),
          ...withScores(),
        );
      case 10:
        return this.c(
          'exact',
          'ZRANGE',
          k(),
          pick(this.rng, LEX_RANGES),
          pick(this.rng, LEX_RANGES),
          'BYLEX',
          ...(this.chance(30) ? ['REV'] : []),
          ...ranges(),
          ...(this.chance(10) ? ['WITHSCORES'] : []),
        );
      case 11:
        return this.c(
          'score',
          'ZRANGEBYSCORE',
          k(),
          pick(this.rng, SCORE_RANGES),
          pick(this.rng, SCORE_RANGES),
          ...withScores(),
          ...ranges(),
        );
      case 12:
        return this.c(
          'score',
          'ZREVRANGEBYSCORE',
          k(),
          pick(this.rng, SCORE_RANGES),
          pick(this.rng, SCORE_RANGES),
          ...withScores(),
          ...ranges(),
        );
      case 13:
        return this.c('score', 'ZREVRANGE', k(), this.int(), this.int(), ...withScores());
      case 14:
        return this.c(
          'exact',
          'ZRANGEBYLEX',
          k(),
          pick(this.rng, LEX_RANGES),
          pick(this.rng, LEX_RANGES),
          ...ranges(),
        );
      case 15:
        return this.c(
          'exact',
          'ZREVRANGEBYLEX',
          k(),
          pick(this.rng, LEX_RANGES),
          pick(this.rng, LEX_RANGES),
          ...ranges(),
        );
      // No WITHSCORE: Redis 7.2 added it, and the reference server is 7.0.
      case 16:
        return this.c('exact', 'ZRANK', k(), this.member());
      case 17:
        return this.c('exact', 'ZREVRANK', k(), this.member());
      case 18:
        return this.c('score', 'ZPOPMIN', k(), ...(this.chance(50) ? [this.int()] : []));
      case 19:
        return this.c('score', 'ZPOPMAX', k(), ...(this.chance(50) ? [this.int()] : []));
      case 20:
        return this.c(
          'exact',
          'ZLEXCOUNT',
          k(),
          pick(this.rng, LEX_RANGES),
          pick(this.rng, LEX_RANGES),
        );
      case 21:
        return this.c('scan', 'ZSCAN', k(), pick(this.rng, ['0', '0', 'x']), 'COUNT', '1000');
      case 22:
        return this.c('exact', 'ZREMRANGEBYRANK', k(), this.int(), this.int());
      case 23:
        return this.c(
          'exact',
          'ZREMRANGEBYSCORE',
          k(),
          pick(this.rng, SCORE_RANGES),
          pick(this.rng, SCORE_RANGES),
        );
      case 24:
        return this.c(
          'exact',
          'ZREMRANGEBYLEX',
          k(),
          pick(this.rng, LEX_RANGES),
          pick(this.rng, LEX_RANGES),
        );
      default:
        return this.c(
          'shape',
          'ZRANDMEMBER',
          k(),
          ...(this.chance(70) ? [this.int(), ...withScores()] : []),
        );
    }
  }

  private streams(): FuzzCommand {
    const k = (): string => this.key('stream');
    const trim = (): string[] => {
      if (!this.chance(40)) return [];
      const strategy = pick(this.rng, ['MAXLEN', 'MINID', 'maxlen', 'BAD']);
      const threshold =
        strategy.toUpperCase() === 'MINID' ? pick(this.rng, STREAM_IDS) : this.int();
      return [strategy, ...(this.chance(30) ? ['='] : []), threshold];
    };
    switch (this.rng.int(9)) {
      case 0:
      case 1:
      case 2:
        return this.c(
          'exact',
          'XADD',
          k(),
          ...(this.chance(10) ? ['NOMKSTREAM'] : []),
          ...trim(),
          pick(this.rng, STREAM_IDS),
          ...this.some(() => `${this.member()}\n${this.value()}`, 2).flatMap((p) => p.split('\n')),
        );
      case 3:
        return this.c('exact', 'XLEN', k());
      case 4:
        return this.c(
          'exact',
          'XRANGE',
          k(),
          pick(this.rng, RANGE_IDS),
          pick(this.rng, RANGE_IDS),
          ...(this.chance(30) ? ['COUNT', this.int()] : []),
        );
      case 5:
        return this.c(
          'exact',
          'XREVRANGE',
          k(),
          pick(this.rng, RANGE_IDS),
          pick(this.rng, RANGE_IDS),
          ...(this.chance(30) ? ['COUNT', this.int()] : []),
        );
      case 6:
        return this.c('exact', 'XDEL', k(), ...this.some(() => pick(this.rng, STREAM_IDS), 3));
      case 7: {
        const t = trim();
        return this.c('exact', 'XTRIM', k(), ...(t.length > 0 ? t : ['MAXLEN', this.int()]));
      }
      default:
        return this.c('exact', 'TYPE', k());
    }
  }

  /** A MULTI ... EXEC block of deterministic commands (no random choices, no SCAN). */
  transaction(): FuzzCommand[] {
    const body: FuzzCommand[] = [];
    const count = 1 + this.rng.int(4);
    while (body.length < count) {
      const command = this.next();
      if (command.compare === 'exact') body.push(command);
    }
    return [
      this.c('exact', 'MULTI'),
      ...body,
      this.c('exact', pick(this.rng, ['EXEC', 'EXEC', 'EXEC', 'DISCARD'])),
    ];
  }
}
