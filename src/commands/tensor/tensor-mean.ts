/** TENSOR.MEAN key [AXIS n] — see reduction.ts. */
import { reductionCommand } from './reduction.js';

export const tensorMean = reductionCommand('mean');
