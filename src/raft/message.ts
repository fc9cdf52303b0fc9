/** Building messages: every message carries the group id and a full, fixed field layout. */
import type { GroupId, LogIndex, NodeId, Term } from '../shared/brand.js';
import type { Entry, Message, MessageType, SnapshotChunk } from './types.js';

export const EMPTY_BYTES = new Uint8Array(0);
const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** Vote requests from a leadership transfer carry this context: they bypass the lease check. */
export const CAMPAIGN_TRANSFER = Uint8Array.of(0x74);

export interface MessageFields {
  readonly term?: number;
  readonly index?: number;
  readonly logTerm?: number;
  readonly entries?: readonly Entry[];
  readonly commit?: number;
  readonly reject?: boolean;
  readonly rejectHint?: number;
  readonly rejectHintTerm?: number;
  readonly context?: Uint8Array;
  readonly snapshot?: SnapshotChunk;
}

export function makeMessage(
  group: GroupId,
  type: MessageType,
  from: NodeId,
  to: NodeId,
  term: number,
  f: MessageFields,
): Message {
  const m: Message = {
    group,
    type,
    from,
    to,
    term: (f.term ?? term) as Term,
    index: (f.index ?? 0) as LogIndex,
    logTerm: (f.logTerm ?? 0) as Term,
    entries: f.entries ?? NO_ENTRIES,
    commit: (f.commit ?? 0) as LogIndex,
    reject: f.reject ?? false,
    rejectHint: (f.rejectHint ?? 0) as LogIndex,
    rejectHintTerm: (f.rejectHintTerm ?? 0) as Term,
    context: f.context ?? EMPTY_BYTES,
  };
  return f.snapshot === undefined ? m : { ...m, snapshot: f.snapshot };
}

export function isTransferCampaign(m: Message): boolean {
  return m.context.byteLength === 1 && m.context[0] === CAMPAIGN_TRANSFER[0];
}

export function responseTypeOf(type: 'vote' | 'preVote'): 'voteResponse' | 'preVoteResponse' {
  return type === 'vote' ? 'voteResponse' : 'preVoteResponse';
}
