/** XRANGE and XREVRANGE: entries between two IDs, each as [id, [field, value, ...]]. */
import { compareIds, formatId, ID_PART_MAX, type StreamId } from '../../store/stream.js';
import type { Keyspace } from '../../store/keyspace.js';
import { isKeyword } from '../collections/args.js';
import { SYNTAX } from '../errors.js';
import { ErrorReply, NULL_ARRAY, type Reply } from '../reply.js';
import { parseInt64Number } from '../../store/numbers.js';
import { readStream } from './common.js';
import { INVALID_ID, nextId, parseId, previousId } from './ids.js';

const INVALID_START = new ErrorReply('ERR invalid start ID for the interval');
const INVALID_END = new ErrorReply('ERR invalid end ID for the interval');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');

/** A bound: `-`, `+`, `ms[-seq]` or exclusive `(ms[-seq]`. */
function parseBound(text: string, isStart: boolean): StreamId | undefined | ErrorReply {
  // As streamParseIntervalIDOrReply: '(' needs something after it, a strict ID (not - or +).
  if (text.startsWith('(') && text.length > 1) {
    const id = parseId(text.slice(1), isStart ? 0 : ID_PART_MAX, false);
    if (id === undefined) return INVALID_ID;
    const moved = isStart ? nextId(id) : previousId(id);
    return moved ?? (isStart ? INVALID_START : INVALID_END);
  }
  const id = parseId(text, isStart ? 0 : ID_PART_MAX, true);
  return id ?? INVALID_ID;
}

export function rangeReply(
  db: Keyspace,
  args: readonly string[],
  nowMs: number,
  reverse: boolean,
): Reply {
  const start = parseBound(args[reverse ? 3 : 2] as string, true);
  if (start instanceof ErrorReply) return start;
  const end = parseBound(args[reverse ? 2 : 3] as string, false);
  if (end instanceof ErrorReply) return end;
  const count = parseCount(args);
  if (count instanceof ErrorReply) return count;
  const stream = readStream(db, args[1] as string, nowMs);
  if (stream instanceof ErrorReply) return stream;
  if (stream === undefined || start === undefined || end === undefined) return [];
  // As Redis: COUNT 0 (or negative) on an existing stream answers a null array.
  if (count === 0) return NULL_ARRAY;
  if (compareIds(start, end) > 0) return [];
  const first = stream.lowerBound(start);
  const after = nextId(end);
  const last = (after === undefined ? stream.length : stream.lowerBound(after)) - 1;
  const out: Reply[] = [];
  const entry = (position: number): Reply => [
    formatId(stream.idAt(position)),
    [...stream.fieldsAt(position)],
  ];
  if (reverse) for (let p = last; p >= first && out.length < count; p--) out.push(entry(p));
  else for (let p = first; p <= last && out.length < count; p++) out.push(entry(p));
  return out;
}

/** `[COUNT n]...` from args[4] on: repeatable, the last wins, negative means 0 (as Redis). */
function parseCount(args: readonly string[]): number | ErrorReply {
  let count = Infinity;
  for (let j = 4; j < args.length; j++) {
    if (!isKeyword(args[j] as string, 'COUNT') || j + 1 >= args.length) return SYNTAX;
    const value = parseInt64Number(args[j + 1] as string);
    if (value === undefined) return NOT_INTEGER;
    count = Math.max(0, value);
    j++;
  }
  return count;
}
