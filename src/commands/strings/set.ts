import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK } from '../reply.js';
import type { Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { expiryOf, GET, KEEPTTL, NX, parseStringOptions, XX } from './options.js';

/**
 * SET with options, in Redis' order (setCommand + setGenericCommand): syntax, then expiry,
 * then GET's type check, then NX/XX.
 */
function setWithOptions(db: Keyspace, args: readonly string[], env: ApplyEnv): Reply {
  const options = parseStringOptions(args, 3, true);
  if (options instanceof ErrorReply) return options;
  const atMs = expiryOf(options, env.nowMs, 'set');
  if (atMs instanceof ErrorReply) return atMs;
  const key = args[1] as string;
  const flags = options.flags;
  const current = db.getForWrite(key, env.nowMs);
  let old: Reply = null;
  if (flags & GET) {
    if (current !== undefined && typeof current !== 'string') return WRONGTYPE;
    old = current ?? null;
  }
  const found = current !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) return flags & GET ? old : null;
  if (flags & KEEPTTL) db.put(key, args[2] as string);
  else db.replace(key, args[2] as string);
  if (options.expiry !== undefined) {
    // An absolute time already past (EXAT/PXAT) leaves no key, as Redis deletes it at once.
    if (atMs <= env.nowMs) db.delete(key);
    else db.setExpiry(key, atMs);
  }
  return flags & GET ? old : OK;
}

/** The hottest write: `SET key value` is one map set and no allocation. */
export const set = {
  kind: 'data',
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEY_1,
  keySpecs: [
    {
      notes: 'RW and ACCESS due to the optional `GET` argument',
      flags: ['RW', 'access', 'update', 'variable_flags'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary:
    'Sets the string value of a key, ignoring its type. The key is created if it does not exist.',
  group: 'string',
  since: '1.0.0',
  syntax:
    'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]',
  apply(db, args, env) {
    if (args.length === 3) {
      db.replace(args[1] as string, args[2] as string);
      return OK;
    }
    return setWithOptions(db, args, env);
  },
} as const satisfies DataCommandSpec;
