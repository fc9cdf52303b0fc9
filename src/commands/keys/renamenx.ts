import type { DataCommandSpec } from '../spec.js';
import { KEYS_1_2 } from './args.js';
import { renameKey } from './rename.js';

export const renamenx = {
  kind: 'data',
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEYS_1_2,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    { flags: ['OW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Renames a key only when the target key name does not exist.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key newkey',
  apply: (db, args, env) => renameKey(db, args, env.nowMs, true),
} as const satisfies DataCommandSpec;
