/**
 * `npm run bench:heal` (root, Linux): how soon a follower cut off by a silent partition is back
 * after the heal, memlayer against etcd, side by side in one run.
 *
 * Each system runs as 3 members, every member in its own network namespace behind a router
 * (jepsen/netns.ts): memlayer with `--durability fsync`, etcd 3.4 from Debian. One client
 * writes to the leader all along (one write in flight, about 200 a second). A follower is cut
 * off from both other members for C seconds (packets dropped, no connection closed); at the
 * heal the bench notes the leader's commit index, then polls the follower (every 20 ms) until
 * it has applied that index. Reported: milliseconds from the heal to then, per cut length and
 * round. memlayer's view is `GET /v1/cluster` (`applied`), etcd's `/v3/maintenance/status`
 * (`raftAppliedIndex`, which 3.4 reports), each asked on the follower itself.
 *
 * Flags: --cuts 5,20,60 (seconds), --rounds 2 (each round runs both systems, alternating which
 * goes first), --json FILE. A benchmark, not a test: nothing is asserted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Cluster } from '../jepsen/cluster.js';
import { NamespaceNetwork, netnsUnavailable } from '../jepsen/netns.js';
import { median } from './lib/stats.js';
import { etcdArgs } from './lib/etcd.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const POLL_MS = 20;
/** A follower not back this long after the heal is reported as such, not waited for. */
const GIVE_UP_MS = 120_000;
const WRITE_PAUSE_MS = 5;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the bench needs of a running 3-member system. */
interface System {
  readonly name: string;
  readonly ids: readonly number[];
  /** The member that leads now (0: none known). */
  leader(): Promise<number>;
  /** `id`'s commit index (the leader's is the target) and applied index, if it answers. */
  indexes(id: number): Promise<{ commit: number; applied: number } | undefined>;
  /** One write to the leader; resolves when acknowledged, or rejects. */
  write(leader: number, n: number): Promise<void>;
  cut(a: number, b: number): void;
  heal(): void;
  stop(): Promise<void>;
}

async function memlayer(dir: string): Promise<System> {
  const cluster = new Cluster({
    nodes: 3,
    baseDir: join(dir, 'memlayer'),
    logDir: join(dir, 'memlayer-logs'),
    bin: join(ROOT, 'bin', 'memlayer.js'),
    network: 'netns',
  });
  await cluster.start();
  const clients = new Map<number, Redis>();
  const client = (id: number): Redis => {
    let c = clients.get(id);
    if (c === undefined) {
      const spec = cluster.spec(id);
      c = new Redis({ host: spec.host, port: spec.respPort, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      clients.set(id, c);
    }
    return c;
  };
  return {
    name: 'memlayer',
    ids: cluster.ids,
    leader: () => cluster.leader(),
    indexes: async (id) => {
      const v = await cluster.view(id, 200);
      return v === undefined ? undefined : { commit: v.commit, applied: v.applied };
    },
    write: async (leader, n) => {
      await client(leader).set(`k${n % 100}`, String(n));
    },
    cut: (a, b) => cluster.cutLink(a, b),
    heal: () => cluster.healNetwork(),
    stop: async () => {
      for (const c of clients.values()) c.disconnect();
      await cluster.stop();
    },
  };
}

async function etcd(dir: string): Promise<System> {
  const ids = [1, 2, 3];
  const network = NamespaceNetwork.open(ids.map((id) => ({ id, peerPort: 2380 })));
  const url = (id: number, port: number): string => `http://${network.hostOf(id)}:${port}`;
  const children: ChildProcess[] = [];
  const members = ids.map((id) => ({
    name: `e${id}`,
    dataDir: join(dir, `etcd-e${id}`),
    clientUrl: url(id, 2379),
    peerUrl: url(id, 2380),
  }));
  for (const [i, member] of members.entries()) {
    const { file, args } = network.command(ids[i] ?? 0, 'etcd', etcdArgs(member, members));
    children.push(spawn(file, args, { stdio: 'ignore' }));
  }
  // If the bench dies, its etcd members and namespaces must not outlive it.
  const onExit = (): void => {
    for (const c of children) c.kill('SIGKILL');
    network.closeOnExit();
  };
  process.on('exit', onExit);
  const post = async (id: number, path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${url(id, 2379)}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(2000),
    });
    if (!response.ok) throw new Error(`etcd ${path}: HTTP ${response.status}`);
    return response.json();
  };
  /** Member ids are etcd's (64-bit, as decimal strings); ours are 1-3. */
  const memberIds = new Map<string, number>();
  const status = async (
    id: number,
  ): Promise<{ leader: string; commit: number; applied: number } | undefined> => {
    try {
      const s = (await post(id, '/v3/maintenance/status', {})) as {
        header: { member_id: string };
        leader: string;
        raftIndex: string;
        raftAppliedIndex: string;
      };
      memberIds.set(s.header.member_id, id);
      return { leader: s.leader, commit: Number(s.raftIndex), applied: Number(s.raftAppliedIndex) };
    } catch {
      return undefined;
    }
  };
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    name: 'etcd',
    ids,
    leader: async () => {
      const all = await Promise.all(ids.map(status));
      for (const s of all) {
        const leader = s === undefined ? undefined : memberIds.get(s.leader);
        if (leader !== undefined) return leader;
      }
      return 0;
    },
    indexes: status,
    write: async (leader, n) => {
      await post(leader, '/v3/kv/put', { key: b64(`k${n % 100}`), value: b64(String(n)) });
    },
    cut: (a, b) => network.cut(a, b),
    heal: () => network.heal(),
    stop: async () => {
      const exits = children.map(
        (c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))),
      );
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(exits);
      await network.close();
      process.off('exit', onExit);
    },
  };
}

interface Measured {
  readonly system: string;
  readonly cutS: number;
  readonly round: number;
  /** From the heal to the follower applying the leader's commit index then; null: gave up. */
  readonly backMs: number | null;
  readonly writes: number;
}

async function measure(system: System, cutS: number, round: number): Promise<Measured> {
  let leader = 0;
  for (let i = 0; i < 300 && leader === 0; i++) {
    leader = await system.leader();
    if (leader === 0) await sleep(100);
  }
  if (leader === 0) throw new Error(`${system.name}: no leader`);
  let writing = true;
  let writes = 0;
  const writer = (async () => {
    for (let n = 0; writing; n++) {
      try {
        await system.write(leader, n);
        writes++;
      } catch {
        // a write that failed is not counted; the follower's catch-up is what is measured
      }
      await sleep(WRITE_PAUSE_MS);
    }
  })();
  try {
    await sleep(2000);
    const victim = system.ids.find((id) => id !== leader) ?? 0;
    for (const id of system.ids) if (id !== victim) system.cut(victim, id);
    await sleep(cutS * 1000);
    const target = (await system.indexes(leader))?.commit;
    if (target === undefined) throw new Error(`${system.name}: the leader does not answer`);
    const healed = Date.now();
    system.heal();
    let backMs: number | null = null;
    while (Date.now() - healed < GIVE_UP_MS) {
      const v = await system.indexes(victim);
      if (v !== undefined && v.applied >= target) {
        backMs = Date.now() - healed;
        break;
      }
      await sleep(POLL_MS);
    }
    return { system: system.name, cutS, round, backMs, writes };
  } finally {
    writing = false;
    await writer;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cuts: { type: 'string', default: '5,20,60' },
      rounds: { type: 'string', default: '2' },
      json: { type: 'string' },
    },
  });
  const why = netnsUnavailable();
  if (why !== undefined) {
    process.stderr.write(`bench:heal: ${why}\n`);
    process.exit(2);
  }
  execFileSync('etcd', ['--version']);
  const cuts = (values.cuts ?? '').split(',').map(Number);
  if (cuts.some((c) => !(c > 0))) throw new Error(`--cuts: positive seconds, got ${values.cuts}`);
  const rounds = Number(values.rounds);
  const results: Measured[] = [];
  const starters = [memlayer, etcd];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? starters : [...starters].reverse();
    for (const start of order) {
      for (const cutS of cuts) {
        // A fresh cluster for every measurement: no cut starts from another's aftermath.
        const dir = mkdtempSync(join(tmpdir(), 'memlayer-bench-heal-'));
        const system = await start(dir);
        try {
          const m = await measure(system, cutS, round);
          results.push(m);
          const back = m.backMs === null ? `not back in ${GIVE_UP_MS / 1000} s` : `${m.backMs} ms`;
          process.stdout.write(
            `round ${round} ${m.system.padEnd(8)} cut ${cutS} s: back ${back} (${m.writes} writes)\n`,
          );
        } finally {
          await system.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  }
  process.stdout.write('\nfollower back after the heal, ms (median over rounds)\n');
  process.stdout.write('| cut | memlayer | etcd | memlayer / etcd |\n| --- | --- | --- | --- |\n');
  for (const cutS of cuts) {
    const of = (system: string): number[] =>
      results
        .filter((r) => r.system === system && r.cutS === cutS)
        .map((r) => r.backMs ?? GIVE_UP_MS);
    const m = median(of('memlayer'));
    const e = median(of('etcd'));
    process.stdout.write(
      `| ${cutS} s | ${of('memlayer').join(', ')} | ${of('etcd').join(', ')} | ${(m / e).toFixed(2)} |\n`,
    );
  }
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:heal: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
