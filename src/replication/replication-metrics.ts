/**
 * The replication metrics a node exports on GET /metrics (Prometheus names, units last).
 * Live values (term, indexes, role) are gauges read at scrape time through `bind`.
 */
import { MetricsRegistry, type Counter, type CounterBy, type Histogram } from './metrics.js';

export interface ReplicationMetrics {
  readonly registry: MetricsRegistry;
  readonly proposals: Counter;
  readonly proposalsRefused: Counter;
  readonly applied: Counter;
  readonly reads: Counter;
  readonly readIndexRounds: Counter;
  readonly leaderChanges: Counter;
  readonly snapshots: Counter;
  readonly opsByCommand: CounterBy;
  /** Client write: gathered -> applied. */
  readonly commitSeconds: Histogram;
  /** One synced level batch (the fsync of a group commit). */
  readonly persistSeconds: Histogram;
  /** Proposals per group commit. */
  readonly batchSize: Histogram;
}

export function newReplicationMetrics(registry = new MetricsRegistry()): ReplicationMetrics {
  return {
    registry,
    proposals: registry.counter(
      'memlayer_raft_proposals_total',
      'Entries proposed by this node as leader',
    ),
    proposalsRefused: registry.counter(
      'memlayer_raft_proposals_refused_total',
      'Proposals the leader refused (leadership moving, log full, leader removed)',
    ),
    applied: registry.counter(
      'memlayer_raft_entries_applied_total',
      'Log entries applied to the state machine',
    ),
    reads: registry.counter('memlayer_reads_total', 'Linearizable reads served'),
    readIndexRounds: registry.counter(
      'memlayer_raft_read_index_rounds_total',
      'ReadIndex rounds (one per batch of reads)',
    ),
    leaderChanges: registry.counter(
      'memlayer_raft_leader_changes_total',
      'Times the known leader changed',
    ),
    snapshots: registry.counter('memlayer_raft_snapshots_total', 'Snapshots taken locally'),
    opsByCommand: registry.counterBy(
      'memlayer_commands_total',
      'Data commands submitted, by command',
      'command',
    ),
    commitSeconds: registry.histogram(
      'memlayer_raft_proposal_duration_seconds',
      'Write latency from proposal to apply',
    ),
    persistSeconds: registry.histogram(
      'memlayer_raft_fsync_duration_seconds',
      'Duration of each synced log batch',
    ),
    batchSize: registry.histogram(
      'memlayer_raft_group_commit_entries',
      'Entries per group commit',
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
    ),
  };
}
