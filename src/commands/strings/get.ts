import { WRONGTYPE } from '../errors.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';

/** The hottest read: one map lookup, no allocation. */
export const get = {
  kind: 'data',
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@string', '@fast'],
  keys: KEY_1,
  summary: 'Returns the string value of a key.',
  group: 'string',
  since: '1.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const value = db.get(args[1] as string, env.nowMs);
    if (value === undefined) return null;
    return typeof value === 'string' ? value : WRONGTYPE;
  },
} as const satisfies DataCommandSpec;
