import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupId, logIndex, nodeId } from '../shared/brand.js';
import { SeededRng } from '../shared/effects.js';
import { defaultRaftConfig, validateRaftConfig } from './config.js';
import { MemoryStorage } from './storage.js';
import { RaftError } from './types.js';

const base = () =>
  defaultRaftConfig(nodeId(1), groupId(0), new MemoryStorage(), new SeededRng(1), logIndex(0));
const invalid = (err: unknown) => err instanceof RaftError && err.code === 'invalidConfig';

test('defaultRaftConfig: documented defaults', () => {
  const c = base();
  assert.equal(c.electionTicks, 10);
  assert.equal(c.heartbeatTicks, 1);
  assert.equal(c.preVote, true);
  assert.equal(c.checkQuorum, true);
  assert.equal(c.readOnly, 'safe');
  assert.equal(c.maxMessageBytes, 1024 * 1024);
  assert.equal(c.maxInflightMessages, 256);
  assert.equal(c.maxInflightBytes, 32 * 1024 * 1024);
  assert.equal(c.maxUncommittedBytes, 64 * 1024 * 1024);
  assert.equal(c.snapshotChunkBytes, 1024 * 1024);
});

test('validateRaftConfig: lease reads require check-quorum', () => {
  assert.throws(
    () => validateRaftConfig({ ...base(), readOnly: 'lease', checkQuorum: false }),
    invalid,
  );
  assert.doesNotThrow(() => validateRaftConfig({ ...base(), readOnly: 'lease' }));
});

test('validateRaftConfig: rejects bad numbers with invalidConfig', () => {
  assert.throws(() => validateRaftConfig({ ...base(), id: nodeId(0) }), invalid);
  assert.throws(() => validateRaftConfig({ ...base(), electionTicks: 1 }), invalid);
  assert.throws(() => validateRaftConfig({ ...base(), heartbeatTicks: 0 }), invalid);
  assert.throws(() => validateRaftConfig({ ...base(), maxInflightMessages: 0 }), invalid);
  assert.throws(() => validateRaftConfig({ ...base(), snapshotChunkBytes: 1.5 }), invalid);
  assert.throws(() => validateRaftConfig({ ...base(), applied: logIndex(-1) }), invalid);
});
