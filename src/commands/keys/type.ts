import type { ValueKind } from '../../store/values.js';
import { kindOf } from '../../store/values.js';
import { SimpleString } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';

const NONE = new SimpleString('none');
const TYPE_REPLIES: Readonly<Record<ValueKind, SimpleString>> = {
  string: new SimpleString('string'),
  hash: new SimpleString('hash'),
  list: new SimpleString('list'),
  set: new SimpleString('set'),
  zset: new SimpleString('zset'),
  tensor: new SimpleString('AI_TENSOR'), // RedisAI's module type name (docs/tensors.md)
  stream: new SimpleString('stream'),
};

export const type = {
  kind: 'data',
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: KEY_1,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Determines the type of value stored at a key.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const value = db.get(args[1] as string, env.nowMs);
    return value === undefined ? NONE : TYPE_REPLIES[kindOf(value)];
  },
} as const satisfies DataCommandSpec;
