/**
 * `npm run jepsen -- [options]`: runs the consistency harness against a real memlayer cluster
 * started on loopback. Exit code 1 on any anomaly or on an inconclusive check, 2 on bad options.
 * The options are listed in USAGE (jepsen/plan.ts).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planRuns, positive, runName, USAGE } from './plan.js';
import { runHarness } from './runner.js';
import { NETWORK_KINDS } from './network.js';
import { netnsUnavailable } from './netns.js';

const OPTIONS = {
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
  net: { type: 'string', default: 'proxy' },
  'command-timeout': { type: 'string', default: '6' },
  'check-time-limit': { type: 'string', default: '300' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usageError(message: string): never {
  process.stderr.write(`jepsen: ${message}\n\n${USAGE}`);
  process.exit(2);
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** Every option checked before any node starts: a typo must not cost a 10-minute run. */
function settings(values: Values) {
  const plan = planRuns({
    long: values.long === true,
    workload: values.workload,
    nemesis: values.nemesis,
    nodes: values.nodes,
    timeLimit: values['time-limit'],
    parallel: values.parallel,
  });
  if (values.durability !== 'memory' && values.durability !== 'fsync')
    throw new Error(`--durability must be fsync or memory, got ${String(values.durability)}`);
  const network = NETWORK_KINDS.find((k) => k === values.net);
  if (network === undefined)
    throw new Error(`--net must be ${NETWORK_KINDS.join(' or ')}, got ${String(values.net)}`);
  if (network === 'netns') {
    const why = netnsUnavailable();
    if (why !== undefined) throw new Error(`--net netns: ${why}`);
  }
  return {
    plan,
    out: values.out ?? '',
    durability: values.durability === 'memory' ? ('memory' as const) : ('fsync' as const),
    network,
    concurrency: positive(values.concurrency ?? '6', 'concurrency'),
    seed: positive(values.seed ?? '1', 'seed'),
    faultMs: positive(values.fault ?? '5', 'fault') * 1000,
    healMs: positive(values.heal ?? '5', 'heal') * 1000,
    opDelayMs: positive(values['op-delay'] ?? '10', 'op-delay', true),
    // Above the server's own 5 s request timeout, so that its definite (CLUSTERDOWN) and
    // unknown (UNKNOWN) replies reach the client rather than a client-side timeout.
    commandTimeoutMs: positive(values['command-timeout'] ?? '6', 'command-timeout') * 1000,
    checkTimeLimitMs: positive(values['check-time-limit'] ?? '300', 'check-time-limit') * 1000,
  };
}

let chosen: ReturnType<typeof settings>;
try {
  const { values } = parseArgs({ options: OPTIONS });
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  chosen = settings(values);
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}

async function main(): Promise<number> {
  const { plan, out, ...common } = chosen;
  const base = out || join('.jepsen', new Date().toISOString().replace(/[:.]/g, '-'));
  let failed = 0;
  let next = 0;
  // Up to plan.parallel runs at once; node ports are handed out by this one process, so
  // concurrent clusters never collide.
  const worker = async (): Promise<void> => {
    for (let i = next++; i < plan.runs.length; i = next++) {
      const run = plan.runs[i];
      if (run === undefined) break;
      const { workload, nemeses: nemesisSet } = run;
      const outDir = join(base, runName(workload, nemesisSet));
      const { report, summary } = await runHarness({
        workload,
        nemeses: nemesisSet,
        nodes: plan.nodes,
        timeLimitMs: plan.timeLimitS * 1000,
        outDir,
        bin: resolve('bin/memlayer.js'),
        ...common,
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
