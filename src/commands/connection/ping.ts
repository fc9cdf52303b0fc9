import { PONG } from '../reply.js';
import { WRONG_ARITY } from '../errors.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

const PING_ARITY = WRONG_ARITY('ping');

/** PING [message]: `+PONG`, or the message as a bulk string. */
export const ping = {
  kind: 'session',
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  summary: "Returns the server's liveliness response.",
  group: 'connection',
  since: '1.0.0',
  syntax: '[message]',
  run: (_ctx, args) => {
    if (args.length > 2) return PING_ARITY;
    return args.length === 2 ? (args[1] ?? '') : PONG;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
