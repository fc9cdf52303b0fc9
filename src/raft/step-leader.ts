/**
 * Leader behaviour: heartbeats and check-quorum on tick, acknowledgements (commit by counting
 * current-term entries only, Raft §5.4.2), fast backtracking on rejection, snapshot progress,
 * leadership transfer and ReadIndex (thesis §6.4).
 */
import type { NodeId } from '../shared/brand.js';
import type { ProgressState } from './progress.js';
import type { Raft } from './raft.js';
import type { ReadRequest } from './read-only.js';
import { sendAppend, sendReadHeartbeats, sendSnapshotChunk, sendTimeoutNow } from './replicate.js';
import { NO_NODE, type Message } from './types.js';

/** At most this many ReadIndex requests wait on a leader (a limit on everything). */
export const READS_PENDING_MAX = 65_536;

export function pendingReads(r: Raft): number {
  return r.readOnly.size + r.pendingReadIndex.length;
}

export function tickLeader(r: Raft): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  if (r.electionElapsed >= r.cfg.electionTicks) {
    r.electionElapsed = 0;
    if (r.cfg.checkQuorum) {
      // Raft thesis §6.2: a leader that has not heard from a quorum for an election timeout
      // steps down, so a partitioned leader stops serving (and lease reads stay safe).
      const self = r.tracker.progress.get(r.id);
      if (self !== undefined) self.recentActive = true;
      if (!r.tracker.quorumActive()) {
        r.becomeFollower(r.term, NO_NODE);
        return;
      }
      for (const [id, pr] of r.tracker.progress) if (id !== r.id) pr.recentActive = false;
    }
    // A transfer that did not finish within an election timeout is abandoned (thesis §3.10).
    if (r.leadTransferee !== NO_NODE) r.abortLeaderTransfer();
  }
  if (r.heartbeatElapsed >= r.cfg.heartbeatTicks) {
    r.heartbeatElapsed = 0;
    r.heartbeatRound();
  }
}

export function stepLeader(r: Raft, m: Message): void {
  if (m.type === 'readIndex') {
    // Bounded: beyond the limit a forwarded read is dropped (the follower's host times out).
    if (pendingReads(r) < READS_PENDING_MAX) handleReadIndex(r, m);
    return;
  }
  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return; // not (or no longer) a member
  // Nobody can acknowledge what we never had: a corrupt ack must not move match or commit.
  if (m.index > r.log.lastIndex()) return;
  switch (m.type) {
    case 'appendResponse':
      pr.recentActive = true;
      if (m.reject) handleReject(r, m, pr);
      else handleAck(r, m, pr);
      return;
    case 'heartbeatResponse':
      handleHeartbeatResponse(r, m, pr);
      return;
    case 'snapshotResponse':
      handleSnapshotResponse(r, m, pr);
      return;
    default:
      return;
  }
}

/** Raft §5.3 with etcd's fast backtracking: jump over a whole term of conflicting entries. */
function handleReject(r: Raft, m: Message, pr: ProgressState): void {
  let nextProbe: number = m.rejectHint;
  if (m.rejectHintTerm > 0)
    nextProbe = r.log.findConflictByTerm(m.rejectHint, m.rejectHintTerm).index;
  if (pr.maybeDecrTo(m.index, nextProbe)) {
    if (pr.state === 'replicate') pr.becomeProbe();
    r.needBroadcast = true;
  }
}

function handleAck(r: Raft, m: Message, pr: ProgressState): void {
  const wasProbeAtMatch = pr.state === 'probe' && pr.match === m.index;
  if (!pr.maybeUpdate(m.index) && !wasProbeAtMatch) return;
  if (pr.state === 'probe') pr.becomeReplicate();
  else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
  else if (pr.match + 1 >= r.log.firstIndex()) {
    // The follower installed the snapshot (or caught up otherwise): back to replication.
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.match >= pr.pendingSnapshot) {
    // Installed, but we compacted past it meanwhile: probe again, which sends a newer one.
    pr.becomeProbe();
  }
  maybeCommit(r);
  r.needBroadcast = true;
  // Thesis §3.10: once the transferee has our whole log, tell it to campaign now.
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
}

/**
 * Raft §5.4.2: only an entry of the current term is committed by counting replicas; earlier
 * entries are committed indirectly with it.
 */
export function maybeCommit(r: Raft): boolean {
  const index = r.tracker.committedIndex();
  if (index <= r.log.committed) return false;
  if (r.log.termAt(index) !== r.term && !r.mutation('commitOldTermByCounting')) return false;
  r.log.commitTo(index);
  r.needBroadcast = true;
  releasePendingReads(r);
  return true;
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: ProgressState): void {
  pr.recentActive = true;
  pr.probeSent = false;
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
  if (pr.state === 'snapshot')
    sendSnapshotChunk(r, m.from, pr); // resume a stalled transfer
  // A follower behind us gets an append now, even an empty one: if pipelined appends were
  // lost, its rejection moves us back to probing (etcd).
  else if (pr.match < r.log.lastIndex()) sendAppend(r, m.from, pr, true);
  if (r.cfg.readOnly !== 'safe' || m.context.byteLength === 0) return;
  const acks = r.readOnly.ack(m.from, m.context);
  if (acks === undefined) return;
  pr.readAck = ++r.readAcks;
  acks.add(r.id);
  let granted = 0;
  for (const id of r.tracker.voters) if (acks.has(id)) granted++;
  if (granted < Math.floor(r.tracker.voters.length / 2) + 1) return;
  for (const req of r.readOnly.advance(m.context)) answerRead(r, req);
}

function handleSnapshotResponse(r: Raft, m: Message, pr: ProgressState): void {
  pr.recentActive = true;
  const send = pr.snapshotSend;
  const chunk = m.snapshot;
  if (pr.state !== 'snapshot' || send === undefined || chunk === undefined) return;
  if (chunk.meta.index !== send.snapshot.meta.index || chunk.meta.term !== send.snapshot.meta.term)
    return;
  if (m.reject) {
    // The follower refused the snapshot: probe again after the next heartbeat (etcd).
    pr.becomeProbe();
    pr.probeSent = true;
    return;
  }
  send.offset = Math.min(chunk.offset, send.snapshot.data.byteLength);
  sendSnapshotChunk(r, m.from, pr);
}

/** Thesis §6.4 ReadIndex on the leader, for itself or for a follower that forwarded it. */
export function handleReadIndex(r: Raft, m: Message): void {
  const request: ReadRequest = { index: r.log.committed, from: m.from, context: m.context };
  // Until an entry of this term commits, our commit index may lag the real one (§6.4 step 1).
  // A lone voter's too: restarted, its commit index is the one last written, which trails
  // entries it had acknowledged (a read answered then missed a write made before the restart).
  // The skipNoop mutation drops this guard too: the no-op exists to make it pass quickly.
  const lone = r.tracker.voters.length === 1 && r.tracker.isVoter(r.id);
  if (lone && r.mutation('loneVoterReadsAtOnce')) {
    answerRead(r, request);
    return;
  }
  if (!r.committedEntryInCurrentTerm() && !r.mutation('skipNoopOnElection')) {
    r.pendingReadIndex.push(m);
    return;
  }
  if (lone) {
    answerRead(r, request);
    return;
  }
  if (r.cfg.readOnly === 'lease' || r.mutation('readIndexWithoutHeartbeat')) {
    answerRead(r, request); // lease: check-quorum bounds how long a deposed leader serves
    return;
  }
  if (r.readOnly.add(request)) sendReadHeartbeats(r, m.context);
}

function releasePendingReads(r: Raft): void {
  if (r.pendingReadIndex.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndex;
  r.pendingReadIndex = [];
  for (const m of pending) handleReadIndex(r, m);
}

function answerRead(r: Raft, req: ReadRequest): void {
  if (req.from === r.id || req.from === NO_NODE) {
    r.readStates.push({ index: req.index as Message['index'], context: req.context });
  } else {
    r.send('readIndexResponse', req.from as NodeId, { index: req.index, context: req.context });
  }
}
