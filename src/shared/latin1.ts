/**
 * Latin-1 conversions between byte buffers and JS strings (keys and values are byte strings:
 * latin1 maps every byte to one char and back, node-resp-performance.md "Binary safety").
 *
 * Buffer#latin1Slice and Buffer#latin1Write are undocumented but long-standing Node APIs, about
 * 20% faster than `toString('latin1')` / `write(..., 'latin1')`; the fallbacks cover a runtime
 * without them. They are called as methods (not through `.call`) so that V8 inlines the call.
 */
interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(text: string, offset: number, length: number): number;
}
const proto = Buffer.prototype as unknown as Partial<Latin1Buffer>;
const HAS_LATIN1_SLICE = typeof proto.latin1Slice === 'function';
const HAS_LATIN1_WRITE = typeof proto.latin1Write === 'function';

/** `buf[start, end)` as a latin1 string. */
export function latin1Slice(buf: Buffer, start: number, end: number): string {
  return HAS_LATIN1_SLICE
    ? (buf as unknown as Latin1Buffer).latin1Slice(start, end)
    : buf.toString('latin1', start, end);
}

/** Writes every char of `text` as one byte at `offset`; the caller has made room. */
export function latin1Write(buf: Buffer, text: string, offset: number): void {
  if (HAS_LATIN1_WRITE) (buf as unknown as Latin1Buffer).latin1Write(text, offset, text.length);
  else buf.write(text, offset, text.length, 'latin1');
}
