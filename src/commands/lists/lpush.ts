import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { push } from './common.js';

export const lpush = {
  kind: 'data',
  name: 'lpush',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@list', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Prepends one or more elements to a list. Creates the key if it does not exist.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key element [element ...]',
  apply: (db, args, env) => push(db, args, env, true, false),
} as const satisfies DataCommandSpec;
