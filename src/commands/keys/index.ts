/** The keys command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { copy } from './copy.js';
import { dbsize } from './dbsize.js';
import { del } from './del.js';
import { exists } from './exists.js';
import { expire } from './expire.js';
import { expireat } from './expireat.js';
import { evicted } from './evicted.js';
import { expired } from './expired.js';
import { expiretime } from './expiretime.js';
import { flushall } from './flushall.js';
import { flushdb } from './flushdb.js';
import { keys } from './keys.js';
import { move } from './move.js';
import { object } from './object.js';
import { persist } from './persist.js';
import { pexpire } from './pexpire.js';
import { pexpireat } from './pexpireat.js';
import { pexpiretime } from './pexpiretime.js';
import { pttl } from './pttl.js';
import { randomkey } from './randomkey.js';
import { rename } from './rename.js';
import { renamenx } from './renamenx.js';
import { scan } from './scan.js';
import { touch } from './touch.js';
import { ttl } from './ttl.js';
import { type } from './type.js';
import { unlink } from './unlink.js';

export const keysCommands: readonly CommandSpec<never>[] = [
  del,
  unlink,
  exists,
  type,
  keys,
  scan,
  randomkey,
  rename,
  renamenx,
  copy,
  move,
  touch,
  object,
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  expiretime,
  pexpiretime,
  persist,
  dbsize,
  flushdb,
  flushall,
  evicted,
  expired,
];
