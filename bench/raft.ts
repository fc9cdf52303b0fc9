/**
 * Raw Raft core throughput, in one process (npm run bench:raft [-- --json FILE] [--count N]
 * [--bytes B] [--repeat R]; each batch size runs R times and the best run is reported, since
 * the machine is shared): three RaftNodes exchange messages through in-memory queues; no disk (a
 * MemoryStorage per node, no fsync), no network, no state machine. Each round proposes a batch
 * on the leader, then drives every Ready until the leader has applied the whole batch (so each
 * proposal is appended, replicated to a quorum, committed and handed back for apply).
 *
 * The comparison figure is etcd's *published* in-process raft benchmark, about 3.7 µs per
 * proposal (etcd-io/etcd PR #2598, with 1 ms of simulated sync): quoted, not measured here.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { defaultRaftConfig } from '../src/raft/config.js';
import { RaftNode } from '../src/raft/node.js';
import { MemoryStorage } from '../src/raft/storage.js';
import type { Message, NodeId, Ready } from '../src/raft/types.js';
import { groupId, logIndex, nodeId, term } from '../src/shared/brand.js';
import { SeededRng } from '../src/shared/effects.js';

const ETCD_US_PER_PROPOSAL = 3.7;
const GOAL_US_PER_PROPOSAL = 2;
const BATCHES = [1, 16, 64, 256] as const;

interface Options {
  count: number;
  bytes: number;
  repeat: number;
  json: string | undefined;
}

interface Row {
  batch: number;
  proposals: number;
  seconds: number;
  usPerProposal: number;
  proposalsPerSecond: number;
}

interface Member {
  readonly id: NodeId;
  readonly node: RaftNode;
  readonly storage: MemoryStorage;
  applied: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { count: 200_000, bytes: 64, repeat: 3, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${String(flag)} needs a value`);
    if (flag === '--json') options.json = value;
    else if (flag === '--count' || flag === '--bytes' || flag === '--repeat') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 1)
        throw new Error(`${flag} wants a positive integer, got ${value}`);
      if (flag === '--count') options.count = n;
      else if (flag === '--bytes') options.bytes = n;
      else options.repeat = n;
    } else
      throw new Error(
        `unknown option ${String(flag)} (options: --json FILE, --count N, --bytes B, --repeat R)`,
      );
  }
  return options;
}

function makeCluster(): Member[] {
  const ids = [nodeId(1), nodeId(2), nodeId(3)];
  const conf = { voters: ids, learners: [] };
  return ids.map((id) => {
    const storage = new MemoryStorage({
      snapshot: { meta: { index: logIndex(1), term: term(1), conf }, data: new Uint8Array(0) },
      hardState: { term: term(1), vote: nodeId(0), commit: logIndex(1) },
      conf,
    });
    const config = {
      ...defaultRaftConfig(id, groupId(1), storage, new SeededRng(id), logIndex(1)),
      // Generous windows: this measures the core, not flow control.
      maxUncommittedBytes: 1 << 30,
      maxInflightMessages: 4096,
    };
    return { id, node: new RaftNode(config), storage, applied: 1 };
  });
}

/** Persist (into MemoryStorage), deliver, apply, advance — until no node has a Ready. */
function settle(cluster: readonly Member[], byId: ReadonlyMap<NodeId, Member>): void {
  const inbox: Message[] = [];
  for (;;) {
    let progressed = false;
    for (const member of cluster) {
      if (!member.node.hasReady()) continue;
      progressed = true;
      const ready: Ready = member.node.ready();
      if (ready.snapshot !== undefined) member.storage.applySnapshot(ready.snapshot);
      if (ready.entries.length > 0) member.storage.append(ready.entries);
      if (ready.hardState !== undefined) member.storage.setHardState(ready.hardState);
      for (const m of ready.messages) inbox.push(m);
      const last = ready.committedEntries[ready.committedEntries.length - 1];
      if (last !== undefined) member.applied = last.index;
      member.node.advance(ready);
    }
    for (let i = 0; i < inbox.length; i++) {
      const m = inbox[i];
      if (m !== undefined) byId.get(m.to)?.node.step(m);
    }
    if (inbox.length > 0) progressed = true;
    inbox.length = 0;
    if (!progressed) return;
  }
}

function electLeader(cluster: readonly Member[], byId: ReadonlyMap<NodeId, Member>): Member {
  const leader = cluster[0];
  if (leader === undefined) throw new Error('empty cluster');
  leader.node.campaign();
  settle(cluster, byId);
  if (leader.node.status().role !== 'leader') throw new Error('node 1 did not become leader');
  return leader;
}

function run(batch: number, count: number, bytes: number): Row {
  const cluster = makeCluster();
  const byId = new Map(cluster.map((m) => [m.id, m] as const));
  const leader = electLeader(cluster, byId);
  const payload = new Uint8Array(bytes).fill(0x61);
  const rounds = Math.max(1, Math.floor(count / batch));
  const warmup = Math.min(rounds, Math.max(10, Math.floor(rounds / 10)));
  const round = (): void => {
    const target = leader.applied + batch;
    for (let i = 0; i < batch; i++) leader.node.propose(payload);
    settle(cluster, byId);
    if (leader.applied < target)
      throw new Error(`round did not commit: applied ${leader.applied} < ${target}`);
  };
  for (let r = 0; r < warmup; r++) round();
  const started = performance.now();
  for (let r = 0; r < rounds; r++) round();
  const seconds = (performance.now() - started) / 1000;
  const proposals = rounds * batch;
  return {
    batch,
    proposals,
    seconds,
    usPerProposal: (seconds * 1e6) / proposals,
    proposalsPerSecond: proposals / seconds,
  };
}

function printTable(rows: readonly Row[], options: Options): void {
  console.log(
    `Raft core, 3 in-process nodes, no disk/network, ${options.bytes}-byte proposals, best of ${options.repeat} runs (node ${process.version})`,
  );
  console.log(
    'batch | proposals | seconds | µs/proposal | proposals/s | vs etcd 3.7 µs (published) | goal <2 µs',
  );
  console.log(
    '----- | --------- | ------- | ----------- | ----------- | -------------------------- | ----------',
  );
  for (const r of rows) {
    const ratio = ETCD_US_PER_PROPOSAL / r.usPerProposal;
    const goal = r.batch >= 64 ? (r.usPerProposal < GOAL_US_PER_PROPOSAL ? 'met' : 'MISSED') : '-';
    console.log(
      `${String(r.batch).padStart(5)} | ${String(r.proposals).padStart(9)} | ${r.seconds.toFixed(3).padStart(7)} | ` +
        `${r.usPerProposal.toFixed(3).padStart(11)} | ${Math.round(r.proposalsPerSecond).toString().padStart(11)} | ` +
        `${`${ratio.toFixed(2)}x ${ratio >= 1 ? 'faster' : 'slower'}`.padStart(26)} | ${goal.padStart(10)}`,
    );
  }
  console.log(
    'etcd figure: ~3.7 µs/proposal from etcd-io/etcd PR #2598 (published, not measured on this machine).',
  );
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error: unknown) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const rows = BATCHES.map((batch) => {
    const count = batch === 1 ? Math.min(options.count, 50_000) : options.count;
    let best: Row | undefined;
    for (let i = 0; i < options.repeat; i++) {
      const row = run(batch, count, options.bytes);
      if (best === undefined || row.usPerProposal < best.usPerProposal) best = row;
    }
    if (best === undefined) throw new Error('no run');
    return best;
  });
  printTable(rows, options);
  if (options.json !== undefined) {
    const report = {
      benchmark: 'raft-core',
      nodes: 3,
      payloadBytes: options.bytes,
      bestOfRuns: options.repeat,
      node: process.version,
      etcdPublishedUsPerProposal: ETCD_US_PER_PROPOSAL,
      goalUsPerProposal: GOAL_US_PER_PROPOSAL,
      rows,
    };
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${options.json}`);
  }
  return 0;
}

process.exitCode = main();
