/**
 * memlayer vs redis-server, side by side in one run (npm run bench:resp).
 *
 * For each of `--pairs` alternating pairs (order flips every pair), a fresh redis-server and a
 * fresh memlayer are started on free ports and the same redis-benchmark workloads run against
 * each (after one untimed warm-up pass, see warmUp): -c 50 -d 100 -r 100000, unpipelined and
 * -P 16, one redis-benchmark call per command so that server CPU time per request can be read
 * from /proc. Reported per workload: median ops/s,
 * p50/p99 latency, server CPU µs/request and the median of the paired ratios (memlayer/redis).
 * Then memory: RSS growth after loading keys of 100-byte values, bytes per key and the ratio.
 *
 * Flags: --quick (fewer requests), --json FILE, --pairs N (default 3),
 *        --target memlayer|map (map: src/resp with a trivial Map dispatcher, to measure the
 *        protocol layer alone), --no-memory, --memory-keys N, --tests a,b,c.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cpuSeconds,
  freePort,
  respPing,
  rssBytes,
  spawnServer,
  stop,
  type ServerProcess,
  memlayerMemoryArgs,
  redisServerArgs,
} from './lib/proc.js';
import { median } from './lib/stats.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_BENCHMARK = 'redis-benchmark';
const TESTS = ['ping', 'set', 'get', 'incr', 'lpush', 'lpop', 'sadd', 'hset', 'zadd', 'mset'];
const PIPELINES = [1, 16] as const;

interface Options {
  quick: boolean;
  json: string | undefined;
  pairs: number;
  target: 'memlayer' | 'map';
  memory: boolean;
  tests: string[];
  /** Requests (and key range) of the memory load: 1M by default, 200k with --quick. */
  memoryKeys: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const target = value('--target') ?? 'memlayer';
  if (target !== 'memlayer' && target !== 'map') throw new Error(`unknown --target ${target}`);
  const pairs = Number(value('--pairs') ?? '3');
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs must be a positive integer');
  return {
    quick: argv.includes('--quick'),
    json: value('--json'),
    pairs,
    target,
    memory: !argv.includes('--no-memory'),
    tests: (value('--tests') ?? TESTS.join(',')).split(','),
    memoryKeys: Number(value('--memory-keys') ?? (argv.includes('--quick') ? 200_000 : 1_000_000)),
  };
}

type ServerKind = 'redis' | 'memlayer';

interface Sample {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
}

/** One workload: a redis-benchmark test at one pipeline depth. */
const workloadName = (test: string, pipeline: number): string =>
  pipeline === 1 ? test : `${test} -P${pipeline}`;

async function startServer(
  kind: ServerKind,
  options: Options,
): Promise<ServerProcess & { port: number; cleanup: () => void }> {
  const port = await freePort();
  const ready = (): Promise<boolean> => respPing(port);
  if (kind === 'redis') {
    const proc = await spawnServer(REDIS_SERVER, redisServerArgs(port), ready);
    return Object.assign(proc, { port, cleanup: () => undefined });
  }
  if (options.target === 'map') {
    const script = new URL('./resp-map-server.js', import.meta.url).pathname;
    const proc = await spawnServer(process.execPath, [script, '--port', String(port)], ready);
    return Object.assign(proc, { port, cleanup: () => undefined });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'memlayer-bench-'));
  const proc = await spawnServer(process.execPath, memlayerMemoryArgs(port, dataDir), ready);
  return Object.assign(proc, {
    port,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  });
}

/** Runs redis-benchmark and returns its stdout; rejects on a non-zero exit. */
async function runBenchmark(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_BENCHMARK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`redis-benchmark ${args.join(' ')} exited ${code}: ${stderr}${stdout}`));
    });
  });
}

/** Parses redis-benchmark --csv rows: "TEST","rps","avg","min","p50","p95","p99","max". */
export function parseCsv(
  text: string,
): Map<string, { rps: number; p50: number; p99: number; max: number }> {
  const rows = new Map<string, { rps: number; p50: number; p99: number; max: number }>();
  for (const line of text.split('\n')) {
    const cells = line
      .trim()
      .split(',')
      .map((cell) => cell.replace(/^"|"$/g, ''));
    if (cells.length < 8 || cells[0] === 'test') continue;
    rows.set(cells[0] ?? '', {
      rps: Number(cells[1]),
      p50: Number(cells[4]),
      p99: Number(cells[6]),
      max: Number(cells[7]),
    });
  }
  return rows;
}

function requestsFor(pipeline: number, options: Options): number {
  if (options.quick) return pipeline === 1 ? 20_000 : 100_000;
  return pipeline === 1 ? 100_000 : 1_000_000;
}

async function measureWorkload(
  server: ServerProcess & { port: number },
  test: string,
  pipeline: number,
  options: Options,
): Promise<Sample> {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(server.port),
    '-c',
    '50',
    '-d',
    '100',
    '-r',
    '100000',
    '-n',
    String(requestsFor(pipeline, options)),
    '-P',
    String(pipeline),
    '-t',
    test,
    '--csv',
  ];
  const cpuBefore = cpuSeconds(server.pid);
  const rows = parseCsv(await runBenchmark(args));
  const cpuAfter = cpuSeconds(server.pid);
  const requests = requestsFor(pipeline, options);
  // `-t ping` runs PING_INLINE and PING_MBULK; report the inline one (it needs inline parsing).
  const row =
    rows.get(test === 'ping' ? 'PING_INLINE' : test.toUpperCase()) ?? [...rows.values()][0];
  if (row === undefined) throw new Error(`no result for ${test}`);
  const calls = test === 'ping' ? 2 * requests : requests;
  return {
    opsPerSec: row.rps,
    p50Ms: row.p50,
    p99Ms: row.p99,
    cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1e6) / calls,
  };
}

/**
 * An untimed pass over every workload before measuring, the same for both servers: a
 * long-running server is measured in its steady state, not while V8 is still compiling its
 * hot paths (short runs of a cold Node server read up to 2x slower at -P 16). It also fills
 * the key range, so GET and friends find values as in a live database.
 */
async function warmUp(server: ServerProcess & { port: number }, options: Options): Promise<void> {
  const args = ['-h', '127.0.0.1', '-p', String(server.port), '-c', '50', '-d', '100'];
  args.push('-r', '100000', '-n', options.quick ? '50000' : '200000', '-P', '16');
  await runBenchmark([...args, '-t', options.tests.join(','), '--csv']);
}

/** One run: a fresh server of `kind`, every workload once. */
async function runServer(kind: ServerKind, options: Options): Promise<Map<string, Sample>> {
  const server = await startServer(kind, options);
  const samples = new Map<string, Sample>();
  try {
    await warmUp(server, options);
    for (const pipeline of PIPELINES) {
      for (const test of options.tests) {
        samples.set(
          workloadName(test, pipeline),
          await measureWorkload(server, test, pipeline, options),
        );
      }
    }
  } finally {
    await stop(server);
    server.cleanup();
  }
  return samples;
}

interface WorkloadResult {
  workload: string;
  redis: Sample;
  memlayer: Sample;
  /** Median of per-pair memlayer/redis ops/s ratios. */
  ratio: number;
  ratios: number[];
}

function summarise(
  pairs: readonly { redis: Map<string, Sample>; memlayer: Map<string, Sample> }[],
): WorkloadResult[] {
  const results: WorkloadResult[] = [];
  const first = pairs[0];
  if (first === undefined) return results;
  const med = (list: Sample[]): Sample => ({
    opsPerSec: median(list.map((s) => s.opsPerSec)),
    p50Ms: median(list.map((s) => s.p50Ms)),
    p99Ms: median(list.map((s) => s.p99Ms)),
    cpuUsPerRequest: median(list.map((s) => s.cpuUsPerRequest)),
  });
  for (const workload of first.redis.keys()) {
    const redis: Sample[] = [];
    const memlayer: Sample[] = [];
    const ratios: number[] = [];
    for (const pair of pairs) {
      const r = pair.redis.get(workload);
      const m = pair.memlayer.get(workload);
      if (r === undefined || m === undefined) continue;
      redis.push(r);
      memlayer.push(m);
      ratios.push(m.opsPerSec / r.opsPerSec);
    }
    results.push({
      workload,
      redis: med(redis),
      memlayer: med(memlayer),
      ratio: median(ratios),
      ratios,
    });
  }
  return results;
}

interface MemoryResult {
  keys: number;
  redisBytesPerKey: number;
  memlayerBytesPerKey: number;
  ratio: number;
  /** Latency of the requests that loaded the keys. */
  redisLoadMs: { p99: number; max: number };
  memlayerLoadMs: { p99: number; max: number };
}

/** Counts keys with DBSIZE; falls back to the expected number of distinct random keys. */
async function dbsize(port: number, requests: number, range: number): Promise<number> {
  const reply = await new Promise<string>((resolve) => {
    const child = spawn('redis-cli', ['-p', String(port), 'DBSIZE'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', () => resolve(out.trim()));
    child.on('error', () => resolve(''));
  });
  const count = Number(reply);
  if (Number.isInteger(count) && count > 0) return count;
  return Math.round(range * (1 - Math.pow(1 - 1 / range, requests)));
}

async function measureMemory(
  kind: ServerKind,
  options: Options,
): Promise<{ keys: number; bytesPerKey: number; p99Ms: number; maxMs: number }> {
  const server = await startServer(kind, options);
  try {
    const requests = options.memoryKeys;
    const before = rssBytes(server.pid);
    const output = await runBenchmark([
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-c',
      '50',
      '-t',
      'set',
      '-n',
      String(requests),
      '-r',
      String(requests),
      '-d',
      '100',
      '-P',
      '16',
      '--csv',
    ]);
    // The load grows the table from empty through every resize: its worst request shows any
    // step that holds the server (a rehash, a copy of the entries).
    const row = [...parseCsv(output).values()][0];
    if (row === undefined) throw new Error('no result for the memory load');
    await new Promise((resolve) => setTimeout(resolve, 500)); // let a GC settle
    const after = rssBytes(server.pid);
    const keys = await dbsize(server.port, requests, requests);
    return { keys, bytesPerKey: (after - before) / keys, p99Ms: row.p99, maxMs: row.max };
  } finally {
    await stop(server);
    server.cleanup();
  }
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(results: readonly WorkloadResult[], target: string): void {
  const header = [
    'workload',
    'redis ops/s',
    `${target} ops/s`,
    'ratio',
    'redis p50/p99 ms',
    `${target} p50/p99 ms`,
    'CPU µs/req redis',
    target,
    'paired ratios',
  ];
  const rows = results.map((r) => [
    r.workload,
    fmt(r.redis.opsPerSec),
    fmt(r.memlayer.opsPerSec),
    fmt(r.ratio, 2),
    `${fmt(r.redis.p50Ms, 3)}/${fmt(r.redis.p99Ms, 3)}`,
    `${fmt(r.memlayer.p50Ms, 3)}/${fmt(r.memlayer.p99Ms, 3)}`,
    fmt(r.redis.cpuUsPerRequest, 2),
    fmt(r.memlayer.cpuUsPerRequest, 2),
    r.ratios.map((x) => fmt(x, 2)).join(' '),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function printGoals(results: readonly WorkloadResult[], memory: MemoryResult | undefined): void {
  const ratio = (w: string): number => results.find((r) => r.workload === w)?.ratio ?? NaN;
  const check = (label: string, value: number, goal: number, atMost = false): void => {
    const ok = atMost ? value <= goal : value >= goal;
    console.log(
      `${ok ? 'PASS' : 'MISS'}  ${label}: ${fmt(value, 2)} (goal ${atMost ? '<=' : '>='} ${goal})`,
    );
  };
  console.log('\ngoals');
  for (const w of ['set', 'get']) check(`${w} unpipelined`, ratio(w), 1.0);
  for (const w of ['set -P16', 'get -P16']) check(w, ratio(w), 0.6);
  if (memory !== undefined) check('memory per key (x redis)', memory.ratio, 2.0, true);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const target = options.target === 'map' ? 'map' : 'memlayer';
  console.log(
    `bench:resp  target=${target} pairs=${options.pairs}${options.quick ? ' (quick)' : ''}`,
  );
  const pairs: { redis: Map<string, Sample>; memlayer: Map<string, Sample> }[] = [];
  for (let i = 0; i < options.pairs; i++) {
    // Alternate which server runs first, so drift of the machine does not favour one side.
    const order: ServerKind[] = i % 2 === 0 ? ['redis', 'memlayer'] : ['memlayer', 'redis'];
    const pair: Partial<Record<ServerKind, Map<string, Sample>>> = {};
    for (const kind of order) {
      process.stdout.write(
        `pair ${i + 1}/${options.pairs}: ${kind === 'memlayer' ? target : kind}...\n`,
      );
      pair[kind] = await runServer(kind, options);
    }
    if (pair.redis !== undefined && pair.memlayer !== undefined)
      pairs.push({ redis: pair.redis, memlayer: pair.memlayer });
  }
  const results = summarise(pairs);
  console.log();
  printTable(results, target);
  let memory: MemoryResult | undefined;
  if (options.memory) {
    const redis = await measureMemory('redis', options);
    const ours = await measureMemory('memlayer', options);
    memory = {
      keys: ours.keys,
      redisBytesPerKey: redis.bytesPerKey,
      memlayerBytesPerKey: ours.bytesPerKey,
      ratio: ours.bytesPerKey / redis.bytesPerKey,
      redisLoadMs: { p99: redis.p99Ms, max: redis.maxMs },
      memlayerLoadMs: { p99: ours.p99Ms, max: ours.maxMs },
    };
    console.log(
      `\nmemory: ${fmt(ours.keys)} keys x 100 B values: redis ${fmt(redis.bytesPerKey)} B/key, ${target} ${fmt(ours.bytesPerKey)} B/key, ratio ${fmt(memory.ratio, 2)}`,
    );
    console.log(
      `loading them (-P 16): p99/max latency redis ${fmt(redis.p99Ms, 3)}/${fmt(redis.maxMs, 3)} ms, ${target} ${fmt(ours.p99Ms, 3)}/${fmt(ours.maxMs, 3)} ms`,
    );
  }
  printGoals(results, memory);
  if (options.json !== undefined) {
    writeFileSync(options.json, JSON.stringify({ target, options, results, memory }, null, 2));
  }
}

if (process.argv[1]?.endsWith('resp.js')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
