/**
 * Reply -> RESP2 / RESP3 bytes, appended into a `ReplyWriter`.
 *
 * The writer advances through a slab and hands out the bytes written since the last `take()`;
 * bytes already handed to `socket.write` are never rewritten (the socket may still hold them
 * when the kernel buffer is full), a fresh slab is taken when the current one is full
 * (node-resp-performance.md, "Output buffers").
 */
import { assert, assertNever } from '../shared/assert.js';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PairsReply,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type Reply,
} from '../commands/reply.js';
import { latin1Write } from '../shared/latin1.js';

export type Protocol = 2 | 3;

const SLAB_BYTES_DEFAULT = 64 * 1024;
/** Room for a type byte, a 20-digit length and CRLF. */
const HEADER_BYTES_MAX = 24;

export class ReplyWriter {
  /** Current slab; `[start, pos)` is written and not yet taken. */
  buf: Buffer;
  pos = 0;
  private start = 0;
  private readonly slabBytes: number;

  constructor(slabBytes = SLAB_BYTES_DEFAULT) {
    this.slabBytes = slabBytes;
    this.buf = Buffer.allocUnsafeSlow(slabBytes);
  }

  /** Bytes written and not yet taken. */
  get pendingBytes(): number {
    return this.pos - this.start;
  }

  /** Makes room for `bytes` more at `pos`; pending bytes move to the new slab (never taken ones). */
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const pending = this.pos - this.start;
    // Doubling keeps the copying of pending bytes linear when one batch outgrows a slab.
    const next = Buffer.allocUnsafeSlow(Math.max(this.slabBytes, 2 * (pending + bytes)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }

  /** The bytes written since the last take, or null; the caller hands them to the socket. */
  take(): Buffer | null {
    if (this.pos === this.start) return null;
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  crlf(): void {
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** Decimal digits of a safe integer; room must have been ensured. */
  integer(value: number): void {
    let n = value;
    if (n < 0) {
      this.buf[this.pos++] = 45;
      n = -n;
    }
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let i = this.pos + digits - 1;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      this.buf[i--] = 48 + (n - q * 10);
      n = q;
    }
    this.buf[i] = 48 + n;
    this.pos += digits;
  }

  /** `<type><n>\r\n` */
  header(type: number, n: number): void {
    this.ensure(HEADER_BYTES_MAX);
    this.buf[this.pos++] = type;
    this.integer(n);
    this.crlf();
  }

  /** Latin1 text (characters are bytes), room included. */
  text(value: string): void {
    this.ensure(value.length);
    latin1Write(this.buf, value, this.pos);
    this.pos += value.length;
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }
}

const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const DOLLAR = 36;
const STAR = 42;
const PERCENT = 37;
const TILDE = 126;
const COMMA = 44;
const HASH = 35;
const UNDERSCORE = 95;
const EQUALS = 61;

/** Appends `reply` encoded for `protocol`. */
export function writeReply(w: ReplyWriter, reply: Reply, protocol: Protocol): void {
  if (typeof reply === 'string') return writeBulk(w, reply);
  if (typeof reply === 'number') {
    assert(Number.isSafeInteger(reply), `integer reply is not a safe integer: ${reply}`);
    w.header(COLON, reply);
    return;
  }
  if (reply === null) return writeNull(w, protocol);
  if (Array.isArray(reply)) return writeArray(w, reply as readonly Reply[], protocol);
  if (typeof reply === 'bigint') return writeLine(w, COLON, reply.toString());
  if (reply instanceof Uint8Array) return writeBulkBytes(w, reply);
  writeObject(
    w,
    reply as Exclude<Reply, string | number | bigint | null | Buffer | Reply[]>,
    protocol,
  );
}

function writeObject(
  w: ReplyWriter,
  reply: Exclude<Reply, string | number | bigint | null | Buffer | readonly Reply[]>,
  protocol: Protocol,
): void {
  if (reply instanceof SimpleString) return writeLine(w, PLUS, reply.text);
  if (reply instanceof ErrorReply) return writeLine(w, MINUS, reply.text);
  if (reply instanceof MapReply) return writeMap(w, reply, protocol);
  if (reply instanceof SetReply) {
    w.header(protocol === 3 ? TILDE : STAR, reply.items.length);
    for (const item of reply.items) writeReply(w, item, protocol);
    return;
  }
  if (reply instanceof DoubleReply) {
    const text = formatDouble(reply.value);
    if (protocol === 3) return writeLine(w, COMMA, text);
    return writeBulk(w, text);
  }
  if (reply instanceof BoolReply) {
    if (protocol === 3) return writeLine(w, HASH, reply.value ? 't' : 'f');
    w.header(COLON, reply.value ? 1 : 0);
    return;
  }
  if (reply instanceof NullArrayReply) {
    if (protocol === 3) return writeLine(w, UNDERSCORE, '');
    w.header(STAR, -1);
    return;
  }
  if (reply instanceof VerbatimReply) {
    if (protocol === 2) return writeBulk(w, reply.text);
    w.header(EQUALS, reply.text.length + 4);
    w.text(`${reply.format}:`);
    w.text(reply.text);
    w.ensure(2);
    w.crlf();
    return;
  }
  if (reply instanceof PairsReply) return writePairs(w, reply, protocol);
  if (reply instanceof RawReply) return w.bytes(reply.bytes);
  assertNever(reply, 'unknown reply kind');
}

function writeBulk(w: ReplyWriter, value: string): void {
  w.ensure(HEADER_BYTES_MAX + value.length + 2);
  w.byte(DOLLAR);
  w.integer(value.length);
  w.crlf();
  latin1Write(w.buf, value, w.pos);
  w.pos += value.length;
  w.crlf();
}

function writeBulkBytes(w: ReplyWriter, value: Uint8Array): void {
  w.ensure(HEADER_BYTES_MAX + value.length + 2);
  w.byte(DOLLAR);
  w.integer(value.length);
  w.crlf();
  w.buf.set(value, w.pos);
  w.pos += value.length;
  w.crlf();
}

function writeNull(w: ReplyWriter, protocol: Protocol): void {
  if (protocol === 3) return writeLine(w, UNDERSCORE, '');
  w.header(DOLLAR, -1);
}

function writeArray(w: ReplyWriter, items: readonly Reply[], protocol: Protocol): void {
  w.header(STAR, items.length);
  for (const item of items) writeReply(w, item, protocol);
}

function writeMap(w: ReplyWriter, reply: MapReply, protocol: Protocol): void {
  if (protocol === 3) w.header(PERCENT, reply.entries.length);
  else w.header(STAR, reply.entries.length * 2);
  for (const [key, value] of reply.entries) {
    writeReply(w, key, protocol);
    writeReply(w, value, protocol);
  }
}

function writePairs(w: ReplyWriter, reply: PairsReply, protocol: Protocol): void {
  const items = reply.items;
  assert(items.length % 2 === 0, 'PairsReply needs an even number of items');
  if (protocol === 2) return writeArray(w, items, protocol);
  w.header(STAR, items.length / 2);
  for (let i = 0; i < items.length; i += 2) {
    w.header(STAR, 2);
    writeReply(w, items[i] ?? null, protocol);
    writeReply(w, items[i + 1] ?? null, protocol);
  }
}

/**
 * `<type><text>\r\n` for simple strings, errors, doubles, booleans and nulls. CR and LF inside
 * the text become spaces, as Redis' addReplyErrorFormat does, so a reply can never inject
 * protocol.
 */
function writeLine(w: ReplyWriter, type: number, text: string): void {
  w.ensure(text.length + 3);
  w.byte(type);
  const start = w.pos;
  latin1Write(w.buf, text, start);
  w.pos += text.length;
  for (let i = start; i < w.pos; i++) {
    const c = w.buf[i];
    if (c === 13 || c === 10) w.buf[i] = 32;
  }
  w.crlf();
}

const LLONG_HALF = 2 ** 62;

/**
 * A double as Redis 7.2+ prints it (util.c d2string + fpconv_dtoa): `nan`, `inf`, `-inf`, `0`,
 * `-0`; integral values within ±2^62 as integers; otherwise the shortest round-trip digits,
 * plain when the exponent is small and `d.ddde+XX` otherwise.
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  if (Number.isInteger(value) && value >= -LLONG_HALF && value <= LLONG_HALF) {
    return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? String(value) : BigInt(value).toString();
  }
  const negative = value < 0;
  // toExponential() without an argument gives the shortest round-trip digits.
  const exponential = Math.abs(value).toExponential();
  const ePos = exponential.indexOf('e');
  const digits = exponential.slice(0, ePos).replace('.', '');
  const exponent10 = Number(exponential.slice(ePos + 1));
  return (negative ? '-' : '') + emitDigits(digits, exponent10);
}

/** fpconv's emit_digits: value = digits × 10^k, where k = exponent10 - (digits - 1). */
function emitDigits(digits: string, exponent10: number): string {
  const n = digits.length;
  const k = exponent10 - (n - 1);
  const exp = Math.abs(exponent10);
  if (k >= 0 && exp < n + 7) return digits + '0'.repeat(k);
  if (k < 0 && (k > -7 || exp < 4)) {
    const offset = n + k;
    if (offset <= 0) return `0.${'0'.repeat(-offset)}${digits}`;
    return `${digits.slice(0, offset)}.${digits.slice(offset)}`;
  }
  const mantissa = n > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
  const sign = exponent10 < 0 ? '-' : '+';
  return `${mantissa}e${sign}${exp}`; // no zero padding: 1e-7, 1.5e+300
}
