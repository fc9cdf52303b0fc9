/** The stream command family (without consumer groups): one file per command. */
import type { CommandSpec } from '../spec.js';
import { xadd } from './xadd.js';
import { xdel } from './xdel.js';
import { xlen } from './xlen.js';
import { xrange } from './xrange.js';
import { xrevrange } from './xrevrange.js';
import { xtrim } from './xtrim.js';

export const streamsCommands: readonly CommandSpec<never>[] = [
  xadd,
  xlen,
  xrange,
  xrevrange,
  xdel,
  xtrim,
];
