/**
 * One harness run: start a cluster, run workers and a nemesis for a time limit, heal, read
 * the final state, check the history, and write history.json, report.txt and report.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SeededRng } from '../src/shared/effects.js';
import { Cluster, type DiskKind, type NodeSpec } from './cluster.js';
import { lazyFsUnavailable } from './lazyfs.js';
import type { NetworkKind } from './network.js';
import { pairOperations } from './history.js';
import { DISK_NEMESES, runNemesis, type NemesisName } from './nemesis.js';
import { Recorder } from './recorder.js';
import { htmlReport, textReport, type NodeCrash, type RunSummary } from './report.js';
import { bankWorkload } from './workloads/bank.js';
import { counterWorkload } from './workloads/counter.js';
import { listAppendWorkload } from './workloads/list-append.js';
import { registerWorkload } from './workloads/register.js';
import { setWorkload } from './workloads/set.js';
import { tensorWorkload } from './workloads/tensor.js';
import type { CheckSummary, Workload } from './workloads/workload.js';

export type WorkloadName = 'register' | 'set' | 'counter' | 'bank' | 'list-append' | 'tensor';
export const WORKLOADS: readonly WorkloadName[] = [
  'register',
  'set',
  'counter',
  'bank',
  'list-append',
  'tensor',
];

export interface RunOptions {
  readonly workload: WorkloadName;
  readonly nemeses: readonly NemesisName[];
  readonly nodes: number;
  readonly concurrency: number;
  readonly timeLimitMs: number;
  readonly seed: number;
  readonly outDir: string;
  readonly bin: string;
  readonly faultMs: number;
  readonly healMs: number;
  /** Pause between one worker's operations (bounds the op rate). */
  readonly opDelayMs: number;
  readonly commandTimeoutMs: number;
  /** 'fsync' (Raft; default) or 'memory' (one in-memory node: harness shake-out only). */
  readonly durability?: 'fsync' | 'memory';
  /** Extra server environment (Raft tuning knobs). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bound on the linearizability search (default CHECK_TIME_LIMIT_MS_DEFAULT). */
  readonly checkTimeLimitMs?: number;
  /** How nodes are joined and partitioned: 'proxy' (default) or 'netns' (root). */
  readonly network?: NetworkKind;
  /** The command line to print as "reproduce:" (defaults to the equivalent npm run jepsen). */
  readonly command?: string;
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly report: string;
  readonly outDir: string;
}

/** How long the linearizability search may take in all before it answers `unknown`. */
export const CHECK_TIME_LIMIT_MS_DEFAULT = 300_000;

function makeWorkload(
  name: WorkloadName,
  checkTimeLimitMs = CHECK_TIME_LIMIT_MS_DEFAULT,
): Workload {
  switch (name) {
    case 'register':
      return registerWorkload({ keys: 5, timeLimitMs: checkTimeLimitMs });
    case 'set':
      return setWorkload();
    case 'counter':
      return counterWorkload();
    case 'bank':
      return bankWorkload();
    case 'list-append':
      return listAppendWorkload({ keys: 8 });
    case 'tensor':
      return tensorWorkload();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function connect(node: NodeSpec, timeoutMs: number): Redis {
  const client = new Redis({
    host: node.host,
    port: node.respPort,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 100,
    lazyConnect: false,
  });
  client.on('error', () => undefined);
  return client;
}

/** A client whose connection is up (or given up on after `timeoutMs`: ops then fail fast). */
async function connectReady(
  node: NodeSpec,
  commandTimeoutMs: number,
  timeoutMs = 5000,
): Promise<Redis> {
  const client = connect(node, commandTimeoutMs);
  if (client.status === 'ready') return client;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** Runs the workload's setup on the first node that accepts it (retried: a leader may move). */
async function setupWorkload(
  cluster: Cluster,
  workload: Workload,
  commandTimeoutMs: number,
): Promise<void> {
  const setup = workload.setup;
  if (setup === undefined) return;
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const ids = cluster.ids;
    const spec = cluster.spec(ids[attempt % ids.length] ?? 1);
    const client = await connectReady(spec, commandTimeoutMs);
    try {
      await setup.call(workload, client);
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`workload setup failed: ${String(lastError)}`);
}

/** Waits until some node accepts a write (a leader exists and serves). */
async function waitReady(
  cluster: Cluster,
  timeoutMs: number,
  commandTimeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const clients = cluster.ids.map((id) => connect(cluster.spec(id), commandTimeoutMs));
  try {
    while (Date.now() < deadline) {
      for (const client of clients) {
        try {
          await client.set('jepsen:ready', '1');
          return;
        } catch {
          // not yet
        }
      }
      await sleep(200);
    }
    throw new Error(`cluster not ready within ${timeoutMs} ms`);
  } finally {
    for (const client of clients) client.disconnect();
  }
}

async function worker(
  index: number,
  options: RunOptions,
  cluster: Cluster,
  workload: Workload,
  recorder: Recorder,
  untilNs: number,
): Promise<void> {
  const rng = new SeededRng(options.seed * 7919 + index);
  // Each worker talks to one member; if that member is removed from the cluster, it moves to
  // another (a replacement node has a new id and new ports).
  const memberFor = (): number => {
    const ids = cluster.ids;
    return ids[index % ids.length] ?? 1;
  };
  let node = memberFor();
  let client = await connectReady(cluster.spec(node), options.commandTimeoutMs);
  let process = index;
  try {
    while (recorder.nowNs() < untilNs) {
      if (!cluster.ids.includes(node)) {
        client.disconnect();
        node = memberFor();
        client = await connectReady(cluster.spec(node), options.commandTimeoutMs);
      }
      const before = recorder.events.length;
      await workload.step(client, process, rng, recorder);
      // Other workers record too, meanwhile: keep this process' completions only.
      const outcomes = recorder.events.slice(before).filter((e) => e.process === process);
      // After an unknown outcome the operation may still be in flight: continue as a new
      // process, as Jepsen does, so each process has one operation open at a time.
      if (outcomes.some((e) => e.type === 'info')) process += options.concurrency;
      // Back off while the node is down or leaderless, rather than spin on fast failures.
      const failed = outcomes.some(
        (e) => (e.type === 'info' || e.type === 'fail') && !/^cas /.test(e.error ?? ''),
      );
      await sleep(failed ? Math.max(options.opDelayMs, 100) : options.opDelayMs);
    }
  } finally {
    client.disconnect();
  }
}

/**
 * Lazy disks when a nemesis needs them and the machine has them; otherwise plain directories,
 * and those nemeses report themselves as no-ops (so `--nemesis all` runs anywhere).
 */
function diskFor(options: RunOptions): DiskKind {
  if (!options.nemeses.some((n) => DISK_NEMESES.includes(n))) return 'plain';
  const why = lazyFsUnavailable();
  if (why === undefined) return 'lazyfs';
  console.log(`note: ${DISK_NEMESES.join(', ')} will be no-ops: ${why}`);
  return 'plain';
}

/** Replacement slots a run may need: one per membership fault window it can hold. */
function sparesFor(options: RunOptions): number {
  if (!options.nemeses.includes('member-replace')) return 0;
  const windows = Math.ceil(options.timeLimitMs / Math.max(1, options.faultMs + options.healMs));
  return Math.min(32, Math.ceil(windows / options.nemeses.length) + 1);
}

export async function runHarness(options: RunOptions): Promise<RunResult> {
  mkdirSync(options.outDir, { recursive: true });
  const cluster = new Cluster({
    nodes: options.nodes,
    baseDir: join(options.outDir, 'data'),
    logDir: join(options.outDir, 'logs'),
    bin: options.bin,
    spares: sparesFor(options),
    ...(options.durability === undefined ? {} : { durability: options.durability }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.network === undefined ? {} : { network: options.network }),
    disk: diskFor(options),
  });
  const workload = makeWorkload(options.workload, options.checkTimeLimitMs);
  const recorder = new Recorder();
  const started = Date.now();
  let faults: number;
  try {
    await cluster.start();
    await waitReady(cluster, 30_000, options.commandTimeoutMs);
    await setupWorkload(cluster, workload, options.commandTimeoutMs);
    const untilNs = recorder.nowNs() + options.timeLimitMs * 1e6;
    const rng = new SeededRng(options.seed);
    const workers = Array.from({ length: options.concurrency }, (_, i) =>
      worker(i, options, cluster, workload, recorder, untilNs),
    );
    const nemesis = runNemesis(cluster, options.nemeses, rng, recorder, {
      faultMs: options.faultMs,
      healMs: options.healMs,
      untilNs,
    });
    [faults] = await Promise.all([nemesis, ...workers]);
    cluster.healAll();
    await waitReady(cluster, 30_000, options.commandTimeoutMs);
    await finalReads(cluster, workload, recorder, options);
  } finally {
    await cluster.stop();
  }
  return writeResults(options, recorder, workload, faults, Date.now() - started, cluster);
}

async function finalReads(
  cluster: Cluster,
  workload: Workload,
  recorder: Recorder,
  options: RunOptions,
): Promise<void> {
  let process = 100_000;
  for (const id of cluster.ids) {
    const client = await connectReady(cluster.spec(id), options.commandTimeoutMs * 5);
    try {
      await workload.final(client, process++, recorder);
    } finally {
      client.disconnect();
    }
  }
}

function reproduceCommand(o: RunOptions): string {
  const time = Math.round(o.timeLimitMs / 1000);
  const durability = o.durability === 'memory' ? ' --durability memory' : '';
  const network = o.network === 'netns' ? ' --net netns' : '';
  return `npm run jepsen -- --workload ${o.workload} --nemesis ${o.nemeses.join(',') || 'none'} --nodes ${o.nodes} --concurrency ${o.concurrency} --time-limit ${time} --seed ${o.seed} --fault ${o.faultMs / 1000} --heal ${o.healMs / 1000} --op-delay ${o.opDelayMs}${durability}${network}`;
}

function writeResults(
  options: RunOptions,
  recorder: Recorder,
  workload: Workload,
  faults: number,
  durationMs: number,
  cluster: Cluster,
): RunResult {
  const crashes: readonly NodeCrash[] = cluster.crashes;
  const operations = pairOperations(recorder.events);
  const check: CheckSummary = workload.check(operations.filter((op) => op.process >= 0));
  const summary: RunSummary = {
    workload: options.workload,
    nemeses: options.nemeses,
    seed: options.seed,
    nodes: options.nodes,
    network: options.network ?? 'proxy',
    disk: cluster.disk,
    durationMs,
    faults,
    check,
    highlight: highlightIds(check),
    command: options.command ?? reproduceCommand(options),
    crashes,
    concurrency: options.concurrency,
  };
  const report = textReport(summary, operations);
  writeFileSync(
    join(options.outDir, 'history.json'),
    JSON.stringify({
      workload: options.workload,
      nemeses: options.nemeses,
      seed: options.seed,
      nodes: options.nodes,
      concurrency: options.concurrency,
      durationMs,
      faults,
      command: summary.command,
      network: summary.network,
      disk: summary.disk,
      crashes,
      events: recorder.events,
    }),
  );
  writeFileSync(join(options.outDir, 'report.txt'), report);
  writeFileSync(
    join(options.outDir, 'report.html'),
    htmlReport(summary, operations, recorder.events),
  );
  return { summary, report, outDir: options.outDir };
}

/** Operation ids worth outlining in the timeline: the ops each checker could not explain. */
export function highlightIds(check: CheckSummary): number[] {
  const d = check.details as {
    keys?: { stuckAt?: { id: number }[]; longestLinearization?: { id: number }[] }[];
    anomalies?: { ops: number[] }[];
    errors?: { opId: number }[];
    wrongTotal?: { opId: number }[];
    negative?: { opId: number }[];
    malformedReads?: number[];
    divergentFinalReads?: number[];
    unexplainedReads?: number[];
    lostOps?: number[];
    staleReadOps?: number[];
  } | null;
  if (d === null || typeof d !== 'object') return [];
  const ids: number[] = [];
  for (const k of d.keys ?? []) {
    if (k.stuckAt === undefined) continue;
    // The ops that could not be placed, and the last ones placed before them: the smallest
    // window of the history that shows why.
    ids.push(
      ...k.stuckAt.map((o) => o.id),
      ...(k.longestLinearization ?? []).slice(-5).map((o) => o.id),
    );
  }
  for (const a of d.anomalies ?? []) ids.push(...a.ops);
  for (const list of [d.errors, d.wrongTotal, d.negative])
    for (const e of list ?? []) ids.push(e.opId);
  ids.push(...(d.malformedReads ?? []), ...(d.divergentFinalReads ?? []));
  ids.push(...(d.unexplainedReads ?? []));
  ids.push(...(d.lostOps ?? []), ...(d.staleReadOps ?? []));
  return ids;
}

/** Re-checks a saved history (npm run jepsen:check -- history.json). */
export function recheck(
  workloadName: WorkloadName,
  events: Parameters<typeof pairOperations>[0],
): CheckSummary {
  const operations = pairOperations(events).filter((op) => op.process >= 0);
  return makeWorkload(workloadName).check(operations);
}
