/** TENSOR.SUM key [AXIS n] — see reduction.ts. */
import { reductionCommand } from './reduction.js';

export const tensorSum = reductionCommand('sum');
