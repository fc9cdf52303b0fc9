/**
 * INCR / DECR / INCRBY / DECRBY (Redis incrDecrCommand): exact int64 arithmetic. Numbers on
 * the fast path; BigInt only when an operand or the result leaves the safe-integer range.
 * The key keeps its TTL.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { INT64_MAX, INT64_MIN, int64ToReply, parseInt64 } from '../../store/numbers.js';
import { NOT_INTEGER, OVERFLOW, WRONGTYPE } from '../errors.js';
import type { Reply } from '../reply.js';

export function incrementBy(
  db: Keyspace,
  key: string,
  delta: number | bigint,
  nowMs: number,
): Reply {
  const current = db.getForWrite(key, nowMs);
  let value: number | bigint = 0;
  if (current !== undefined) {
    if (typeof current !== 'string') return WRONGTYPE;
    const parsed = parseInt64(current);
    if (parsed === undefined) return NOT_INTEGER;
    value = parsed;
  }
  if (typeof value === 'number' && typeof delta === 'number') {
    const sum = value + delta;
    if (Number.isSafeInteger(sum)) {
      db.put(key, String(sum));
      return sum;
    }
  }
  const sum = BigInt(value) + BigInt(delta);
  if (sum > INT64_MAX || sum < INT64_MIN) return OVERFLOW;
  db.put(key, sum.toString());
  return int64ToReply(sum);
}
