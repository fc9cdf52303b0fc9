/** Parsing of stream IDs as Redis' streamGenericParseIDOrReply and string2ull do. */
import { ErrorReply } from '../reply.js';
import { cString, strtoull } from '../../store/numbers.js';
import {
  decrementPart,
  ID_PART_MAX,
  idPart,
  incrementPart,
  MAX_ID,
  ZERO_ID,
  type IdPart,
  type StreamId,
} from '../../store/stream.js';

export const INVALID_ID = new ErrorReply(
  'ERR Invalid stream ID specified as stream command argument',
);

/** Redis copies an ID argument into a 128-byte buffer; longer ones are invalid. */
const ID_CHARS_MAX = 127;
/** Up to 15 digits without a leading zero: string2ll's syntax, always a safe integer. */
const PLAIN_SAFE = /^(?:0|[1-9][0-9]{0,14})$/;
const NEGATIVE = /^-[1-9][0-9]*$/;
const INT64_MIN = -(1n << 63n);
/** strtoull's syntax: C white space, a sign, decimal digits. */

/**
 * One part of an ID as Redis' string2ull reads it: string2ll first (a negative value is
 * invalid), else strtoull, which also takes leading space, '+', and '-' (negating modulo 2^64:
 * "-0" is 0). Every value up to 2^64 - 1 is exact.
 */
function part(text: string): IdPart | undefined {
  if (PLAIN_SAFE.test(text)) return Number(text);
  if (NEGATIVE.test(text) && BigInt(text) >= INT64_MIN) return undefined;
  const value = strtoull(text, true);
  return value === undefined ? undefined : idPart(value);
}

export interface ParsedId {
  readonly id: StreamId;
  /** False for XADD's `ms-*` form, whose sequence the stream picks. */
  readonly seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: `ms-seq` or `ms` (seq defaults to `missingSeq`); `-` and `+` are
 * the smallest and greatest IDs unless `strict`; `ms-*` only where `autoSeq` (XADD).
 */
function parseGeneric(
  text: string,
  missingSeq: IdPart,
  strict: boolean,
  autoSeq: boolean,
): ParsedId | undefined {
  if (text.length > ID_CHARS_MAX) return undefined;
  const id = cString(text);
  if (id === '-' || id === '+') {
    if (strict) return undefined;
    return { id: id === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = id.indexOf('-');
  const ms = part(dash < 0 ? id : id.slice(0, dash));
  if (ms === undefined) return undefined;
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = id.slice(dash + 1);
  if (autoSeq && seqText === '*') return { id: { ms, seq: 0 }, seqGiven: false };
  const seq = part(seqText);
  return seq === undefined ? undefined : { id: { ms, seq }, seqGiven: true };
}

/**
 * Parses `ms-seq` or `ms` (seq defaults to `missingSeq`); `-` and `+` are the smallest and
 * greatest IDs when `allowBounds` (otherwise Redis' strict form). Undefined when malformed.
 */
export function parseId(
  text: string,
  missingSeq: IdPart,
  allowBounds: boolean,
): StreamId | undefined {
  return parseGeneric(text, missingSeq, !allowBounds, false)?.id;
}

/** XADD's `*` (Redis tests only that the first byte is '*' and the second a NUL). */
export function isAutoId(text: string): boolean {
  return cString(text) === '*';
}

/** XADD's explicit ID: strict `ms-seq`, `ms` (seq 0) or `ms-*`. Undefined when malformed. */
export function parseAddId(text: string): ParsedId | undefined {
  return parseGeneric(text, 0, true, true);
}

/** The ID just after `id` (Redis streamIncrID); undefined past the maximum. */
export function nextId(id: StreamId): StreamId | undefined {
  if (id.seq !== ID_PART_MAX) return { ms: id.ms, seq: incrementPart(id.seq) };
  if (id.ms !== ID_PART_MAX) return { ms: incrementPart(id.ms), seq: 0 };
  return undefined;
}

/** The ID just before `id` (Redis streamDecrID); undefined below 0-0. */
export function previousId(id: StreamId): StreamId | undefined {
  if (id.seq !== 0) return { ms: id.ms, seq: decrementPart(id.seq) };
  if (id.ms !== 0) return { ms: decrementPart(id.ms), seq: ID_PART_MAX };
  return undefined;
}
