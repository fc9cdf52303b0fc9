/** TENSOR.NORM key [AXIS n] — see reduction.ts. */
import { reductionCommand } from './reduction.js';

export const tensorNorm = reductionCommand('norm');
