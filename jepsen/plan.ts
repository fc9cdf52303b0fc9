/**
 * Which runs `npm run jepsen` makes, from its options: pure, so the defaults are tested
 * (jepsen/plan.test.ts). A plain run puts every listed nemesis into one schedule per workload;
 * `--long` runs each workload x nemesis pair alone, for 10 minutes on 5 nodes, over every
 * nemesis unless `--nemesis` names some.
 */
import { createHash } from 'node:crypto';
import { ALL_NEMESES, type NemesisName } from './nemesis.js';
import { WORKLOADS, type WorkloadName } from './runner.js';

export interface PlanOptions {
  readonly long: boolean;
  /** The raw option values; undefined when not given. */
  readonly workload: string | undefined;
  readonly nemesis: string | undefined;
  readonly nodes: string | undefined;
  readonly timeLimit: string | undefined;
  readonly parallel: string | undefined;
}

export interface Plan {
  readonly runs: readonly { readonly workload: WorkloadName; readonly nemeses: NemesisName[] }[];
  readonly nodes: number;
  readonly timeLimitS: number;
  /** Runs at once (each its own cluster); 1 unless --parallel says otherwise. */
  readonly parallel: number;
}

export const LONG_WORKLOADS = 'register,set,tensor';

export const USAGE = `usage: npm run jepsen -- [options]
  --workload register|set|counter|bank|list-append|tensor|all   (a,b,...; default register)
  --nemesis a,b,...|all|none   (default partition-one,kill-one), from:
      ${ALL_NEMESES.slice(0, 4).join(', ')},
      ${ALL_NEMESES.slice(4, 9).join(', ')},
      ${ALL_NEMESES.slice(9, 13).join(', ')},
      ${ALL_NEMESES.slice(13).join(', ')}
      (lose-/tear-unsynced*: on FUSE disks that lose unfsynced data, root; elsewhere no-ops)
  --nodes 3   --concurrency 6   --time-limit 60 (s)   --seed 1   --out .jepsen/<time>
  --fault 5 (s)   --heal 5 (s)   --op-delay 10 (ms)
  --durability fsync|memory   (memory: a single in-memory node)
  --net proxy|netns   peer links through fault proxies on loopback (default), or each node in
           its own network namespace, partitions dropping packets silently (root, Linux)
  --command-timeout 6 (s; client side, above the server's 5 s request timeout)
  --check-time-limit 300 (s; the linearizability search then answers 'unknown', not a pass)
  --long   each workload x nemesis pair alone, 600 s, 5 nodes (workloads default to
           ${LONG_WORKLOADS}, nemeses to all; the options above override)
  --parallel N   up to N runs at once, each with its own cluster (default 1)
Exit code: 0 valid, 1 anomalies or an inconclusive check, 2 bad options.
`;

export const DEFAULT_NEMESES = 'partition-one,kill-one';

export function parseList<T extends string>(text: string, all: readonly T[], what: string): T[] {
  if (text === 'all') return [...all];
  if (text === 'none') return [];
  const items = text.split(',').map((s) => s.trim()) as T[];
  for (const item of items)
    if (!all.includes(item)) throw new Error(`unknown ${what}: ${item} (known: ${all.join(', ')})`);
  return items;
}

export function positive(text: string, name: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk))
    throw new Error(`--${name} must be a positive number, got '${text}'`);
  return value;
}

export function planRuns(o: PlanOptions): Plan {
  const workloads = parseList<WorkloadName>(
    o.workload ?? (o.long ? LONG_WORKLOADS : 'register'),
    WORKLOADS,
    'workload',
  );
  const nemeses = parseList<NemesisName>(
    o.nemesis ?? (o.long ? 'all' : DEFAULT_NEMESES),
    ALL_NEMESES,
    'nemesis',
  );
  const runs = o.long
    ? workloads.flatMap((workload) => nemeses.map((n) => ({ workload, nemeses: [n] })))
    : workloads.map((workload) => ({ workload, nemeses: [...nemeses] }));
  const parallel = positive(o.parallel ?? '1', 'parallel');
  if (!Number.isInteger(parallel)) throw new Error(`--parallel must be an integer`);
  return {
    runs,
    nodes: positive(o.nodes ?? (o.long ? '5' : '3'), 'nodes'),
    timeLimitS: positive(o.timeLimit ?? (o.long ? '600' : '60'), 'time-limit'),
    parallel,
  };
}

/** Longest run directory name: filesystems allow 255 bytes per name. */
const RUN_NAME_BYTES_MAX = 120;

/**
 * The directory of one run under the output directory: the workload and its nemeses, or
 * `all` for every nemesis; a list too long for a file name is cut and marked with its hash, so
 * that different sets still get different directories.
 */
export function runName(workload: WorkloadName, nemeses: readonly NemesisName[]): string {
  const all = ALL_NEMESES.every((n) => nemeses.includes(n));
  const name = `${workload}-${all ? 'all' : nemeses.join('+') || 'none'}`;
  if (name.length <= RUN_NAME_BYTES_MAX) return name;
  const hash = createHash('sha256').update(nemeses.join('+')).digest('hex').slice(0, 8);
  return `${name.slice(0, RUN_NAME_BYTES_MAX - 10)}-${hash}`;
}
