import type { DataCommandSpec } from '../spec.js';
import { STORE_ALGEBRA_BASE, storeAlgebra } from './algebra.js';

export const sinterstore = {
  ...STORE_ALGEBRA_BASE,
  name: 'sinterstore',
  summary: 'Stores the intersect of multiple sets in a key.',
  apply: (db, args, env) => storeAlgebra(db, args, env, 'inter'),
} as const satisfies DataCommandSpec;
