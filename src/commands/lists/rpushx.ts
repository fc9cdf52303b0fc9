import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { push } from './common.js';

export const rpushx = {
  kind: 'data',
  name: 'rpushx',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@list', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Appends one or more elements to a list. Only when the list exists.',
  group: 'list',
  since: '2.2.0',
  syntax: 'key element [element ...]',
  apply: (db, args, env) => push(db, args, env, false, true),
} as const satisfies DataCommandSpec;
