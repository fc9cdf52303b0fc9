/** Pieces shared by the stream commands: lookup and the MAXLEN/MINID trimming options. */
import type { Keyspace } from '../../store/keyspace.js';
import { compareIds, StreamValue, type StreamId } from '../../store/stream.js';
import type { Value } from '../../store/values.js';
import { isKeyword } from '../collections/args.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply } from '../reply.js';
import { parseInt64Number } from '../../store/numbers.js';
import { INVALID_ID, isAutoId, parseAddId, parseId } from './ids.js';

export const STREAM_KEY = Object.freeze({ first: 1, last: 1, step: 1 });

/** The stream at `key`, undefined if absent, or WRONGTYPE. */
export function readStream(
  db: Keyspace,
  key: string,
  nowMs: number,
): StreamValue | undefined | ErrorReply {
  return asStream(db.get(key, nowMs));
}

/** Write path: as readStream, but an expired key is removed first (Keyspace.getForWrite). */
export function writeStream(
  db: Keyspace,
  key: string,
  nowMs: number,
): StreamValue | undefined | ErrorReply {
  return asStream(db.getForWrite(key, nowMs));
}

function asStream(value: Value | undefined): StreamValue | undefined | ErrorReply {
  if (value === undefined) return undefined;
  return value instanceof StreamValue ? value : WRONGTYPE;
}

export interface TrimSpec {
  readonly strategy: 'maxlen' | 'minid';
  readonly maxLength: number;
  readonly minId: StreamId;
  /** LIMIT: the most entries one trim removes (0: no bound). */
  readonly limit: number;
}

export interface AddOrTrimOptions {
  trim: TrimSpec | undefined;
  noMkStream: boolean;
  /** Index of the first argument that is not an option (XADD: the ID). */
  next: number;
}

const MAXLEN_NEGATIVE = new ErrorReply('ERR The MAXLEN argument must be >= 0.');
const LIMIT_NEGATIVE = new ErrorReply('ERR The LIMIT argument must be >= 0.');
const BOTH_STRATEGIES = new ErrorReply(
  'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
);
const LIMIT_WITHOUT_TILDE = new ErrorReply(
  'ERR syntax error, LIMIT cannot be used without the special ~ option',
);
const LIMIT_WITHOUT_STRATEGY = new ErrorReply(
  'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
);
const XTRIM_WITHOUT_STRATEGY = new ErrorReply(
  'ERR syntax error, XTRIM must be called with a trimming strategy',
);
const SYNTAX = new ErrorReply('ERR syntax error');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');

/**
 * Parses [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] from args[2] on, in the order
 * and with the errors of Redis' streamParseAddOrTrimArgsOrReply; for XADD the first argument
 * that is no option is the ID, which must be `*` or a valid explicit ID (checked here, before
 * the arity of the field/value pairs, as Redis does). `~` (approximate) trims exactly here, which
 * keeps at least as many entries as asked; LIMIT bounds the entries one trim removes (Redis
 * removes only whole nodes of up to 100 entries within it, so it may remove fewer).
 */
export function parseAddOrTrim(
  args: readonly string[],
  isAdd: boolean,
): AddOrTrimOptions | ErrorReply {
  const options: AddOrTrimOptions = { trim: undefined, noMkStream: false, next: args.length };
  let approximate = false;
  let limit: number | undefined;
  let i = 2;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    const more = args.length - i - 1;
    if (isAdd && isAutoId(arg)) break;
    if ((isKeyword(arg, 'MAXLEN') || isKeyword(arg, 'MINID')) && more >= 1) {
      if (options.trim !== undefined) return BOTH_STRATEGIES;
      const next = args[i + 1] as string;
      approximate = next === '~' && more >= 2;
      if ((next === '~' || next === '=') && more >= 2) i++;
      const parsed = parseThreshold(
        isKeyword(arg, 'MAXLEN') ? 'maxlen' : 'minid',
        args[i + 1] as string,
      );
      if (parsed instanceof ErrorReply) return parsed;
      options.trim = parsed;
      i++;
    } else if (isKeyword(arg, 'LIMIT') && more >= 1) {
      limit = parseInt64Number(args[i + 1] as string);
      if (limit === undefined) return NOT_INTEGER;
      if (limit < 0) return LIMIT_NEGATIVE;
      i++;
    } else if (isAdd && isKeyword(arg, 'NOMKSTREAM')) {
      options.noMkStream = true;
    } else if (isAdd) {
      if (parseAddId(arg) === undefined) return INVALID_ID;
      break;
    } else {
      return SYNTAX;
    }
  }
  if (limit !== undefined && limit !== 0 && options.trim === undefined) {
    return LIMIT_WITHOUT_STRATEGY;
  }
  if (!isAdd && options.trim === undefined) return XTRIM_WITHOUT_STRATEGY;
  if (limit !== undefined && !approximate) return LIMIT_WITHOUT_TILDE;
  if (options.trim !== undefined && limit !== undefined) options.trim = { ...options.trim, limit };
  options.next = i;
  return options;
}

function parseThreshold(strategy: 'maxlen' | 'minid', text: string): TrimSpec | ErrorReply {
  if (strategy === 'minid') {
    const id = parseId(text, 0, false);
    if (id === undefined) return INVALID_ID;
    return { strategy, maxLength: 0, minId: id, limit: 0 };
  }
  const maxLength = parseInt64Number(text);
  if (maxLength === undefined) return NOT_INTEGER;
  if (maxLength < 0) return MAXLEN_NEGATIVE;
  return { strategy, maxLength, minId: { ms: 0, seq: 0 }, limit: 0 };
}

/** Applies a trim; returns how many entries it removed. */
export function trim(stream: StreamValue, spec: TrimSpec): number {
  let remove = 0;
  if (spec.strategy === 'maxlen') {
    remove = Math.max(0, stream.length - spec.maxLength);
  } else {
    while (remove < stream.length && compareIds(stream.idAt(remove), spec.minId) < 0) remove++;
  }
  if (spec.limit > 0) remove = Math.min(remove, spec.limit);
  if (remove > 0) stream.removeFront(remove);
  return remove;
}
