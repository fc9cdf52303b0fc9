/** The lists command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { lindex } from './lindex.js';
import { linsert } from './linsert.js';
import { llen } from './llen.js';
import { lmove } from './lmove.js';
import { lpop } from './lpop.js';
import { lpos } from './lpos.js';
import { lpush } from './lpush.js';
import { lpushx } from './lpushx.js';
import { lrange } from './lrange.js';
import { lrem } from './lrem.js';
import { lset } from './lset.js';
import { ltrim } from './ltrim.js';
import { rpop } from './rpop.js';
import { rpoplpush } from './rpoplpush.js';
import { rpush } from './rpush.js';
import { rpushx } from './rpushx.js';

export const listsCommands: readonly CommandSpec<never>[] = [
  lpush,
  rpush,
  lpushx,
  rpushx,
  lpop,
  rpop,
  llen,
  lrange,
  lindex,
  lset,
  lrem,
  ltrim,
  linsert,
  lpos,
  lmove,
  rpoplpush,
];
