import type { DataCommandSpec } from '../spec.js';
import { READ_ALGEBRA_BASE, readAlgebra } from './algebra.js';

export const sunion = {
  ...READ_ALGEBRA_BASE,
  name: 'sunion',
  tips: ['nondeterministic_output_order'],
  summary: 'Returns the union of multiple sets.',
  apply: (db, args, env) => readAlgebra(db, args, env, 'union'),
} as const satisfies DataCommandSpec;
