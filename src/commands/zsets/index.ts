/** The sorted-sets command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { zscan } from './zscan.js';
import { zadd } from './zadd.js';
import { zcard } from './zcard.js';
import { zcount } from './zcount.js';
import { zincrby } from './zincrby.js';
import { zlexcount } from './zlexcount.js';
import { zmscore } from './zmscore.js';
import { zpopmax } from './zpopmax.js';
import { zpopmin } from './zpopmin.js';
import { zrange } from './zrange.js';
import { zrangebylex } from './zrangebylex.js';
import { zrangebyscore } from './zrangebyscore.js';
import { zrandmember } from './zrandmember.js';
import { zrank } from './zrank.js';
import { zrem } from './zrem.js';
import { zremrangebylex } from './zremrangebylex.js';
import { zremrangebyrank } from './zremrangebyrank.js';
import { zremrangebyscore } from './zremrangebyscore.js';
import { zrevrange } from './zrevrange.js';
import { zrevrangebylex } from './zrevrangebylex.js';
import { zrevrangebyscore } from './zrevrangebyscore.js';
import { zrevrank } from './zrevrank.js';
import { zscore } from './zscore.js';

export const zsetsCommands: readonly CommandSpec<never>[] = [
  zadd,
  zrem,
  zscore,
  zmscore,
  zincrby,
  zcard,
  zcount,
  zrange,
  zrangebyscore,
  zrevrangebyscore,
  zrevrange,
  zrangebylex,
  zrevrangebylex,
  zrank,
  zrevrank,
  zpopmin,
  zpopmax,
  zlexcount,
  zscan,
  zremrangebyrank,
  zremrangebyscore,
  zremrangebylex,
  zrandmember,
];
