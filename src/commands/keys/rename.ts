import type { Keyspace } from '../../store/keyspace.js';
import { NO_SUCH_KEY } from '../errors.js';
import type { Reply } from '../reply.js';
import { OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEYS_1_2 } from './args.js';

/** RENAME / RENAMENX (Redis renameGenericCommand): the value keeps its TTL. */
export function renameKey(
  db: Keyspace,
  args: readonly string[],
  nowMs: number,
  nx: boolean,
): Reply {
  const source = args[1] as string;
  const target = args[2] as string;
  const value = db.getForWrite(source, nowMs);
  if (value === undefined) return NO_SUCH_KEY;
  if (source === target) return nx ? 0 : OK;
  if (nx && db.getForWrite(target, nowMs) !== undefined) return 0;
  const expiresAtMs = db.expiresAt(source);
  const encoding = db.stringEncodingOf(source);
  db.delete(source);
  db.delete(target);
  db.put(target, value);
  if (expiresAtMs !== undefined) db.setExpiry(target, expiresAtMs);
  // The same object moves in Redis: its encoding goes with it.
  if (encoding !== undefined) db.setStringEncoding(target, encoding);
  return nx ? 1 : OK;
}

export const rename = {
  kind: 'data',
  name: 'rename',
  arity: 3,
  flags: ['write'],
  categories: ['@keyspace', '@write', '@slow'],
  keys: KEYS_1_2,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    { flags: ['OW', 'update'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Renames a key and overwrites the destination.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key newkey',
  apply: (db, args, env) => renameKey(db, args, env.nowMs, false),
} as const satisfies DataCommandSpec;
