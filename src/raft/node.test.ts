import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupId, logIndex, nodeId, term } from '../shared/brand.js';
import { SeededRng } from '../shared/effects.js';
import { defaultRaftConfig } from './config.js';
import { makeMessage, type MessageFields } from './message.js';
import { RaftNode } from './node.js';
import { MemoryStorage } from './storage.js';
import { RaftError, type Entry, type MessageType, type Ready } from './types.js';

const GROUP = groupId(3);
const conf = { voters: [1, 2, 3].map(nodeId), learners: [] };
const entry = (index: number, t: number): Entry => ({
  index: logIndex(index),
  term: term(t),
  type: 'normal',
  data: new Uint8Array([index]),
});
const msg = (type: MessageType, from: number, to: number, t: number, f: MessageFields = {}) =>
  makeMessage(GROUP, type, nodeId(from), nodeId(to), t, f);

function node(id: number) {
  const storage = MemoryStorage.bootstrap(conf, new Uint8Array());
  const core = new RaftNode(
    defaultRaftConfig(nodeId(id), GROUP, storage, new SeededRng(id), logIndex(1)),
  );
  const handle = (): Ready => {
    const rd = core.ready();
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    core.advance(rd);
    return rd;
  };
  return { core, storage, handle };
}

test('RaftNode.step drops malformed or misrouted messages without changing anything', () => {
  const { core } = node(2);
  const before = core.status();
  const bad = [
    msg('append', 1, 2, 2, { index: 1, logTerm: 1, entries: [entry(3, 2)] }), // gap
    msg('append', 1, 2, 2, { index: 1, logTerm: 1, entries: [entry(2, 5)] }), // term above sender
    msg('append', 1, 2, 2, { index: 1, logTerm: 1, entries: [entry(2, 2), entry(3, 1)] }), // terms decrease
    msg('snapshotChunk', 1, 2, 2), // no chunk
    { ...msg('heartbeat', 1, 2, 2), group: groupId(4) }, // another group
    msg('heartbeat', 1, 3, 2), // another node
    { ...msg('heartbeat', 1, 2, 2), term: term(-1) },
    { ...msg('heartbeat', 1, 2, 2), type: 'bogus' as MessageType },
  ];
  for (const m of bad) core.step(m);
  assert.equal(core.droppedMessages, bad.length);
  assert.deepEqual(core.status(), before);
  assert.equal(core.hasReady(), false);
});

test('RaftNode: a leader ignores an acknowledgement beyond its last index', () => {
  const { core, handle } = node(1);
  core.campaign();
  handle();
  core.step(msg('preVoteResponse', 2, 1, 2));
  handle();
  core.step(msg('voteResponse', 2, 1, 2));
  handle();
  assert.equal(core.status().role, 'leader');
  core.step(msg('appendResponse', 2, 1, 2, { index: 99 }));
  core.step(msg('appendResponse', 3, 1, 2, { index: 99 }));
  assert.equal(core.status().commit, 1);
  assert.equal(core.status().progress.get(nodeId(2))?.match, 0);
});

test('RaftNode: refused operations throw a coded RaftError and change nothing', () => {
  const { core } = node(2);
  const before = core.status();
  const code = (c: string) => (e: unknown) => e instanceof RaftError && e.code === c;
  assert.throws(() => core.propose(new Uint8Array([1])), code('notLeader'));
  assert.throws(
    () =>
      core.proposeConfChange({ type: 'addLearner', node: nodeId(4), context: new Uint8Array() }),
    code('notLeader'),
  );
  assert.throws(() => core.transferLeadership(nodeId(3)), code('notLeader'));
  assert.throws(() => core.readIndex(new Uint8Array([1])), code('notLeader'));
  assert.deepEqual(core.status(), before);
  assert.equal(core.hasReady(), false);
});

test('RaftNode: a single voter elects itself and commits after its own persist', () => {
  const storage = MemoryStorage.bootstrap({ voters: [nodeId(1)], learners: [] }, new Uint8Array());
  const core = new RaftNode(
    defaultRaftConfig(nodeId(1), GROUP, storage, new SeededRng(1), logIndex(1)),
  );
  core.campaign();
  assert.equal(core.status().role, 'leader');
  core.propose(new Uint8Array([7]));
  const first = core.ready();
  assert.equal(first.entries.length, 2);
  assert.equal(first.committedEntries.length, 0, 'nothing commits before the leader persisted');
  storage.append(first.entries);
  core.advance(first);
  const second = core.ready();
  assert.deepEqual(
    second.committedEntries.map((e) => e.type),
    ['noop', 'normal'],
  );
  core.advance(second);
  assert.equal(core.status().applied, 3);
});

test('RaftNode: a lone voter restarted with a trailing commit index answers ReadIndex only past its log', () => {
  // Entries 2 and 3 were acknowledged (a lone voter commits what it has made durable), but the
  // commit index on disk is still 1: it is written with the next batch.
  const storage = MemoryStorage.bootstrap({ voters: [nodeId(1)], learners: [] }, new Uint8Array());
  storage.append([entry(2, 1), entry(3, 1)]);
  storage.setHardState({ term: term(1), vote: nodeId(1), commit: logIndex(1) });
  const core = new RaftNode(
    defaultRaftConfig(nodeId(1), GROUP, storage, new SeededRng(1), logIndex(1)),
  );
  core.campaign();
  const reads: number[] = [];
  let asked = false;
  for (let i = 0; i < 10 && core.hasReady(); i++) {
    const rd = core.ready();
    if (!asked && core.status().role === 'leader') {
      // Asked before the new term's no-op is durable, so before anything commits in it.
      core.readIndex(new Uint8Array([7]));
      asked = true;
    }
    reads.push(...rd.readStates.map((s) => s.index));
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    core.advance(rd);
  }
  while (core.hasReady()) {
    const rd = core.ready();
    reads.push(...rd.readStates.map((s) => s.index));
    storage.append(rd.entries);
    core.advance(rd);
  }
  assert.ok(asked, 'became leader');
  assert.deepEqual(reads.length, 1, `one answer: ${reads.join(',')}`);
  assert.ok((reads[0] ?? 0) >= 3, `read index ${reads[0]} is behind acknowledged entry 3`);
});
