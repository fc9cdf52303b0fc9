import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { buildCommandTable } from '../commands/registry.js';
import { StateMachine } from '../commands/state-machine.js';
import { DoubleReply, ErrorReply, OK, PairsReply, type Reply } from '../commands/reply.js';
import { nodeId } from '../shared/brand.js';
import { SeededRng } from '../shared/effects.js';
import type { NodeId } from '../raft/types.js';
import { setTimeout as delay } from 'node:timers/promises';
import { DATA_GROUP, ReplicationHost, type HostOptions } from './host.js';
import { encodeReply } from '../commands/reply-codec.js';
import type { WireResponse } from './wire.js';
import { snapshotDue } from './group.js';
import { freePort } from '../cli/ports.js';

const table = buildCommandTable();
const clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };
const dirs: string[] = [];
const hosts = new Set<ReplicationHost>();
after(async () => {
  for (const h of hosts) await h.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'memlayer-host-'));
  dirs.push(d);
  return d;
}

async function startHost(
  o: Partial<HostOptions> & { id: NodeId; dataDir: string },
): Promise<{ host: ReplicationHost; sm: StateMachine }> {
  const sm = new StateMachine(table);
  const host = await ReplicationHost.start({
    cluster: 'test',
    members: new Map(),
    join: false,
    peerListen: undefined,
    respAddress: `127.0.0.1:${6300 + o.id}`,
    adminAddress: '',
    applier: sm,
    redirect: 'forward',
    clock,
    rng: new SeededRng(o.id),
    logger: () => undefined,
    tickMs: 20,
    electionTicks: 10,
    ...o,
  });
  hosts.add(host);
  return { host, sm };
}

async function stopHost(host: ReplicationHost): Promise<void> {
  hosts.delete(host);
  await host.stop();
}

async function until<T>(f: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const run = async (host: ReplicationHost, ...args: string[]): Promise<Reply> =>
  host.executor().executeOne(args, !['GET', 'EXISTS', 'DBSIZE'].includes(args[0] ?? ''));

/**
 * Ports for hosts that must know each other's addresses before any starts: below the ephemeral
 * range, so no outgoing connection of an early host takes a later one's port meanwhile.
 */
async function reservePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort());
  return out;
}

/** Three hosts over real gRPC on loopback, each with its own data directory. */
async function startThree(): Promise<ReplicationHost[]> {
  const ids = [1, 2, 3].map(nodeId);
  const dirsOf = await Promise.all(ids.map(() => tempDir()));
  const ports = await reservePorts(3);
  const members = new Map(ids.map((id, i) => [id, `127.0.0.1:${ports[i]}`] as const));
  const nodes = await Promise.all(
    ids.map((id, i) =>
      startHost({
        id,
        dataDir: dirsOf[i] ?? '',
        members,
        peerListen: { host: '127.0.0.1', port: ports[i] ?? 0 },
      }),
    ),
  );
  return nodes.map((n) => n.host);
}

describe('snapshotDue', () => {
  const MIB = 1024 * 1024;
  it('takes a snapshot by entries or by log bytes', () => {
    assert.equal(snapshotDue({ entries: 0, bytes: 0 }, 0, 50), false);
    assert.equal(snapshotDue({ entries: 49, bytes: 4900 }, 1000, 50), false);
    assert.equal(snapshotDue({ entries: 50, bytes: 5000 }, 1000, 50), true);
    assert.equal(snapshotDue({ entries: 3, bytes: 64 * MIB }, 1000, 50), true);
  });
  it('waits, for a large state, until the log is half the last snapshot', () => {
    const last = 300 * MIB;
    assert.equal(snapshotDue({ entries: 200_000, bytes: 64 * MIB }, last, 50_000), false);
    assert.equal(snapshotDue({ entries: 400_000, bytes: 149 * MIB }, last, 50_000), false);
    assert.equal(snapshotDue({ entries: 400_000, bytes: 150 * MIB }, last, 50_000), true);
    // Tiny entries: their number bounds the wait (the log is in memory).
    assert.equal(snapshotDue({ entries: 499_999, bytes: 20 * MIB }, last, 50_000), false);
    assert.equal(snapshotDue({ entries: 500_000, bytes: 20 * MIB }, last, 50_000), true);
  });
});

describe('ReplicationHost, one node (a group of one, fsync)', () => {
  it('writes, reads, and recovers every acknowledged write after a restart', async () => {
    const dataDir = await tempDir();
    const { host } = await startHost({ id: nodeId(1), dataDir });
    await until(() => host.data.role === 'leader', 'leadership');
    const writes: Promise<Reply>[] = [];
    for (let i = 0; i < 200; i++) writes.push(run(host, 'SET', `k${i}`, `v${i}\xff`));
    for (const w of await Promise.all(writes)) assert.deepEqual(w, OK);
    assert.equal(await run(host, 'GET', 'k199'), 'v199\xff');
    assert.equal(await run(host, 'INCR', 'n'), 1);
    await stopHost(host);

    const { host: again } = await startHost({ id: nodeId(1), dataDir });
    await until(() => again.data.role === 'leader', 'leadership after restart');
    assert.equal(await run(again, 'GET', 'k0'), 'v0\xff');
    assert.equal(await run(again, 'GET', 'k199'), 'v199\xff');
    assert.equal(await run(again, 'INCR', 'n'), 2);
    await stopHost(again);
  });

  it('writes gathered in one turn share log entries, each with its own reply, and replay so', async () => {
    const dataDir = await tempDir();
    const { host } = await startHost({ id: nodeId(1), dataDir });
    await until(() => host.data.role === 'leader', 'leadership');
    await run(host, 'SET', 'text', 'not a number');
    const before = host.data.status().lastIndex;
    const writes: Promise<Reply>[] = [];
    for (let i = 0; i < 300; i++) {
      writes.push(run(host, 'INCR', 'n'));
      if (i % 100 === 50) writes.push(run(host, 'INCR', 'text'));
    }
    const replies = await Promise.all(writes);
    const counts = replies.filter((r) => typeof r === 'number');
    assert.deepEqual(
      counts,
      Array.from({ length: 300 }, (_, i) => i + 1),
      'every INCR answered with its own value, in order',
    );
    const errors = replies.filter((r) => r instanceof ErrorReply);
    assert.equal(errors.length, 3);
    for (const e of errors) assert.match((e as ErrorReply).text, /^ERR value is not an integer/);
    const entries = host.data.status().lastIndex - before;
    assert.ok(entries < 303 / 4, `303 requests in ${entries} entries`);
    await stopHost(host);

    const { host: again } = await startHost({ id: nodeId(1), dataDir });
    await until(() => again.data.role === 'leader', 'leadership after restart');
    assert.equal(await run(again, 'GET', 'n'), '300');
    assert.equal(await run(again, 'INCR', 'n'), 301);
    await stopHost(again);
  });

  it('answers nil replies of writes as nil, alone and in a shared entry', async () => {
    const { host } = await startHost({ id: nodeId(1), dataDir: await tempDir() });
    await until(() => host.data.role === 'leader', 'leadership');
    // One write per entry: each awaited before the next is sent.
    assert.deepEqual(await run(host, 'SET', 'lock', 'a', 'NX'), OK);
    assert.equal(await run(host, 'SET', 'lock', 'b', 'NX'), null);
    assert.equal(await run(host, 'LPOP', 'missing'), null);
    assert.equal(await run(host, 'GETDEL', 'missing'), null);
    assert.equal(await run(host, 'GET', 'lock'), 'a');
    // Writes gathered in one turn share an entry; only the first may take the lock.
    const before = host.data.status().lastIndex;
    const takers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => run(host, 'SET', 'lock2', `c${i}`, 'NX')),
    );
    assert.ok(host.data.status().lastIndex - before < 20, 'the writes shared entries');
    assert.deepEqual(takers[0], OK);
    assert.deepEqual(
      takers.slice(1),
      Array.from({ length: 19 }, () => null),
    );
    assert.equal(await run(host, 'GET', 'lock2'), 'c0');
    await stopHost(host);
  });

  it('writes no batch for a commit index alone: one write at a time costs one synced batch', async () => {
    const dataDir = await tempDir();
    const { host } = await startHost({ id: nodeId(1), dataDir });
    await until(() => host.data.role === 'leader', 'leadership');
    await run(host, 'SET', 'warm', '1');
    const before = { ...host.log.stats };
    const n = 60;
    for (let i = 0; i < n; i++) assert.deepEqual(await run(host, 'SET', `s${i}`, `${i}`), OK);
    const batches = host.log.stats.batches - before.batches;
    const synced = host.log.stats.syncedBatches - before.syncedBatches;
    // Each write is an entry (synced) and then a commit; the commit rides with the next entry.
    assert.ok(synced >= n, `${synced} synced batches for ${n} writes`);
    assert.ok(
      batches <= n + 1,
      `${batches} batches for ${n} writes (a write per commit: ~${2 * n})`,
    );
    await stopHost(host);
    // The commit index on disk trails the log; a restart re-commits and loses nothing.
    const { host: again } = await startHost({ id: nodeId(1), dataDir });
    await until(() => again.data.role === 'leader', 'leadership after restart');
    assert.equal(await run(again, 'GET', `s${n - 1}`), `${n - 1}`);
    await stopHost(again);
  });

  it('restarts from a snapshot plus the log after it', async () => {
    const dataDir = await tempDir();
    const { host } = await startHost({
      id: nodeId(1),
      dataDir,
      snapshotEntries: 50,
      trailingEntries: 10,
    });
    await until(() => host.data.role === 'leader', 'leadership');
    for (let i = 0; i < 180; i++) await run(host, 'RPUSH', 'list', `${i}`);
    await until(() => host.data.snapshotIndex() > 0, 'a snapshot');
    assert.ok(host.data.firstIndex() > 1, 'log compacted behind the snapshot');
    await stopHost(host);
    const { host: again } = await startHost({
      id: nodeId(1),
      dataDir,
      snapshotEntries: 50,
      trailingEntries: 10,
    });
    await until(() => again.data.role === 'leader', 'leadership after restart');
    assert.equal(await run(again, 'LLEN', 'list'), 180);
    assert.equal(await run(again, 'LINDEX', 'list', '179'), '179');
    await stopHost(again);
  });

  it('keeps at most trailingBytes of log behind a snapshot, however few entries that is', async () => {
    const dataDir = await tempDir();
    const options = { id: nodeId(1), dataDir, snapshotEntries: 50, trailingEntries: 1000 };
    const { host } = await startHost({ ...options, trailingBytes: 2000 });
    await until(() => host.data.role === 'leader', 'leadership');
    // One write at a time: one entry each, of more than 100 bytes.
    for (let i = 0; i < 120; i++) await run(host, 'RPUSH', 'list', `${i}`.padStart(100, '.'));
    await until(() => host.data.snapshotIndex() > 0, 'a snapshot');
    const kept = host.data.snapshotIndex() - host.data.firstIndex() + 1;
    // 1000 entries allowed, but 2000 bytes of entries over 100 bytes are fewer than 20.
    assert.ok(kept >= 1 && kept < 20, `${kept} entries kept behind the snapshot`);
    await stopHost(host);
    const { host: again } = await startHost(options);
    await until(() => again.data.role === 'leader', 'leadership after restart');
    assert.equal(await run(again, 'LLEN', 'list'), 120);
    assert.equal(await run(again, 'LINDEX', 'list', '119'), '119'.padStart(100, '.'));
    // Without the byte bound, the next snapshot keeps its 1000 entries (all there are).
    const first = again.data.firstIndex();
    const snapshotAt = again.data.snapshotIndex();
    for (let i = 0; i < 60; i++) await run(again, 'RPUSH', 'list', 'y'.repeat(200));
    await until(() => again.data.snapshotIndex() > snapshotAt, 'another snapshot');
    assert.equal(again.data.firstIndex(), first, 'nothing more compacted');
    await stopHost(again);
  });
});

describe('ReplicationHost, three nodes over real gRPC in one process', () => {
  it('replicates writes sent to any node; reads on every node see them; survives the leader stopping', async () => {
    const hostsOf = await startThree();
    const leader = await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader');
    const followers = hostsOf.filter((h) => h !== leader);
    await until(
      () => followers.every((f) => f.data.leader === leader.data.id),
      'followers know the leader',
    );

    // Writes on every node (followers forward), then reads on every node.
    for (const [i, h] of hostsOf.entries())
      assert.deepEqual(await run(h, 'SET', `key${i}`, `from${i}`), OK);
    for (const h of hostsOf) {
      for (let i = 0; i < 3; i++) assert.equal(await run(h, 'GET', `key${i}`), `from${i}`);
    }
    // A transaction through a follower, with a client session.
    const f0 = followers[0] ?? assert.fail('no follower');
    const tx = await f0.executor().execute({
      commands: [
        ['INCR', 'c'],
        ['INCR', 'c'],
      ],
      write: true,
      transaction: true,
      watch: undefined,
      clientId: 42,
      sequence: 1,
    });
    assert.deepEqual(tx, [1, 2]);
    // The same (clientId, sequence) again: answered from the session cache, applied once.
    const retry = await leader.executor().execute({
      commands: [
        ['INCR', 'c'],
        ['INCR', 'c'],
      ],
      write: true,
      transaction: true,
      watch: undefined,
      clientId: 42,
      sequence: 1,
    });
    assert.deepEqual(retry, [1, 2]);
    assert.equal(await run(f0, 'GET', 'c'), '2');
    // Replies of every shape come back through the forward, pairs and nil included (a reply
    // kind the peer codec lacked once stopped the leader).
    assert.equal(await run(f0, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'), 3);
    assert.deepEqual(
      await run(f0, 'ZPOPMIN', 'z', '2'),
      new PairsReply(['a', new DoubleReply(1), 'b', new DoubleReply(2)]),
    );
    assert.equal(await run(f0, 'LPOP', 'nothing'), null);
    assert.equal(leader.data.role, 'leader', 'the leader is still serving');

    // Stop the leader: the other two elect one and keep every acknowledged write.
    await stopHost(leader);
    const next = await until(() => followers.find((h) => h.data.role === 'leader'), 'a new leader');
    assert.notEqual(next.data.id, leader.data.id);
    for (const h of followers) {
      assert.deepEqual(await run(h, 'SET', `after${h.data.id}`, 'x'), OK);
      assert.equal(await run(h, 'GET', 'key0'), 'from0');
    }
    const reply = await run(f0, 'GET', 'c');
    assert.ok(!(reply instanceof ErrorReply));
    assert.equal(reply, '2');
    for (const h of followers) await stopHost(h);
  });

  it("hands a forwarded request's answer only to the group that asked (ForwardResponse.group)", async () => {
    const hostsOf = await startThree();
    const leader = await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader');
    const follower = hostsOf.find((h) => h !== leader) ?? assert.fail('no follower');
    await until(() => follower.data.leader === leader.data.id, 'the follower knows the leader');
    const lt = leader.transport ?? assert.fail('no transport');
    // The leader's answers to the follower are held here, then sent on over the real stream
    // with the group rewritten.
    const held: WireResponse[] = [];
    const send = lt.sendResponse.bind(lt);
    lt.sendResponse = (_to, r) => void held.push(r);
    const answered = (p: Promise<Reply>): (() => Reply | undefined) => {
      let got: Reply | undefined;
      void p.then((r) => (got = r));
      return () => got;
    };

    for (const [i, absent] of [false, true].entries()) {
      const reply = answered(run(follower, 'SET', `routed${i}`, 'v'));
      const r = await until(() => held.shift(), 'the leader answers the forwarded write');
      assert.equal(r.group, DATA_GROUP, 'the answer names the group that asked');
      // Another group's answer with the same id: not this request's.
      send(follower.data.id, { ...r, group: 2, reply: encodeReply(new ErrorReply('ERR wrong')) });
      lt.flush();
      await delay(100);
      assert.equal(reply(), undefined, "another group's answer resolved the request");
      // The right group, or no group at all (a peer from before the field): answered.
      send(follower.data.id, absent ? { ...r, group: 0 } : r);
      lt.flush();
      assert.deepEqual(await until(reply, 'the answer'), OK);
    }
    for (const h of hostsOf) await stopHost(h);
  });
});

describe('ReplicationHost read batching', () => {
  it('asks at most one ReadIndex round at a time: reads arriving turn after turn share rounds', async () => {
    const hostsOf = await startThree();
    const leader = await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader');
    assert.deepEqual(await run(leader, 'SET', 'k', 'v1'), OK);

    // One read per event-loop turn, 60 turns: each turn used to ask its own round.
    const rounds = leader.metrics.readIndexRounds.get();
    const reads: Promise<Reply>[] = [];
    for (let i = 0; i < 60; i++) {
      reads.push(run(leader, 'GET', 'k'));
      await new Promise((r) => setImmediate(r));
    }
    // A write in the middle of the reads: every read that starts after it must see it.
    const write = run(leader, 'SET', 'k', 'v2');
    const after: Promise<Reply>[] = [];
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      after.push(run(leader, 'GET', 'k'));
    }
    for (const r of await Promise.all(reads)) assert.ok(r === 'v1' || r === 'v2', String(r));
    assert.deepEqual(await write, OK);
    const seen = await Promise.all(after);
    const latest = await run(leader, 'GET', 'k');
    assert.equal(latest, 'v2');
    // Each read answered with a value; reads asked after the write was acknowledged see it.
    for (const r of seen) assert.ok(r === 'v1' || r === 'v2', String(r));
    const asked = leader.metrics.readIndexRounds.get() - rounds;
    // A round trip over gRPC spans many turns: far fewer rounds than reads.
    assert.ok(asked >= 1 && asked <= 40, `rounds asked for 81 reads: ${asked}`);
    for (const h of hostsOf) await stopHost(h);
  });

  it('a write during a leadership transfer waits for it to end instead of retrying every turn', async () => {
    const hostsOf = await startThree();
    const leader = await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader');
    assert.deepEqual(await run(leader, 'SET', 'k', 'v1'), OK);
    // A transfer to a stopped node never completes: it is abandoned after an election timeout
    // (10 ticks of 20 ms); proposals are refused until then.
    const target = hostsOf.find((h) => h !== leader) ?? assert.fail('no follower');
    await stopHost(target);
    const refused = leader.metrics.proposalsRefused.get();
    const transfer = leader.transferLeader(target.data.id, 1000);
    const write = run(leader, 'SET', 'k', 'v2');
    assert.equal(await transfer, leader.data.id, 'the transfer to a stopped node was abandoned');
    assert.deepEqual(await write, OK);
    assert.equal(await run(leader, 'GET', 'k'), 'v2');
    // Retried once per tick (about 10 times), not once per event-loop turn (thousands).
    const attempts = leader.metrics.proposalsRefused.get() - refused;
    assert.ok(attempts >= 1 && attempts <= 30, `refused ${attempts} times`);
    for (const h of hostsOf) if (h !== target) await stopHost(h);
  });

  it('reads held behind a round asked of a leader that is gone are answered by the next one', async () => {
    const hostsOf = await startThree();
    const leader = await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader');
    const followers = hostsOf.filter((h) => h !== leader);
    await until(
      () => followers.every((f) => f.data.leader === leader.data.id),
      'followers know the leader',
    );
    assert.deepEqual(await run(leader, 'SET', 'k', 'v1'), OK);
    // Reads on a follower, asked of the leader, which stops before (or while) answering.
    const f0 = followers[0] ?? assert.fail('no follower');
    const reads: Promise<Reply>[] = [];
    for (let i = 0; i < 10; i++) {
      reads.push(run(f0, 'GET', 'k'));
      await new Promise((r) => setImmediate(r));
    }
    await stopHost(leader);
    for (const r of await Promise.all(reads)) assert.equal(r, 'v1');
    for (const h of followers) await stopHost(h);
  });
});

describe('ReplicationHost redirects and errors', () => {
  it('a --moved follower answers -MOVED 0 with the leader client address', async () => {
    const ids = [1, 2, 3].map(nodeId);
    const p = await reservePorts(3);
    const members = new Map(ids.map((id, i) => [id, `127.0.0.1:${p[i]}`] as const));
    const hs = await Promise.all(
      ids.map(
        async (id, i) =>
          (
            await startHost({
              id,
              dataDir: await tempDir(),
              members,
              redirect: 'moved',
              peerListen: { host: '127.0.0.1', port: p[i] ?? 0 },
            })
          ).host,
      ),
    );
    const leader = await until(() => hs.find((h) => h.data.role === 'leader'), 'a leader');
    const follower = hs.find((h) => h !== leader) ?? assert.fail('no follower');
    await until(() => follower.data.leader === leader.data.id, 'follower knows the leader');
    const expected = `MOVED 0 127.0.0.1:${6300 + leader.data.id}`;
    await until(
      () => follower.transport?.peers.get(leader.data.id)?.respAddress !== undefined,
      'hello',
    );
    assert.deepEqual(await run(follower, 'SET', 'k', 'v'), new ErrorReply(expected));
    assert.deepEqual(await run(follower, 'GET', 'k'), new ErrorReply(expected));
    assert.deepEqual(await run(leader, 'SET', 'k', 'v'), OK);
    for (const h of hs) await stopHost(h);
  });

  it('with no leader, writes and reads end in -CLUSTERDOWN No Raft leader after the bounded wait', async () => {
    const p = await reservePorts(3);
    const members = new Map([1, 2, 3].map((id, i) => [nodeId(id), `127.0.0.1:${p[i]}`] as const));
    // Only node 1 of 3 runs: it can never win an election.
    const { host } = await startHost({
      id: nodeId(1),
      dataDir: await tempDir(),
      members,
      peerListen: { host: '127.0.0.1', port: p[0] ?? 0 },
      requestTimeoutMs: 300,
    });
    assert.deepEqual(
      await run(host, 'SET', 'k', 'v'),
      new ErrorReply('CLUSTERDOWN No Raft leader'),
    );
    assert.deepEqual(await run(host, 'GET', 'k'), new ErrorReply('CLUSTERDOWN No Raft leader'));
    await stopHost(host);
  });
});

describe('ReplicationHost routes', () => {
  it('dials a peer through its node-local route, not the address the membership holds', async () => {
    const [port1 = 0, port2 = 0, dead = 0] = await reservePorts(3);
    // A forwarder to node 1 that counts what comes through it.
    let forwarded = 0;
    const forwarder = createServer((client) => {
      forwarded++;
      const upstream = connect(port1, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => forwarder.listen(0, '127.0.0.1', r));
    const bound = forwarder.address();
    const forwarderPort = typeof bound === 'object' && bound !== null ? bound.port : 0;
    after(() => forwarder.close());
    // Node 2's membership says node 1 is at a port nobody listens on; only its route works.
    const ids = [nodeId(1), nodeId(2)];
    const real = new Map([
      [ids[0] ?? nodeId(1), `127.0.0.1:${port1}`],
      [ids[1] ?? nodeId(2), `127.0.0.1:${port2}`],
    ]);
    const wrong = new Map([...real, [nodeId(1), `127.0.0.1:${dead}`]]);
    const n1 = await startHost({
      id: nodeId(1),
      dataDir: await tempDir(),
      members: real,
      peerListen: { host: '127.0.0.1', port: port1 },
    });
    const n2 = await startHost({
      id: nodeId(2),
      dataDir: await tempDir(),
      members: wrong,
      routes: new Map([[nodeId(1), `127.0.0.1:${forwarderPort}`]]),
      peerListen: { host: '127.0.0.1', port: port2 },
    });
    await until(
      () => n1.host.data.leader !== 0 && n1.host.data.leader === n2.host.data.leader,
      'a leader both nodes know',
      10_000,
    );
    assert.deepEqual(await run(n2.host, 'SET', 'routed', 'yes'), OK);
    assert.equal(await run(n1.host, 'GET', 'routed'), 'yes');
    assert.ok(forwarded > 0, 'node 2 dialed node 1 through its route');
    // The replicated book keeps the membership's address; the route stays node-local.
    assert.equal(
      n2.host.describe().members.find((m) => m.id === 1)?.peerAddress,
      `127.0.0.1:${dead}`,
    );
    await stopHost(n2.host);
    await stopHost(n1.host);
  });
});

describe('ReplicationHost under clock skew', () => {
  it('a follower whose wall clock is 10 minutes behind still gets its forwarded writes answered', async () => {
    const ports = await reservePorts(2);
    const members = new Map([
      [nodeId(1), `127.0.0.1:${ports[0]}`],
      [nodeId(2), `127.0.0.1:${ports[1]}`],
    ]);
    const behind = { nowMs: () => Date.now() - 600_000, monotonicMs: () => performance.now() };
    const n1 = await startHost({
      id: nodeId(1),
      dataDir: await tempDir(),
      members,
      peerListen: { host: '127.0.0.1', port: ports[0] ?? 0 },
    });
    const n2 = await startHost({
      id: nodeId(2),
      dataDir: await tempDir(),
      members,
      clock: behind,
      peerListen: { host: '127.0.0.1', port: ports[1] ?? 0 },
    });
    const hostsOf = [n1.host, n2.host];
    await until(() => hostsOf.find((h) => h.data.role === 'leader'), 'a leader', 10_000);
    // Make the skewed node the follower, so that its writes are forwarded.
    if (n2.host.data.role === 'leader') await n2.host.transferLeader(nodeId(1), 5000);
    await until(() => n1.host.data.role === 'leader' && n2.host.data.leader === 1, 'node 1 leads');
    // A deadline sent as wall-clock time would be 10 minutes past on arrival: the leader would
    // time such writes out at its next tick (every 20 ms) and answer -UNKNOWN.
    for (let i = 0; i < 150; i++)
      assert.deepEqual(await run(n2.host, 'SET', `skewed${i}`, 'v'), OK, `write ${i}`);
    assert.equal(await run(n1.host, 'GET', 'skewed149'), 'v');
    await stopHost(n2.host);
    await stopHost(n1.host);
  });
});
