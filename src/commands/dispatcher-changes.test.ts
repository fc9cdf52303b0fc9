/**
 * The change counter behind the automatic save rules (INFO persistence
 * `rdb_changes_since_last_save`), driven through the real dispatcher, command table and state
 * machine: what counts as a change and what does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommandTable } from './registry.js';
import { StateMachine } from './state-machine.js';
import { LocalExecutor } from './local-executor.js';
import { Dispatcher } from './dispatcher.js';
import { newServerStats, type ClientConnection } from './session.js';
import { DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from '../config/config.js';
import { SnapshotFile } from './server/snapshot-file.js';

function harness() {
  const table = buildCommandTable();
  const stateMachine = new StateMachine(table);
  const clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => 0 };
  const options = { ...DEFAULT_OPTIONS };
  const limits = limitsFor(options);
  const persistence = new SnapshotFile(
    undefined,
    (chunkBytes) => stateMachine.snapshotChunks(new Uint8Array(0), chunkBytes),
    clock,
  );
  const dispatcher = new Dispatcher({
    table,
    executor: new LocalExecutor(stateMachine, clock),
    config: new RuntimeConfig(options, limits, ''),
    limits,
    stats: newServerStats(),
    clock,
    persistence,
    keyspaceCounts: () => ({ keys: 0, expires: 0 }),
    shutdown: () => Promise.resolve(undefined),
    port: () => 6379,
    expiredKeys: () => 0,
  });
  const connection: ClientConnection = {
    id: 1,
    remoteAddress: '127.0.0.1:50000',
    localAddress: '127.0.0.1:6379',
    close: () => undefined,
  };
  const session = dispatcher.connect(connection);
  const run = async (...args: string[]): Promise<void> => {
    await dispatcher.dispatch(session, args);
  };
  return { persistence, run };
}

test('writes that succeed count one each; reads, errors and rejections do not', async () => {
  const { persistence, run } = harness();
  await run('SET', 'a', '1');
  await run('INCR', 'a');
  assert.equal(persistence.changesSinceSave, 2);
  await run('GET', 'a');
  await run('EXISTS', 'a');
  await run('HSET', 'a', 'f', 'v'); // WRONGTYPE
  await run('SET', 'a'); // wrong arity: rejected before it runs
  await run('PING');
  assert.equal(persistence.changesSinceSave, 2);
});

test('EXEC counts the writes it queued; a discarded or aborted transaction counts none', async () => {
  const { persistence, run } = harness();
  await run('MULTI');
  await run('SET', 'k', '1');
  await run('GET', 'k');
  await run('RPUSH', 'l', 'x');
  assert.equal(persistence.changesSinceSave, 0, 'nothing counts while queued');
  await run('EXEC');
  assert.equal(persistence.changesSinceSave, 2);
  await run('MULTI');
  await run('SET', 'k', '2');
  await run('DISCARD');
  assert.equal(persistence.changesSinceSave, 2);
  await run('MULTI');
  await run('SET', 'k', '3');
  await run('NOSUCH');
  await run('EXEC'); // EXECABORT
  assert.equal(persistence.changesSinceSave, 2);
});
