/** The sets command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { sscan } from './sscan.js';
import { sadd } from './sadd.js';
import { scard } from './scard.js';
import { sdiff } from './sdiff.js';
import { sdiffstore } from './sdiffstore.js';
import { sinter } from './sinter.js';
import { sintercard } from './sintercard.js';
import { sinterstore } from './sinterstore.js';
import { sismember } from './sismember.js';
import { smembers } from './smembers.js';
import { smismember } from './smismember.js';
import { smove } from './smove.js';
import { spop } from './spop.js';
import { srandmember } from './srandmember.js';
import { srem } from './srem.js';
import { sunion } from './sunion.js';
import { sunionstore } from './sunionstore.js';

export const setsCommands: readonly CommandSpec<never>[] = [
  sadd,
  srem,
  smembers,
  sismember,
  smismember,
  scard,
  spop,
  srandmember,
  sinter,
  sunion,
  sdiff,
  sinterstore,
  sunionstore,
  sdiffstore,
  smove,
  sintercard,
  sscan,
];
