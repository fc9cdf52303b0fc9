import {
  compareIds,
  formatId,
  MAX_ID,
  StreamValue,
  ZERO_ID,
  type StreamId,
} from '../../store/stream.js';
import { WRONGTYPE, WRONG_ARITY } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseAddOrTrim, STREAM_KEY, trim } from './common.js';
import { INVALID_ID, isAutoId, nextId, parseAddId, type ParsedId } from './ids.js';

const NOT_ABOVE_TOP = new ErrorReply(
  'ERR The ID specified in XADD is equal or smaller than the target stream top item',
);
const ZERO_ID_ERROR = new ErrorReply('ERR The ID specified in XADD must be greater than 0-0');
const EXHAUSTED = new ErrorReply(
  'ERR The stream has exhausted the last possible ID, unable to add more items',
);

/**
 * The new entry's ID, as Redis' streamAppendItem picks it (the caller has already refused a
 * stream whose last ID is the greatest possible). `*` (no parsed ID) uses the entry's time
 * (stamped by the leader, so every replica picks the same ID), else the ID after the last one;
 * `ms-*` picks the next sequence within `ms`.
 */
function chooseId(
  parsed: ParsedId | undefined,
  last: StreamId,
  nowMs: number,
): StreamId | ErrorReply {
  if (parsed === undefined) {
    if (nowMs > last.ms) return { ms: nowMs, seq: 0 };
    return nextId(last) ?? EXHAUSTED;
  }
  let id = parsed.id;
  if (!parsed.seqGiven && id.ms === last.ms) {
    // Redis 7.0 answers this case with whatever errno held before (often "Elements are too
    // large to be stored"); 7.2 and later answer the error below, as we do.
    const next = nextId(last);
    if (next === undefined || next.ms !== last.ms) return NOT_ABOVE_TOP;
    id = next;
  }
  return compareIds(id, last) <= 0 ? NOT_ABOVE_TOP : id;
}

export const xadd = {
  kind: 'data',
  name: 'xadd',
  arity: -5,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@stream', '@fast'],
  keys: STREAM_KEY,
  keySpecs: [
    {
      notes: 'UPDATE instead of INSERT because of the optional trimming feature',
      flags: ['RW', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  tips: ['nondeterministic_output'],
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
    const auto = isAutoId(idText);
    const parsed = auto ? undefined : parseAddId(idText);
    if (!auto && parsed === undefined) return INVALID_ID; // parseAddOrTrim checked it already
    if (parsed !== undefined && parsed.seqGiven && compareIds(parsed.id, ZERO_ID) === 0) {
      return ZERO_ID_ERROR;
    }
    const existing = db.getForWrite(key, env.nowMs);
    if (existing !== undefined && !(existing instanceof StreamValue)) return WRONGTYPE;
    if (existing === undefined && options.noMkStream) return null;
    const stream = existing ?? new StreamValue();
    // As Redis: a stream at the greatest ID refuses every XADD, before the ID is considered.
    if (compareIds(stream.lastId, MAX_ID) === 0) return EXHAUSTED;
    const id = chooseId(parsed, stream.lastId, env.nowMs);
    if (id instanceof ErrorReply) return id;
    stream.append(id, args.slice(options.next + 1) as string[]);
    if (options.trim) trim(stream, options.trim);
    if (existing === undefined) db.put(key, stream);
    else db.changed(key);
    return formatId(id);
  },
} as const satisfies DataCommandSpec;
