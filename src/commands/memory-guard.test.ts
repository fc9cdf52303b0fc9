import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from '../config/config.js';
import { KeyMonitor } from '../store/eviction.js';
import { LocalExecutor } from './local-executor.js';
import { MemoryGuard, OOM, OOM_EXECABORT, timeLimitMs } from './memory-guard.js';
import { buildCommandTable } from './registry.js';
import { OK } from './reply.js';
import { StateMachine } from './state-machine.js';

const STARTUP_BYTES = 1000;

interface Setup {
  guard: MemoryGuard;
  machine: StateMachine;
  config: RuntimeConfig;
  now: () => number;
}

function setup(): Setup {
  let nowMs = 1_700_000_000_000;
  const clock = { nowMs: () => nowMs++, monotonicMs: () => nowMs };
  const table = buildCommandTable();
  const machine = new StateMachine(table);
  const options = { ...DEFAULT_OPTIONS };
  const config = new RuntimeConfig(options, limitsFor(options), '');
  const guard = new MemoryGuard({
    inner: new LocalExecutor(machine, clock),
    db: machine.db,
    table,
    config,
    clock,
    startupBytes: STARTUP_BYTES,
    evicts: () => true,
  });
  return { guard, machine, config, now: () => nowMs };
}

function set(config: RuntimeConfig, name: string, value: string): void {
  const parameter = config.parameter(name);
  assert.equal(parameter?.check?.(value), undefined);
  parameter?.apply?.(value);
}

test('by default (maxmemory 0, noeviction) nothing is tracked: no observer, no figures', () => {
  const { guard, machine, config } = setup();
  const observer = (): unknown => machine.db.observer;
  assert.equal(observer(), undefined);
  assert.equal(guard.executeOne(['SET', 'k', 'v'], true), OK);
  assert.equal(guard.usedBytes(), undefined);
  set(config, 'maxmemory-policy', 'allkeys-lru');
  assert.ok(observer() instanceof KeyMonitor, 'an LRU policy switches tracking on');
  assert.equal(guard.usedBytes(), undefined, 'no limit: INFO keeps the heap figure');
  set(config, 'maxmemory-policy', 'noeviction');
  assert.equal(observer(), undefined);
});

test('noeviction above the limit: denyoom commands and transactions refused, others run', () => {
  const { guard, machine, config } = setup();
  set(config, 'maxmemory', '1gb');
  for (let i = 0; i < 10; i++) guard.executeOne(['SET', `k${i}`, 'x'.repeat(100)], true);
  const used = guard.usedBytes() ?? 0;
  assert.equal(used - STARTUP_BYTES, guard.datasetBytes());
  set(config, 'maxmemory', String(used - 1));
  assert.equal(guard.executeOne(['SET', 'new', 'v'], true), OOM);
  assert.equal(guard.executeOne(['set', 'new', 'v'], true), OOM);
  assert.equal(guard.executeOne(['GET', 'k1'], false), 'x'.repeat(100));
  const transaction = (commands: string[][]) =>
    guard.execute({
      commands,
      write: true,
      transaction: true,
      watch: undefined,
      clientId: 0,
      sequence: 0,
    });
  assert.equal(
    transaction([
      ['GET', 'k1'],
      ['INCR', 'n'],
    ]),
    OOM_EXECABORT,
  );
  assert.deepEqual(transaction([['GET', 'k1']]), ['x'.repeat(100)]);
  assert.equal(guard.executeOne(['DEL', 'k1'], true), 1);
  assert.equal(machine.db.size, 9);
  assert.equal(guard.evictedKeys, 0);
  // Now below the limit again: SET runs.
  assert.equal(guard.executeOne(['SET', 'new', 'v'], true), OK);
});

test('allkeys-random above the limit evicts until below, through DELs, then runs the command', () => {
  const { guard, machine, config } = setup();
  set(config, 'maxmemory-policy', 'allkeys-random');
  set(config, 'maxmemory', '1gb');
  for (let i = 0; i < 100; i++) guard.executeOne(['SET', `k${i}`, 'x'.repeat(100)], true);
  const used = guard.usedBytes() ?? 0;
  set(config, 'maxmemory', String(used - 1000));
  const appliedBefore = guard.appliedIndex();
  assert.equal(guard.executeOne(['SET', 'new', 'v'], true), OK);
  assert.ok(guard.evictedKeys > 0);
  assert.equal(machine.db.size, 101 - guard.evictedKeys);
  assert.ok(guard.appliedIndex() >= appliedBefore + 2, 'the eviction was a request of its own');
  assert.ok((guard.usedBytes() ?? Infinity) <= used, 'below the old figure');
});

test('volatile-lru with no key with a TTL cannot evict: -OOM', () => {
  const { guard, config } = setup();
  set(config, 'maxmemory-policy', 'volatile-lru');
  set(config, 'maxmemory', '1gb');
  guard.executeOne(['SET', 'k', 'x'.repeat(100)], true);
  set(config, 'maxmemory', String((guard.usedBytes() ?? 0) - 1));
  assert.equal(guard.executeOne(['SET', 'other', 'v'], true), OOM);
  assert.equal(guard.evictedKeys, 0);
});

test('accesses: a command touches its keys, OBJECT and EXISTS do not', () => {
  const { guard, machine, config, now } = setup();
  set(config, 'maxmemory-policy', 'allkeys-lfu');
  set(config, 'lfu-log-factor', '0');
  guard.executeOne(['SET', 'k', 'v'], true);
  const monitor = machine.db.observer;
  assert.ok(monitor instanceof KeyMonitor);
  const freq = (): number => monitor.access.frequency('k', now());
  assert.equal(freq(), 5);
  guard.executeOne(['GET', 'k'], false);
  guard.executeOne(['MGET', 'x', 'k'], false);
  assert.equal(freq(), 7);
  guard.executeOne(['EXISTS', 'k'], false);
  guard.executeOne(['OBJECT', 'FREQ', 'k'], false);
  assert.equal(freq(), 7);
});

test('tenacity maps to Redis eviction time limits', () => {
  assert.equal(timeLimitMs({ maxmemoryEvictionTenacity: 0 }), 0);
  assert.equal(timeLimitMs({ maxmemoryEvictionTenacity: 10 }), 0.5);
  assert.ok(Math.abs(timeLimitMs({ maxmemoryEvictionTenacity: 20 }) - 0.5 * 1.15 ** 10) < 1e-9);
  assert.equal(timeLimitMs({ maxmemoryEvictionTenacity: 100 }), Infinity);
});
