/**
 * Raft core configuration: sensible defaults (etcd's, scaled to our limits) and validation.
 * An invalid config is an operating error of the host (RaftError('invalidConfig')), not a bug.
 */
import type { Rng } from '../shared/effects.js';
import type { GroupId, LogIndex, NodeId } from '../shared/brand.js';
import { NO_NODE, RaftError, type RaftConfig, type RaftStorage } from './types.js';

const MIB = 1024 * 1024;

export function defaultRaftConfig(
  id: NodeId,
  group: GroupId,
  storage: RaftStorage,
  rng: Rng,
  applied: LogIndex,
): RaftConfig {
  return validateRaftConfig({
    id,
    group,
    storage,
    applied,
    rng,
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: true,
    checkQuorum: true,
    readOnly: 'safe',
    maxMessageBytes: MIB,
    maxInflightMessages: 256,
    maxInflightBytes: 32 * MIB,
    maxUncommittedBytes: 64 * MIB,
    snapshotChunkBytes: MIB,
  });
}

function positiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** Returns `config` unchanged, or throws RaftError('invalidConfig') naming the bad field. */
export function validateRaftConfig(config: RaftConfig): RaftConfig {
  const bad = (why: string): never => {
    throw new RaftError('invalidConfig', `invalid raft config: ${why}`);
  };
  if (!positiveInteger(config.id) || config.id === NO_NODE) bad('id must be a positive integer');
  if (!Number.isSafeInteger(config.group) || config.group < 0) bad('group must be >= 0');
  if (!Number.isSafeInteger(config.applied) || config.applied < 0) bad('applied must be >= 0');
  if (!positiveInteger(config.heartbeatTicks)) bad('heartbeatTicks must be > 0');
  if (!positiveInteger(config.electionTicks) || config.electionTicks <= config.heartbeatTicks) {
    bad('electionTicks must be greater than heartbeatTicks');
  }
  if (!positiveInteger(config.maxMessageBytes)) bad('maxMessageBytes must be > 0');
  if (!positiveInteger(config.maxInflightMessages)) bad('maxInflightMessages must be > 0');
  if (!positiveInteger(config.maxInflightBytes)) bad('maxInflightBytes must be > 0');
  if (!positiveInteger(config.maxUncommittedBytes)) bad('maxUncommittedBytes must be > 0');
  if (!positiveInteger(config.snapshotChunkBytes)) bad('snapshotChunkBytes must be > 0');
  if (config.readOnly !== 'safe' && config.readOnly !== 'lease')
    bad('readOnly must be safe or lease');
  // Lease reads are only safe when a leader that lost its quorum steps down (etcd's rule).
  if (config.readOnly === 'lease' && !config.checkQuorum) bad('lease reads require checkQuorum');
  return config;
}
