/**
 * Follower and (pre-)candidate behaviour: election timeouts, vote counting, AppendEntries,
 * heartbeats, chunked InstallSnapshot reception, TimeoutNow and forwarded ReadIndex answers.
 */
import { assert } from '../shared/assert.js';
import type { Raft } from './raft.js';
import type { Message, Snapshot, SnapshotChunk } from './types.js';

export function tickElection(r: Raft): void {
  r.electionElapsed++;
  // Raft §5.2: a follower that hears nothing for a randomized timeout starts an election.
  if (r.promotable() && r.electionElapsed >= r.randomizedElectionTimeout) {
    r.electionElapsed = 0;
    r.hup(false);
  }
}

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'append':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppend(r, m);
      return;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return;
    case 'snapshotChunk':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshotChunk(r, m);
      return;
    case 'timeoutNow':
      // Raft thesis §3.10: the leader asks us to start an election at once, skipping pre-vote.
      r.hup(true);
      return;
    case 'readIndex':
      // A read forwarded to us while we are not the leader: nobody to answer; the host retries.
      return;
    case 'readIndexResponse':
      r.readStates.push({ index: m.index, context: m.context });
      return;
    default:
      return;
  }
}

export function stepCandidate(r: Raft, m: Message): void {
  const expected = r.role === 'preCandidate' ? 'preVoteResponse' : 'voteResponse';
  switch (m.type) {
    case 'append':
    case 'heartbeat':
    case 'snapshotChunk':
      // Raft §5.2: a candidate that hears from a leader of its term steps down.
      r.becomeFollower(m.term, m.from);
      stepFollower(r, m);
      return;
    case 'voteResponse':
    case 'preVoteResponse': {
      if (m.type !== expected) return;
      const result = r.poll(m.from, !m.reject);
      if (result === 'won') {
        if (r.role === 'preCandidate') r.campaign('vote', false);
        else r.becomeLeader();
      } else if (result === 'lost') {
        r.becomeFollower(r.term, r.lead);
      }
      return;
    }
    default:
      return;
  }
}

/** Raft §5.3: the consistency check, conflict truncation and commit propagation. */
function handleAppend(r: Raft, m: Message): void {
  const log = r.log;
  if (m.index < log.committed) {
    // A delayed or duplicated append below our commit: everything there is already committed.
    r.send('appendResponse', m.from, { index: log.committed });
    return;
  }
  const lastNew = log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew >= 0) {
    r.send('appendResponse', m.from, { index: lastNew });
    return;
  }
  // Fast backtracking: point the leader at the last index whose term could match.
  const hint = log.findConflictByTerm(Math.min(m.index, log.lastIndex()), m.logTerm);
  r.send('appendResponse', m.from, {
    index: m.index,
    reject: true,
    rejectHint: hint.index,
    rejectHintTerm: hint.term,
  });
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(Math.min(m.commit, r.log.lastIndex()));
  r.send('heartbeatResponse', m.from, { context: m.context });
}

/** Chunked InstallSnapshot (Raft §7): assemble in order; answer the next offset we need. */
function handleSnapshotChunk(r: Raft, m: Message): void {
  const chunk = m.snapshot;
  if (chunk === undefined) return; // malformed: ignore
  const meta = chunk.meta;
  if (meta.index <= r.log.committed || r.log.matchTerm(meta.index, meta.term)) {
    // We already have it (or more): fast-forward the commit and report how far we are.
    dropAssembly(r);
    if (meta.index > r.log.committed) r.log.commitTo(meta.index);
    r.send('appendResponse', m.from, { index: r.log.committed });
    return;
  }
  const assembly = acceptChunk(r, chunk);
  if (assembly === undefined) return;
  if (assembly.received < assembly.totalBytes) {
    respondOffset(r, m.from, chunk, assembly.received, false);
    return;
  }
  r.snapshotAssembly = undefined;
  const data = assembly.sink.finish();
  if (data === undefined) {
    respondOffset(r, m.from, chunk, 0, true); // the receiver could not keep it: later, again
    return;
  }
  assert(data.byteLength === assembly.totalBytes, 'snapshot assembly size mismatch');
  restore(r, { meta, data });
  r.send('appendResponse', m.from, { index: r.log.lastIndex() });
}

function acceptChunk(r: Raft, chunk: SnapshotChunk): Raft['snapshotAssembly'] {
  const meta = chunk.meta;
  let a = r.snapshotAssembly;
  if (a === undefined || a.index !== meta.index || a.term !== meta.term) {
    if (chunk.offset !== 0) {
      respondOffset(r, r.lead, chunk, 0, false); // a different snapshot: start it from the top
      return undefined;
    }
    dropAssembly(r);
    a = {
      index: meta.index,
      term: meta.term,
      totalBytes: chunk.totalBytes,
      sink: r.snapshotReceiver.begin(meta, chunk.totalBytes),
      received: 0,
    };
    r.snapshotAssembly = a;
  }
  const end = chunk.offset + chunk.data.byteLength;
  const valid =
    chunk.totalBytes === a.totalBytes &&
    end <= a.totalBytes &&
    chunk.done === (end === a.totalBytes);
  if (!valid) {
    dropAssembly(r);
    respondOffset(r, r.lead, chunk, 0, true);
    return undefined;
  }
  if (chunk.offset !== a.received) {
    respondOffset(r, r.lead, chunk, a.received, false); // resume from what we have
    return undefined;
  }
  if (chunk.data.byteLength > 0 && !a.sink.append(chunk.data)) {
    dropAssembly(r);
    respondOffset(r, r.lead, chunk, 0, true); // the receiver could not keep it: later, again
    return undefined;
  }
  a.received = end;
  return a;
}

/** Abandons the snapshot being received, if any (its sink releases what it holds). */
function dropAssembly(r: Raft): void {
  r.snapshotAssembly?.sink.abort();
  r.snapshotAssembly = undefined;
}

function respondOffset(
  r: Raft,
  to: Raft['lead'],
  chunk: SnapshotChunk,
  offset: number,
  reject: boolean,
): void {
  r.send('snapshotResponse', to, {
    index: chunk.meta.index,
    reject,
    snapshot: {
      meta: chunk.meta,
      totalBytes: chunk.totalBytes,
      offset,
      data: new Uint8Array(0),
      done: false,
    },
  });
}

/** Raft §7: discard the log and restart it after the snapshot; membership comes with it. */
function restore(r: Raft, snapshot: Snapshot): void {
  r.log.restore(snapshot);
  r.tracker.setConf(snapshot.meta.conf, r.log.lastIndex() + 1);
}
