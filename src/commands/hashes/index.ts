/** The hashes command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { hscan } from './hscan.js';
import { hdel } from './hdel.js';
import { hexists } from './hexists.js';
import { hget } from './hget.js';
import { hgetall } from './hgetall.js';
import { hincrby } from './hincrby.js';
import { hincrbyfloat } from './hincrbyfloat.js';
import { hkeys } from './hkeys.js';
import { hlen } from './hlen.js';
import { hmget } from './hmget.js';
import { hmset } from './hmset.js';
import { hrandfield } from './hrandfield.js';
import { hset } from './hset.js';
import { hsetnx } from './hsetnx.js';
import { hstrlen } from './hstrlen.js';
import { hvals } from './hvals.js';

export const hashesCommands: readonly CommandSpec<never>[] = [
  hset,
  hget,
  hmget,
  hmset,
  hdel,
  hexists,
  hlen,
  hkeys,
  hvals,
  hgetall,
  hincrby,
  hincrbyfloat,
  hsetnx,
  hstrlen,
  hrandfield,
  hscan,
];
