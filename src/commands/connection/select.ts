import { ErrorReply, OK } from '../reply.js';
import { NOT_INTEGER } from '../errors.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { parseDecimal } from '../../config/config.js';

const DB_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');

/**
 * SELECT index. memlayer has one database (a keyspace per Raft group, as Redis Cluster): db 0
 * answers OK, every other index Redis' out-of-range error (`CONFIG GET databases` says 1).
 */
export const select = {
  kind: 'session',
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Changes the selected database (only database 0 exists).',
  group: 'connection',
  since: '1.0.0',
  syntax: 'index',
  run: (_ctx, args) => {
    const index = parseDecimal(args[1] ?? '');
    if (index === undefined || index < -2147483648 || index > 2147483647) return NOT_INTEGER;
    return index === 0 ? OK : DB_OUT_OF_RANGE;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
