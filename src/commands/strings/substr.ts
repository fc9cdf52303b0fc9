import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { getRange } from './getrange.js';

export const substr = {
  kind: 'data',
  name: 'substr',
  arity: 4,
  flags: ['readonly'],
  categories: ['@read', '@string', '@slow'],
  keys: KEY_1,
  summary: 'Returns a substring from a string value.',
  group: 'string',
  since: '1.0.0',
  syntax: 'key start end',
  apply: (db, args, env) => getRange(db, args, env.nowMs),
} as const satisfies DataCommandSpec;
