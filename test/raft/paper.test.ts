/**
 * Paper tests: each rule of the Raft paper (Ongaro & Ousterhout 2014, Figure 2 and sections)
 * and of the Raft thesis (§4 membership, §6.4 ReadIndex), checked against the core with
 * hand-made messages or a small in-memory cluster (env.ts). Test names carry the section.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeConfChange } from '../../src/raft/codec.js';
import { makeMessage, type MessageFields } from '../../src/raft/message.js';
import { RaftNode } from '../../src/raft/node.js';
import { MemoryStorage } from '../../src/raft/storage.js';
import {
  RaftError,
  type Entry,
  type Message,
  type MessageType,
  type Ready,
} from '../../src/raft/types.js';
import { logIndex, nodeId, term, type NodeId } from '../../src/shared/brand.js';
import { SeededRng } from '../../src/shared/effects.js';
import { defaultRaftConfig } from '../../src/raft/config.js';
import { GROUP, RaftEnv, str, text, type NodeOptions } from './env.js';

const conf3 = { voters: [1, 2, 3].map(nodeId), learners: [] };

function cluster(n: number, opts: NodeOptions = {}): RaftEnv {
  const env = new RaftEnv();
  const voters = Array.from({ length: n }, (_, i) => nodeId(i + 1));
  for (const id of voters) env.addNode(id, { voters, learners: [] }, opts);
  return env;
}

function settle(env: RaftEnv): void {
  env.stabilize([]);
}

function elect(env: RaftEnv, id: number): void {
  env.node(id).core.campaign();
  settle(env);
  assert.equal(env.node(id).core.status().role, 'leader');
}

function msg(
  type: MessageType,
  from: number,
  to: number,
  t: number,
  f: MessageFields = {},
): Message {
  return makeMessage(GROUP, type, nodeId(from), nodeId(to), t, f);
}

function entry(index: number, t: number, data = `e${index}`): Entry {
  return { index: logIndex(index), term: term(t), type: 'normal', data: text(data) };
}

/** A single core over a storage whose log is given; returns it with its outgoing messages. */
function solo(
  entries: Entry[],
  hardTerm: number,
  opts: { mutations?: NodeOptions['mutations']; id?: number } = {},
) {
  const storage = MemoryStorage.bootstrap(conf3, text('[]'));
  storage.append(entries);
  storage.setHardState({ term: term(hardTerm), vote: nodeId(0), commit: logIndex(1) });
  const mutations: Record<string, boolean> = {};
  for (const m of opts.mutations ?? []) mutations[m] = true;
  const id = nodeId(opts.id ?? 1);
  const config = {
    ...defaultRaftConfig(id, GROUP, storage, new SeededRng(5), logIndex(1)),
    preVote: false,
    mutations,
  };
  const core = new RaftNode(config);
  const drain = (): Ready => {
    const rd = core.ready();
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    core.advance(rd);
    return rd;
  };
  return { core, storage, drain };
}

describe('Figure 2 rules for all servers', () => {
  test('Figure 2 / §5.1: a higher term in any message makes the node a follower of that term', () => {
    const env = cluster(3);
    elect(env, 1);
    const core = env.node(1).core;
    core.step(msg('heartbeat', 2, 1, 9));
    const s = core.status();
    assert.equal(s.role, 'follower');
    assert.equal(s.term, 9);
    assert.equal(s.leader, 2);
  });

  test('Figure 2 / §5.1: a stale-term append is refused and tells the sender the current term', () => {
    const env = cluster(3);
    elect(env, 1);
    const n2 = env.node(2);
    const before = n2.core.status();
    n2.core.step(msg('append', 3, 2, 1, { index: 1, logTerm: 1, entries: [entry(2, 1, 'stale')] }));
    const rd = n2.core.ready();
    assert.equal(n2.core.status().lastIndex, before.lastIndex);
    const reply = rd.messages.find((m) => m.to === 3);
    assert.equal(reply?.type, 'appendResponse');
    assert.equal(reply?.term, before.term);
  });

  test('Figure 2: every message carries the group id', () => {
    const env = cluster(3);
    env.node(1).core.campaign();
    const rd = env.node(1).core.ready();
    assert.ok(rd.messages.length > 0);
    for (const m of rd.messages) assert.equal(m.group, GROUP);
  });

  test('Figure 2: messages of another group are dropped', () => {
    const env = cluster(3);
    const core = env.node(2).core;
    core.step({ ...msg('heartbeat', 1, 2, 9), group: 99 as typeof GROUP });
    assert.equal(core.status().term, 1);
  });
});

describe('§5.2 leader election', () => {
  test('§5.2: a follower campaigns after a randomized timeout in [electionTicks, 2*electionTicks)', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 12; seed++) {
      const storage = MemoryStorage.bootstrap(conf3, text('[]'));
      const core = new RaftNode(
        defaultRaftConfig(nodeId(1), GROUP, storage, new SeededRng(seed), logIndex(1)),
      );
      let ticks = 0;
      while (core.status().role === 'follower') {
        core.tick();
        ticks++;
        assert.ok(ticks < 20, 'campaigned too late');
      }
      assert.ok(ticks >= 10, `campaigned after only ${ticks} ticks`);
      seen.add(ticks);
    }
    assert.ok(seen.size > 1, 'timeouts are not randomized');
  });

  test('§5.2: a candidate with a majority of votes becomes leader', () => {
    const env = cluster(5, { preVote: false });
    elect(env, 3);
    for (const id of [1, 2, 4, 5]) assert.equal(env.node(id).core.status().leader, 3);
  });

  test('§5.2: at most one vote per term, first come first served', () => {
    const { core, drain } = solo([], 1, { id: 3 });
    core.step(msg('vote', 1, 3, 2, { index: 1, logTerm: 1 }));
    core.step(msg('vote', 2, 3, 2, { index: 1, logTerm: 1 }));
    const rd = drain();
    const to1 = rd.messages.find((m) => m.to === 1);
    const to2 = rd.messages.find((m) => m.to === 2);
    assert.equal(to1?.reject, false);
    assert.equal(to2?.reject, true);
    assert.equal(rd.hardState?.vote, 1);
  });

  test('§5.2: the vote is in the same Ready as the response and must be synced', () => {
    const { core } = solo([], 1, { id: 3 });
    core.step(msg('vote', 1, 3, 2, { index: 1, logTerm: 1 }));
    const rd = core.ready();
    assert.equal(rd.hardState?.vote, 1);
    assert.equal(rd.mustSync, true);
    assert.equal(rd.messages[0]?.type, 'voteResponse');
  });

  test('§5.2: a candidate that hears from a leader of its term steps down', () => {
    const { core } = solo([], 1);
    core.campaign();
    assert.equal(core.status().role, 'candidate');
    core.step(msg('append', 2, 1, 2, { index: 1, logTerm: 1 }));
    assert.equal(core.status().role, 'follower');
    assert.equal(core.status().leader, 2);
  });

  test('§5.2: a split vote times out and a new election starts with a higher term', () => {
    const { core } = solo([], 1);
    core.campaign();
    core.step(msg('voteResponse', 2, 1, 2, { reject: true }));
    assert.equal(core.status().role, 'candidate');
    for (let i = 0; i < 20 && core.status().term === 2; i++) core.tick();
    assert.equal(core.status().term, 3);
    assert.equal(core.status().role, 'candidate');
  });
});

describe('§5.3 log replication', () => {
  test('§5.3: a follower refuses an append whose previous entry does not match, with a hint', () => {
    const { core, drain } = solo([entry(2, 1), entry(3, 1)], 1, { id: 2 });
    core.step(msg('append', 1, 2, 3, { index: 3, logTerm: 2, entries: [entry(4, 3)] }));
    const reply = drain().messages[0];
    assert.equal(reply?.reject, true);
    assert.equal(reply?.rejectHint, 3);
    assert.equal(reply?.rejectHintTerm, 1);
    assert.equal(core.status().lastIndex, 3);
  });

  test('§5.3: a conflicting suffix is deleted and replaced by the leader entries', () => {
    const { core, storage, drain } = solo(
      [entry(2, 1), entry(3, 1, 'old'), entry(4, 1, 'old')],
      1,
      { id: 2 },
    );
    core.step(msg('append', 1, 2, 2, { index: 2, logTerm: 1, entries: [entry(3, 2, 'new')] }));
    drain();
    assert.equal(core.status().lastIndex, 3);
    assert.equal(storage.lastIndex(), 3);
    assert.equal(storage.term(logIndex(3)), 2);
  });

  test('§5.3: an entry commits once a majority stores it, and followers learn the commit', () => {
    const env = cluster(3);
    elect(env, 1);
    env.node(1).core.propose(text('x'));
    settle(env);
    for (const id of [1, 2, 3]) {
      assert.deepEqual(env.node(id).applied, ['x']);
      assert.equal(env.node(id).core.status().commit, 3);
    }
  });

  test('§5.3: the leader never overwrites its own log; a minority leader commits nothing', () => {
    const env = cluster(3);
    elect(env, 1);
    env.sides.set(1, 1);
    env.node(1).core.propose(text('lost'));
    settle(env);
    assert.equal(env.node(1).core.status().commit, 2);
    assert.equal(env.node(1).core.status().lastIndex, 3);
  });
});

describe('§5.4 safety', () => {
  test('§5.4.1: a voter refuses a candidate whose last term is lower', () => {
    const { core, drain } = solo([entry(2, 3)], 3, { id: 2 });
    core.step(msg('vote', 1, 2, 4, { index: 5, logTerm: 2 }));
    assert.equal(drain().messages[0]?.reject, true);
  });

  test('§5.4.1: a voter refuses a candidate with the same last term but a shorter log', () => {
    const { core, drain } = solo([entry(2, 3), entry(3, 3)], 3, { id: 2 });
    core.step(msg('vote', 1, 2, 4, { index: 2, logTerm: 3 }));
    assert.equal(drain().messages[0]?.reject, true);
  });

  test('§5.4.1: a voter grants a candidate whose log is at least as up-to-date', () => {
    const { core, drain } = solo([entry(2, 3), entry(3, 3)], 3, { id: 2 });
    core.step(msg('vote', 1, 2, 4, { index: 3, logTerm: 3 }));
    assert.equal(drain().messages[0]?.reject, false);
  });

  test('§5.4.1 mutation grantVoteWithoutLogCheck grants the stale candidate', () => {
    const { core, drain } = solo([entry(2, 3)], 3, {
      id: 2,
      mutations: ['grantVoteWithoutLogCheck'],
    });
    core.step(msg('vote', 1, 2, 4, { index: 5, logTerm: 2 }));
    assert.equal(drain().messages[0]?.reject, false);
  });

  /** Figure 8: a leader of term 4 holding an entry of term 2 replicated on a majority. */
  function figure8(mutations: NodeOptions['mutations'] = []) {
    const s = solo([entry(2, 2, 'old')], 3, { mutations });
    s.core.campaign();
    s.drain();
    s.core.step(msg('voteResponse', 2, 1, 4));
    assert.equal(s.core.status().role, 'leader');
    s.drain(); // persists the no-op at index 3
    s.core.step(msg('appendResponse', 2, 1, 4, { index: 2 }));
    s.core.step(msg('appendResponse', 3, 1, 4, { index: 2 }));
    return s;
  }

  test('§5.4.2: an entry of an older term is not committed by counting replicas', () => {
    const { core } = figure8();
    assert.equal(core.status().commit, 1);
    core.step(msg('appendResponse', 2, 1, 4, { index: 3 }));
    assert.equal(core.status().commit, 3, 'committed indirectly with the current-term entry');
  });

  test('§5.4.2 mutation commitOldTermByCounting commits the old entry (the Figure 8 bug)', () => {
    const { core } = figure8(['commitOldTermByCounting']);
    assert.equal(core.status().commit, 2);
  });

  test('§5.4 / RedisRaft #53: a duplicate append below the commit index never truncates', () => {
    const env = cluster(3);
    elect(env, 1);
    env.node(1).core.propose(text('a'));
    env.node(1).core.propose(text('b'));
    settle(env);
    const n2 = env.node(2);
    n2.core.step(msg('append', 1, 2, 2, { index: 1, logTerm: 1, entries: [entry(2, 2, 'x')] }));
    settle(env);
    assert.equal(n2.core.status().lastIndex, 4);
    assert.deepEqual(n2.applied, ['a', 'b']);
  });
});

describe('§6 and thesis §4: membership changes', () => {
  test('thesis §4.1: one change at a time; a second is refused while the first is pending', () => {
    const env = cluster(3);
    elect(env, 1);
    const core = env.node(1).core;
    core.proposeConfChange({ type: 'addLearner', node: nodeId(4), context: new Uint8Array(0) });
    assert.throws(
      () =>
        core.proposeConfChange({ type: 'addLearner', node: nodeId(5), context: new Uint8Array(0) }),
      (e: unknown) => e instanceof RaftError && e.code === 'confChangeInProgress',
    );
  });

  test('§6: a change takes effect when applied; learners receive the log but never vote', () => {
    const env = cluster(3);
    elect(env, 1);
    env.addNode(4, { voters: [], learners: [] }, {});
    env.confChange(1, 'addLearner', 4);
    settle(env);
    env.node(1).core.propose(text('v'));
    settle(env);
    const s4 = env.node(4).core.status();
    assert.deepEqual(s4.conf, { voters: [1, 2, 3], learners: [4] });
    assert.deepEqual(env.node(4).applied, ['v']);
    env.node(4).core.campaign();
    assert.equal(env.node(4).core.hasReady(), false);
    assert.equal(env.node(4).core.status().role, 'follower');
  });

  test('thesis §4.2.2: a removed leader steps down once the change is applied', () => {
    const env = cluster(3);
    elect(env, 1);
    env.confChange(1, 'removeNode', 1);
    settle(env);
    const s1 = env.node(1).core.status();
    assert.equal(s1.role, 'follower');
    assert.deepEqual(s1.conf.voters, [2, 3]);
    for (let i = 0; i < 50; i++) env.node(1).core.tick();
    assert.equal(env.node(1).core.hasReady(), false, 'a removed node never campaigns');
  });

  test('thesis §4.2.1: promotion waits until the learner caught up', () => {
    const env = cluster(3);
    elect(env, 1);
    env.addNode(4, { voters: [], learners: [] }, {});
    env.confChange(1, 'addLearner', 4);
    settle(env);
    env.sides.set(4, 1);
    for (let i = 0; i < 100; i++) env.node(1).core.propose(text(`p${i}`));
    settle(env);
    assert.throws(
      () => env.confChange(1, 'promote', 4),
      (e: unknown) => e instanceof RaftError && e.code === 'learnerNotCaughtUp',
    );
  });

  test('§6: a confChange entry carries the encoded change', () => {
    const bytes = encodeConfChange({ type: 'promote', node: nodeId(4), context: text('addr') });
    assert.ok(bytes.byteLength > 0);
  });
});

describe('§7 log compaction', () => {
  test('§7: a follower behind the first index is brought up with a snapshot', () => {
    const env = cluster(3, { snapshotChunkBytes: 4 });
    elect(env, 1);
    env.sides.set(3, 1);
    for (const v of ['a', 'b', 'c']) env.node(1).core.propose(text(v));
    settle(env);
    env.compact(1, 4);
    env.sides.clear();
    env.node(1).core.tick();
    settle(env);
    const n3 = env.node(3);
    assert.equal(n3.storage.firstIndex(), 5);
    assert.deepEqual(n3.applied, ['a', 'b', 'c']);
    assert.equal(n3.core.status().commit, 5);
  });

  test('§7: restart after compaction starts the log at snapshot index + 1', () => {
    const env = cluster(3);
    elect(env, 1);
    for (const v of ['a', 'b', 'c']) env.node(1).core.propose(text(v));
    settle(env);
    env.compact(2, 4);
    env.restart(2);
    const s = env.node(2).core.status();
    assert.equal(s.applied, 4);
    assert.equal(s.lastIndex, 5);
    settle(env);
    assert.deepEqual(env.node(2).applied, ['a', 'b', 'c']);
  });

  test('§7: a restart whose applied index is below the snapshot is a host bug (asserted)', () => {
    const storage = MemoryStorage.bootstrap(conf3, text('[]'));
    assert.throws(
      () =>
        new RaftNode(defaultRaftConfig(nodeId(1), GROUP, storage, new SeededRng(1), logIndex(0))),
    );
  });
});

describe('§8 client interaction and thesis §6.4 ReadIndex', () => {
  test('§8: a new leader appends a no-op of its term at once', () => {
    const env = cluster(3);
    elect(env, 1);
    const first = env.node(2).storage.entries(logIndex(2), logIndex(3), 1e9)[0];
    assert.equal(first?.type, 'noop');
    assert.equal(first?.term, 2);
  });

  test('§8 mutation skipNoopOnElection: no no-op is appended', () => {
    const env = cluster(3, { mutations: ['skipNoopOnElection'] });
    elect(env, 1);
    assert.equal(env.node(1).core.status().lastIndex, 1);
  });

  test('thesis §6.4: a read is answered only after a heartbeat round confirms leadership', () => {
    const env = cluster(3);
    elect(env, 1);
    const core = env.node(1).core;
    core.readIndex(text('r'));
    const rd = core.ready();
    assert.equal(rd.readStates.length, 0);
    assert.ok(rd.messages.some((m) => m.type === 'heartbeat' && str(m.context) === 'r'));
    core.advance(rd);
    core.step(msg('heartbeatResponse', 2, 1, 2, { context: text('r') }));
    const after = core.ready();
    assert.equal(after.readStates.length, 1);
    assert.equal(after.readStates[0]?.index, 2);
  });

  test('thesis §6.4 mutation readIndexWithoutHeartbeat answers at once', () => {
    const env = cluster(3, { mutations: ['readIndexWithoutHeartbeat'] });
    elect(env, 1);
    env.node(1).core.readIndex(text('r'));
    assert.equal(env.node(1).core.ready().readStates.length, 1);
  });

  test('thesis §6.4: a follower forwards the read and gets the leader read index', () => {
    const env = cluster(3);
    elect(env, 1);
    env.node(2).core.readIndex(text('f'));
    const out: string[] = [];
    env.stabilize(out);
    assert.ok(
      out.some((l) => l.includes('read-state: index=2 ctx=f')),
      out.join('\n'),
    );
  });

  test('thesis §6.4: a node without a leader refuses the read', () => {
    const env = cluster(3);
    assert.throws(
      () => env.node(1).core.readIndex(text('x')),
      (e: unknown) => e instanceof RaftError && e.code === 'notLeader',
    );
  });

  test('thesis §3.10: leadership transfer refuses proposals while running', () => {
    const env = cluster(3);
    elect(env, 1);
    env.sides.set(3, 1);
    env.node(1).core.propose(text('x'));
    settle(env);
    env.node(1).core.transferLeadership(nodeId(3) as NodeId);
    assert.throws(
      () => env.node(1).core.propose(text('y')),
      (e: unknown) => e instanceof RaftError && e.code === 'transferInProgress',
    );
    env.sides.clear();
    env.node(1).core.tick();
    settle(env);
    assert.equal(env.node(3).core.status().role, 'leader');
  });
});
