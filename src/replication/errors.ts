/**
 * The error replies of a replicated node (docs/replication.md lists them; tests pin them).
 *
 * The rule behind them (MISSION promise 2): a write whose fate is unknown is never reported as
 * failed. `-UNKNOWN` means "may or may not have been applied": retry with the same client id
 * and sequence to apply it at most once. The other errors here are definite: nothing was
 * written.
 */
import { ErrorReply } from '../commands/reply.js';

/** Why an outcome is unknown; the wording after the prefix is informative, the prefix is the contract. */
export type UnknownReason =
  'leadership lost' | 'timed out' | 'entry overwritten' | 'leader unreachable';

const unknownReplies = new Map<UnknownReason, ErrorReply>();

export function unknownOutcome(reason: UnknownReason): ErrorReply {
  let r = unknownReplies.get(reason);
  if (r === undefined) {
    r = new ErrorReply(`UNKNOWN write outcome unknown (${reason}); it may have been applied`);
    unknownReplies.set(reason, r);
  }
  return r;
}

/** No leader known within the bounded wait (RedisRaft's wording). Definite: nothing ran. */
export const CLUSTERDOWN = new ErrorReply('CLUSTERDOWN No Raft leader');

/** The leader refused a proposal (its uncommitted log is full). Definite: nothing was appended. */
export const TRYAGAIN_BUSY = new ErrorReply('TRYAGAIN Raft log is full, retry later');

/** Leadership is being transferred and did not settle in time. Definite. */
export const TRYAGAIN_TRANSFER = new ErrorReply(
  'TRYAGAIN leadership transfer in progress, retry later',
);

/** A follower configured with --moved: the client should ask the leader (Redis Cluster form, slot 0). */
export function moved(respAddress: string): ErrorReply {
  return new ErrorReply(`MOVED 0 ${respAddress}`);
}

/** A read could not be confirmed by a quorum in time. Reads change nothing: safe to retry. */
export const READ_TIMEOUT = new ErrorReply(
  'TIMEOUT linearizable read not confirmed by a quorum in time',
);

/** Internal: a forwarded request reached a node that is no longer the leader (re-routed, never shown). */
export const NOT_LEADER_TEXT = '\u0000NOTLEADER';
export const NOT_LEADER = new ErrorReply(NOT_LEADER_TEXT);
