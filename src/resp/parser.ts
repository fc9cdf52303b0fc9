/**
 * Incremental RESP request parser (multibulk and inline), bounded by `Limits`.
 *
 * The parser scans the input Buffer by index and allocates only the arguments array and its
 * latin1 strings per command (node-resp-performance.md: parsing by index is the largest single
 * win). It returns one command per `next()` call, so the server can stop after any command
 * (while a reply is a pending Promise) and resume later from the same position.
 *
 * Partial frames are carried without quadratic concatenation: an unterminated line goes into a
 * small growable `line` buffer (bounded by `inlineBytesMax`), and a bulk string that straddles
 * reads is collected into one Buffer allocated once at its declared `$len`.
 *
 * Semantics follow Redis' networking.c (processMultibulkBuffer / processInlineBuffer):
 * - a request starting with `*` is multibulk, anything else inline;
 * - `*0` and negative counts are skipped, empty inline lines are ignored;
 * - the two bytes after a bulk's payload, and the byte after the `\r` of a length line, are
 *   skipped without being checked, as Redis does;
 * - the exact `ERR Protocol error: ...` strings;
 * - before the client authenticates (when a password is required), at most 10 elements and
 *   16 KiB bulks, checked on the length lines before any payload is read (CVE-2021-32675);
 * - the query buffer limit bounds the bytes held and not yet part of a complete argument,
 *   checked after every read; the arguments of one command are bounded separately
 *   (`commandBytesMax`, a memlayer limit: they live in V8's heap).
 */
import {
  UNAUTHENTICATED_BULK_BYTES_MAX,
  UNAUTHENTICATED_MULTIBULK_LENGTH_MAX,
  type Limits,
} from '../config/limits.js';
import { latin1Slice } from '../shared/latin1.js';
import { splitInlineArgs } from './inline.js';

/** A protocol violation: the server writes `reply` (if not null), then closes the connection. */
export class RespProtocolError {
  constructor(
    /** Error line without '-' and CRLF, or null to close without a reply (buffer limit). */
    readonly reply: string | null,
    /** Short reason for logs. */
    readonly reason: string,
  ) {}
}

export type ParserLimits = Pick<
  Limits,
  | 'bulkBytesMax'
  | 'multibulkLengthMax'
  | 'commandBytesMax'
  | 'inlineBytesMax'
  | 'queryBufferBytesMax'
>;

export interface ParserOptions {
  /** A spare carry buffer shared with other connections. */
  readonly pool?: CarryPool;
  /**
   * Whether the client must still authenticate (Redis authRequired). Asked only for a count
   * over 10 or a bulk over 16 KiB, when the next command's length line is read: the command
   * before it (AUTH) has run by then.
   */
  readonly authRequired?: () => boolean;
}

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const EMPTY = Buffer.alloc(0);
/** First carry for a bulk that straddles reads (see reserveBulk); +2 for the trailing CRLF. */
const BULK_CARRY_FIRST_BYTES = 1024 * 1024 + 2;
/** Largest carry a CarryPool keeps for the next big bulk. */
export const CARRY_POOL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * One spare carry buffer shared by a server's connections. A fresh buffer of a megabyte or more
 * comes from mmap, so filling it page-faults on every 4 KiB (the copy into a fresh 1 MiB carry
 * measured several times slower than into a reused one); a parser that finished a big bulk
 * gives its carry back here, and the next big bulk on any connection takes it if it is large
 * enough. Only a buffer already allocated is lent, so a declared length is never trusted with
 * a new allocation; a connection that holds the spare while its client stalls only sends the
 * others back to allocating, as without a pool.
 */
export class CarryPool {
  private spare: Buffer | undefined;
  constructor(private readonly maxBytes = CARRY_POOL_MAX_BYTES) {}

  /** The spare if it holds `need` bytes (it is then the caller's), else undefined. */
  take(need: number): Buffer | undefined {
    const spare = this.spare;
    if (spare === undefined || spare.length < need) return undefined;
    this.spare = undefined;
    return spare;
  }

  /** Offers a carry no longer used; the larger of it and the current spare is kept. */
  give(carry: Buffer): void {
    if (carry.length <= this.maxBytes && carry.length > (this.spare?.length ?? 0))
      this.spare = carry;
  }

  /** Bytes held (for tests). */
  get bytes(): number {
    return this.spare?.length ?? 0;
  }
}

/** Where the parser is inside a request. */
const enum Mode {
  /** Between requests: the next byte decides multibulk or inline. */
  Start,
  /** Reading an inline line. */
  Inline,
  /** Reading the `*<count>` line. */
  Count,
  /** Reading a `$<len>` line inside a multibulk. */
  BulkHeader,
  /** Reading a bulk payload (and its two trailing bytes). */
  BulkData,
}

const protoError = (what: string): RespProtocolError =>
  new RespProtocolError(`ERR Protocol error: ${what}`, what);

const INVALID_MULTIBULK = protoError('invalid multibulk length');
const INVALID_BULK = protoError('invalid bulk length');
const UNBALANCED = protoError('unbalanced quotes in request');
const BIG_INLINE = protoError('too big inline request');
const BIG_MBULK = protoError('too big mbulk count string');
const BIG_BULK = protoError('too big bulk count string');
const UNAUTHENTICATED_MULTIBULK = protoError('unauthenticated multibulk length');
const UNAUTHENTICATED_BULK = protoError('unauthenticated bulk length');
const QUERY_BUFFER = new RespProtocolError(null, 'query buffer limit exceeded');
const tooBigCommand = (bytesMax: number): RespProtocolError =>
  protoError(`too big command (its arguments exceed ${bytesMax} bytes)`);
const NEVER = (): boolean => false;

/**
 * Command names repeat on every request: a small direct-mapped cache (shared by all parsers;
 * strings are immutable) returns the same string for the same bytes, saving a native call and
 * an allocation per command and handing the dispatcher one string instance per name.
 */
const NAME_BYTES_MAX = 16;
const NAME_CACHE_SLOTS = 256;
const nameCacheBytes: Uint8Array[] = Array.from({ length: NAME_CACHE_SLOTS }, () => EMPTY);
const nameCacheStrings: string[] = Array.from({ length: NAME_CACHE_SLOTS }, () => '');

export function commandName(buf: Buffer, start: number, end: number): string {
  let hash = 2166136261;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] ?? 0), 16777619);
  const slot = (hash >>> 0) % NAME_CACHE_SLOTS;
  const cached = nameCacheBytes[slot] ?? EMPTY;
  const length = end - start;
  if (cached.length === length && length > 0) {
    let i = 0;
    while (i < length && cached[i] === buf[start + i]) i++;
    if (i === length) return nameCacheStrings[slot] ?? '';
  }
  const name = latin1Slice(buf, start, end);
  nameCacheBytes[slot] = Uint8Array.prototype.slice.call(buf, start, end);
  nameCacheStrings[slot] = name;
  return name;
}

/** Parses `[start, end)` as Redis' string2ll; NaN if it is not a valid int64 in canonical form. */
export function parseInteger(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let negative = false;
  if (buf[i] === 45 /* - */) {
    negative = true;
    i++;
    if (i >= end) return NaN;
  }
  const first = buf[i] ?? 0;
  if (first === 48 /* 0 */) return i + 1 === end && !negative ? 0 : NaN;
  if (first < 49 || first > 57) return NaN;
  const digits = end - i;
  if (digits > 19) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c < 48 || c > 57) return NaN;
    value = value * 10 + (c - 48);
  }
  // 19 digits may exceed int64; compare exactly against the bound as text.
  if (digits === 19) {
    const bound = negative ? '9223372036854775808' : '9223372036854775807';
    const text = Buffer.from(buf.subarray(end - 19, end)).toString('latin1');
    if (text > bound) return NaN;
  }
  return negative ? -value : value;
}

export class RespParser {
  private readonly limits: ParserLimits;
  /** Current input chunk and read position in it. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks fed while the current one is not consumed yet (the server is paused). */
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private mode: Mode = Mode.Start;
  /** Carry for a line split across chunks; `lineLen` bytes are used. */
  private line: Buffer = EMPTY;
  private lineLen = 0;
  /** The line just completed: `[lineStart, lineEnd)` of `lineBuf`. */
  private lineBuf: Buffer = EMPTY;
  private lineStart = 0;
  private lineEnd = 0;
  /** Multibulk in progress. */
  private args: string[] = [];
  private argsLeft = 0;
  private argBytes = 0;
  /** Bulk payload in progress: declared length, collected bytes and the carry buffer. */
  private bulkLen = 0;
  private bulk: Buffer = EMPTY;
  private bulkFilled = 0;
  /** Set once a protocol error was returned: the parser is dead. */
  private failed: RespProtocolError | null = null;

  private readonly pool: CarryPool | undefined;
  private readonly authRequired: () => boolean;

  constructor(limits: ParserLimits, options: ParserOptions = {}) {
    this.limits = limits;
    this.pool = options.pool;
    this.authRequired = options.authRequired ?? NEVER;
  }

  /**
   * Hands a chunk read from the socket to the parser; it keeps a reference. Past the query
   * buffer limit the parser fails (`next` answers the error): Redis checks after each read,
   * before it parses.
   */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.queue.length === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
    }
    if (this.failed === null && this.unparsedBytes > this.limits.queryBufferBytesMax)
      this.failed = QUERY_BUFFER;
  }

  /** Redis' query buffer: bytes held that are not yet part of a complete argument. */
  get unparsedBytes(): number {
    return this.buf.length - this.pos + this.queuedBytes + this.lineLen + this.bulkFilled;
  }

  /**
   * `chunk`, fed earlier, is about to be overwritten by its owner (a static read buffer,
   * static-read.ts): the parser copies the part of it not consumed yet.
   */
  release(chunk: Buffer): void {
    if (this.buf === chunk) {
      this.buf = this.pos < chunk.length ? Buffer.from(chunk.subarray(this.pos)) : EMPTY;
      this.pos = 0;
      this.lineBuf = EMPTY;
    }
    const queued = this.queue.indexOf(chunk);
    if (queued >= 0) this.queue[queued] = Buffer.from(chunk);
  }

  /** Bytes received and held but not yet returned as a command. */
  get bufferedBytes(): number {
    return this.unparsedBytes + this.argBytes;
  }

  /** Bytes of carry buffers allocated (partial line and partial bulk), for tests and stats. */
  get carryCapacityBytes(): number {
    return this.line.length + this.bulk.length;
  }

  /**
   * The next complete command, null when more input is needed, or a protocol error (after which
   * the parser returns the same error forever: the connection must be closed).
   */
  next(): string[] | null | RespProtocolError {
    if (this.failed !== null) return this.failed;
    for (;;) {
      if (this.pos >= this.buf.length && !this.advanceChunk()) return null;
      if (this.mode === Mode.Start && this.buf[this.pos] === STAR) {
        const fast = this.fastCommand();
        if (fast !== undefined) return fast;
      }
      const result = this.step();
      // undefined: progress within the chunk; null: the chunk is used up (a queued one may follow).
      if (result === undefined || result === null) continue;
      if (result instanceof RespProtocolError) this.failed = result;
      return result;
    }
  }

  /**
   * The common case in one tight loop: a whole, well-formed multibulk command inside the
   * current chunk. Changes no state unless it succeeds; on anything else (incomplete, unusual or
   * invalid) it returns undefined and the state machine parses the command from its start,
   * with the same result and errors.
   */
  private fastCommand(): string[] | undefined {
    const buf = this.buf;
    const end = buf.length;
    let i = this.pos + 1;
    let c = buf[i] ?? 0;
    if (c < 49 || c > 57) return undefined; // not a positive count without leading zeros
    let count = 0;
    while (c >= 48 && c <= 57) {
      count = count * 10 + (c - 48);
      if (count > this.limits.multibulkLengthMax) return undefined;
      c = buf[++i] ?? 0;
    }
    if (c !== CR || i + 1 >= end) return undefined;
    // Large requests of a client that must authenticate: the state machine answers them.
    if (count > UNAUTHENTICATED_MULTIBULK_LENGTH_MAX && this.authRequired()) return undefined;
    i += 2;
    const args: string[] = [];
    let bytes = 0;
    for (let n = 0; n < count; n++) {
      if (buf[i] !== DOLLAR) return undefined;
      c = buf[++i] ?? 0;
      let length = 0;
      if (c === 48) {
        c = buf[++i] ?? 0; // `$0`: a following digit would be a leading zero
      } else {
        if (c < 49 || c > 57) return undefined;
        while (c >= 48 && c <= 57) {
          length = length * 10 + (c - 48);
          if (length > this.limits.bulkBytesMax) return undefined;
          c = buf[++i] ?? 0;
        }
      }
      if (c !== CR) return undefined;
      if (length > UNAUTHENTICATED_BULK_BYTES_MAX && this.authRequired()) return undefined;
      const start = i + 2;
      i = start + length + 2;
      if (i > end) return undefined;
      bytes += length;
      if (bytes > this.limits.commandBytesMax) return undefined;
      args.push(
        n === 0 && length <= NAME_BYTES_MAX
          ? commandName(buf, start, start + length)
          : latin1Slice(buf, start, start + length),
      );
    }
    this.pos = i;
    return args;
  }

  private advanceChunk(): boolean {
    const next = this.queue.shift();
    if (next === undefined) {
      // Drop references to the read chunk: an idle connection must not pin its memory.
      this.buf = EMPTY;
      this.lineBuf = EMPTY;
      this.pos = 0;
      return false;
    }
    this.queuedBytes -= next.length;
    this.buf = next;
    this.pos = 0;
    return true;
  }

  /**
   * One state transition. Returns a command, an error, null (chunk exhausted) or undefined
   * (progress made, call again).
   */
  private step(): string[] | null | RespProtocolError | undefined {
    switch (this.mode) {
      case Mode.Start:
        if (this.buf[this.pos] === STAR) {
          this.mode = Mode.Count;
          return this.readCount();
        }
        this.mode = Mode.Inline;
        return this.readInline();
      case Mode.Inline:
        return this.readInline();
      case Mode.Count:
        return this.readCount();
      case Mode.BulkHeader:
        return this.readBulkHeader();
      case Mode.BulkData:
        return this.readBulkData();
    }
  }

  private readInline(): string[] | null | RespProtocolError | undefined {
    const found = this.readLine(false);
    if (found === 0) return null;
    if (found < 0) return BIG_INLINE;
    this.mode = Mode.Start;
    const args = splitInlineArgs(this.lineBuf, this.lineStart, this.lineEnd);
    if (args === null) return UNBALANCED;
    if (args.length === 0) return undefined; // empty line: ignored, as Redis does
    return args;
  }

  private readCount(): string[] | null | RespProtocolError | undefined {
    const found = this.readLine(true);
    if (found === 0) return null;
    if (found < 0) return BIG_MBULK;
    // lineStart points at '*'
    const count = parseInteger(this.lineBuf, this.lineStart + 1, this.lineEnd);
    if (Number.isNaN(count) || count > this.limits.multibulkLengthMax) return INVALID_MULTIBULK;
    if (count > UNAUTHENTICATED_MULTIBULK_LENGTH_MAX && this.authRequired())
      return UNAUTHENTICATED_MULTIBULK;
    if (count <= 0) {
      this.mode = Mode.Start; // `*0` and `*-1` are no command at all
      return undefined;
    }
    this.args = [];
    this.argsLeft = count;
    this.argBytes = 0;
    this.mode = Mode.BulkHeader;
    return undefined;
  }

  private readBulkHeader(): null | RespProtocolError | undefined {
    const found = this.readLine(true);
    if (found === 0) return null;
    if (found < 0) return BIG_BULK;
    const first = this.lineBuf[this.lineStart] ?? 0;
    if (first !== DOLLAR) {
      // Redis prints the byte with %c and maps CR/LF to spaces.
      const shown = first === CR || first === LF ? ' ' : String.fromCharCode(first);
      return protoError(`expected '$', got '${shown}'`);
    }
    const length = parseInteger(this.lineBuf, this.lineStart + 1, this.lineEnd);
    if (Number.isNaN(length) || length < 0 || length > this.limits.bulkBytesMax) {
      return INVALID_BULK;
    }
    if (length > UNAUTHENTICATED_BULK_BYTES_MAX && this.authRequired()) return UNAUTHENTICATED_BULK;
    if (this.argBytes + length > this.limits.commandBytesMax)
      return tooBigCommand(this.limits.commandBytesMax);
    this.bulkLen = length;
    this.bulkFilled = 0;
    this.mode = Mode.BulkData;
    return undefined;
  }

  private readBulkData(): string[] | null | undefined {
    const need = this.bulkLen + 2;
    const available = this.buf.length - this.pos;
    let arg: string;
    if (this.bulkFilled === 0 && available >= need) {
      // Fast path: the whole payload is in this chunk.
      arg =
        this.args.length === 0 && this.bulkLen <= NAME_BYTES_MAX
          ? commandName(this.buf, this.pos, this.pos + this.bulkLen)
          : latin1Slice(this.buf, this.pos, this.pos + this.bulkLen);
      this.pos += need;
    } else {
      const take = Math.min(need - this.bulkFilled, available);
      this.reserveBulk(this.bulkFilled + take, need);
      this.buf.copy(this.bulk, this.bulkFilled, this.pos, this.pos + take);
      this.pos += take;
      this.bulkFilled += take;
      if (this.bulkFilled < need) return null;
      arg = latin1Slice(this.bulk, 0, this.bulkLen);
      // The string is a copy: the carry can serve the next big bulk (here or elsewhere).
      this.pool?.give(this.bulk);
      this.bulk = EMPTY;
      this.bulkFilled = 0;
    }
    this.args.push(arg);
    this.argBytes += this.bulkLen;
    this.argsLeft--;
    if (this.argsLeft > 0) {
      this.mode = Mode.BulkHeader;
      return undefined;
    }
    this.mode = Mode.Start;
    const args = this.args;
    this.args = [];
    this.argBytes = 0;
    return args;
  }

  /**
   * Makes room for `bytes` of a bulk whose payload plus trailing bytes is `need`. The carry is
   * the pool's spare if that is large enough; otherwise it is sized at the declared length up
   * to BULK_CARRY_FIRST_BYTES, then grows 4x at a time (capped at `need`): copying stays
   * linear, and a client that declares a huge `$len` and sends nothing cannot make the server
   * allocate much more than it really sent.
   */
  private reserveBulk(bytes: number, need: number): void {
    if (bytes <= this.bulk.length) return;
    if (this.bulk.length === 0) {
      const lent = this.pool?.take(need);
      if (lent !== undefined) {
        this.bulk = lent;
        return;
      }
    }
    let size = Math.min(need, Math.max(BULK_CARRY_FIRST_BYTES, 4 * this.bulk.length));
    while (size < bytes) size = Math.min(need, size * 4);
    const grown = Buffer.allocUnsafe(size);
    this.bulk.copy(grown, 0, 0, this.bulkFilled);
    this.bulk = grown;
  }

  /**
   * Completes the current line into lineBuf/lineStart/lineEnd. For length lines (`crTerminated`)
   * the line ends at the first '\r' and one more byte must follow (skipped unchecked, as Redis);
   * inline lines end at '\n' with an optional '\r' before it.
   * Returns 1 when complete, 0 when more input is needed, -1 when the line is too long.
   */
  private readLine(crTerminated: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const start = this.pos;
    const terminator = crTerminated ? CR : LF;
    let i = start;
    // A '\r' already carried at the end of the line: only the byte after it is missing.
    const carriedCr = crTerminated && this.lineLen > 0 && this.line[this.lineLen - 1] === CR;
    if (!carriedCr) while (i < end && buf[i] !== terminator) i++;
    if (carriedCr) {
      this.pos = start + 1;
      return this.finishCarried(this.lineLen - 1);
    }
    if (crTerminated ? i + 1 < end : i < end) {
      let lineEnd = i;
      this.pos = crTerminated ? i + 2 : i + 1;
      if (!crTerminated && lineEnd > start && buf[lineEnd - 1] === CR) lineEnd--;
      if (this.lineLen === 0) {
        this.lineBuf = buf;
        this.lineStart = start;
        this.lineEnd = lineEnd;
        return 1;
      }
      this.appendLine(buf, start, lineEnd);
      let carriedEnd = this.lineLen;
      // An inline line whose '\r' ended the previous chunk.
      if (!crTerminated && i === start && this.line[carriedEnd - 1] === CR) carriedEnd--;
      return this.finishCarried(carriedEnd);
    }
    // Incomplete: Redis rejects when the unterminated remainder exceeds the inline limit.
    if (this.lineLen + (end - start) > this.limits.inlineBytesMax) return -1;
    this.appendLine(buf, start, end);
    this.pos = end;
    return 0;
  }

  private finishCarried(lineEnd: number): number {
    this.lineBuf = this.line;
    this.lineStart = 0;
    this.lineEnd = lineEnd;
    this.lineLen = 0; // the carry is free again; lineBuf stays valid until the next append
    // Do not keep a long line's carry for the connection's lifetime.
    if (this.line.length > 4096) this.line = EMPTY;
    return 1;
  }

  private appendLine(source: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.lineLen + length > this.line.length) {
      const grown = Buffer.allocUnsafe(Math.max(256, 2 * (this.lineLen + length)));
      this.line.copy(grown, 0, 0, this.lineLen);
      this.line = grown;
    }
    source.copy(this.line, this.lineLen, start, end);
    this.lineLen += length;
  }
}
