/** Parsing of stream IDs as Redis' streamParseID / streamGenericParseIDOrReply do. */
import { ErrorReply } from '../reply.js';
import { MAX_ID, ZERO_ID, type StreamId } from '../../store/stream.js';

export const INVALID_ID = new ErrorReply(
  'ERR Invalid stream ID specified as stream command argument',
);

/** Redis copies an ID argument into a 128-byte buffer; longer ones are invalid. */
const ID_CHARS_MAX = 127;
const PLAIN = /^(0|[1-9][0-9]*)$/;
const NEGATIVE = /^-[1-9][0-9]*$/;
/** strtoull's syntax: C white space, a sign, decimal digits. */
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;
const UINT64_RANGE = 1n << 64n;

/**
 * One part of an ID as Redis' string2ull reads it: string2ll first (a negative value is
 * invalid), else strtoull, which also takes leading space, '+', and '-' (negating modulo 2^64:
 * "-0" is 0). Values beyond 2^53 - 1 are valid in Redis but not representable here (see
 * store/stream.ts), so they are invalid too.
 */
function part(text: string): number | undefined {
  if (PLAIN.test(text) && text.length <= 16) return Number(text);
  if (NEGATIVE.test(text) && BigInt(text) >= -(1n << 63n)) return undefined;
  const match = STRTOULL.exec(text);
  if (match === null) return undefined;
  let value = BigInt(match[2] ?? '');
  if (value >= UINT64_RANGE) return undefined; // ERANGE
  if (match[1] === '-') value = (UINT64_RANGE - value) % UINT64_RANGE;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/**
 * Parses `ms-seq` or `ms` (seq defaults to `missingSeq`); `-` and `+` are the smallest and
 * greatest IDs when `allowBounds`. Returns undefined when malformed.
 */
export function parseId(
  text: string,
  missingSeq: number,
  allowBounds: boolean,
): StreamId | undefined {
  if (text.length > ID_CHARS_MAX) return undefined;
  if (allowBounds && text === '-') return ZERO_ID;
  if (allowBounds && text === '+') return MAX_ID;
  const dash = text.indexOf('-');
  if (dash < 0) {
    const ms = part(text);
    return ms === undefined ? undefined : { ms, seq: missingSeq };
  }
  const ms = part(text.slice(0, dash));
  const seq = part(text.slice(dash + 1));
  return ms === undefined || seq === undefined ? undefined : { ms, seq };
}

/** The ID just after `id` (for exclusive `(id` start bounds); undefined past the maximum. */
export function nextId(id: StreamId): StreamId | undefined {
  if (id.seq < Number.MAX_SAFE_INTEGER) return { ms: id.ms, seq: id.seq + 1 };
  if (id.ms < Number.MAX_SAFE_INTEGER) return { ms: id.ms + 1, seq: 0 };
  return undefined;
}

/** The ID just before `id` (for exclusive `(id` end bounds); undefined below 0-0. */
export function previousId(id: StreamId): StreamId | undefined {
  if (id.seq > 0) return { ms: id.ms, seq: id.seq - 1 };
  if (id.ms > 0) return { ms: id.ms - 1, seq: Number.MAX_SAFE_INTEGER };
  return undefined;
}
