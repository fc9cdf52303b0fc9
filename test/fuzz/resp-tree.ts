/**
 * A small, independent RESP2/RESP3 reply reader for the fuzz tests: it finds where one reply ends
 * in a byte buffer (latin1 text) and builds a tree of it, keeping every node's exact bytes so
 * that replies can be compared byte for byte, or after a documented normalisation.
 * Deliberately not src/resp: a test that used our own parser could not catch its mistakes.
 */

export interface RespNode {
  /** The type byte: + - : $ * % ~ , # _ = ( ! > | */
  readonly type: string;
  /** The exact bytes of the whole reply (latin1). */
  readonly raw: string;
  /** Line payload (simple types) or the bulk content; '' for aggregates. */
  readonly text: string;
  /** Children of aggregates (maps: key, value, key, value, ...); null for `*-1`/`$-1`. */
  readonly items: readonly RespNode[] | null;
}

const LINE_TYPES = new Set(['+', '-', ':', ',', '#', '_', '(']);
const BLOB_TYPES = new Set(['$', '=', '!']);
const AGGREGATE_TYPES = new Set(['*', '~', '>']);
const MAP_TYPES = new Set(['%', '|']);
/** Bound on nesting, so a hostile reply cannot overflow the stack of the test. */
const DEPTH_MAX = 64;

/** Parses one reply at `offset`: the node and the offset after it, or null if incomplete. */
export function readReply(
  buffer: string,
  offset = 0,
  depth = 0,
): { node: RespNode; end: number } | null {
  if (depth > DEPTH_MAX) throw new Error('reply nested too deep');
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return null;
  const type = buffer[offset] ?? '';
  const head = buffer.slice(offset + 1, lineEnd);
  const after = lineEnd + 2;
  if (LINE_TYPES.has(type)) return done(buffer, offset, after, type, head, []);
  const length = Number(head);
  if (!Number.isInteger(length)) throw new Error(`bad reply header ${JSON.stringify(head)}`);
  if (BLOB_TYPES.has(type)) {
    if (length < 0)
      return {
        node: { type, raw: buffer.slice(offset, after), text: '', items: null },
        end: after,
      };
    const end = after + length + 2;
    if (buffer.length < end) return null;
    return done(buffer, offset, end, type, buffer.slice(after, after + length), []);
  }
  const count = MAP_TYPES.has(type) ? length * 2 : AGGREGATE_TYPES.has(type) ? length : NaN;
  if (Number.isNaN(count)) throw new Error(`unknown reply type ${JSON.stringify(type)}`);
  if (length < 0)
    return { node: { type, raw: buffer.slice(offset, after), text: '', items: null }, end: after };
  const items: RespNode[] = [];
  let cursor = after;
  for (let i = 0; i < count; i++) {
    const child = readReply(buffer, cursor, depth + 1);
    if (child === null) return null;
    items.push(child.node);
    cursor = child.end;
  }
  return done(buffer, offset, cursor, type, '', items);
}

function done(
  buffer: string,
  start: number,
  end: number,
  type: string,
  text: string,
  items: RespNode[],
): { node: RespNode; end: number } {
  return { node: { type, raw: buffer.slice(start, end), text, items }, end };
}

/** Printable form of reply bytes for failure messages. */
export function show(raw: string): string {
  return JSON.stringify(raw.length > 600 ? `${raw.slice(0, 600)}...` : raw);
}
