/** TENSOR.MUL dst a b — see elementwise.ts. */
import { elementwiseCommand } from './elementwise.js';

export const tensorMul = elementwiseCommand('mul');
