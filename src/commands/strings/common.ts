/** Pieces shared by the strings family. */
import { DEFAULT_LIMITS } from '../../config/limits.js';
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply } from '../reply.js';

/** Largest string a command may build (Redis proto-max-bulk-len). */
export const STRING_BYTES_MAX = DEFAULT_LIMITS.bulkBytesMax;
export const STRING_TOO_LONG = new ErrorReply(
  'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
);
export const OFFSET_OUT_OF_RANGE = new ErrorReply('ERR offset is out of range');

/** The live string at `key` (read path), null if none, WRONGTYPE for another kind. */
export function readString(db: Keyspace, key: string, nowMs: number): string | null | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined) return null;
  return typeof value === 'string' ? value : WRONGTYPE;
}

/** As readString, on the write path (an expired key is removed first). */
export function writableString(
  db: Keyspace,
  key: string,
  nowMs: number,
): string | null | ErrorReply {
  const value = db.getForWrite(key, nowMs);
  if (value === undefined) return null;
  return typeof value === 'string' ? value : WRONGTYPE;
}
