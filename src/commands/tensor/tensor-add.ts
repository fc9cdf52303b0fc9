/** TENSOR.ADD dst a b — see elementwise.ts. */
import { elementwiseCommand } from './elementwise.js';

export const tensorAdd = elementwiseCommand('add');
