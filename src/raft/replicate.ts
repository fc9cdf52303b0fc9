/**
 * The leader's sending side (Raft §5.3, §7; etcd's maybeSendAppend/sendSnapshot): batched,
 * optimistically pipelined appends bounded by each follower's inflight window, heartbeats
 * with read contexts, and chunked, resumable InstallSnapshot.
 */
import type { NodeId } from '../shared/brand.js';
import type { ProgressState } from './progress.js';
import type { Raft } from './raft.js';
import { RaftError } from './types.js';

/**
 * Sends one append to `to` if its window allows; returns whether a message was sent.
 * With `sendIfEmpty` an empty append still goes out (probe, or a commit-index update).
 */
export function sendAppend(r: Raft, to: NodeId, pr: ProgressState, sendIfEmpty: boolean): boolean {
  if (pr.isPaused()) return false;
  const log = r.log;
  const prevIndex = pr.next - 1;
  const prevTerm = log.termAt(prevIndex);
  if (prevTerm === undefined) return sendSnapshot(r, to, pr);
  const last = log.lastIndex();
  let entries: ReturnType<typeof log.slice> = [];
  if (pr.next <= last) entries = log.slice(pr.next, last + 1, r.cfg.maxMessageBytes);
  if (entries.length === 0 && !sendIfEmpty) return false;
  const commit = log.committed;
  r.send('append', to, { index: prevIndex, logTerm: prevTerm, entries, commit });
  pr.sentCommit = commit;
  const n = entries.length;
  if (pr.state === 'replicate') {
    if (n > 0) {
      // Optimistic pipelining: assume success and move on (etcd's UpdateOnEntriesSend).
      const lastSent = pr.next + n - 1;
      pr.inflights.add(lastSent, log.lastSliceBytes);
      pr.next = lastSent + 1;
    }
  } else {
    pr.probeSent = true;
  }
  return true;
}

/**
 * Sends everything due to one follower: new entries while the window allows, and the commit.
 * The commit alone (an empty append) only goes to a follower with nothing in flight: one still
 * to acknowledge entries gets it with the next append, or right after its acknowledgement
 * (every acknowledgement flushes again), so while writes stream in, commits ride on appends
 * instead of costing a message, a Raft step and an answer each.
 */
export function flushFollower(r: Raft, to: NodeId, pr: ProgressState, commitAnyway = false): void {
  if (pr.state === 'replicate') {
    let sent = false;
    while (sendAppend(r, to, pr, false)) sent = true;
    const idle = commitAnyway || pr.match >= r.log.lastIndex();
    if (!sent && pr.sentCommit < r.log.committed && idle) sendAppend(r, to, pr, true);
  } else if (pr.state === 'probe') {
    sendAppend(r, to, pr, true);
  }
}

/**
 * Flushes every follower once (called when a Ready is built: one batch per turn). A leader
 * about to step down passes `commitAnyway`: no later append will carry its commit index.
 */
export function bcastAppend(r: Raft, commitAnyway = false): void {
  r.needBroadcast = false;
  for (const [id, pr] of r.tracker.progress) {
    if (id !== r.id) flushFollower(r, id, pr, commitAnyway);
  }
}

/** Raft §5.2 heartbeats; the commit sent is capped at the follower's match (etcd). */
export function bcastHeartbeat(r: Raft, context: Uint8Array): void {
  for (const [id, pr] of r.tracker.progress) {
    if (id === r.id) continue;
    r.send('heartbeat', id, { commit: Math.min(pr.match, r.log.committed), context });
  }
}

/**
 * Thesis §6.4: a ReadIndex round's heartbeat, sent only to as many voters as make a quorum with
 * the leader: those heard from recently that confirmed reads most recently (the fastest). The
 * other followers' answers would not be needed, and each heartbeat costs a message, a Raft step
 * and an answer on both sides; with three nodes, one follower confirms the reads and the other
 * is left alone. A round that one of them does not answer (it died, or stalls) is confirmed by
 * the next regular heartbeat, which goes to every follower with the latest read context
 * (Raft.heartbeatRound): reads wait at most one heartbeat interval longer, and whoever answers
 * first then is asked from then on.
 */
export function sendReadHeartbeats(r: Raft, context: Uint8Array): void {
  const { tracker } = r;
  const quorum = Math.floor(tracker.voters.length / 2) + 1;
  const needed = quorum - (tracker.isVoter(r.id) ? 1 : 0);
  const followers: [NodeId, ProgressState][] = [];
  for (const id of tracker.voters) {
    const pr = tracker.progress.get(id);
    if (id !== r.id && pr !== undefined) followers.push([id, pr]);
  }
  // Heard from first, then by the last confirmation: check-quorum clears recentActive on every
  // follower at once, and the order must not fall back to the voter list then.
  followers.sort(
    ([, a], [, b]) => Number(b.recentActive) - Number(a.recentActive) || b.readAck - a.readAck,
  );
  for (const [id, pr] of followers.slice(0, needed))
    r.send('heartbeat', id, { commit: Math.min(pr.match, r.log.committed), context });
}

/** Switches `to` to snapshot state and sends the first chunk of the current snapshot. */
export function sendSnapshot(r: Raft, to: NodeId, pr: ProgressState): boolean {
  // Do not start a snapshot towards a node that may be down (etcd).
  if (!pr.recentActive) return false;
  let snapshot;
  try {
    snapshot = r.log.snapshot();
  } catch (e) {
    if (e instanceof RaftError && e.code === 'unavailable') return false; // host is making one
    throw e;
  }
  // A snapshot older than the log start cannot bring the follower up to date.
  if (snapshot.meta.index + 1 < r.log.firstIndex() || snapshot.meta.index === 0) return false;
  pr.becomeSnapshot(snapshot.meta.index);
  pr.snapshotSend = { snapshot, offset: 0 };
  sendSnapshotChunk(r, to, pr);
  return true;
}

/** Sends the chunk at the offset the follower last asked for (resumption after loss). */
export function sendSnapshotChunk(r: Raft, to: NodeId, pr: ProgressState): void {
  const send = pr.snapshotSend;
  if (send === undefined) return;
  const { snapshot, offset } = send;
  const totalBytes = snapshot.data.byteLength;
  const end = Math.min(totalBytes, offset + r.cfg.snapshotChunkBytes);
  r.send('snapshotChunk', to, {
    index: snapshot.meta.index,
    logTerm: snapshot.meta.term,
    snapshot: {
      meta: snapshot.meta,
      totalBytes,
      offset,
      data: snapshot.data.subarray(offset, end),
      done: end === totalBytes,
    },
  });
}

export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send('timeoutNow', to, {});
}
