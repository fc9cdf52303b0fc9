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
 *           register,set,tensor, nemeses to all; --workload/--nemesis/--nodes/--time-limit
 *           override)
 *   --parallel N: up to N runs at once, each with its own cluster (default 1)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planRuns, positive } from './plan.js';
import { runHarness } from './runner.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string' },
    nemesis: { type: 'string' },
    nodes: { type: 'string' },
    concurrency: { type: 'string', default: '6' },
    'time-limit': { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: '' },
    fault: { type: 'string', default: '5' },
    heal: { type: 'string', default: '5' },
    'op-delay': { type: 'string', default: '10' },
    long: { type: 'boolean', default: false },
    parallel: { type: 'string' },
    durability: { type: 'string', default: 'fsync' },
    'command-timeout': { type: 'string', default: '6' },
    'check-time-limit': { type: 'string', default: '300' },
  },
});

async function main(): Promise<number> {
  const plan = planRuns({
    long: values.long === true,
    workload: values.workload,
    nemesis: values.nemesis,
    nodes: values.nodes,
    timeLimit: values['time-limit'],
    parallel: values.parallel,
  });
  const durability = values.durability === 'memory' ? 'memory' : 'fsync';
  if (values.durability !== 'memory' && values.durability !== 'fsync')
    throw new Error(`--durability must be fsync or memory, got ${String(values.durability)}`);
  const base = values.out || join('.jepsen', new Date().toISOString().replace(/[:.]/g, '-'));
  let failed = 0;
  let next = 0;
  // Up to plan.parallel runs at once; node ports are handed out by this one process, so
  // concurrent clusters never collide.
  const worker = async (): Promise<void> => {
    for (let i = next++; i < plan.runs.length; i = next++) {
      const run = plan.runs[i];
      if (run === undefined) break;
      const { workload, nemeses: nemesisSet } = run;
      const outDir = join(base, `${workload}-${nemesisSet.join('+') || 'none'}`);
      const { report, summary } = await runHarness({
        workload,
        nemeses: nemesisSet,
        nodes: plan.nodes,
        concurrency: positive(values.concurrency ?? '6', 'concurrency'),
        timeLimitMs: plan.timeLimitS * 1000,
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
  };
  await Promise.all(Array.from({ length: Math.min(plan.parallel, plan.runs.length) }, worker));
  return failed === 0 ? 0 : 1;
}

// A signal to the harness alone (`timeout`, `kill`) must still stop the nodes it started: exit
// normally so that each cluster's 'exit' handler kills its processes.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => process.exit(code));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`jepsen: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
