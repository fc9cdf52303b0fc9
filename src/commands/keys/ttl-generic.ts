/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME (Redis ttlGenericCommand): -2 no key, -1 no expiry,
 * else the remaining time (or the absolute time), seconds rounded to the nearest.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { INT64_MAX } from '../../store/numbers.js';

export function ttlGeneric(
  db: Keyspace,
  key: string,
  env: ApplyEnv,
  inMs: boolean,
  absolute: boolean,
): number | bigint {
  if (db.get(key, env.nowMs) === undefined) return -2;
  const atMs = db.expiresAt(key);
  if (atMs === undefined) return -1;
  const ms = Math.max(0, absolute ? atMs : atMs - env.nowMs);
  return integerReply(inMs ? ms : Math.floor((ms + 500) / 1000));
}

/**
 * Expiry times are doubles, exact to 2^53 ms; a client may still set one near the int64
 * limit (PXAT 9223372036854775807). Beyond 2^53 the reply is a bigint, clamped to int64 (the
 * double nearest to 2^63 - 1 is 2^63), so the encoder always gets an integer it can send.
 */
function integerReply(value: number): number | bigint {
  if (Number.isSafeInteger(value)) return value;
  const big = BigInt(Math.trunc(value));
  return big > INT64_MAX ? INT64_MAX : big;
}
