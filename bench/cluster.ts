/**
 * `npm run bench:cluster`: durable replicated writes, side by side, in one run on this machine.
 *
 *   etcd     3 members (Debian etcd 3.4, fsync on), Put over its gRPC API driven by h2load
 *            (nghttp2-client: 50 connections, one call in flight on each; see etcdPuts)
 *   memlayer 3 nodes (--durability fsync), redis-benchmark against the leader
 *   redis    one redis-server, appendonly yes, appendfsync always (the single-box reference)
 *   memlayer 1 node (a group of one, fsync)
 *
 * Workload: 50 clients, 256-byte values, random keys (redis-benchmark's `key:NNNNNNNNNNNN`;
 * 8-byte keys for etcd), each system first given an untimed warm-up pass. Prints writes/s,
 * p50/p99 and the ratios the issue sets goals for. A
 * benchmark, not a test: figures depend on the machine and its load; nothing is asserted.
 *
 * Flags: --rounds N (default 1) measures every system N times, each round in a rotated order
 * and on fresh directories, and prints the median of the per-round ratios; --json FILE writes
 * every round's figures. Environment: BENCH_REQUESTS, BENCH_WARMUP, BENCH_READ_WARMUP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { Client, credentials, loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
// Below the ephemeral range: a node listens on its port only after its peers have started
// dialing, and an outgoing connection's local port must not take it first.
import { freePort } from '../src/cli/ports.js';
import { SERVER_NODE_FLAGS } from '../src/config/runtime.js';
import { median } from './lib/stats.js';
import { etcdArgs, type EtcdMember } from './lib/etcd.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'memlayer.js');
const CLIENTS = 50;
const VALUE_BYTES = 256;
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 30_000);
/**
 * Untimed writes each system takes before it is measured: memlayer runs on a JIT, and its
 * first seconds go to compiling the hot path (a fifth of a follower's CPU in a cold 30,000-write
 * run, by perf). etcd and redis get the same pass, so every figure is a warm steady state.
 */
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 15_000);
/**
 * Untimed GETs after those writes. The replicated read path warms far more slowly than the
 * write path: its per-round code (one ReadIndex round serves about 28 reads) runs a few
 * thousand times in a run, and V8 was still optimizing functions on all three nodes 150,000
 * reads in, while 3-node GETs went from 20-29k/s in the first 30,000 to 35-54k/s in the sixth
 * (four fresh clusters on this machine). Writes level off after the first 15,000.
 */
const READ_WARMUP = Number(process.env['BENCH_READ_WARMUP'] ?? 150_000);
const tmp = mkdtempSync(join(tmpdir(), 'memlayer-bench-cluster-'));
/** This round's directory under `tmp`: every round starts each system on empty disks. */
let roundDir = tmp;
const children: ChildProcess[] = [];

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function start(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  child.once('exit', (code, sig) => {
    if (code !== 0 && sig === null) process.stderr.write(`${cmd} exited ${code}: ${err}\n`);
  });
  children.push(child);
  return child;
}

async function waitPort(port: number, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} not listening`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The value redis-benchmark's own SET test writes: its genBenchmarkRandomData (a fixed
 * sequence of chars '0' to 'o'), so that values compress on disk exactly as in `-t set`.
 */
function benchmarkValue(bytes: number): string {
  let state = 1234;
  let value = '';
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    value += String.fromCharCode(48 + ((state >>> 16) & 63));
  }
  return value;
}
const SET_VALUE = benchmarkValue(VALUE_BYTES);
/** SET runs so far: each writes keys of its own prefix (see redisBenchmark). */
let setRuns = 0;

/**
 * redis-benchmark --csv: "test","rps","avg","min","p50","p95","p99","max". SETs are given as a
 * command (`SET key<n>:__rand_int__ <value>`, the same request as `-t set` but for the prefix)
 * so that every run writes keys no other run wrote: redis-benchmark seeds its random keys with
 * the time xor its pid, and a run whose seed repeated an earlier one's rewrote its keys, which
 * the write check (checkWrites) then took for failed writes.
 */
function redisBenchmark(
  name: string,
  port: number,
  test: string,
  pipeline = 1,
  requests = REQUESTS,
): Result {
  const args = ['-p', String(port), '-n', String(requests * pipeline), '-c', String(CLIENTS)];
  args.push('-r', '100000000', '-P', String(pipeline), '--csv');
  if (test === 'set') args.push('SET', `key${++setRuns}:__rand_int__`, SET_VALUE);
  else args.push('-t', test, '-d', String(VALUE_BYTES));
  const before = test === 'set' ? dbsize(port) : 0;
  const out = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 600_000 });
  const line = out.stdout.split('\n').find((l) => l.startsWith(`"${test.toUpperCase()}`)) ?? '';
  if (line === '')
    console.log(`# ${name}: redis-benchmark said: ${(out.stdout + out.stderr).slice(-400)}`);
  const f = line.split(',').map((x) => Number(x.replace(/"/g, '')));
  if (test === 'set') checkWrites(name, port, before, requests * pipeline, out.stdout + out.stderr);
  return { name, rps: f[1] ?? NaN, p50Ms: f[4] ?? NaN, p99Ms: f[6] ?? NaN };
}

/** The number of keys on the server at `port` (DBSIZE through redis-cli). */
function dbsize(port: number): number {
  const out = spawnSync('redis-cli', ['-p', String(port), 'DBSIZE'], { encoding: 'utf8' });
  return Number(out.stdout.trim());
}

/**
 * redis-benchmark counts an error reply as a completed request, so a server answering errors
 * would look fast. Every SET run writes random keys out of 10^8, so nearly every request makes
 * a new key: fewer than 95% new keys means writes failed, and the figure is not reported.
 */
function checkWrites(
  name: string,
  port: number,
  before: number,
  requests: number,
  output: string,
): void {
  const added = dbsize(port) - before;
  if (added >= 0.95 * requests) return;
  const stats = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'stats'], { encoding: 'utf8' });
  const counters = stats.stdout
    .split('\n')
    .filter((l) =>
      /^(total_error_replies|total_connections_received|rejected_connections):/.test(l),
    )
    .join(' ');
  const errors = [...new Set(output.split(/[\r\n]/).filter((l) => /error/i.test(l)))].slice(0, 5);
  throw new Error(
    `${name}: ${requests} SETs added only ${added} keys (${counters.trim()}; redis-benchmark: ${errors.join(' | ') || 'no error lines'})`,
  );
}

/** The untimed pass: READ_WARMUP GETs, then WARMUP of the same SETs; results dropped. */
function warmUp(port: number): void {
  if (READ_WARMUP > 0) redisBenchmark('warm-up', port, 'get', 1, READ_WARMUP);
  if (WARMUP > 0) redisBenchmark('warm-up', port, 'set', 1, WARMUP);
}

async function startMemlayer(nodes: number): Promise<number[]> {
  const specs = [];
  for (let id = 1; id <= nodes; id++)
    specs.push({ id, resp: await freePort(), admin: await freePort(), peer: await freePort() });
  const peers = specs.map((s) => `${s.id}=127.0.0.1:${s.peer}`).join(',');
  for (const s of specs) {
    const args = [BIN, 'server', '--durability', 'fsync', '--id', String(s.id), '--peers', peers];
    args.push(
      '--port',
      String(s.resp),
      '--admin-port',
      String(s.admin),
      '--peer-port',
      String(s.peer),
    );
    args.push('--data-dir', join(roundDir, `ml${nodes}-${s.id}`), '--log-level', 'warn');
    start(process.execPath, [...SERVER_NODE_FLAGS, ...args]);
  }
  const spawned = children.slice(-nodes);
  for (const s of specs) await waitPort(s.resp);
  // Find the leader through the admin API.
  for (let i = 0; i < 300; i++) {
    // A node that failed to start would leave a smaller cluster to measure.
    if (spawned.some((c) => c.exitCode !== null || c.signalCode !== null))
      throw new Error('memlayer: a node exited during startup');
    for (const s of specs) {
      let role: string | undefined;
      try {
        const v = (await (await fetch(`http://127.0.0.1:${s.admin}/v1/cluster`)).json()) as {
          role: string;
        };
        role = v.role;
      } catch {
        // not up yet
      }
      if (role === 'leader') return [s.resp, ...specs.filter((x) => x !== s).map((x) => x.resp)];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('memlayer: no leader');
}

function stopAll(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

async function startEtcd(): Promise<string[]> {
  const clients: number[] = [];
  const members: EtcdMember[] = [];
  for (let i = 1; i <= 3; i++) {
    const [client, peer] = [await freePort(), await freePort()];
    clients.push(client);
    members.push({
      name: `e${i}`,
      dataDir: join(roundDir, `e${i}`),
      clientUrl: `http://127.0.0.1:${client}`,
      peerUrl: `http://127.0.0.1:${peer}`,
    });
  }
  for (const member of members) start('etcd', etcdArgs(member, members));
  for (const client of clients) await waitPort(client);
  return clients.map((client) => `127.0.0.1:${client}`);
}

/**
 * etcd's KV service, the parts the bench uses (etcd-io/etcd api/etcdserverpb/rpc.proto and
 * api/mvccpb/kv.proto): Put is what is measured, Range reads the key back afterwards.
 */
const ETCD_PROTO = `syntax = "proto3";
package etcdserverpb;
service KV {
  rpc Range(RangeRequest) returns (RangeResponse);
  rpc Put(PutRequest) returns (PutResponse);
}
message ResponseHeader { uint64 cluster_id = 1; uint64 member_id = 2; int64 revision = 3; uint64 raft_term = 4; }
message KeyValue { bytes key = 1; int64 create_revision = 2; int64 mod_revision = 3; int64 version = 4; bytes value = 5; int64 lease = 6; }
message RangeRequest { bytes key = 1; }
message RangeResponse { ResponseHeader header = 1; repeated KeyValue kvs = 2; bool more = 3; int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; int64 lease = 3; bool prev_kv = 4; bool ignore_value = 5; bool ignore_lease = 6; }
message PutResponse { ResponseHeader header = 1; }
`;

/** The key every Put writes (h2load sends one request body; see etcdPuts). */
const ETCD_KEY = Buffer.from('bench:k1');

/**
 * Puts through h2load (nghttp2-client), a C++ HTTP/2 load generator, as gRPC requests: 50
 * connections, one request in flight on each, as redis-benchmark drives memlayer and redis. A
 * gRPC client in this Node process cost about 270 µs of CPU per Put, taken from etcd on the
 * same two cores (etcd ran 2,900 Puts/s under it, 4,500-4,900 under h2load). h2load sends the
 * same body every time, so every Put writes one key: etcd stores each as a new revision all the
 * same. Each request is checked: h2load counts HTTP failures, and afterwards the key's version
 * must equal the number of Puts sent (a gRPC error travels in trailers h2load does not read).
 */
async function etcdPuts(endpoints: readonly string[]): Promise<Result> {
  const endpoint = endpoints[0] ?? assert('etcd endpoint');
  const body = join(tmp, 'put.grpc');
  writeFileSync(body, grpcFrame(putRequest(ETCD_KEY, Buffer.alloc(VALUE_BYTES, 120))));
  const log = join(tmp, 'h2load.tsv');
  const run = (requests: number, logFile?: string): number => {
    const args = ['-n', String(requests), '-c', String(CLIENTS), '-m', '1', '-d', body];
    args.push('-H', 'content-type: application/grpc', '-H', 'te: trailers');
    if (logFile !== undefined) args.push(`--log-file=${logFile}`);
    args.push(`http://${endpoint}/etcdserverpb.KV/Put`);
    const out = spawnSync('h2load', args, { encoding: 'utf8', timeout: 600_000 });
    const text = `${out.stdout ?? ''}${out.stderr ?? ''}`;
    if (out.error !== undefined)
      throw new Error(`h2load: ${out.error.message} (apt-get install -y nghttp2-client)`);
    if (!text.includes(`${requests} succeeded`)) throw new Error(`h2load: ${text.slice(-600)}`);
    const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(text)?.[1];
    return Number(rps ?? NaN);
  };
  run(WARMUP);
  const rps = run(REQUESTS, log);
  // start (µs since the epoch), HTTP status, µs until the end of the response
  const latencies = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split('\t')[2]) / 1000)
    .sort((a, b) => a - b);
  const version = await etcdVersion(endpoint, ETCD_KEY);
  if (version !== WARMUP + REQUESTS)
    throw new Error(`etcd: key version ${version} after ${WARMUP + REQUESTS} Puts`);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name: 'etcd 3 members, Put', rps, p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** protobuf PutRequest { key = 1, value = 2 }: two length-delimited fields. */
function putRequest(key: Buffer, value: Buffer): Buffer {
  const field = (tag: number, bytes: Buffer): Buffer => {
    const len: number[] = [];
    let n = bytes.length;
    while (n >= 0x80) {
      len.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    len.push(n);
    return Buffer.concat([Buffer.from([tag, ...len]), bytes]);
  };
  return Buffer.concat([field(0x0a, key), field(0x12, value)]);
}

/** A gRPC message on the wire: uncompressed flag, big-endian length, the message. */
function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The number of times `key` was written (its `version`), by a Range call over gRPC. */
async function etcdVersion(endpoint: string, key: Buffer): Promise<number> {
  const file = join(tmp, 'etcd.proto');
  writeFileSync(file, ETCD_PROTO);
  const pkg = loadPackageDefinition(loadSync(file, { longs: String }));
  const kv = (
    (pkg['etcdserverpb'] as Record<string, unknown>)['KV'] as { service: ServiceDefinition }
  ).service;
  const range = kv['Range'] ?? assert('Range');
  const client = new Client(endpoint, credentials.createInsecure());
  try {
    const reply = await new Promise<{ kvs: { version: string }[] }>((resolve, reject) =>
      client.makeUnaryRequest(
        range.path,
        range.requestSerialize,
        range.responseDeserialize,
        { key },
        (err, value) =>
          err === null ? resolve(value as { kvs: { version: string }[] }) : reject(err),
      ),
    );
    return Number(reply.kvs[0]?.version ?? 0);
  } finally {
    client.close();
  }
}

function assert(what: string): never {
  throw new Error(`missing ${what}`);
}

/** Rows in the order of the tables, whatever order the systems ran in. */
const RESULT_ORDER = [
  'etcd 3 members, Put',
  'memlayer 3 nodes, SET',
  'memlayer 3 nodes, GET (ReadIndex)',
  'memlayer 3 nodes, SET -P 16',
  'memlayer 1 node fsync, SET',
  'memlayer 1 node fsync, GET',
  'redis appendfsync always, SET',
  'redis appendfsync always, SET -P 16',
];

function table(results: readonly Result[]): void {
  console.log('\n| workload | ops/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |');
  for (const r of results)
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`,
    );
}

type System = 'etcd' | 'memlayer3' | 'memlayer1' | 'redis';
const SYSTEMS: readonly System[] = ['etcd', 'memlayer3', 'memlayer1', 'redis'];

/** Starts one system in a fresh directory, warms it, measures it, stops it. */
async function measure(system: System): Promise<Result[]> {
  const out: Result[] = [];
  try {
    if (system === 'etcd') out.push(await etcdPuts(await startEtcd()));
    if (system === 'memlayer3') {
      const [leader = 0] = await startMemlayer(3);
      warmUp(leader);
      out.push(redisBenchmark('memlayer 3 nodes, SET', leader, 'set'));
      // Reads before the pipelined writes, so that both GET runs (here and on the single node)
      // read the same kind of state: what the warm-up and one SET run left.
      out.push(redisBenchmark('memlayer 3 nodes, GET (ReadIndex)', leader, 'get'));
      out.push(redisBenchmark('memlayer 3 nodes, SET -P 16', leader, 'set', 16));
    }
    if (system === 'memlayer1') {
      const [single = 0] = await startMemlayer(1);
      warmUp(single);
      out.push(redisBenchmark('memlayer 1 node fsync, SET', single, 'set'));
      out.push(redisBenchmark('memlayer 1 node fsync, GET', single, 'get'));
    }
    if (system === 'redis') {
      const port = await freePort();
      const dir = join(roundDir, 'redis');
      mkdirSync(dir, { recursive: true });
      const args = ['--port', String(port), '--save', '', '--appendonly', 'yes'];
      start('redis-server', [...args, '--appendfsync', 'always', '--dir', dir]);
      await waitPort(port);
      warmUp(port);
      out.push(redisBenchmark('redis appendfsync always, SET', port, 'set'));
      out.push(redisBenchmark('redis appendfsync always, SET -P 16', port, 'set', 16));
    }
  } finally {
    stopAll();
  }
  return out;
}

interface Ratio {
  readonly name: string;
  readonly value: number;
  readonly goal: string;
}

/** The ratios the issue sets goals for, each from figures of the same round. */
function ratios(results: readonly Result[]): Ratio[] {
  const rps = (name: string): number => (results.find((r) => r.name === name) ?? assert(name)).rps;
  const r = (name: string, a: string, b: string, goal: string): Ratio => ({
    name,
    value: rps(a) / rps(b),
    goal,
  });
  const m3 = 'memlayer 3 nodes, SET';
  const redis = 'redis appendfsync always, SET';
  return [
    r('memlayer 3-node SET / etcd Put', m3, 'etcd 3 members, Put', '>= 10 (and lower p99)'),
    r('memlayer 3-node SET / redis fsync always SET', m3, redis, '>= 0.5'),
    r('memlayer 3-node SET -P16 / redis -P16', `${m3} -P 16`, `${redis} -P 16`, '>= 0.25'),
    r(
      'memlayer 3-node GET / 1-node GET',
      'memlayer 3 nodes, GET (ReadIndex)',
      'memlayer 1 node fsync, GET',
      '>= 0.5',
    ),
    r(
      'memlayer 1-node SET / redis fsync always SET',
      'memlayer 1 node fsync, SET',
      redis,
      '(reported)',
    ),
  ];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds') ?? '1');
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds must be a positive integer');
  const json = option('--json');
  const perRound: { order: System[]; results: Result[]; ratios: Ratio[] }[] = [];
  try {
    console.log(
      `# ${rounds} round(s); ${REQUESTS} requests per run after ${WARMUP} untimed (and ${READ_WARMUP} GETs), ${CLIENTS} clients, ${VALUE_BYTES}-byte values; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    for (let round = 0; round < rounds; round++) {
      // Each round starts with a different system, so a slow spell of the machine (its disk's
      // flush time moves by 2x within an hour here) does not always fall on the same one.
      const order = SYSTEMS.map((_, i) => SYSTEMS[(i + round) % SYSTEMS.length] as System);
      roundDir = join(tmp, `round${round + 1}`);
      const results: Result[] = [];
      for (const system of order) results.push(...(await measure(system)));
      results.sort((a, b) => RESULT_ORDER.indexOf(a.name) - RESULT_ORDER.indexOf(b.name));
      const r = ratios(results);
      perRound.push({ order, results, ratios: r });
      console.log(`\n## round ${round + 1} (order: ${order.join(', ')})`);
      table(results);
      ratioTable(r);
    }
  } finally {
    stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (rounds > 1) {
    console.log(`\n## median of ${rounds} rounds (each ratio taken within its round)`);
    const first = perRound[0]?.ratios ?? [];
    ratioTable(
      first.map((x, i) => ({
        ...x,
        value: median(perRound.map((p) => p.ratios[i]?.value ?? NaN)),
      })),
    );
  }
  if (json !== undefined) writeFileSync(json, JSON.stringify({ rounds: perRound }, null, 2));
}

function ratioTable(rs: readonly Ratio[]): void {
  console.log('\n| ratio | value | goal |\n| --- | ---: | --- |');
  for (const r of rs) console.log(`| ${r.name} | ${r.value.toFixed(2)} | ${r.goal} |`);
}

process.on('SIGINT', () => (stopAll(), process.exit(130)));
await main();
