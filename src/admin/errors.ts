/**
 * The REST admin API's error catalog: every error a client can get, with a stable code and its
 * HTTP status (fastify's style: codes are the contract, messages may improve). Bodies are
 * `{ "error": { "code": "...", "message": "...", ...details } }`.
 */
import { MemlayerError } from '../shared/errors.js';

export const ADMIN_ERRORS = {
  ERR_BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  ERR_NOT_FOUND: { status: 404, message: 'no such route' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send application/json' },
  ERR_NOT_REPLICATED: { status: 409, message: 'this node runs without Raft (--durability memory)' },
  ERR_NOT_LEADER: { status: 421, message: 'this node is not the leader; ask the leader' },
  ERR_NO_LEADER: { status: 503, message: 'no Raft leader is known' },
  ERR_NOT_READY: { status: 503, message: 'not ready' },
  ERR_MEMBER_EXISTS: { status: 409, message: 'the node is already a member' },
  ERR_NOT_A_MEMBER: { status: 404, message: 'the node is not a member' },
  ERR_CHANGE_IN_PROGRESS: {
    status: 409,
    message: 'a membership change is still being applied; retry',
  },
  ERR_LAST_VOTER: { status: 409, message: 'cannot remove the last voter' },
  ERR_TRANSFER_FAILED: { status: 504, message: 'leadership did not move in time' },
  ERR_OUTCOME_UNKNOWN: { status: 504, message: 'the change may or may not have been applied' },
  ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const;

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

export function errorBody(
  code: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): {
  error: Record<string, unknown>;
} {
  return { error: { code, message, ...details } };
}
