/** TENSOR.SUB dst a b — see elementwise.ts. */
import { elementwiseCommand } from './elementwise.js';

export const tensorSub = elementwiseCommand('sub');
