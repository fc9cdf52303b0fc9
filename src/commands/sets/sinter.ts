import type { DataCommandSpec } from '../spec.js';
import { READ_ALGEBRA_BASE, readAlgebra } from './algebra.js';

export const sinter = {
  ...READ_ALGEBRA_BASE,
  name: 'sinter',
  tips: ['nondeterministic_output_order'],
  summary: 'Returns the intersect of multiple sets.',
  apply: (db, args, env) => readAlgebra(db, args, env, 'inter'),
} as const satisfies DataCommandSpec;
