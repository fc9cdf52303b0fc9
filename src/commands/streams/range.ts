/** XRANGE and XREVRANGE: entries between two IDs, each as [id, [field, value, ...]]. */
import { compareIds, formatId, type StreamId } from '../../store/stream.js';
import type { Keyspace } from '../../store/keyspace.js';
import { isKeyword } from '../collections/args.js';
import { SYNTAX } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import { readStream } from './common.js';
import { INVALID_ID, nextId, parseId, previousId } from './ids.js';

const INVALID_START = new ErrorReply('ERR invalid start ID for the interval');
const INVALID_END = new ErrorReply('ERR invalid end ID for the interval');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');

/** A bound: `-`, `+`, `ms[-seq]` or exclusive `(ms[-seq]`. */
function parseBound(text: string, isStart: boolean): StreamId | undefined | ErrorReply {
  if (text.startsWith('(')) {
    const id = parseId(text.slice(1), isStart ? 0 : Number.MAX_SAFE_INTEGER, false);
    if (id === undefined) return INVALID_ID;
    const moved = isStart ? nextId(id) : previousId(id);
    return moved ?? (isStart ? INVALID_START : INVALID_END);
  }
  const id = parseId(text, isStart ? 0 : Number.MAX_SAFE_INTEGER, true);
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
  let count = Infinity;
  if (args.length > 4) {
    if (args.length !== 6 || !isKeyword(args[4] as string, 'COUNT')) return SYNTAX;
    const text = args[5] as string;
    if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) return NOT_INTEGER;
    count = Math.max(0, Number(text));
  }
  const stream = readStream(db, args[1] as string, nowMs);
  if (stream instanceof ErrorReply) return stream;
  if (stream === undefined || start === undefined || end === undefined || count === 0) return [];
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
