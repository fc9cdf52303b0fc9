/** Lookups and the multi-key algebra shared by the set commands. */
import type { Keyspace } from '../../store/keyspace.js';
import { SetValue } from '../../store/values.js';
import { WRONGTYPE } from '../errors.js';
import type { ErrorReply } from '../reply.js';

export function readSet(
  db: Keyspace,
  key: string,
  nowMs: number,
): SetValue | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined || value instanceof SetValue) return value;
  return WRONGTYPE;
}

export function writeSet(
  db: Keyspace,
  key: string,
  nowMs: number,
): SetValue | undefined | ErrorReply {
  const value = db.getForWrite(key, nowMs);
  if (value === undefined || value instanceof SetValue) return value;
  return WRONGTYPE;
}

/**
 * The sets at `keys` (undefined for a missing key), or WRONGTYPE if any key holds another kind:
 * Redis 7 checks every key's type before it computes anything.
 */
export function readSets(
  db: Keyspace,
  keys: readonly string[],
  nowMs: number,
): (SetValue | undefined)[] | ErrorReply {
  const sets = new Array<SetValue | undefined>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const value = db.get(keys[i] as string, nowMs);
    if (value !== undefined && !(value instanceof SetValue)) return WRONGTYPE;
    sets[i] = value;
  }
  return sets;
}

export type SetOperation = 'inter' | 'union' | 'diff';

/** SINTER/SUNION/SDIFF over the given sets (missing keys are empty sets). */
export function combine(
  sets: readonly (SetValue | undefined)[],
  operation: SetOperation,
): Set<string> {
  switch (operation) {
    case 'inter':
      return intersect(sets, Infinity);
    case 'union': {
      const out = new Set<string>();
      for (const set of sets) if (set) for (const member of set.members) out.add(member);
      return out;
    }
    case 'diff': {
      const [first, ...rest] = sets;
      const out = new Set<string>();
      if (!first) return out;
      for (const member of first.members) {
        if (!rest.some((other) => other?.members.has(member))) out.add(member);
      }
      return out;
    }
  }
}

/** Intersection, smallest set first; stops once `limit` members are found (SINTERCARD LIMIT). */
export function intersect(sets: readonly (SetValue | undefined)[], limit: number): Set<string> {
  const out = new Set<string>();
  if (sets.length === 0 || sets.some((set) => set === undefined)) return out;
  const ordered = [...(sets as SetValue[])].sort((a, b) => a.members.size - b.members.size);
  const [smallest, ...others] = ordered;
  if (!smallest) return out;
  for (const member of smallest.members) {
    if (others.every((other) => other.members.has(member))) {
      out.add(member);
      if (out.size >= limit) break;
    }
  }
  return out;
}
