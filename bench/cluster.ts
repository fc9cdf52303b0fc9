/**
 * `npm run bench:cluster`: durable replicated writes, side by side, in one run on this machine.
 *
 *   etcd     3 members (Debian etcd 3.4, fsync on), Put over its gRPC API from this process
 *            (50 concurrent unary calls on 2 channels; etcd's own benchmark tool does the same)
 *   memlayer 3 nodes (--durability fsync), redis-benchmark against the leader
 *   redis    one redis-server, appendonly yes, appendfsync always (the single-box reference)
 *   memlayer 1 node (a group of one, fsync)
 *
 * Workload: 50 clients, 256-byte values, random keys (redis-benchmark's `key:NNNNNNNNNNNN`;
 * 8-byte keys for etcd), each system first given an untimed warm-up pass. Prints writes/s, p50/p99 and the ratios the issue sets goals for. A
 * benchmark, not a test: figures depend on the machine and its load; nothing is asserted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { Client, credentials, loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';

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
const tmp = mkdtempSync(join(tmpdir(), 'memlayer-bench-cluster-'));
const children: ChildProcess[] = [];

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (typeof a !== 'object' || a === null) throw new Error('no port');
  return a.port;
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

/** redis-benchmark --csv: "test","rps","avg","min","p50","p95","p99","max". */
function redisBenchmark(
  name: string,
  port: number,
  test: string,
  pipeline = 1,
  requests = REQUESTS,
): Result {
  const args = [
    '-p',
    String(port),
    '-t',
    test,
    '-n',
    String(requests * pipeline),
    '-c',
    String(CLIENTS),
  ];
  args.push('-d', String(VALUE_BYTES), '-r', '100000000', '-P', String(pipeline), '--csv');
  const out = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 600_000 });
  const line = out.stdout.split('\n').find((l) => l.startsWith(`"${test.toUpperCase()}"`)) ?? '';
  if (line === '')
    console.log(`# ${name}: redis-benchmark said: ${(out.stdout + out.stderr).slice(-400)}`);
  const f = line.split(',').map((x) => Number(x.replace(/"/g, '')));
  return { name, rps: f[1] ?? NaN, p50Ms: f[4] ?? NaN, p99Ms: f[6] ?? NaN };
}

/** The untimed pass (WARMUP): the same SET workload, its result dropped. */
function warmUp(port: number): void {
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
    args.push('--data-dir', join(tmp, `ml${nodes}-${s.id}`), '--log-level', 'warn');
    start(process.execPath, args);
  }
  for (const s of specs) await waitPort(s.resp);
  // Find the leader through the admin API.
  for (let i = 0; i < 300; i++) {
    for (const s of specs) {
      try {
        const v = (await (await fetch(`http://127.0.0.1:${s.admin}/v1/cluster`)).json()) as {
          role: string;
        };
        if (v.role === 'leader')
          return [s.resp, ...specs.filter((x) => x !== s).map((x) => x.resp)];
      } catch {
        // not up yet
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('memlayer: no leader');
}

function stopAll(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

async function startEtcd(): Promise<string[]> {
  const m = [];
  for (let i = 1; i <= 3; i++)
    m.push({ name: `e${i}`, client: await freePort(), peer: await freePort() });
  const initial = m.map((x) => `${x.name}=http://127.0.0.1:${x.peer}`).join(',');
  for (const x of m) {
    start('etcd', [
      '--name',
      x.name,
      '--data-dir',
      join(tmp, x.name),
      '--listen-client-urls',
      `http://127.0.0.1:${x.client}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${x.client}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${x.peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${x.peer}`,
      '--initial-cluster',
      initial,
      '--initial-cluster-state',
      'new',
      '--log-level',
      'error',
    ]);
  }
  for (const x of m) await waitPort(x.client);
  return m.map((x) => `127.0.0.1:${x.client}`);
}

/** The two messages of etcd's KV.Put we need (etcd-io/etcd api/etcdserverpb/rpc.proto). */
const ETCD_PROTO = `syntax = "proto3";
package etcdserverpb;
service KV { rpc Put(PutRequest) returns (PutResponse); }
message PutRequest { bytes key = 1; bytes value = 2; int64 lease = 3; bool prev_kv = 4; bool ignore_value = 5; bool ignore_lease = 6; }
message ResponseHeader { uint64 cluster_id = 1; uint64 member_id = 2; int64 revision = 3; uint64 raft_term = 4; }
message PutResponse { ResponseHeader header = 1; }
`;

async function etcdPuts(endpoints: readonly string[]): Promise<Result> {
  const file = join(tmp, 'etcd.proto');
  writeFileSync(file, ETCD_PROTO);
  const pkg = loadPackageDefinition(loadSync(file, { longs: String }));
  const kv = (
    (pkg['etcdserverpb'] as Record<string, unknown>)['KV'] as { service: ServiceDefinition }
  ).service;
  const put =
    kv['Put'] ??
    (() => {
      throw new Error('no Put');
    })();
  // Puts go to one member; a follower forwards to the leader as etcd's benchmark allows.
  const clients = [0, 1].map(
    () =>
      new Client(endpoints[0] ?? '', credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }),
  );
  const value = Buffer.alloc(VALUE_BYTES, 120);
  let latencies: number[] = [];
  let issued = 0;
  const one = (c: Client): Promise<void> =>
    new Promise((done, fail) => {
      const key = Buffer.alloc(8);
      key.writeUInt32BE(Math.floor(Math.random() * 2 ** 32), 0);
      key.writeUInt32BE(Math.floor(Math.random() * 2 ** 32), 4);
      const t = performance.now();
      c.makeUnaryRequest(
        put.path,
        put.requestSerialize,
        put.responseDeserialize,
        { key, value },
        (err) => {
          if (err !== null) return fail(err);
          latencies.push(performance.now() - t);
          done();
        },
      );
    });
  const run = async (requests: number): Promise<number> => {
    latencies = [];
    issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, w) => {
        const c = clients[w % clients.length] ?? assert('client');
        while (issued++ < requests) await one(c);
      }),
    );
    return (performance.now() - started) / 1000;
  };
  await run(WARMUP);
  const secs = await run(REQUESTS);
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    name: 'etcd 3 members, Put',
    rps: latencies.length / secs,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  };
}

function assert(what: string): never {
  throw new Error(`missing ${what}`);
}

function table(results: readonly Result[]): void {
  console.log('\n| workload | ops/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |');
  for (const r of results)
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`,
    );
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const by = (name: string): Result => results.find((r) => r.name === name) ?? assert(name);
  try {
    console.log(
      `# ${REQUESTS} requests per run after ${WARMUP} untimed, ${CLIENTS} clients, ${VALUE_BYTES}-byte values; load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`,
    );
    results.push(await etcdPuts(await startEtcd()));
    stopAll();
    const [leader3 = 0] = await startMemlayer(3);
    warmUp(leader3);
    results.push(redisBenchmark('memlayer 3 nodes, SET', leader3, 'set'));
    // Reads before the pipelined writes, so that both GET runs (here and on the single node)
    // read the same kind of state: what the warm-up and one SET run left.
    results.push(redisBenchmark('memlayer 3 nodes, GET (ReadIndex)', leader3, 'get'));
    results.push(redisBenchmark('memlayer 3 nodes, SET -P 16', leader3, 'set', 16));
    stopAll();
    const [single = 0] = await startMemlayer(1);
    warmUp(single);
    results.push(redisBenchmark('memlayer 1 node fsync, SET', single, 'set'));
    results.push(redisBenchmark('memlayer 1 node fsync, GET', single, 'get'));
    stopAll();
    const redisPort = await freePort();
    start('redis-server', [
      '--port',
      String(redisPort),
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      tmp,
    ]);
    await waitPort(redisPort);
    warmUp(redisPort);
    results.push(redisBenchmark('redis appendfsync always, SET', redisPort, 'set'));
    results.push(redisBenchmark('redis appendfsync always, SET -P 16', redisPort, 'set', 16));
    stopAll();
  } finally {
    stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
  table(results);
  const ratio = (a: string, b: string): string => (by(a).rps / by(b).rps).toFixed(2);
  console.log('\n| ratio | value | goal |\n| --- | ---: | --- |');
  console.log(
    `| memlayer 3-node SET / etcd Put | ${ratio('memlayer 3 nodes, SET', 'etcd 3 members, Put')} | >= 10 (and lower p99) |`,
  );
  console.log(
    `| memlayer 3-node SET / redis fsync always SET | ${ratio('memlayer 3 nodes, SET', 'redis appendfsync always, SET')} | >= 0.5 |`,
  );
  console.log(
    `| memlayer 3-node SET -P16 / redis -P16 | ${ratio('memlayer 3 nodes, SET -P 16', 'redis appendfsync always, SET -P 16')} | >= 0.25 |`,
  );
  console.log(
    `| memlayer 3-node GET / 1-node GET | ${ratio('memlayer 3 nodes, GET (ReadIndex)', 'memlayer 1 node fsync, GET')} | >= 0.5 |`,
  );
  console.log(
    `| memlayer 1-node SET / redis fsync always SET | ${ratio('memlayer 1 node fsync, SET', 'redis appendfsync always, SET')} | (reported) |`,
  );
}

process.on('SIGINT', () => (stopAll(), process.exit(130)));
await main();
