import type { DataCommandSpec } from '../spec.js';
import { STORE_ALGEBRA_BASE, storeAlgebra } from './algebra.js';

export const sdiffstore = {
  ...STORE_ALGEBRA_BASE,
  name: 'sdiffstore',
  keySpecs: [
    { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    { flags: ['RO', 'access'], begin: { index: 2 }, find: { lastKey: -1, keyStep: 1, limit: 0 } },
  ],
  summary: 'Stores the difference of multiple sets in a key.',
  apply: (db, args, env) => storeAlgebra(db, args, env, 'diff'),
} as const satisfies DataCommandSpec;
