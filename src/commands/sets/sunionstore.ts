import type { DataCommandSpec } from '../spec.js';
import { STORE_ALGEBRA_BASE, storeAlgebra } from './algebra.js';

export const sunionstore = {
  ...STORE_ALGEBRA_BASE,
  name: 'sunionstore',
  summary: 'Stores the union of multiple sets in a key.',
  apply: (db, args, env) => storeAlgebra(db, args, env, 'union'),
} as const satisfies DataCommandSpec;
