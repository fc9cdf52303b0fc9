/**
 * In-process micro-benchmark of the sorted-set structure (src/store/zset.ts), no protocol, no
 * sockets: a 100k-member set as `redis-benchmark -t zadd -r 100000` builds, then the operations
 * the zset commands reduce to. Prints CPU ns per operation (CPU time, not wall time: the
 * machine is shared, and waiting for a core is not our cost).
 * Usage: node dist/bench/zset-micro.js [--members N] [--ops N]
 */
import { NO_NODE, SortedSet, type ScoreRange } from '../src/store/zset.js';

/** xorshift32: the benchmark's own seeded generator, so every run does the same work. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const memberOf = (i: number): string => `element:${String(i).padStart(12, '0')}`;

function build(count: number, random: () => number): SortedSet {
  const zset = new SortedSet();
  for (let i = 0; i < count; i++) zset.set(memberOf(i), Math.floor(random() * 1_000_000));
  return zset;
}

/** CPU ns per call of `op(i)` for i in 0..ops-1, after a warm-up of a tenth as many. */
function time(ops: number, op: (i: number) => void): number {
  for (let i = 0; i < ops / 10; i++) op(i);
  const start = process.cpuUsage();
  for (let i = 0; i < ops; i++) op(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ops;
}

/** Ten members forward from `rank`, as ZRANGE key r r+9 walks them. */
function walkTen(zset: SortedSet, rank: number): number {
  let sum = 0;
  let node = zset.at(rank);
  for (let k = 0; k < 10 && node !== NO_NODE; k++) {
    sum += zset.scoreOf(node);
    node = zset.next(node);
  }
  return sum;
}

function run(members: number, ops: number): void {
  const random = generator(12345);
  const zset = build(members, random);
  const picks = Array.from({ length: 1024 }, () => memberOf(Math.floor(random() * members)));
  const scores = Array.from({ length: 4096 }, () => Math.floor(random() * 1_000_000));
  let sink = 0;
  const report = (name: string, ns: number): void => {
    console.log(`${name.padEnd(24)} ${ns.toFixed(0).padStart(6)} CPU ns/op`);
  };
  report(
    'update (random score)',
    time(ops, (i) => zset.set(picks[i & 1023] as string, scores[i & 4095] as number)),
  );
  let fresh = members;
  report(
    'insert new member',
    time(ops, (i) => zset.set(memberOf(fresh++), scores[i & 4095] as number)),
  );
  fresh = members;
  report(
    'delete member',
    time(ops, () => {
      zset.delete(memberOf(fresh++));
    }),
  );
  report(
    'score lookup',
    time(ops, (i) => {
      sink += zset.score(picks[i & 1023] as string) ?? 0;
    }),
  );
  report(
    'rank',
    time(ops, (i) => {
      sink += zset.rank(picks[i & 1023] as string) ?? 0;
    }),
  );
  report(
    'at(rank) + walk 10',
    time(ops, (i) => {
      sink += walkTen(zset, (i * 7919) % (zset.size - 10));
    }),
  );
  report(
    'first in score range',
    time(ops, (i) => {
      const min = scores[i & 4095] as number;
      const range: ScoreRange = { min, max: min + 1000, minExclusive: false, maxExclusive: false };
      sink += zset.firstInScoreRange(range) === NO_NODE ? 0 : 1;
    }),
  );
  const iterations = 5;
  report(
    'iterate (per element)',
    time(iterations, () => {
      for (const [, score] of zset.entries()) sink += score;
    }) / zset.size,
  );
  report('clone (per element)', time(iterations, () => zset.clone()) / zset.size);
  if (Number.isNaN(sink)) console.log('unreachable');
}

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
run(option('--members', 100_000), option('--ops', 200_000));
