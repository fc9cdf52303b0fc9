/** Parsing of stream IDs as Redis' streamParseID / streamGenericParseIDOrReply do. */
import { ErrorReply } from '../reply.js';
import { MAX_ID, ZERO_ID, type StreamId } from '../../store/stream.js';

export const INVALID_ID = new ErrorReply(
  'ERR Invalid stream ID specified as stream command argument',
);

const DIGITS = /^[0-9]+$/;

function part(text: string): number | undefined {
  if (!DIGITS.test(text) || text.length > 16) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
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
