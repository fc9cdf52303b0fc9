/**
 * Tensor benchmark, one run (npm run bench:tensor):
 *
 * 1. Transfer: AI.TENSORSET / AI.TENSORGET ... BLOB of 4 KiB, 64 KiB, 1 MiB and 16 MiB float32
 *    tensors against memlayer, and the same bytes as plain SET / GET against redis-server
 *    (/usr/bin/redis-server --save '' --appendonly no), same client (ioredis, Buffers), same
 *    concurrency. MB/s both ways and the ratio memlayer / redis.
 * 2. Kernels over 10M float32: add, axpy, sum — native addon vs TypeScript vs numpy
 *    (/usr/bin/python3 with Debian's numpy). Best of several runs, ms and GB/s touched.
 *
 * Flags: --quick (fewer ops and repeats), --no-servers, --no-kernels,
 *        --concurrency N (default 4), --json FILE.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import {
  freePort,
  memlayerMemoryArgs,
  redisServerArgs,
  respPing,
  spawnServer,
  stop,
  type ServerProcess,
} from './lib/proc.js';
import * as ew from '../src/tensor/kernels/elementwise.js';
import * as rd from '../src/tensor/kernels/reduce.js';
import { native, nativeStatus } from '../src/shared/native.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const PYTHON = '/usr/bin/python3';
const SIZES = [4 * 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];
const KERNEL_ELEMENTS = 10_000_000;

interface Options {
  quick: boolean;
  servers: boolean;
  kernels: boolean;
  concurrency: number;
  json: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const concurrency = Number(value('--concurrency') ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('--concurrency must be a positive integer');
  return {
    quick: argv.includes('--quick'),
    servers: !argv.includes('--no-servers'),
    kernels: !argv.includes('--no-kernels'),
    concurrency,
    json: value('--json'),
  };
}

// ---------------------------------------------------------------- transfer

interface Target {
  name: string;
  set(client: Redis, key: string, blob: Buffer): Promise<unknown>;
  get(client: Redis, key: string): Promise<Buffer>;
}

const MEMLAYER: Target = {
  name: 'memlayer AI.TENSORSET/GET',
  set: (c, key, blob) =>
    c.call('AI.TENSORSET', key, 'FLOAT', String(blob.length / 4), 'BLOB', blob),
  get: async (c, key) => (await c.callBuffer('AI.TENSORGET', key, 'BLOB')) as Buffer,
};

const REDIS: Target = {
  name: 'redis SET/GET',
  set: (c, key, blob) => c.set(key, blob),
  get: async (c, key) => (await c.getBuffer(key)) ?? Buffer.alloc(0),
};

/** Ops per connection for a size: enough bytes to measure, bounded in time. */
function opsFor(size: number, quick: boolean): number {
  const bytes = (quick ? 64 : 384) * 1024 * 1024;
  return Math.max(quick ? 4 : 8, Math.min(quick ? 500 : 3000, Math.floor(bytes / size / 4)));
}

async function measure(
  clients: Redis[],
  ops: number,
  size: number,
  run: (client: Redis, i: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < ops; i++) await run(client, c);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return (clients.length * ops * size) / seconds / 1e6;
}

interface TransferRow {
  size: number;
  setMBs: number;
  getMBs: number;
}

async function transfer(target: Target, port: number, options: Options): Promise<TransferRow[]> {
  const clients = Array.from(
    { length: options.concurrency },
    () => new Redis({ port, host: '127.0.0.1', lazyConnect: true }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  const rows: TransferRow[] = [];
  try {
    for (const size of SIZES) {
      const blob = Buffer.alloc(size);
      new Float32Array(blob.buffer, blob.byteOffset, size / 4).forEach(
        (_, i, a) => (a[i] = i * 0.5),
      );
      const ops = opsFor(size, options.quick);
      const key = (c: number): string => `bench:tensor:${size}:${c}`;
      await measure(clients, Math.min(ops, 4), size, (client, c) =>
        target.set(client, key(c), blob),
      ); // warm-up
      const setMBs = await measure(clients, ops, size, (client, c) =>
        target.set(client, key(c), blob),
      );
      const getMBs = await measure(clients, ops, size, async (client, c) => {
        const got = await target.get(client, key(c));
        if (got.length !== size)
          throw new Error(`${target.name}: got ${got.length} bytes, wanted ${size}`);
      });
      rows.push({ size, setMBs, getMBs });
    }
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
  return rows;
}

async function startRedis(): Promise<{ proc: ServerProcess; port: number }> {
  const port = await freePort();
  const proc = await spawnServer(REDIS_SERVER, redisServerArgs(port), () => respPing(port));
  return { proc, port };
}

async function startMemlayer(dataDir: string): Promise<{ proc: ServerProcess; port: number }> {
  const port = await freePort();
  const args = memlayerMemoryArgs(port, dataDir);
  const proc = await spawnServer(process.execPath, args, () => respPing(port));
  return { proc, port };
}

function label(size: number): string {
  return size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
}

async function transfers(options: Options): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memlayer-bench-tensor-'));
  let redis: { proc: ServerProcess; port: number } | undefined;
  let memlayer: { proc: ServerProcess; port: number } | undefined;
  try {
    redis = await startRedis();
    const redisRows = await transfer(REDIS, redis.port, options);
    await stop(redis.proc);
    redis = undefined;
    try {
      memlayer = await startMemlayer(dataDir);
    } catch (error) {
      console.log(
        `memlayer server did not start, transfer comparison skipped: ${(error as Error).message.split('\n')[0] ?? ''}`,
      );
      return { redis: redisRows };
    }
    const memlayerRows = await transfer(MEMLAYER, memlayer.port, options);
    console.log(
      `\nTransfer, float32 blobs, ${options.concurrency} connections, ioredis with Buffers (MB/s = 1e6 bytes/s)`,
    );
    console.log(
      'size      | redis SET | memlayer TENSORSET | ratio | redis GET | memlayer TENSORGET | ratio',
    );
    memlayerRows.forEach((m, i) => {
      const r = redisRows[i];
      if (r === undefined) return;
      console.log(
        `${label(m.size).padEnd(9)} | ${r.setMBs.toFixed(0).padStart(9)} | ${m.setMBs.toFixed(0).padStart(18)} | ${(m.setMBs / r.setMBs).toFixed(2).padStart(5)} | ${r.getMBs.toFixed(0).padStart(9)} | ${m.getMBs.toFixed(0).padStart(18)} | ${(m.getMBs / r.getMBs).toFixed(2).padStart(5)}`,
      );
    });
    return { redis: redisRows, memlayer: memlayerRows };
  } finally {
    await stop(redis?.proc, memlayer?.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- kernels

function best(repeats: number, fn: () => void): number {
  let bestMs = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  return bestMs;
}

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
x = rng.standard_normal(n, dtype=np.float32); y = rng.standard_normal(n, dtype=np.float32)
o = np.empty_like(x)
def best(f):
    b = float('inf')
    for _ in range(repeats):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b * 1000
def axpy():
    np.multiply(x, np.float32(0.5), out=o); np.add(o, y, out=o)
out = {
  'add': best(lambda: np.add(x, y, out=o)),
  'axpy': best(axpy),
  'sum': best(lambda: x.sum()),
  'sum_f64': best(lambda: x.sum(dtype=np.float64)),
  'version': np.__version__,
}
print(json.dumps(out))
`;

function numpyTimes(repeats: number): Record<string, number | string> | undefined {
  const result = spawnSync(PYTHON, ['-c', NUMPY_SCRIPT, String(KERNEL_ELEMENTS), String(repeats)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    console.log(
      `numpy not available (${(result.stderr || result.error?.message || '').trim().split('\n').pop() ?? ''})`,
    );
    return undefined;
  }
  return JSON.parse(result.stdout) as Record<string, number | string>;
}

function kernels(options: Options): Record<string, unknown> {
  const repeats = options.quick ? 3 : 7;
  const x = new Float32Array(KERNEL_ELEMENTS).map((_, i) => Math.sin(i));
  const y = new Float32Array(KERNEL_ELEMENTS).map((_, i) => Math.cos(i));
  const out = new Float32Array(KERNEL_ELEMENTS);
  const addon = native();
  const ts = {
    add: best(repeats, () => ew.addF32(x, y, out)),
    axpy: best(repeats, () => ew.axpyF32(0.5, x, y, out)),
    sum: best(repeats, () => rd.sumF32(x)),
  };
  const nat =
    addon === undefined
      ? undefined
      : {
          add: best(repeats, () => addon.add_f32(x, y, out)),
          axpy: best(repeats, () => addon.axpy_f32(0.5, x, y, out)),
          sum: best(repeats, () => addon.sum_f32(x)),
        };
  const np = numpyTimes(repeats);
  // Bytes touched: add/axpy read two arrays and write one; sum reads one.
  const bytes = { add: 12 * KERNEL_ELEMENTS, axpy: 12 * KERNEL_ELEMENTS, sum: 4 * KERNEL_ELEMENTS };
  console.log(
    `\nKernels over ${KERNEL_ELEMENTS / 1e6}M float32, best of ${repeats} (ms; GB/s touched). native: ${addon === undefined ? `not loaded (${nativeStatus().reason ?? ''})` : 'loaded'}; numpy ${String(np?.['version'] ?? 'n/a')}`,
  );
  console.log('kernel | TypeScript      | native          | numpy           | native/numpy speed');
  const cell = (ms: number | undefined, b: number): string =>
    ms === undefined
      ? 'n/a'.padEnd(15)
      : `${ms.toFixed(2).padStart(7)} ${(b / ms / 1e6).toFixed(1).padStart(5)}GB/s`;
  for (const name of ['add', 'axpy', 'sum'] as const) {
    const npMs = typeof np?.[name] === 'number' ? (np[name] as number) : undefined;
    const natMs = nat?.[name];
    const ratio = npMs !== undefined && natMs !== undefined ? (npMs / natMs).toFixed(2) : 'n/a';
    console.log(
      `${name.padEnd(6)} | ${cell(ts[name], bytes[name])} | ${cell(natMs, bytes[name])} | ${cell(npMs, bytes[name])} | ${ratio}`,
    );
  }
  if (typeof np?.['sum_f64'] === 'number') {
    console.log(
      `(numpy sum is float32 pairwise; with dtype=float64 accumulation like ours: ${(np['sum_f64'] as number).toFixed(2)} ms)`,
    );
  }
  return { typescript: ts, native: nat, numpy: np };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const report: Record<string, unknown> = {};
  if (options.kernels) report['kernels'] = kernels(options);
  if (options.servers) report['transfer'] = await transfers(options);
  if (options.json !== undefined) writeFileSync(options.json, JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
