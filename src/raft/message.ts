/** Building messages: every message carries the group id and a full, fixed field layout. */
import type { GroupId, LogIndex, NodeId, Term } from '../shared/brand.js';
import type { Entry, EntryType, Message, MessageType, SnapshotChunk } from './types.js';

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

/** Every message type, in the order of the peer protocol's enum (proto/raft.proto numbers them so). */
export const MESSAGE_TYPE_LIST: readonly MessageType[] = [
  'append',
  'appendResponse',
  'heartbeat',
  'heartbeatResponse',
  'preVote',
  'preVoteResponse',
  'vote',
  'voteResponse',
  'snapshotChunk',
  'snapshotResponse',
  'timeoutNow',
  'readIndex',
  'readIndexResponse',
];
/** Every entry type, in the order of the peer protocol's enum. */
export const ENTRY_TYPE_LIST: readonly EntryType[] = ['normal', 'noop', 'confChange'];

const MESSAGE_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPE_LIST);
const ENTRY_TYPES: ReadonlySet<string> = new Set(ENTRY_TYPE_LIST);

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * Structural check of a message from the network, so that a corrupt or hostile message is
 * dropped instead of tripping an assertion deep in the core ("no input crashes a node").
 * Cheap: one pass over the entries, which the follower walks anyway.
 */
export function isWellFormed(m: Message): boolean {
  if (!MESSAGE_TYPES.has(m.type) || !isCount(m.from) || m.from === 0) return false;
  if (!isCount(m.term) || !isCount(m.index) || !isCount(m.logTerm) || !isCount(m.commit))
    return false;
  if (!isCount(m.rejectHint) || !isCount(m.rejectHintTerm)) return false;
  if (!(m.context instanceof Uint8Array)) return false;
  const entries = m.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    // Entries follow `index` contiguously and never carry a term above the sender's.
    if (e.index !== m.index + 1 + i || !isCount(e.term) || e.term > m.term || e.term === 0)
      return false;
    if (!ENTRY_TYPES.has(e.type) || !(e.data instanceof Uint8Array)) return false;
    if (i > 0 && e.term < (entries[i - 1] as Entry).term) return false;
  }
  if (entries.length > 0 && (m.type !== 'append' || (entries[0] as Entry).term < m.logTerm))
    return false;
  if (m.type === 'snapshotChunk' || m.type === 'snapshotResponse')
    return isWellFormedChunk(m.snapshot);
  return true;
}

function isWellFormedChunk(c: SnapshotChunk | undefined): boolean {
  if (c === undefined || !(c.data instanceof Uint8Array)) return false;
  if (!isCount(c.totalBytes) || !isCount(c.offset) || c.offset > c.totalBytes) return false;
  return isCount(c.meta.index) && isCount(c.meta.term) && Array.isArray(c.meta.conf.voters);
}
