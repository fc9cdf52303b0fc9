import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommandTable } from './registry.js';
import { envFor, StateMachine } from './state-machine.js';
import { LocalExecutor } from './local-executor.js';

test('each request gets the next index and the clock time; appliedIndex follows', async () => {
  const stateMachine = new StateMachine(buildCommandTable());
  let nowMs = 1_000;
  const executor = new LocalExecutor(stateMachine, { nowMs: () => nowMs, monotonicMs: () => 0 });
  assert.equal(executor.appliedIndex(), 0);
  assert.equal(
    String(executor.executeOne(['SET', 'k', 'v', 'PX', '100'], true)),
    String(executor.executeOne(['SET', 'k', 'v', 'PX', '100'], true)),
  );
  assert.equal(executor.executeOne(['GET', 'k'], false), 'v');
  assert.equal(executor.appliedIndex(), 3);
  assert.equal(stateMachine.db.expiresAt('k'), 1_100);
  // Time is read once per event-loop turn: advancing the clock shows after the turn ends.
  nowMs = 5_000;
  assert.equal(executor.executeOne(['GET', 'k'], false), 'v');
  await new Promise((done) => setImmediate(done));
  assert.equal(executor.executeOne(['GET', 'k'], false), null, 'expired at the new time');
});

test('the RNG handed to handlers is the one envFor derives from the index', () => {
  const stateMachine = new StateMachine(buildCommandTable());
  const executor = new LocalExecutor(stateMachine, { nowMs: () => 0, monotonicMs: () => 0 });
  executor.executeOne(['SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], true);
  const twin = new StateMachine(buildCommandTable());
  twin.applyOne(['SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], envFor(1, 0));
  const chosen = executor.executeOne(['SPOP', 's'], true);
  assert.equal(twin.applyOne(['SPOP', 's'], envFor(2, 0)), chosen);
});
