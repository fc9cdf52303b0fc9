/**
 * `npm run jepsen -- [options]`: runs the consistency harness against a real memlayer cluster
 * started on loopback. Exit code 1 on any anomaly or on an inconclusive check.
 *
 *   --workload register|set|counter|bank|list-append|all   (default register)
 *   --nemesis  a,b,...   (default partition-one,kill-one; see jepsen/nemesis.ts; 'none' or 'all')
 *   --nodes 3 --concurrency 6 --time-limit 60 (s) --seed 1 --out .jepsen/<time>
 *   --fault 5 (s) --heal 5 (s) --op-delay 10 (ms) --long (10 min per workload x nemesis, 5 nodes)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_NEMESES, type NemesisName } from './nemesis.js';
import { runHarness, WORKLOADS, type WorkloadName } from './runner.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'register' },
    nemesis: { type: 'string', default: 'partition-one,kill-one' },
    nodes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '6' },
    'time-limit': { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: '' },
    fault: { type: 'string', default: '5' },
    heal: { type: 'string', default: '5' },
    'op-delay': { type: 'string', default: '10' },
    long: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'fsync' },
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

async function main(): Promise<number> {
  const workloads = parseList<WorkloadName>(values.workload ?? 'register', WORKLOADS, 'workload');
  const nemeses = parseList<NemesisName>(values.nemesis ?? '', ALL_NEMESES, 'nemesis');
  const long = values.long === true;
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
      nodes: long ? 5 : Number(values.nodes),
      concurrency: Number(values.concurrency),
      timeLimitMs: (long ? 600 : Number(values['time-limit'])) * 1000,
      seed: Number(values.seed),
      outDir,
      bin: resolve('bin/memlayer.js'),
      faultMs: Number(values.fault) * 1000,
      healMs: Number(values.heal) * 1000,
      opDelayMs: Number(values['op-delay']),
      commandTimeoutMs: 2000,
      durability: values.durability === 'memory' ? 'memory' : 'fsync',
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
