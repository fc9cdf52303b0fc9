/**
 * Directed regression tests for core bugs the simulator found. Each replays the essence of a
 * failing seed by hand (seeds stop naming the same schedule as the simulator evolves), so it
 * fails as long as the bug is there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRaftConfig } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import { MemoryStorage } from '../../src/raft/storage.js';
import type { ConfState, Message, NodeId } from '../../src/raft/types.js';
import { groupId, logIndex, nodeId, term } from '../../src/shared/brand.js';
import { SeededRng } from '../../src/shared/effects.js';

interface Member {
  readonly id: NodeId;
  readonly node: RaftNode;
  readonly storage: MemoryStorage;
  applied: number;
}

/** Three cores and an in-memory network whose links can be cut; no disk latency. */
class MiniCluster {
  readonly members: Member[];
  readonly conf: ConfState;
  private queue: Message[] = [];
  cut = new Set<NodeId>();

  constructor() {
    const ids = [nodeId(1), nodeId(2), nodeId(3)];
    this.conf = { voters: ids, learners: [] };
    this.members = ids.map((id) => {
      const storage = new MemoryStorage({
        snapshot: {
          meta: { index: logIndex(1), term: term(1), conf: this.conf },
          data: new Uint8Array(0),
        },
        hardState: { term: term(1), vote: nodeId(0), commit: logIndex(1) },
        conf: this.conf,
      });
      const config = defaultRaftConfig(id, groupId(1), storage, new SeededRng(id), logIndex(1));
      return { id, node: new RaftNode(config), storage, applied: 1 };
    });
  }

  member(id: number): Member {
    const m = this.members[id - 1];
    assert.ok(m !== undefined);
    return m;
  }

  /** Runs Readies and deliveries until quiet; `hold` keeps matching messages queued. */
  settle(hold: (m: Message) => boolean = () => false): void {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (const m of this.members) {
        if (!m.node.hasReady()) continue;
        busy = true;
        const rd = m.node.ready();
        if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot);
        if (rd.entries.length > 0) m.storage.append(rd.entries);
        if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState);
        this.queue.push(...rd.messages);
        if (rd.snapshot !== undefined) m.applied = rd.snapshot.meta.index;
        const last = rd.committedEntries[rd.committedEntries.length - 1];
        if (last !== undefined) m.applied = last.index;
        m.node.advance(rd);
      }
      const deliver = this.queue.filter((msg) => !hold(msg));
      this.queue = this.queue.filter((msg) => hold(msg));
      for (const msg of deliver) {
        if (this.cut.has(msg.from) || this.cut.has(msg.to)) continue;
        busy = true;
        this.member(msg.to).node.step(msg);
      }
      if (!busy) return;
    }
    assert.fail('cluster did not settle');
  }

  tickAll(): void {
    for (const m of this.members) m.node.tick();
  }

  compactLeader(id: number): void {
    const m = this.member(id);
    const index = logIndex(m.applied);
    m.storage.createSnapshot(index, this.conf, new Uint8Array([1, 2, 3]));
    m.storage.compact(index);
  }
}

describe('regressions found by the simulator', () => {
  it('a follower catches up when the leader compacts past the snapshot it is sending', () => {
    // Simulator seed 2325 (3 nodes, 4000 steps) at the time: the leader kept re-sending a
    // stale snapshot (index 50) after compacting to 51; the follower, already at 50, answered
    // appendResponse 50, which a progress in `snapshot` state ignored: livelock, the final
    // write never reached it.
    const c = new MiniCluster();
    const leader = c.member(1);
    leader.node.campaign();
    c.settle();
    assert.equal(leader.node.status().role, 'leader');
    c.cut.add(nodeId(3));
    for (let i = 0; i < 10; i++) leader.node.propose(new Uint8Array([i]));
    c.settle();
    c.compactLeader(1);
    c.cut.delete(nodeId(3));
    // Heartbeats make the leader notice n3 is behind a compacted log: it sends a snapshot. Once
    // n3 has installed it, hold n3's answers so the leader compacts again before hearing them.
    const fromThree = (m: Message): boolean => m.from === nodeId(3) && c.member(3).applied > 2;
    for (let t = 0; t < 5 && c.member(3).applied <= 2; t++) {
      c.tickAll();
      c.settle(fromThree);
    }
    const snapshotAt = c.member(3).applied;
    assert.ok(snapshotAt > 2, `n3 installed no snapshot (applied ${snapshotAt})`);
    leader.node.propose(new Uint8Array([99]));
    c.settle(fromThree);
    c.compactLeader(1);
    c.settle();
    for (let t = 0; t < 50 && c.member(3).applied < leader.applied; t++) {
      c.tickAll();
      c.settle();
    }
    assert.equal(c.member(3).applied, leader.applied, 'n3 never caught up with the leader');
  });
});
