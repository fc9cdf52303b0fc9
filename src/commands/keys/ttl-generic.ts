/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME (Redis ttlGenericCommand): -2 no key, -1 no expiry,
 * else the remaining time (or the absolute time), seconds rounded to the nearest.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';

export function ttlGeneric(
  db: Keyspace,
  key: string,
  env: ApplyEnv,
  inMs: boolean,
  absolute: boolean,
): number {
  if (db.get(key, env.nowMs) === undefined) return -2;
  const atMs = db.expiresAt(key);
  if (atMs === undefined) return -1;
  const ms = Math.max(0, absolute ? atMs : atMs - env.nowMs);
  return inMs ? ms : Math.floor((ms + 500) / 1000);
}
