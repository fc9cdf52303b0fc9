import type { DataCommandSpec } from '../spec.js';
import { STORE_ALGEBRA_BASE, storeAlgebra } from './algebra.js';

export const sdiffstore = {
  ...STORE_ALGEBRA_BASE,
  name: 'sdiffstore',
  summary: 'Stores the difference of multiple sets in a key.',
  apply: (db, args, env) => storeAlgebra(db, args, env, 'diff'),
} as const satisfies DataCommandSpec;
