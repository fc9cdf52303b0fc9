import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { SYNTAX } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { TWO_KEYS } from '../collections/common.js';
import { parseSide, pushOne, writeList } from './common.js';

export const lmove = {
  kind: 'data',
  name: 'lmove',
  arity: 5,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@list', '@slow'],
  keys: TWO_KEYS,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.',
  group: 'list',
  since: '6.2.0',
  syntax: 'source destination <LEFT | RIGHT> <LEFT | RIGHT>',
  apply(db, args, env) {
    const from = parseSide(args[3] as string);
    const to = parseSide(args[4] as string);
    if (from === undefined || to === undefined) return SYNTAX;
    return move(db, args[1] as string, args[2] as string, from === 'left', to === 'left', env);
  },
} as const satisfies DataCommandSpec;

/** LMOVE/RPOPLPUSH core, in Redis' order: source checks, destination type, pop, push, delete. */
export function move(
  db: Keyspace,
  sourceKey: string,
  targetKey: string,
  fromFront: boolean,
  toFront: boolean,
  env: ApplyEnv,
): Reply {
  const source = writeList(db, sourceKey, env.nowMs);
  if (source instanceof ErrorReply) return source;
  if (source === undefined || source.length === 0) return null;
  const target = writeList(db, targetKey, env.nowMs);
  if (target instanceof ErrorReply) return target;
  const element = (fromFront ? source.popFront() : source.popBack()) as string;
  pushOne(db, targetKey, target, element, toFront);
  if (source.length === 0) db.delete(sourceKey);
  else db.changed(sourceKey);
  return element;
}
