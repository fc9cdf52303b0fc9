/** Lookups shared by the hash commands: the value at a key as a hash, or WRONGTYPE. */
import type { Keyspace } from '../../store/keyspace.js';
import { HashValue } from '../../store/values.js';
import { WRONGTYPE } from '../errors.js';
import type { ErrorReply } from '../reply.js';

export function readHash(
  db: Keyspace,
  key: string,
  nowMs: number,
): HashValue | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined || value instanceof HashValue) return value;
  return WRONGTYPE;
}

/** Write path: drops an expired key first (Keyspace.getForWrite). */
export function writeHash(
  db: Keyspace,
  key: string,
  nowMs: number,
): HashValue | undefined | ErrorReply {
  const value = db.getForWrite(key, nowMs);
  if (value === undefined || value instanceof HashValue) return value;
  return WRONGTYPE;
}

/** The hash at `key`, created and stored if absent. Marks the key changed either way. */
export function hashToChange(
  db: Keyspace,
  key: string,
  existing: HashValue | undefined,
): HashValue {
  if (existing !== undefined) {
    db.changed(key);
    return existing;
  }
  const created = new HashValue();
  db.put(key, created);
  return created;
}
