/**
 * A compact binary form of the Reply model, for replies the leader computes on behalf of a
 * follower's client. Independent of RESP2/RESP3: the follower re-encodes the decoded Reply in
 * its own connection's protocol, so a HELLO 3 client behind a follower sees RESP3 types.
 *
 *   tag:u8 then   1 bulk(latin1)  2 int  3 bigint  4 null  5 buffer  6 array  7 simple
 *                 8 error  9 map  10 set  11 double  12 bool  13 null-array  14 verbatim  15 raw
 *   lengths and counts are u32be; numbers f64be; text latin1.
 */
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  NullArrayReply,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type Reply,
} from '../commands/reply.js';

/** Nesting allowed in a decoded reply: well above anything a command builds. */
const DEPTH_MAX = 64;

class Out {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v, this.at);
    this.at += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleBE(v, this.at);
    this.at += 8;
  }
  text(s: string): void {
    this.u32(s.length);
    this.room(s.length);
    this.at += this.buf.write(s, this.at, 'latin1');
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

function put(out: Out, r: Reply): void {
  if (typeof r === 'string') return (out.u8(1), out.text(r));
  if (typeof r === 'number') return (out.u8(2), out.f64(r));
  if (typeof r === 'bigint') return (out.u8(3), out.text(r.toString()));
  if (r === null) return out.u8(4);
  if (Buffer.isBuffer(r)) return (out.u8(5), out.bytes(r));
  if (Array.isArray(r)) {
    out.u8(6);
    out.u32(r.length);
    for (const item of r as readonly Reply[]) put(out, item);
    return;
  }
  if (r instanceof SimpleString) return (out.u8(7), out.text(r.text));
  if (r instanceof ErrorReply) return (out.u8(8), out.text(r.text));
  if (r instanceof MapReply) {
    out.u8(9);
    out.u32(r.entries.length);
    for (const [k, v] of r.entries) {
      put(out, k);
      put(out, v);
    }
    return;
  }
  if (r instanceof SetReply) {
    out.u8(10);
    out.u32(r.items.length);
    for (const item of r.items) put(out, item);
    return;
  }
  if (r instanceof DoubleReply) return (out.u8(11), out.f64(r.value));
  if (r instanceof BoolReply) return (out.u8(12), out.u8(r.value ? 1 : 0));
  if (r instanceof NullArrayReply) return out.u8(13);
  if (r instanceof VerbatimReply)
    return (out.u8(14), out.u8(r.format === 'txt' ? 0 : 1), out.text(r.text));
  if (r instanceof RawReply) return (out.u8(15), out.bytes(r.bytes));
  throw new TypeError('unknown reply kind');
}

export function encodeReply(reply: Reply): Buffer {
  const out = new Out();
  put(out, reply);
  return out.done();
}

class In {
  at = 0;
  constructor(private readonly buf: Buffer) {}
  need(n: number): void {
    if (this.at + n > this.buf.length) throw new RangeError('reply bytes truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.at++] ?? 0;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.at);
    this.at += 8;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }
  text(): string {
    return this.bytes().toString('latin1');
  }
}

function items(inp: In, depth: number): Reply[] {
  const n = inp.u32();
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) out.push(get(inp, depth + 1));
  return out;
}

function get(inp: In, depth: number): Reply {
  if (depth > DEPTH_MAX) throw new RangeError('reply nested too deeply');
  const tag = inp.u8();
  switch (tag) {
    case 1:
      return inp.text();
    case 2:
      return inp.f64();
    case 3:
      return BigInt(inp.text());
    case 4:
      return null;
    case 5:
      return inp.bytes();
    case 6:
      return items(inp, depth);
    case 7:
      return new SimpleString(inp.text());
    case 8:
      return new ErrorReply(inp.text());
    case 9: {
      const n = inp.u32();
      const entries: [Reply, Reply][] = [];
      for (let i = 0; i < n; i++) entries.push([get(inp, depth + 1), get(inp, depth + 1)]);
      return new MapReply(entries);
    }
    case 10:
      return new SetReply(items(inp, depth));
    case 11:
      return new DoubleReply(inp.f64());
    case 12:
      return new BoolReply(inp.u8() === 1);
    case 13:
      return NULL_ARRAY;
    case 14:
      return new VerbatimReply(inp.u8() === 0 ? 'txt' : 'mkd', inp.text());
    case 15:
      return new RawReply(inp.bytes());
    default:
      throw new RangeError(`unknown reply tag ${tag}`);
  }
}

/** Throws RangeError on malformed bytes (a peer bug or a corrupted frame). */
export function decodeReply(bytes: Uint8Array): Reply {
  const inp = new In(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const reply = get(inp, 0);
  if (inp.at !== bytes.byteLength) throw new RangeError('trailing bytes after reply');
  return reply;
}
