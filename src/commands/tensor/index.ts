/** The tensor command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { aiTensorGet } from './ai-tensorget.js';
import { aiTensorSet } from './ai-tensorset.js';
import { tensorAdd } from './tensor-add.js';
import { tensorAxpy } from './tensor-axpy.js';
import { tensorCast } from './tensor-cast.js';
import { tensorDot } from './tensor-dot.js';
import { tensorGet } from './tensor-get.js';
import { tensorInfo } from './tensor-info.js';
import { tensorMean } from './tensor-mean.js';
import { tensorMGet } from './tensor-mget.js';
import { tensorMGetArrow } from './tensor-mgetarrow.js';
import { tensorMSet } from './tensor-mset.js';
import { tensorMul } from './tensor-mul.js';
import { tensorNorm } from './tensor-norm.js';
import { tensorReshape } from './tensor-reshape.js';
import { tensorScale } from './tensor-scale.js';
import { tensorSet } from './tensor-set.js';
import { tensorSetSlice } from './tensor-setslice.js';
import { tensorSlice } from './tensor-slice.js';
import { tensorSub } from './tensor-sub.js';
import { tensorSum } from './tensor-sum.js';

export const tensorCommands: readonly CommandSpec<never>[] = [
  aiTensorSet,
  aiTensorGet,
  tensorSet,
  tensorGet,
  tensorInfo,
  tensorSlice,
  tensorSetSlice,
  tensorReshape,
  tensorCast,
  tensorAdd,
  tensorSub,
  tensorMul,
  tensorScale,
  tensorAxpy,
  tensorSum,
  tensorMean,
  tensorNorm,
  tensorDot,
  tensorMSet,
  tensorMGet,
  tensorMGetArrow,
];
