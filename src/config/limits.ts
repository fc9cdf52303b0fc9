/**
 * Every bound in one place (STYLE.md rule 4). Configurable ones are defaults that
 * `src/config` may override; `checkLimits` runs at startup and rejects inconsistent sets.
 */
import { constants as bufferConstants } from 'node:buffer';

export interface Limits {
  /** Largest bulk string a client may send (Redis `proto-max-bulk-len`). */
  bulkBytesMax: number;
  /**
   * Most elements in one multibulk request. Redis 7 allows INT_MAX; a V8 array cannot grow
   * past about 1.1e8 elements (the process aborts when it tries), so the bound here is lower.
   */
  multibulkLengthMax: number;
  /**
   * Argument bytes of one command. Not a Redis bound: Redis holds a command's arguments in
   * process memory, while here they are strings in V8's heap (about 4 GiB by default), and a
   * command that fills it would end the process instead of failing one request.
   */
  commandBytesMax: number;
  /** Largest inline command line (Redis: 64 KiB). */
  inlineBytesMax: number;
  /**
   * Unparsed input held for one connection before it is closed (Redis
   * `client-query-buffer-limit`): bytes read and not yet part of a complete argument, as Redis
   * counts its query buffer. Completed arguments of an incomplete command do not count.
   */
  queryBufferBytesMax: number;
  /** Reply bytes queued for one slow reader before reads from it pause. */
  replyBufferBytesHigh: number;
  /** Reply bytes queued for one client before it is disconnected (output buffer hard limit). */
  replyBufferBytesMax: number;
  /** Commands queued inside one MULTI. */
  multiCommandsMax: number;
  /** Client connections accepted at once (Redis `maxclients`). */
  clientsMax: number;
  /** Largest tensor in bytes and greatest rank. */
  tensorBytesMax: number;
  tensorRankMax: number;
}

/** V8 cannot hold a string longer than this; arguments are latin1 strings (one char per byte). */
export const STRING_CHARS_MAX = bufferConstants.MAX_STRING_LENGTH;

/**
 * Requests from a client that has not authenticated while a password is required (Redis
 * authRequired, CVE-2021-32675): at most this many elements and bulk bytes, else Redis'
 * `unauthenticated multibulk length` / `unauthenticated bulk length` protocol error and the
 * connection closes. Fixed in Redis too; AUTH and HELLO fit with room to spare.
 */
export const UNAUTHENTICATED_MULTIBULK_LENGTH_MAX = 10;
export const UNAUTHENTICATED_BULK_BYTES_MAX = 16 * 1024;

/** Elements a V8 array grows to before the process aborts (FixedArray limit, with margin). */
const ARRAY_LENGTH_SAFE_MAX = 64 * 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  bulkBytesMax: Math.min(512 * 1024 * 1024, STRING_CHARS_MAX),
  multibulkLengthMax: 16 * 1024 * 1024,
  commandBytesMax: 1024 * 1024 * 1024,
  inlineBytesMax: 64 * 1024,
  queryBufferBytesMax: 1024 * 1024 * 1024,
  replyBufferBytesHigh: 16 * 1024 * 1024,
  replyBufferBytesMax: 1024 * 1024 * 1024,
  multiCommandsMax: 100_000,
  clientsMax: 10_000,
  tensorBytesMax: Math.min(512 * 1024 * 1024, STRING_CHARS_MAX),
  tensorRankMax: 32,
});

/** Throws a description of the first inconsistency; called once at startup. */
export function checkLimits(limits: Limits): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      problems.push(`${name} must be a positive integer`);
  }
  if (limits.bulkBytesMax > STRING_CHARS_MAX)
    problems.push(
      `bulkBytesMax exceeds the largest string this runtime holds (${STRING_CHARS_MAX})`,
    );
  if (limits.multibulkLengthMax > ARRAY_LENGTH_SAFE_MAX)
    problems.push(`multibulkLengthMax exceeds what a V8 array holds (${ARRAY_LENGTH_SAFE_MAX})`);
  if (limits.commandBytesMax < limits.bulkBytesMax)
    problems.push('commandBytesMax must be at least bulkBytesMax');
  if (limits.queryBufferBytesMax < limits.bulkBytesMax)
    problems.push('queryBufferBytesMax must be at least bulkBytesMax');
  if (limits.replyBufferBytesMax < limits.replyBufferBytesHigh)
    problems.push('replyBufferBytesMax must be at least replyBufferBytesHigh');
  if (limits.tensorBytesMax > limits.bulkBytesMax)
    problems.push('tensorBytesMax must not exceed bulkBytesMax (a tensor arrives as one bulk)');
  if (problems.length > 0) throw new Error(`invalid limits: ${problems.join('; ')}`);
}
