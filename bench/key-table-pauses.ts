/**
 * In-process benchmark of the keyspace table's pauses (src/store/key-table.ts) against a JS
 * `Map<string, string>` (the natural reference for a table in Node, which grows in one step):
 * N keys of `key:NNNNNNNNNNNN` with 100-byte values are inserted one by one, then deleted, and
 * every `WINDOW` operations the wall time is taken. Reported per structure and phase: total
 * time, the worst window and how many windows took over 10 ms. A window holds whatever ran
 * in it: a resize, a GC pause, a page fault, a descheduled core; the worst windows are what a
 * client of a single-threaded server waits through. Alternates the two structures over
 * `--pairs` runs, each in a fresh state (a forced GC first when run with --expose-gc).
 * Usage: node [--expose-gc] dist/bench/key-table-pauses.js [--keys N] [--pairs N] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { KeyTable } from '../src/store/key-table.js';
import { median } from './lib/stats.js';

const WINDOW = 64;
const SLOW_MS = 10;

interface Table {
  set(key: string, value: string): unknown;
  delete(key: string): unknown;
}

interface Phase {
  totalMs: number;
  worstMs: number;
  slowWindows: number;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const keyOf = (i: number): string => `key:${String(i).padStart(12, '0')}`;

function phase(count: number, op: (i: number) => void): Phase {
  let worst = 0;
  let slow = 0;
  const start = performance.now();
  let last = start;
  for (let i = 0; i < count; i++) {
    op(i);
    if (i % WINDOW === WINDOW - 1 || i === count - 1) {
      const now = performance.now();
      const window = now - last;
      if (window > worst) worst = window;
      if (window > SLOW_MS) slow++;
      last = now;
    }
  }
  return { totalMs: performance.now() - start, worstMs: worst, slowWindows: slow };
}

function run(make: () => Table, keys: number): { insert: Phase; delete: Phase } {
  (globalThis as { gc?: () => void }).gc?.();
  const table = make();
  const value = 'v'.repeat(100);
  const insert = phase(keys, (i) => table.set(keyOf(i), value));
  const removal = phase(keys, (i) => table.delete(keyOf(i)));
  return { insert, delete: removal };
}

function main(): void {
  const keys = option('--keys', 4_000_000);
  const pairs = option('--pairs', 3);
  const makers: Record<string, () => Table> = {
    KeyTable: () => new KeyTable(),
    Map: () => new Map<string, string>(),
  };
  const results: Record<string, { insert: Phase; delete: Phase }[]> = { KeyTable: [], Map: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? ['KeyTable', 'Map'] : ['Map', 'KeyTable'];
    for (const name of order) {
      const maker = makers[name];
      if (maker !== undefined) results[name]?.push(run(maker, keys));
    }
  }
  const fmt = (n: number): string => n.toFixed(1);
  console.log(`${keys.toLocaleString('en-US')} keys, ${pairs} alternated runs each (medians)\n`);
  console.log('structure  phase   total ms  worst window ms  windows > 10 ms   (per run: worst)');
  for (const [name, runs] of Object.entries(results)) {
    for (const which of ['insert', 'delete'] as const) {
      const phases = runs.map((r) => r[which]);
      const row = [
        name.padEnd(9),
        which.padEnd(6),
        fmt(median(phases.map((p) => p.totalMs))).padStart(9),
        fmt(median(phases.map((p) => p.worstMs))).padStart(16),
        String(median(phases.map((p) => p.slowWindows))).padStart(16),
        `   (${phases.map((p) => fmt(p.worstMs)).join(', ')})`,
      ];
      console.log(row.join('  '));
    }
  }
  const at = process.argv.indexOf('--json');
  const file = at >= 0 ? process.argv[at + 1] : undefined;
  if (file !== undefined) writeFileSync(file, JSON.stringify({ keys, pairs, results }, null, 2));
}

main();
