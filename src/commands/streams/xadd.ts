import { compareIds, formatId, StreamValue, type StreamId } from '../../store/stream.js';
import { WRONGTYPE, WRONG_ARITY } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseAddOrTrim, STREAM_KEY, trim } from './common.js';
import { INVALID_ID, parseId } from './ids.js';

const NOT_ABOVE_TOP = new ErrorReply(
  'ERR The ID specified in XADD is equal or smaller than the target stream top item',
);
const ZERO_ID_ERROR = new ErrorReply('ERR The ID specified in XADD must be greater than 0-0');
const EXHAUSTED = new ErrorReply(
  'ERR The stream has exhausted the last possible ID, unable to add more items',
);

/**
 * The new entry's ID. `*` uses the entry's time (stamped by the leader, so every replica picks
 * the same ID), never going below the stream's last ID; `ms-*` picks the next sequence.
 */
function chooseId(text: string, last: StreamId, nowMs: number): StreamId | ErrorReply {
  if (text === '*') {
    if (nowMs > last.ms) return { ms: nowMs, seq: 0 };
    if (last.seq >= Number.MAX_SAFE_INTEGER) return EXHAUSTED;
    return { ms: last.ms, seq: last.seq + 1 };
  }
  if (text.endsWith('-*')) {
    const base = parseId(text.slice(0, -2), 0, false);
    if (base === undefined) return INVALID_ID;
    if (base.ms < last.ms) return NOT_ABOVE_TOP;
    if (base.ms === last.ms && last.seq >= Number.MAX_SAFE_INTEGER) return NOT_ABOVE_TOP;
    return base.ms === last.ms ? { ms: base.ms, seq: last.seq + 1 } : base;
  }
  const id = parseId(text, 0, false);
  if (id === undefined) return INVALID_ID;
  if (id.ms === 0 && id.seq === 0) return ZERO_ID_ERROR;
  return compareIds(id, last) <= 0 ? NOT_ABOVE_TOP : id;
}

export const xadd = {
  kind: 'data',
  name: 'xadd',
  arity: -5,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@stream', '@fast'],
  keys: STREAM_KEY,
  summary: 'Appends a new message to a stream. Creates the key if it does not exist.',
  group: 'stream',
  since: '5.0.0',
  syntax:
    'key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] <* | id> field value [field value ...]',
  apply(db, args, env): Reply {
    const key = args[1] as string;
    const options = parseAddOrTrim(args, true);
    if (options instanceof ErrorReply) return options;
    const pairs = args.length - options.next - 1;
    if (pairs <= 0 || pairs % 2 !== 0) return WRONG_ARITY('xadd');
    // An explicit 0-0 is refused before the key is looked up (Redis creates nothing then).
    const idText = args[options.next] as string;
    const explicit =
      idText !== '*' && !idText.endsWith('-*') ? parseId(idText, 0, false) : undefined;
    if (explicit !== undefined && explicit.ms === 0 && explicit.seq === 0) return ZERO_ID_ERROR;
    const existing = db.getForWrite(key, env.nowMs);
    if (existing !== undefined && !(existing instanceof StreamValue)) return WRONGTYPE;
    if (existing === undefined && options.noMkStream) return null;
    const stream = existing ?? new StreamValue();
    const id = chooseId(args[options.next] as string, stream.lastId, env.nowMs);
    if (id instanceof ErrorReply) return id;
    stream.append(id, args.slice(options.next + 1) as string[]);
    if (options.trim) trim(stream, options.trim);
    if (existing === undefined) db.put(key, stream);
    else db.changed(key);
    return formatId(id);
  },
} as const satisfies DataCommandSpec;
