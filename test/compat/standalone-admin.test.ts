/**
 * The REST admin API of a node without Raft (`--durability memory`): the probes a container
 * health check and a load balancer use, /metrics, the tensor routes, and the cluster routes
 * answering ERR_NOT_REPLICATED. And the address a lone `fsync` node gives with `--advertise`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../src/cli/ports.js';
import { RawClient, startServerProcess } from './server-process.js';

const json = { 'content-type': 'application/json' };

test('--durability memory serves the admin API: probes, metrics, tensors, ERR_NOT_REPLICATED', async () => {
  const adminPort = await freePort();
  const server = await startServerProcess([
    '--durability',
    'memory',
    '--admin-port',
    String(adminPort),
  ]);
  const base = `http://127.0.0.1:${adminPort}`;
  try {
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200, 'no leader to wait for: ready once serving');
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);

    for (const [method, path, body] of [
      ['GET', '/v1/cluster', undefined],
      ['POST', '/v1/cluster/members', JSON.stringify({ id: 2, peerAddress: '127.0.0.1:7381' })],
      ['DELETE', '/v1/cluster/members/2', undefined],
      ['POST', '/v1/cluster/leader', JSON.stringify({ id: 2 })],
    ] as const) {
      const response = await fetch(`${base}${path}`, {
        method,
        ...(body === undefined ? {} : { body, headers: json }),
      });
      assert.equal(response.status, 409, `${method} ${path}`);
      const answer = (await response.json()) as { error: { code: string } };
      assert.equal(answer.error.code, 'ERR_NOT_REPLICATED', `${method} ${path}`);
    }

    // Tensors go through the same executor as RESP: written over HTTP, read over RESP.
    const elements = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
    const put = await fetch(`${base}/v1/tensors/w1`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-tensor-dtype': 'FLOAT',
        'x-tensor-shape': '2,2',
      },
      body: elements,
    });
    assert.equal(put.status, 200, await put.text());
    const client = await RawClient.connect(server.port);
    try {
      assert.equal(await client.call(':1\r\n', 'EXISTS', 'w1'), ':1\r\n');
    } finally {
      client.close();
    }
    const get = await fetch(`${base}/v1/tensors/w1`);
    assert.equal(get.status, 200);
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), elements);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  await assert.rejects(fetch(`${base}/healthz`), 'the admin API stops with the server');
});

test('--durability memory --admin-port none: no admin API', async () => {
  const adminPort = await freePort();
  const server = await startServerProcess(['--durability', 'memory', '--admin-port', 'none']);
  try {
    await assert.rejects(fetch(`http://127.0.0.1:${adminPort}/healthz`));
    assert.doesNotMatch(server.output(), /admin API ready/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

interface View {
  leader: number;
  leaderRespAddress: string;
  leaderAdminAddress: string;
  members: { peerAddress: string }[];
}

test('a lone fsync node gives --advertise as its RESP, admin and peer host', async () => {
  const adminPort = await freePort();
  const server = await startServerProcess([
    '--advertise',
    'localhost',
    '--admin-port',
    String(adminPort),
  ]);
  try {
    // A group of one elects itself within an election timeout of starting.
    let view: View;
    const deadlineMs = Date.now() + 10_000;
    do {
      const response = await fetch(`http://127.0.0.1:${adminPort}/v1/cluster`);
      view = (await response.json()) as View;
      if (view.leader === 0) await new Promise((done) => setTimeout(done, 100));
    } while (view.leader === 0 && Date.now() < deadlineMs);
    assert.equal(view.leaderRespAddress, `localhost:${server.port}`);
    assert.equal(view.leaderAdminAddress, `localhost:${adminPort}`);
    assert.match(view.members[0]?.peerAddress ?? '', /^localhost:\d+$/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('--durability memory with --requirepass: the admin API wants the password too', async () => {
  const adminPort = await freePort();
  const server = await startServerProcess([
    '--durability',
    'memory',
    '--requirepass',
    'pw',
    '--admin-port',
    String(adminPort),
  ]);
  const base = `http://127.0.0.1:${adminPort}`;
  try {
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'probes stay open');
    const put = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${base}/v1/tensors/t`, {
        method: 'PUT',
        body: Buffer.from([1]),
        headers: {
          'content-type': 'application/octet-stream',
          'x-tensor-dtype': 'int8',
          'x-tensor-shape': '1',
          ...headers,
        },
      });
    assert.equal((await put({})).status, 401);
    assert.equal((await put({ authorization: 'Bearer wrong' })).status, 401);
    const tensor = await fetch(`${base}/v1/tensors/t`, { headers: { authorization: 'Bearer pw' } });
    assert.equal(tensor.status, 404, 'the refused writes stored nothing');
    assert.equal((await put({ authorization: 'Bearer pw' })).status, 200);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
