/**
 * A real 3-node memlayer cluster on loopback: separate processes, fsync'd level logs, gRPC
 * between them. Each test leaves the cluster healthy for the next; the order matters.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { Redis } from 'ioredis';
import { SMALL_IMAGE_BYTES } from '../../src/replication/log-store.js';
import { BIN, Cluster, TEST_ENV, eventually, sleep, type NodeProcess } from './harness.js';
import { RespError, type Resp, type RespClient } from './resp-client.js';

const ENV = {
  ...TEST_ENV,
  MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '300',
  MEMLAYER_RAFT_TRAILING_ENTRIES: '20',
};

describe('a 3-node cluster of real processes', () => {
  const c = new Cluster(ENV);
  let nodes: NodeProcess[] = [];
  /** Every write acknowledged with OK so far: key -> value. None may ever be lost. */
  const acked = new Map<string, string>();

  before(async () => {
    nodes = await c.startNew(3);
    await c.leader();
  });
  after(() => c.close());

  /**
   * SET, retried while the answer is -UNKNOWN (an election on a loaded machine can overwrite
   * an uncommitted entry): setting the same value again is idempotent, as a client would do.
   */
  async function setIdempotent(client: RespClient, key: string, value: string): Promise<Resp> {
    for (let attempt = 0; ; attempt++) {
      const r = await client.call(['SET', key, value]);
      if (!(r instanceof RespError && r.text.startsWith('UNKNOWN ')) || attempt >= 5) return r;
    }
  }

  async function set(n: NodeProcess, key: string, value: string): Promise<Resp> {
    const r = await setIdempotent(c.client(n), key, value);
    if (r === 'OK') acked.set(key, value);
    return r;
  }

  async function checkAcked(n: NodeProcess): Promise<void> {
    const client = c.client(n);
    const entries = [...acked];
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      const got = await client.call(['MGET', ...chunk.map(([k]) => k)]);
      assert.ok(Array.isArray(got), `MGET on node ${n.spec.id}: ${JSON.stringify(got)}`);
      chunk.forEach(([k, v], j) => assert.equal(got[j], v, `node ${n.spec.id} lost ${k}`));
    }
  }

  /** `count` writes spread over every node by 8 concurrent clients; all must be acknowledged. */
  async function setMany(prefix: string, count: number, bytes = 10): Promise<void> {
    let next = 0;
    const worker = async (w: number): Promise<void> => {
      const client = c.client(nodes[w % nodes.length] ?? assert.fail('no node'));
      for (let i = next++; i < count; i = next++) {
        const value = `${i}:`.padEnd(bytes, prefix);
        assert.equal(await setIdempotent(client, `${prefix}${i}`, value), 'OK');
        acked.set(`${prefix}${i}`, value);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  }

  it('writes sent to any node are read back on every node at once', async () => {
    for (const n of nodes) {
      assert.equal(await set(n, `via${n.spec.id}`, `v${n.spec.id}\u00ff`), 'OK');
      // Linearizable: a read that starts after the write's ack sees it, on every node.
      for (const m of nodes)
        assert.equal(await c.client(m).call(['GET', `via${n.spec.id}`]), `v${n.spec.id}\u00ff`);
    }
    // Concurrent increments through all three nodes: none lost, none applied twice.
    await Promise.all(
      nodes.map(async (n) => {
        const client = n.client();
        for (let i = 0; i < 20; i++)
          assert.equal(typeof (await client.call(['INCR', 'counter'])), 'number');
        client.close();
      }),
    );
    for (const n of nodes) assert.equal(await c.client(n).call(['GET', 'counter']), '60');
    acked.set('counter', '60');
  });

  it('pipelines (ioredis) are answered in order, see their own writes, and share log entries', async () => {
    /** One pipeline; again with fresh keys if an election made any reply -UNKNOWN. */
    async function pipelineOn(n: NodeProcess, attempt = 0): Promise<unknown[]> {
      const redis = new Redis({ port: n.spec.resp, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        const k = `pipe${n.spec.id}.${attempt}`;
        const results = await redis
          .pipeline()
          .set(k, 'a')
          .append(k, 'b')
          .get(k)
          .incr(k)
          .ping()
          .rpush(`${k}.list`, 'x', 'y')
          .lrange(`${k}.list`, 0, -1)
          .set(`${k}.done`, '1')
          .exec();
        assert.ok(results !== null);
        const unknown = results.some(([e]) => e instanceof Error && /^UNKNOWN /.test(e.message));
        if (unknown && attempt < 5) return await pipelineOn(n, attempt + 1);
        return results.map(([e, r]) => (e instanceof Error ? `error: ${e.message}` : r));
      } finally {
        redis.disconnect();
      }
    }
    for (const n of nodes) {
      assert.deepEqual(await pipelineOn(n), [
        'OK',
        2,
        'ab',
        'error: ERR value is not an integer or out of range',
        'PONG',
        2,
        ['x', 'y'],
        'OK',
      ]);
    }
    // 1000 pipelined INCRs: answered 1..1000 in order, in far fewer log entries than commands.
    const leader = await c.leader();
    const commitOf = async (): Promise<number> =>
      Number((await leader.admin('GET', '/v1/cluster')).json['commit']);
    const redis = new Redis({ port: leader.spec.resp, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      const before = await commitOf();
      const pipeline = redis.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.incr('pipe.counter');
      const results = (await pipeline.exec()) ?? [];
      const entries = (await commitOf()) - before;
      if (results.every(([e]) => e === null)) {
        assert.deepEqual(
          results.map(([, r]) => r),
          Array.from({ length: 1000 }, (_, i) => i + 1),
        );
        acked.set('pipe.counter', '1000');
      }
      assert.ok(entries > 0 && entries <= 200, `1000 pipelined INCRs took ${entries} entries`);
    } finally {
      redis.disconnect();
    }
  });

  it('describes itself in INFO and the admin API', async () => {
    const leader = await c.leader();
    const info = await c.client(leader).call(['INFO', 'raft']);
    assert.equal(typeof info, 'string');
    assert.match(String(info), /^raft_role:leader\r$/m);
    assert.match(String(info), /^raft_num_voting_nodes:3\r$/m);
    const follower = nodes.find((n) => n !== leader) ?? assert.fail('no follower');
    const repl = String(await c.client(follower).call(['INFO', 'replication']));
    assert.match(repl, /^role:slave\r$/m);
    assert.match(repl, /^slave_read_only:0\r$/m, 'a forwarding follower takes writes');
    // HELLO agrees with INFO (RESP2: the map as a flat array).
    const roleIn = async (n: NodeProcess): Promise<unknown> => {
      const hello = (await c.client(n).call(['HELLO', '2'])) as unknown[];
      return hello[hello.indexOf('role') + 1];
    };
    assert.equal(await roleIn(follower), 'replica');
    assert.equal(await roleIn(leader), 'master');
    assert.match(repl, new RegExp(`^master_port:${leader.spec.resp}\\r$`, 'm'));
    const view = (await follower.admin('GET', '/v1/cluster')).json;
    assert.equal(view['leader'], leader.spec.id);
    assert.equal((view['members'] as unknown[]).length, 3);
    assert.equal((await follower.admin('GET', '/readyz')).status, 200);
    const refused = await follower.admin('POST', '/v1/cluster/leader', { id: follower.spec.id });
    assert.equal(refused.status, 421);
    assert.equal((refused.json['error'] as Record<string, unknown>)['leader'], leader.spec.id);
  });

  it('moves leadership on request', async () => {
    const leader = await c.leader();
    const target = nodes.find((n) => n !== leader) ?? assert.fail('no follower');
    const r = await leader.admin('POST', '/v1/cluster/leader', { id: target.spec.id });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal((await c.leader()).spec.id, target.spec.id);
    assert.equal(await set(target, 'after-transfer', 'yes'), 'OK');
  });

  it('kill -9 of the leader: a new leader, no acknowledged write lost, the node rejoins', async () => {
    const leader = await c.leader();
    await setMany('k', 30);
    const started = Date.now();
    await leader.kill9();
    const rest = nodes.filter((n) => n !== leader);
    const next = await c.leader(rest);
    console.log(
      `# new leader ${next.spec.id} after kill -9 of ${leader.spec.id}: ${Date.now() - started} ms`,
    );
    for (const n of rest) await checkAcked(n);
    assert.equal(await set(next, 'after-kill', 'x'), 'OK');
    await leader.start();
    await eventually(
      async () => (await c.client(leader).call(['GET', 'after-kill'])) === 'x',
      'the restarted node catching up',
    );
    await checkAcked(leader);
  });

  it('pipelined writes across a leader kill: each answered OK or as unknown, none acknowledged lost', async () => {
    const leader = await c.leader();
    const followers = nodes.filter((n) => n !== leader);
    let writing = true;
    const outcomes = new Map<string, number>();
    const writer = async (n: NodeProcess, w: number): Promise<void> => {
      const redis = new Redis({ port: n.spec.resp, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        for (let round = 0; writing; round++) {
          const pipeline = redis.pipeline();
          const keys = Array.from({ length: 16 }, (_, i) => `pk${w}.${round}.${i}`);
          for (const key of keys) pipeline.set(key, `v${round}`);
          const results = (await pipeline.exec()) ?? [];
          results.forEach(([err, reply], i) => {
            const kind = err instanceof Error ? (err.message.split(' ')[0] ?? '') : String(reply);
            outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
            if (kind === 'OK') acked.set(keys[i] ?? '', `v${round}`);
          });
        }
      } finally {
        redis.disconnect();
      }
    };
    const writers = followers.flatMap((n, i) => [writer(n, 2 * i), writer(n, 2 * i + 1)]);
    await sleep(500);
    await leader.kill9();
    await c.leader(followers);
    await sleep(1000);
    writing = false;
    await Promise.all(writers);
    console.log(`# pipelined SET outcomes across the kill: ${JSON.stringify([...outcomes])}`);
    // Promise 2: never a plain failure for a write that may have happened. CLUSTERDOWN and
    // TRYAGAIN say nothing was proposed; UNKNOWN that it may have been.
    for (const kind of outcomes.keys())
      assert.ok(['OK', 'UNKNOWN', 'CLUSTERDOWN', 'TRYAGAIN'].includes(kind), `answered ${kind}`);
    assert.ok((outcomes.get('OK') ?? 0) > 0, 'some pipelined writes were acknowledged');
    for (const n of followers) await checkAcked(n);
    await leader.start();
    await eventually(async () => {
      try {
        await checkAcked(leader);
        return true;
      } catch {
        return false;
      }
    }, 'the restarted node holding every acknowledged write');
  });

  it('SIGSTOP of the leader: a new leader; after SIGCONT the old one serves no stale read', async () => {
    const old = await c.leader();
    assert.equal(await set(old, 'fresh', 'before'), 'OK');
    old.signal('SIGSTOP');
    try {
      const rest = nodes.filter((n) => n !== old);
      const next = await c.leader(rest);
      assert.equal(await set(next, 'fresh', 'after'), 'OK');
    } finally {
      old.signal('SIGCONT');
    }
    // The old leader may still think it leads for a moment: its read must not say 'before'.
    const r = await c.client(old).call(['GET', 'fresh']);
    assert.ok(r === 'after' || r instanceof RespError, `stale read: ${JSON.stringify(r)}`);
    await eventually(
      async () => (await c.client(old).call(['GET', 'fresh'])) === 'after',
      'old leader serving',
    );
  });

  it('READONLY reads on a follower are served from its own state, even without a quorum', async () => {
    const leader = await c.leader();
    assert.equal(await set(leader, 'ro', 'v1'), 'OK');
    const follower = nodes.find((n) => n !== leader) ?? assert.fail('no follower');
    const client = follower.client();
    const others = nodes.filter((n) => n !== follower);
    try {
      // Linearizable: once this answers v1, the follower has applied it.
      await eventually(async () => (await client.call(['GET', 'ro'])) === 'v1', 'follower read');
      assert.equal(await client.call(['READONLY']), 'OK');
      for (const n of others) n.signal('SIGSTOP');
      assert.equal(await client.call(['GET', 'ro'], 2000), 'v1');
      assert.deepEqual(await client.call(['MGET', 'ro', 'nope'], 2000), ['v1', null]);
      // Back to linearizable reads: no quorum, no answer but an error.
      assert.equal(await client.call(['READWRITE']), 'OK');
      const r = await client.call(['GET', 'ro'], 10_000);
      assert.ok(r instanceof RespError, `a read without a quorum answered ${JSON.stringify(r)}`);
    } finally {
      for (const n of others) n.signal('SIGCONT');
      client.close();
    }
    await c.leader();
  });

  it('a write the leader cannot commit is answered -UNKNOWN, never as failed', async () => {
    const leader = await c.leader();
    const followers = nodes.filter((n) => n !== leader);
    for (const f of followers) f.signal('SIGSTOP');
    let r: Resp;
    try {
      r = await c.client(leader).call(['SET', 'unknown', '1'], 15_000);
    } finally {
      for (const f of followers) f.signal('SIGCONT');
    }
    assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
    assert.match(
      r.text,
      /^UNKNOWN write outcome unknown \((leadership lost|timed out)\); it may have been applied$/,
    );
    // The write may or may not have happened; either way the cluster recovers and agrees.
    const next = await c.leader();
    const seen = await c.client(next).call(['GET', 'unknown']);
    assert.ok(seen === '1' || seen === null);
    for (const n of nodes) assert.equal(await c.client(n).call(['GET', 'unknown']), seen);
  });

  it('restart of every node (kill -9) recovers every acknowledged write', async () => {
    // 400 x 4 KB: the state outgrows one 1 MiB snapshot chunk (see the rejoin test below).
    await setMany('bulk', 400, 4096);
    await Promise.all(nodes.map((n) => n.kill9()));
    await Promise.all(nodes.map((n) => n.start()));
    await c.leader();
    for (const n of nodes) await checkAcked(n);
    // A snapshot loaded at startup is read from its file from then on, unless it is small.
    for (const n of nodes) {
      const view = (await n.admin('GET', '/v1/cluster')).json;
      const bytes = Number(view['snapshotBytes']);
      assert.ok(bytes > 0, `node ${n.spec.id} restarted from a snapshot`);
      assert.equal(
        view['snapshotInMemoryBytes'],
        bytes < SMALL_IMAGE_BYTES ? bytes : 0,
        `node ${n.spec.id}`,
      );
    }
  });

  it('a node wiped and re-added under a new id catches up from a snapshot', async () => {
    const leader = await c.leader();
    // One write per entry until the leader snapshots a state holding every bulk value and
    // compacts its log (300 entries, 20 kept): the new node then cannot catch up from the log
    // alone. (A snapshot taken while the bulk values were being written, if the machine made
    // one entry of each, would hold only some of them.)
    const leaderView = async (): Promise<Record<string, unknown>> =>
      (await leader.admin('GET', '/v1/cluster')).json;
    const bulkWritten = Number((await leaderView())['lastIndex']);
    const snapshotIndex = async (): Promise<number> =>
      Number((await leaderView())['snapshotIndex']);
    // 2 KB pads: after a snapshot of a large state, the next waits for the log to reach half
    // its size (or ten times the entry trigger), so tiny writes would take thousands.
    for (let i = 0; i < 2000 && (await snapshotIndex()) < bulkWritten; i++)
      assert.equal(await set(leader, `pad${i % 20}`, `${i}:`.padEnd(2048, 'p')), 'OK');
    assert.ok((await snapshotIndex()) >= bulkWritten, 'the leader snapshotted the bulk values');
    assert.ok(Number((await leaderView())['firstIndex']) > 2, 'the leader compacted its log');
    const victim = nodes.find((n) => n !== leader) ?? assert.fail('no follower');
    const removed = await leader.admin('DELETE', `/v1/cluster/members/${victim.spec.id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    await victim.kill9();
    rmSync(victim.spec.dataDir, { recursive: true, force: true });
    const spec = await c.spec(4);
    const members = nodes.filter((n) => n !== victim).map((n) => n.spec);
    const added = await leader.admin('POST', '/v1/cluster/members', {
      id: 4,
      peerAddress: `127.0.0.1:${spec.peer}`,
    });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    const fresh = c.node(spec, members);
    await fresh.start();
    await eventually(
      async () => (await c.client(fresh).call(['GET', 'bulk399'])) === acked.get('bulk399'),
      'node 4 catching up',
    );
    await checkAcked(fresh);
    const view = (await fresh.admin('GET', '/v1/cluster')).json;
    assert.ok(Number(view['snapshotIndex']) > 1, 'started from a snapshot (not its bootstrap one)');
    // The leader's snapshot (more than 300 of the 400 4 KB values: over 1 MiB) was installed
    // by node 4; both read it from its file (the leader sent its chunks from there).
    for (const n of [leader, fresh]) {
      const v = (await n.admin('GET', '/v1/cluster')).json;
      assert.ok(
        Number(v['snapshotBytes']) > 1024 * 1024,
        `node ${n.spec.id}: ${v['snapshotBytes']}`,
      );
      assert.equal(v['snapshotInMemoryBytes'], 0, `node ${n.spec.id}`);
    }
    await eventually(async () => {
      const v = (await leader.admin('GET', '/v1/cluster')).json;
      const m = (v['members'] as { id: number; role: string }[]).find((x) => x.id === 4);
      return m?.role === 'voter';
    }, 'node 4 promoted to voter');
    nodes = [...nodes.filter((n) => n !== victim), fresh];
    assert.equal(await set(fresh, 'from4', 'ok'), 'OK');
    for (const n of nodes) await checkAcked(n);
  });

  it('a leader asked to remove itself hands leadership off first, then is removed', async () => {
    const leader = await c.leader();
    const others = nodes.filter((n) => n !== leader);
    const removed = await leader.admin('DELETE', `/v1/cluster/members/${leader.spec.id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    assert.equal(removed.json['id'], leader.spec.id);
    // The new leader was elected before the removal, so the others name it already (a leader
    // that removed itself and stepped down would leave them naming it until a timeout).
    for (const n of others) {
      const view = (await n.admin('GET', '/v1/cluster')).json;
      assert.notEqual(view['leader'], leader.spec.id, `node ${n.spec.id} still follows it`);
      assert.notEqual(view['leader'], 0, `node ${n.spec.id} knows no leader`);
    }
    // Membership changes take effect when applied; a follower applies the removal once the
    // next append or heartbeat tells it the commit index, so it may lag the reply by one round.
    for (const n of others) {
      await eventually(async () => {
        const view = (await n.admin('GET', '/v1/cluster')).json;
        const ids = (view['members'] as { id: number }[]).map((m) => m.id);
        return !ids.includes(leader.spec.id);
      }, `node ${n.spec.id} dropping the removed leader from its members`);
    }
    await leader.kill9();
    nodes = others;
    for (const n of nodes) assert.equal(await set(n, `after-handoff-${n.spec.id}`, 'ok'), 'OK');
    for (const n of nodes) await checkAcked(n);
  });
});

describe('a data directory in use', () => {
  it('a second server on it stops at startup, naming the log, and the first keeps serving', async () => {
    const c = new Cluster(TEST_ENV);
    try {
      const [n] = await c.startNew(1);
      if (n === undefined) assert.fail('no node');
      assert.equal(await c.client(n).call(['SET', 'k', 'v']), 'OK');
      const second = spawnSync(
        process.execPath,
        [
          BIN,
          'server',
          '--port',
          '0',
          '--admin-port',
          '0',
          '--peer-port',
          '0',
          '--data-dir',
          n.spec.dataDir,
        ],
        { encoding: 'utf8', env: { ...process.env, ...TEST_ENV }, timeout: 20_000 },
      );
      assert.equal(second.status, 1, second.stderr);
      const path = join(n.spec.dataDir, 'raft');
      const expected = `memlayer: startup failed: the Raft log in ${path} is in use by another process`;
      assert.ok(second.stderr.startsWith(expected), second.stderr);
      assert.equal(await c.client(n).call(['GET', 'k']), 'v');
    } finally {
      await c.close();
      await sleep(0);
    }
  });
});

describe('a corrupt log record', () => {
  it('stops the node at startup with an error naming the file and the record', async () => {
    const c = new Cluster(TEST_ENV);
    try {
      const [n] = await c.startNew(1);
      if (n === undefined) assert.fail('no node');
      for (let i = 0; i < 5; i++) assert.equal(await c.client(n).call(['SET', `k${i}`, 'v']), 'OK');
      await n.stop();
      const path = join(n.spec.dataDir, 'raft');
      const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
      let victim = '';
      for await (const key of db.keys({ gte: 'g00000001e', lt: 'g00000001f' })) victim = key;
      const value = Buffer.from((await db.get(victim)) ?? new Uint8Array());
      value.writeUInt8((value.at(-1) ?? 0) ^ 1, value.length - 1);
      await db.put(victim, value);
      await db.close();
      const { code, output } = await n.runToExit();
      assert.equal(code, 1);
      assert.ok(
        output.includes(`corrupt Raft log record in ${path}: key ${victim}: CRC mismatch`),
        output,
      );
    } finally {
      await c.close();
      await sleep(0);
    }
  });
});

/**
 * Clients writing unique keys through `nodes` until stopped; every OK is remembered. Errors
 * (-UNKNOWN or -CLUSTERDOWN during a fault, a killed node) are allowed; a lost OK is not.
 */
function startWriters(c: Cluster, nodes: readonly NodeProcess[], prefix: string) {
  const acked = new Map<string, string>();
  let writing = true;
  const writer = async (n: NodeProcess, name: string): Promise<void> => {
    const client = n.client();
    for (let i = 0; writing; i++) {
      try {
        if ((await client.call(['SET', `${name}:${i}`, `${i}`], 5000)) === 'OK')
          acked.set(`${name}:${i}`, `${i}`);
      } catch {
        if (!n.alive) break;
      }
    }
    client.close();
  };
  const running = nodes.map((n, i) => writer(n, `${prefix}${i + 1}`));
  return {
    acked,
    async stop(): Promise<void> {
      writing = false;
      await Promise.all(running);
      assert.ok(acked.size > 0, 'some writes were acknowledged');
    },
    /** Every acknowledged write, read back through `n`. */
    async check(n: NodeProcess): Promise<void> {
      const client = c.client(n);
      for (const [k, v] of acked)
        assert.equal(await client.call(['GET', k]), v, `node ${n.spec.id} lost ${k}`);
    },
  };
}

describe('a 5-node cluster under load', () => {
  it('moves leadership and loses two nodes while clients write; no acknowledged write is lost', async () => {
    const c = new Cluster(TEST_ENV);
    try {
      const nodes = await c.startNew(5);
      const leader = await c.leader();
      const others = nodes.filter((n) => n !== leader);
      const [a, b, d, e] = others;
      if (a === undefined || b === undefined || d === undefined || e === undefined)
        assert.fail('5 nodes');
      const writers = startWriters(c, [leader, a, b], 'w');
      await sleep(500);
      const moved = await leader.admin('POST', '/v1/cluster/leader', { id: a.spec.id });
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
      await sleep(300);
      await Promise.all([d.kill9(), e.kill9()]);
      await sleep(1000);
      await writers.stop();
      await c.leader(nodes);
      for (const n of [leader, a, b]) await writers.check(n);
      await Promise.all([d.start(), e.start()]);
      const last = [...writers.acked].at(-1) ?? assert.fail('no write');
      for (const n of [d, e]) {
        await eventually(
          async () => (await c.client(n).call(['GET', last[0]])) === last[1],
          `node ${n.spec.id} catching up`,
        );
      }
      console.log(
        `# 5 nodes: ${writers.acked.size} writes acknowledged during a transfer and two kill -9`,
      );
    } finally {
      await c.close();
    }
  });
});

/** A membership call, repeated while the previous change is still being applied (409, "retry"). */
/**
 * A membership request as an operator's tool makes it: retried while another change is in
 * progress, and sent on to the leader a node names when leadership moved meanwhile (a loaded
 * machine can starve a leader into an election between finding it and asking it).
 */
async function changeMembership(
  nodes: readonly NodeProcess[],
  first: NodeProcess,
  method: 'POST' | 'DELETE',
  path: string,
  body?: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  let n = first;
  for (let attempt = 0; ; attempt++) {
    const r = await n.admin(method, path, body);
    const error = r.json['error'] as { code?: string; leader?: number } | undefined;
    const next = nodes.find((x) => x.spec.id === error?.leader);
    if (attempt >= 50) return r;
    if (r.status === 421 && error?.code === 'ERR_NOT_LEADER' && next !== undefined) n = next;
    else if (r.status !== 409 || error?.code !== 'ERR_CHANGE_IN_PROGRESS') return r;
    await sleep(200);
  }
}

describe('membership changes under load', () => {
  it('adds a node, removes a follower, then the leader, while clients write; no acknowledged write is lost', async () => {
    const c = new Cluster({ ...ENV, MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '2000' });
    try {
      const nodes = await c.startNew(3);
      const leader = await c.leader();
      const writers = startWriters(c, nodes, 'm');
      await sleep(500);

      // Add node 4 while the others write: a learner first, promoted once caught up.
      const spec = await c.spec(4);
      const added = await changeMembership(nodes, leader, 'POST', '/v1/cluster/members', {
        id: 4,
        peerAddress: `127.0.0.1:${spec.peer}`,
      });
      assert.equal(added.status, 201, JSON.stringify(added.json));
      const fresh = c.node(
        spec,
        nodes.map((n) => n.spec),
      );
      await fresh.start();
      await eventually(async () => {
        const v = (await leader.admin('GET', '/v1/cluster')).json;
        const m = (v['members'] as { id: number; role: string }[]).find((x) => x.id === 4);
        return m?.role === 'voter';
      }, 'node 4 promoted to voter under load');

      // Remove a follower, then the leader itself (it hands leadership off first).
      const follower = nodes.find((n) => n !== leader) ?? assert.fail('no follower');
      const gone = await changeMembership(
        [...nodes, fresh],
        leader,
        'DELETE',
        `/v1/cluster/members/${follower.spec.id}`,
      );
      assert.equal(gone.status, 200, JSON.stringify(gone.json));
      await sleep(300);
      const current = await c.leader([...nodes.filter((n) => n !== follower), fresh]);
      const self = await changeMembership(
        [...nodes, fresh],
        current,
        'DELETE',
        `/v1/cluster/members/${current.spec.id}`,
      );
      assert.equal(self.status, 200, JSON.stringify(self.json));
      await sleep(500);
      await writers.stop();

      const members = [...nodes, fresh].filter((n) => n !== follower && n !== current);
      assert.equal(members.length, 2);
      await c.leader(members);
      for (const n of members) {
        // A member that is behind answers reads after a ReadIndex round: all acked writes.
        await writers.check(n);
        const ids = ((await n.admin('GET', '/v1/cluster')).json['members'] as { id: number }[])
          .map((m) => m.id)
          .sort((x, y) => x - y);
        assert.deepEqual(
          ids,
          members.map((m) => m.spec.id).sort((x, y) => x - y),
          `node ${n.spec.id} membership`,
        );
      }
      console.log(`# membership under load: ${writers.acked.size} writes acknowledged`);
    } finally {
      await c.close();
    }
  });
});
