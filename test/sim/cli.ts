/**
 * The simulator's command line (npm run sim -- ...):
 *   --seed N      first seed (default 1)         --seeds K   how many seeds (default 1)
 *   --nodes 1-7   cluster size (default: by seed, report.ts nodesForSeed)
 *   --steps S     chaos-phase events per seed (default 4000)
 *   --verbose     print every event of every run
 *   --mutation M  turn on a deliberate core bug (repeatable), to see the simulator catch it
 *   --keep-going  do not stop at the first failing seed
 *   --trace K     events kept for a failure's trace (default 60)
 * Exits 1 when any seed fails, printing its replay command, parameters and trace.
 */
import type { RaftMutation } from '../../src/raft/types.js';
import { formatFailure, nodesForSeed } from './report.js';
import { runSimulation } from './sim.js';

interface CliOptions {
  seed: number;
  seeds: number;
  nodes: number | undefined;
  steps: number;
  verbose: boolean;
  keepGoing: boolean;
  traceLines: number;
  mutations: Partial<Record<RaftMutation, boolean>>;
}

const MUTATIONS: readonly RaftMutation[] = [
  'skipNoopOnElection',
  'commitOldTermByCounting',
  'forgetVotePersist',
  'readIndexWithoutHeartbeat',
  'grantVoteWithoutLogCheck',
  'loneVoterReadsAtOnce',
];

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    seed: 1,
    seeds: 1,
    nodes: undefined,
    steps: 4000,
    verbose: false,
    keepGoing: false,
    traceLines: 60,
    mutations: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < min)
        throw new Error(`${flag} wants an integer >= ${min}, got ${v}`);
      return n;
    };
    switch (flag) {
      case '--seed':
        options.seed = count(0);
        break;
      case '--seeds':
        options.seeds = count(1);
        break;
      case '--nodes': {
        const n = count(1);
        if (n > 7) throw new Error(`--nodes must be from 1 to 7, got ${n}`);
        options.nodes = n;
        break;
      }
      case '--steps':
        options.steps = count(1);
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--trace':
        options.traceLines = count(1);
        break;
      case '--keep-going':
        options.keepGoing = true;
        break;
      case '--mutation': {
        const name = value();
        const mutation = MUTATIONS.find((m) => m === name);
        if (mutation === undefined)
          throw new Error(`unknown mutation ${name}; one of ${MUTATIONS.join(', ')}`);
        options.mutations[mutation] = true;
        break;
      }
      default:
        throw new Error(`unknown option ${String(flag)}`);
    }
  }
  return options;
}

function main(): number {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error: unknown) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const startedMs = performance.now();
  let failures = 0;
  let steps = 0;
  let simMs = 0;
  let ran = 0;
  for (let i = 0; i < options.seeds; i++) {
    const seed = options.seed + i;
    const result = runSimulation({
      seed,
      nodes: options.nodes ?? nodesForSeed(seed),
      steps: options.steps,
      mutations: options.mutations,
      verbose: options.verbose,
      traceLines: options.traceLines,
    });
    ran++;
    steps += result.stats.steps;
    simMs += result.stats.simTimeMs;
    if (!result.ok) {
      failures++;
      console.log(formatFailure(result));
      if (!options.keepGoing) break;
    } else if (options.seeds === 1 || options.verbose) {
      console.log(`seed ${seed} ok: ${JSON.stringify(result.stats)}`);
    }
    if ((i + 1) % 100 === 0) progress(i + 1, failures, startedMs);
  }
  const elapsedS = (performance.now() - startedMs) / 1000;
  console.log(
    `${failures === 0 ? 'ok' : 'FAILED'}: ${ran} seeds from ${options.seed}, ${failures} failing; ` +
      `${(ran / elapsedS).toFixed(1)} seeds/s, ${Math.round(steps / elapsedS)} steps/s, ` +
      `simulated ${(simMs / 1000).toFixed(0)} s in ${elapsedS.toFixed(1)} s`,
  );
  return failures === 0 ? 0 : 1;
}

function progress(done: number, failures: number, startedMs: number): void {
  const elapsedS = (performance.now() - startedMs) / 1000;
  console.log(`  ${done} seeds, ${failures} failing, ${(done / elapsedS).toFixed(1)} seeds/s`);
}

process.exitCode = main();
