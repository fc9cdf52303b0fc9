/**
 * The REST admin API's error catalog: every error a client can get, with a stable code and its
 * HTTP status (fastify's style: codes are the contract, messages may improve). Bodies are
 * `{ "error": { "code": "...", "message": "...", ...details } }` on every route, the tensor
 * routes included. A 503 also carries `Retry-After` (`retryAfterSeconds`): the condition is
 * expected to pass (an election, a full log draining) and the request changed nothing.
 */
import { MemlayerError } from '../shared/errors.js';

export const ADMIN_ERRORS = {
  ERR_BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  ERR_UNAUTHORIZED: {
    status: 401,
    message: 'authentication required: Authorization: Bearer <password>, or Basic as default',
  },
  ERR_NOT_FOUND: { status: 404, message: 'no such route' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send application/json' },
  ERR_NOT_REPLICATED: { status: 409, message: 'this node runs without Raft (--durability memory)' },
  ERR_NOT_LEADER: { status: 421, message: 'this node is not the leader; ask the leader' },
  ERR_NO_LEADER: { status: 503, message: 'no Raft leader is known', retryAfterSeconds: 1 },
  ERR_TRY_AGAIN: {
    status: 503,
    message: 'the leader cannot take the request now; retry',
    retryAfterSeconds: 1,
  },
  ERR_TIMEOUT: {
    status: 503,
    message: 'a quorum did not confirm the read in time; retry',
    retryAfterSeconds: 1,
  },
  ERR_NODE_STOPPED: { status: 503, message: 'this node stopped after a fatal error' },
  ERR_NOT_READY: { status: 503, message: 'not ready' },
  ERR_MEMBER_EXISTS: { status: 409, message: 'the node is already a member' },
  ERR_NOT_A_MEMBER: { status: 404, message: 'the node is not a member' },
  ERR_LEARNER: { status: 409, message: 'the node is a learner and cannot lead' },
  ERR_CHANGE_IN_PROGRESS: {
    status: 409,
    message: 'a membership change is still being applied; retry',
  },
  ERR_LAST_VOTER: { status: 409, message: 'cannot remove the last voter' },
  ERR_TRANSFER_FAILED: { status: 504, message: 'leadership did not move in time' },
  ERR_OUTCOME_UNKNOWN: { status: 504, message: 'the change may or may not have been applied' },
  ERR_NO_SUCH_KEY: { status: 404, message: 'no tensor under that key' },
  ERR_BAD_TENSOR: { status: 400, message: 'the tensor command refused the input' },
  ERR_BAD_ARROW: { status: 400, message: 'not a fixed_shape_tensor Arrow IPC stream' },
  ERR_MISSING_HEADERS: {
    status: 400,
    message: 'octet-stream bodies need x-tensor-dtype and x-tensor-shape',
  },
  ERR_WRONGTYPE: { status: 409, message: 'the key holds another kind of value' },
  ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<
  string,
  { readonly status: number; readonly message: string; readonly retryAfterSeconds?: number }
>;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/** An admin API error: `resp` carries the message (MemlayerError's contract). */
export class AdminError extends MemlayerError {
  constructor(
    code: AdminErrorCode,
    message: string = ADMIN_ERRORS[code].message,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, ADMIN_ERRORS[code].status);
  }
}

/** Seconds a client should wait before retrying, for the codes that have one. */
export function retryAfterSeconds(code: string): number | undefined {
  if (!(code in ADMIN_ERRORS)) return undefined;
  const entry: { readonly status: number; readonly retryAfterSeconds?: number } =
    ADMIN_ERRORS[code as AdminErrorCode];
  return entry.retryAfterSeconds;
}

export function errorBody(
  code: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): {
  error: Record<string, unknown>;
} {
  return { error: { code, message, ...details } };
}
