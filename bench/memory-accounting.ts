/**
 * Costs behind the choice of memory measure for maxmemory (src/store/memory.ts), in one process
 * (`npm run build && node dist/bench/memory-accounting.js`): a few hundred milliseconds, no
 * server. Prints µs per call of
 * - v8.getHeapStatistics() and process.memoryUsage(): what sampling the heap costs;
 * - Keyspace.replace + the accounting flush of that one key: what a SET pays when maxmemory is
 *   set (the estimate), against the same SET without an observer (maxmemory 0);
 * - SET/GET through the local executor alone and through the memory guard with maxmemory 0
 *   (the default): the guard must cost nothing measurable then;
 * and the V8 heap per key after a collection, against the estimate (with --expose-gc).
 */
import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { Keyspace } from '../src/store/keyspace.js';
import { KeyMonitor } from '../src/store/eviction.js';
import { SeededRng } from '../src/shared/effects.js';
import { DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from '../src/config/config.js';
import { buildCommandTable } from '../src/commands/registry.js';
import { StateMachine } from '../src/commands/state-machine.js';
import { LocalExecutor } from '../src/commands/local-executor.js';
import { MemoryGuard } from '../src/commands/memory-guard.js';
import type { Executor } from '../src/commands/executor.js';

const CALLS = 20_000;
const KEYS = 100_000;
const VALUE = 'v'.repeat(32);

function microsPerCall(calls: number, body: (i: number) => void): number {
  for (let i = 0; i < calls; i++) body(i); // warm up
  const started = performance.now();
  for (let i = 0; i < calls; i++) body(i);
  return ((performance.now() - started) * 1000) / calls;
}

function setCost(observed: boolean): number {
  const db = new Keyspace();
  const monitor = observed
    ? KeyMonitor.create(
        db,
        'allkeys-lru',
        5,
        { logFactor: 10, decayMinutes: 1 },
        0,
        new SeededRng(1),
      )
    : undefined;
  db.observer = monitor;
  return microsPerCall(CALLS, (i) => {
    db.replace(`key:${i % 1000}`, VALUE);
    monitor?.flush();
  });
}

function heapPerKey(): { measured: number; estimated: number } | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  const db = new Keyspace();
  gc();
  const before = getHeapStatistics().used_heap_size;
  // Fresh flat strings per key, as the parser makes them (not one shared constant).
  const flat = (text: string): string => Buffer.from(text, 'latin1').toString('latin1');
  for (let i = 0; i < KEYS; i++)
    db.replace(flat(`key:${i}`.padEnd(16, '.')), flat(`${i}`.padEnd(32, 'v')));
  gc();
  const measured = (getHeapStatistics().used_heap_size - before) / KEYS;
  // Estimated afterwards, so the accounting's own maps are not in the measured figure.
  const monitor = KeyMonitor.create(
    db,
    'allkeys-lru',
    5,
    { logFactor: 10, decayMinutes: 1 },
    0,
    new SeededRng(1),
  );
  return { measured, estimated: monitor.accounting.datasetBytes / KEYS };
}

/** ns per SET+GET pair through `executor` (best of `rounds`, interleaved by the caller). */
function executorNs(executor: Executor): number {
  const value = 'x'.repeat(100);
  const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
  const set = keys.map((key) => ['SET', key, value]);
  const get = keys.map((key) => ['GET', key]);
  return (
    microsPerCall(CALLS * 5, (i) => {
      executor.executeOne(set[i % 1000] ?? [], true);
      executor.executeOne(get[i % 1000] ?? [], false);
    }) * 1000
  );
}

function guardOverhead(): [number, number] {
  const clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };
  const table = buildCommandTable();
  const plain = new LocalExecutor(new StateMachine(table), clock);
  const machine = new StateMachine(table);
  const options = { ...DEFAULT_OPTIONS };
  const guarded = new MemoryGuard({
    inner: new LocalExecutor(machine, clock),
    db: machine.db,
    table,
    config: new RuntimeConfig(options, limitsFor(options), ''),
    clock,
    startupBytes: 0,
    evicts: () => true,
  });
  let best: [number, number] = [Infinity, Infinity];
  // Alternately, so that load from other processes hits both alike; best of five.
  for (let round = 0; round < 5; round++)
    best = [Math.min(best[0], executorNs(plain)), Math.min(best[1], executorNs(guarded))];
  return best;
}

const [plainNs, guardedNs] = guardOverhead();
const rows: [string, string][] = [
  ['SET+GET, local executor', (plainNs / 1000).toFixed(3)],
  ['SET+GET, guard, maxmemory 0', (guardedNs / 1000).toFixed(3)],
  ['v8.getHeapStatistics()', microsPerCall(CALLS, () => getHeapStatistics()).toFixed(3)],
  ['process.memoryUsage()', microsPerCall(CALLS, () => process.memoryUsage()).toFixed(3)],
  ['SET, no observer (maxmemory 0)', setCost(false).toFixed(3)],
  ['SET + accounting flush', setCost(true).toFixed(3)],
];
for (const [name, micros] of rows) console.log(`${name.padEnd(34)} ${micros} µs`);
const perKey = heapPerKey();
if (perKey === undefined) console.log('heap per key: run with node --expose-gc');
else
  console.log(
    `heap per key (16 B key, 32 B value): measured ${perKey.measured.toFixed(0)} B without accounting, estimated ${perKey.estimated.toFixed(0)} B with the accounting's own entries`,
  );
