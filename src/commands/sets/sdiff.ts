import type { DataCommandSpec } from '../spec.js';
import { READ_ALGEBRA_BASE, readAlgebra } from './algebra.js';

export const sdiff = {
  ...READ_ALGEBRA_BASE,
  name: 'sdiff',
  tips: ['nondeterministic_output_order'],
  summary: 'Returns the difference of multiple sets.',
  apply: (db, args, env) => readAlgebra(db, args, env, 'diff'),
} as const satisfies DataCommandSpec;
