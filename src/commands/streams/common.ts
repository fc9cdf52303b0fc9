/** Pieces shared by the stream commands: lookup and the MAXLEN/MINID trimming options. */
import type { Keyspace } from '../../store/keyspace.js';
import { compareIds, StreamValue, type StreamId } from '../../store/stream.js';
import { isKeyword } from '../collections/args.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply } from '../reply.js';
import { parseId } from './ids.js';

export const STREAM_KEY = Object.freeze({ first: 1, last: 1, step: 1 });

/** The stream at `key`, undefined if absent, or WRONGTYPE. */
export function readStream(
  db: Keyspace,
  key: string,
  nowMs: number,
): StreamValue | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined) return undefined;
  return value instanceof StreamValue ? value : WRONGTYPE;
}

export interface TrimSpec {
  readonly strategy: 'maxlen' | 'minid';
  readonly maxLength: number;
  readonly minId: StreamId;
}

export interface AddOrTrimOptions {
  trim: TrimSpec | undefined;
  noMkStream: boolean;
  /** Index of the first argument that is not an option (XADD: the ID). */
  next: number;
}

const MAXLEN_NEGATIVE = new ErrorReply('ERR The MAXLEN argument must be >= 0.');
const BOTH_STRATEGIES = new ErrorReply(
  'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
);
const LIMIT_WITHOUT_TILDE = new ErrorReply(
  'ERR syntax error, LIMIT cannot be used without the special ~ option',
);
const SYNTAX = new ErrorReply('ERR syntax error');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');

/**
 * Parses [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] from args[2] on, as
 * Redis' streamParseAddOrTrimArgsOrReply. `~` (approximate) trims exactly here, which keeps
 * at least as many entries as asked; LIMIT is accepted and bounds nothing more.
 */
export function parseAddOrTrim(
  args: readonly string[],
  isAdd: boolean,
): AddOrTrimOptions | ErrorReply {
  const options: AddOrTrimOptions = { trim: undefined, noMkStream: false, next: args.length };
  let approximate = false;
  let limitGiven = false;
  let i = 2;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    const more = args.length - i - 1;
    if (isAdd && isKeyword(arg, 'NOMKSTREAM')) {
      options.noMkStream = true;
    } else if ((isKeyword(arg, 'MAXLEN') || isKeyword(arg, 'MINID')) && more >= 1) {
      const strategy = isKeyword(arg, 'MAXLEN') ? 'maxlen' : 'minid';
      if (options.trim !== undefined && options.trim.strategy !== strategy) return BOTH_STRATEGIES;
      let threshold = args[i + 1] as string;
      if ((threshold === '~' || threshold === '=') && more >= 2) {
        approximate = threshold === '~';
        threshold = args[i + 2] as string;
        i++;
      }
      i++;
      const parsed = parseThreshold(strategy, threshold);
      if (parsed instanceof ErrorReply) return parsed;
      options.trim = parsed;
    } else if (isKeyword(arg, 'LIMIT') && more >= 1) {
      if (!/^-?[0-9]+$/.test(args[i + 1] as string)) return NOT_INTEGER;
      limitGiven = true;
      i++;
    } else if (isAdd) {
      break;
    } else {
      return SYNTAX;
    }
  }
  if (limitGiven && !approximate) return LIMIT_WITHOUT_TILDE;
  options.next = i;
  return options;
}

function parseThreshold(strategy: 'maxlen' | 'minid', text: string): TrimSpec | ErrorReply {
  if (strategy === 'minid') {
    const id = parseId(text, 0, false);
    if (id === undefined)
      return new ErrorReply('ERR Invalid stream ID specified as stream command argument');
    return { strategy, maxLength: 0, minId: id };
  }
  if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) return NOT_INTEGER;
  const maxLength = Number(text);
  if (maxLength < 0) return MAXLEN_NEGATIVE;
  return { strategy, maxLength, minId: { ms: 0, seq: 0 } };
}

/** Applies a trim; returns how many entries it removed. */
export function trim(stream: StreamValue, spec: TrimSpec): number {
  let remove = 0;
  if (spec.strategy === 'maxlen') {
    remove = Math.max(0, stream.length - spec.maxLength);
  } else {
    while (remove < stream.length && compareIds(stream.idAt(remove), spec.minId) < 0) remove++;
  }
  if (remove > 0) stream.removeFront(remove);
  return remove;
}
