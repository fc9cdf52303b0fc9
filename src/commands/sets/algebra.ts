/** SINTER, SUNION, SDIFF and their STORE forms share one shape; this builds their specs. */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { SetValue } from '../../store/values.js';
import { ErrorReply, SetReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { ALL_KEYS } from '../collections/common.js';
import { combine, readSets, type SetOperation } from './common.js';

/** SINTER/SUNION/SDIFF key [key ...]: a set reply. */
export function readAlgebra(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  operation: SetOperation,
): Reply {
  const sets = readSets(db, args.slice(1), env.nowMs);
  if (sets instanceof ErrorReply) return sets;
  return new SetReply([...combine(sets, operation)]);
}

/**
 * S*STORE destination key [key ...]: replaces the destination (clearing its TTL, as Redis'
 * setKey) with the result, or deletes it when the result is empty. The destination's old type
 * does not matter; the sources must be sets.
 */
export function storeAlgebra(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  operation: SetOperation,
): Reply {
  const sets = readSets(db, args.slice(2), env.nowMs);
  if (sets instanceof ErrorReply) return sets;
  const result = combine(sets, operation);
  const destination = args[1] as string;
  if (result.size === 0) {
    db.getForWrite(destination, env.nowMs);
    db.delete(destination);
    return 0;
  }
  const stored = new SetValue();
  for (const member of result) stored.members.add(member);
  db.replace(destination, stored);
  return result.size;
}

export const READ_ALGEBRA_BASE = {
  kind: 'data',
  arity: -2,
  flags: ['readonly'],
  categories: ['@read', '@set', '@slow'],
  keys: ALL_KEYS,
  group: 'set',
  since: '1.0.0',
  syntax: 'key [key ...]',
} as const satisfies Partial<DataCommandSpec>;

export const STORE_ALGEBRA_BASE = {
  kind: 'data',
  arity: -3,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@set', '@slow'],
  keys: ALL_KEYS,
  group: 'set',
  since: '1.0.0',
  syntax: 'destination key [key ...]',
} as const satisfies Partial<DataCommandSpec>;
