/**
 * Idempotent retries over RESP (CLIENT SESSION + SEQ, docs/replication.md) on real processes:
 * a write answered `-UNKNOWN` is retried with the same (client id, sequence) and is applied
 * exactly once, on a 3-node cluster and on a single durable node across restarts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, TEST_ENV, type NodeProcess } from './harness.js';
import { RespError, type Resp } from './resp-client.js';

const UNKNOWN =
  /^UNKNOWN write outcome unknown \((leadership lost|timed out)\); it may have been applied$/;
const CLIENT_ID = '9000000000001';

describe('client sessions on a 3-node cluster', () => {
  const c = new Cluster(TEST_ENV);
  let nodes: NodeProcess[] = [];

  before(async () => {
    nodes = await c.startNew(3);
    await c.leader();
  });
  after(() => c.close());

  it('a write answered -UNKNOWN and retried with its sequence is applied exactly once', async () => {
    const leader = await c.leader();
    const followers = nodes.filter((n) => n !== leader);
    const client = c.client(leader);
    assert.equal(await client.call(['CLIENT', 'SESSION', CLIENT_ID]), 'OK');
    assert.equal(await client.call(['SEQ', '1', 'INCR', 'counter']), 1);

    for (const f of followers) f.signal('SIGSTOP');
    let r: Resp;
    try {
      r = await client.call(['SEQ', '2', 'INCR', 'counter'], 15_000);
    } finally {
      for (const f of followers) f.signal('SIGCONT');
    }
    assert.ok(r instanceof RespError, `expected -UNKNOWN, got ${JSON.stringify(r)}`);
    assert.match(r.text, UNKNOWN);
    // Whether the entry survived (the retry hits the cache) or was overwritten (the retry
    // applies it now), the answers below are the same; this line says which one happened.
    const seen = await c.client(await c.leader()).call(['GET', 'counter']);
    console.log(`# after -UNKNOWN the counter reads ${JSON.stringify(seen)} before the retry`);

    // The retry goes wherever the client can reach now, on a new connection: the id carries it.
    const next = await c.leader();
    const retry = c.client(followers[0] ?? next);
    assert.equal(await retry.call(['CLIENT', 'SESSION', CLIENT_ID]), 'OK');
    assert.equal(await retry.call(['SEQ', '2', 'INCR', 'counter']), 2);
    // By now sequence 2 is certainly applied: a further retry is answered from the cache.
    const third = c.client(next);
    assert.equal(await third.call(['CLIENT', 'SESSION', CLIENT_ID]), 'OK');
    assert.equal(await third.call(['SEQ', '2', 'INCR', 'counter']), 2);
    for (const n of nodes) assert.equal(await c.client(n).call(['GET', 'counter']), '2');
    const stale = await retry.call(['SEQ', '1', 'INCR', 'counter']);
    assert.ok(stale instanceof RespError);
    assert.equal(
      stale.text,
      `ERR stale request: sequence 1 of client ${CLIENT_ID} is older than 2, already answered`,
    );
    assert.equal(await retry.call(['SEQ', '3', 'INCR', 'counter']), 3);
  });

  it('an acknowledged write retried through another node answers the cached reply', async () => {
    const [a, b] = nodes;
    if (a === undefined || b === undefined) assert.fail('3 nodes');
    const first = c.client(a);
    const second = c.client(b);
    for (const client of [first, second])
      assert.equal(await client.call(['CLIENT', 'SESSION', '77']), 'OK');
    assert.equal(await first.call(['SEQ', '5', 'RPUSH', 'list', 'x']), 1);
    // Followers forward writes with their session: the leader's log deduplicates them.
    assert.equal(await second.call(['SEQ', '5', 'RPUSH', 'list', 'x']), 1);
    assert.equal(await second.call(['SEQ', '5', 'RPUSH', 'list', 'x']), 1);
    for (const n of nodes)
      assert.deepEqual(await c.client(n).call(['LRANGE', 'list', '0', '-1']), ['x']);
  });
  it('a numbered transaction (SEQ n EXEC) retried through another node applies once', async () => {
    const [a, , c3] = nodes;
    if (a === undefined || c3 === undefined) assert.fail('3 nodes');
    const tx = async (client: ReturnType<typeof c.client>): Promise<unknown> => {
      assert.equal(await client.call(['MULTI']), 'OK');
      assert.equal(await client.call(['INCRBY', 'balance', '10']), 'QUEUED');
      assert.equal(await client.call(['RPUSH', 'audit', 'deposit']), 'QUEUED');
      return client.call(['SEQ', '1', 'EXEC']);
    };
    const first = c.client(a);
    const retry = c.client(c3);
    for (const client of [first, retry])
      assert.equal(await client.call(['CLIENT', 'SESSION', '88']), 'OK');
    assert.deepEqual(await tx(first), [10, 1]);
    assert.deepEqual(await tx(retry), [10, 1], 'the cached replies of the first EXEC');
    for (const n of nodes) {
      assert.equal(await c.client(n).call(['GET', 'balance']), '10');
      assert.deepEqual(await c.client(n).call(['LRANGE', 'audit', '0', '-1']), ['deposit']);
    }
  });
});

describe('client sessions on a single durable node', () => {
  // Snapshots every 20 entries: the reply cache must survive through a snapshot and the log.
  const c = new Cluster({ ...TEST_ENV, MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '20' });
  after(() => c.close());

  it('keeps the reply cache across kill -9 restarts (log replay and snapshot)', async () => {
    const [node] = await c.startNew(1);
    if (node === undefined) assert.fail('one node');
    const client = c.client(node);
    assert.equal(await client.call(['CLIENT', 'SESSION', '5']), 'OK');
    assert.equal(await client.call(['SEQ', '1', 'INCR', 'n']), 1);
    assert.equal(await client.call(['SEQ', '1', 'INCR', 'n']), 1);
    await node.kill9();
    await node.start();
    const again = c.client(node);
    assert.equal(await again.call(['CLIENT', 'SESSION', '5']), 'OK');
    assert.equal(await again.call(['SEQ', '1', 'INCR', 'n']), 1, 'replayed from the log');
    assert.equal(await again.call(['GET', 'n']), '1');

    assert.equal(await again.call(['SEQ', '2', 'INCR', 'n']), 2);
    for (let i = 0; i < 40; i++) assert.equal(await again.call(['SET', `pad${i}`, 'v']), 'OK');
    const view = (await node.admin('GET', '/v1/cluster')).json;
    assert.ok(Number(view['snapshotIndex']) > 2, `a snapshot was taken: ${JSON.stringify(view)}`);
    await node.kill9();
    await node.start();
    const third = c.client(node);
    assert.equal(await third.call(['CLIENT', 'SESSION', '5']), 'OK');
    assert.equal(await third.call(['SEQ', '2', 'INCR', 'n']), 2, 'restored from the snapshot');
    assert.equal(await third.call(['GET', 'n']), '2');
    assert.equal(await third.call(['SEQ', '3', 'INCR', 'n']), 3);
  });
});
