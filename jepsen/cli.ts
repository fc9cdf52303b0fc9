/**
 * `npm run jepsen -- [options]`: runs the consistency harness against a real memlayer cluster
 * started on loopback. Exit code 1 on any anomaly or on an inconclusive check.
 *
 *   --workload register|set|counter|bank|list-append|tensor|all   (a,b,...; default register)
 *   --nemesis  a,b,...   (default partition-one,kill-one; see jepsen/nemesis.ts; 'none' or 'all')
 *   --nodes 3 --concurrency 6 --time-limit 60 (s) --seed 1 --out .jepsen/<time>
 *   --fault 5 (s) --heal 5 (s) --op-delay 10 (ms) --durability fsync|memory (memory: 1 node)
 *   --command-timeout 6 (s; client-side, above the server's 5 s request timeout)
 *   --check-time-limit 300 (s; the linearizability search then answers 'unknown', not a pass)
 *   --long: each workload x nemesis pair alone, 600 s, 5 nodes (workloads default to
 *           register,set,tensor; --workload/--nemesis/--nodes/--time-limit override)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_NEMESES, type NemesisName } from './nemesis.js';
import { runHarness, WORKLOADS, type WorkloadName } from './runner.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string' },
    nemesis: { type: 'string', default: 'partition-one,kill-one' },
    nodes: { type: 'string' },
    concurrency: { type: 'string', default: '6' },
    'time-limit': { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: '' },
    fault: { type: 'string', default: '5' },
    heal: { type: 'string', default: '5' },
    'op-delay': { type: 'string', default: '10' },
    long: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'fsync' },
    'command-timeout': { type: 'string', default: '6' },
    'check-time-limit': { type: 'string', default: '300' },
  },
});

function parseList<T extends string>(text: string, all: readonly T[], what: string): T[] {
  if (text === 'all') return [...all];
  if (text === 'none') return [];
  const items = text.split(',').map((s) => s.trim()) as T[];
  for (const item of items)
    if (!all.includes(item)) throw new Error(`unknown ${what}: ${item} (known: ${all.join(', ')})`);
  return items;
}

function positive(text: string, name: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk))
    throw new Error(`--${name} must be a positive number, got '${text}'`);
  return value;
}

async function main(): Promise<number> {
  const long = values.long === true;
  // --long: every workload x nemesis pair for 10 minutes on 5 nodes, unless told otherwise.
  const workloads = parseList<WorkloadName>(
    values.workload ?? (long ? 'register,set,tensor' : 'register'),
    WORKLOADS,
    'workload',
  );
  const nemeses = parseList<NemesisName>(values.nemesis ?? '', ALL_NEMESES, 'nemesis');
  const nodes = positive(values.nodes ?? (long ? '5' : '3'), 'nodes');
  const timeLimitS = positive(values['time-limit'] ?? (long ? '600' : '60'), 'time-limit');
  const durability = values.durability === 'memory' ? 'memory' : 'fsync';
  if (values.durability !== 'memory' && values.durability !== 'fsync')
    throw new Error(`--durability must be fsync or memory, got ${String(values.durability)}`);
  const base = values.out || join('.jepsen', new Date().toISOString().replace(/[:.]/g, '-'));
  const combos = long
    ? workloads.flatMap((w) =>
        (nemeses.length ? nemeses : ALL_NEMESES).map((n) => [w, [n]] as const),
      )
    : workloads.map((w) => [w, nemeses] as const);
  let failed = 0;
  for (const [workload, nemesisSet] of combos) {
    const outDir = join(base, `${workload}-${nemesisSet.join('+') || 'none'}`);
    const { report, summary } = await runHarness({
      workload,
      nemeses: nemesisSet,
      nodes,
      concurrency: positive(values.concurrency ?? '6', 'concurrency'),
      timeLimitMs: timeLimitS * 1000,
      seed: positive(values.seed ?? '1', 'seed'),
      outDir,
      bin: resolve('bin/memlayer.js'),
      faultMs: positive(values.fault ?? '5', 'fault') * 1000,
      healMs: positive(values.heal ?? '5', 'heal') * 1000,
      opDelayMs: positive(values['op-delay'] ?? '10', 'op-delay', true),
      // Above the server's own 5 s request timeout, so that its definite (CLUSTERDOWN) and
      // unknown (UNKNOWN) replies reach the client rather than a client-side timeout.
      commandTimeoutMs: positive(values['command-timeout'] ?? '6', 'command-timeout') * 1000,
      durability,
      checkTimeLimitMs: positive(values['check-time-limit'] ?? '300', 'check-time-limit') * 1000,
    });
    process.stdout.write(`${report}report: ${join(outDir, 'report.html')}\n\n`);
    if (summary.check.valid !== true || (summary.crashes?.length ?? 0) > 0) failed++;
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`jepsen: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
