import type { DataCommandSpec } from '../spec.js';
import { STORE_ALGEBRA_BASE, storeAlgebra } from './algebra.js';

export const sinterstore = {
  ...STORE_ALGEBRA_BASE,
  name: 'sinterstore',
  keySpecs: [
    { flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    { flags: ['RO', 'access'], begin: { index: 2 }, find: { lastKey: -1, keyStep: 1, limit: 0 } },
  ],
  summary: 'Stores the intersect of multiple sets in a key.',
  apply: (db, args, env) => storeAlgebra(db, args, env, 'inter'),
} as const satisfies DataCommandSpec;
