/**
 * `--requirepass` on the REST admin API, end to end: three real nodes, real HTTP, the real
 * `memlayer cluster` CLI. Probes stay open; everything else wants the password, a 401 changes
 * nothing, the CLI carries the password across a 421 redirect, and a leader removing itself
 * hands off to a new leader that also wants it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, Cluster, REPO_ROOT, TEST_ENV, eventually, type NodeProcess } from './harness.js';
import { RespError } from './resp-client.js';

const PASSWORD = 's3cret';
const BASIC = `Basic ${Buffer.from(`default:${PASSWORD}`).toString('base64')}`;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function http(
  n: NodeProcess,
  method: string,
  path: string,
  options: { authorization?: string; json?: unknown; headers?: Record<string, string> } = {},
  body?: Buffer,
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  let payload: string | Buffer | undefined = body;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`http://127.0.0.1:${n.spec.admin}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const code = (a: Answer): unknown =>
  (JSON.parse(a.text) as { error?: { code?: unknown } }).error?.code;

/** Runs `memlayer cluster ...` as a user would; resolves with its exit code and output. */
function cli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'cluster', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, MEMLAYER_PASSWORD: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.once('close', (status) => done({ status, stdout, stderr })));
}

describe('--requirepass on the REST admin API of a 3-node cluster', () => {
  const c = new Cluster(TEST_ENV);
  let nodes: NodeProcess[] = [];
  before(async () => {
    nodes = await c.startNew(3, ['--requirepass', PASSWORD]);
  });
  after(() => c.close());

  const members = async (n: NodeProcess): Promise<string> => {
    const a = await http(n, 'GET', '/v1/cluster', { authorization: BASIC });
    assert.equal(a.status, 200, a.text);
    const v = JSON.parse(a.text) as { members: { id: number; role: string }[] };
    return v.members.map((m) => `${m.id}:${m.role}`).join(',');
  };

  it('keeps the probes open and refuses everything else without the password', async () => {
    const n = nodes[0] ?? assert.fail('no node');
    assert.equal((await http(n, 'GET', '/healthz')).status, 200);
    await eventually(async () => (await http(n, 'GET', '/readyz')).status === 200, 'readyz');
    const before = await members(n);
    const tensor = {
      headers: {
        'content-type': 'application/octet-stream',
        'x-tensor-dtype': 'int8',
        'x-tensor-shape': '1',
      },
    };
    const attempts: [string, string, Parameters<typeof http>[3], Buffer?][] = [
      ['GET', '/v1/cluster', {}],
      ['GET', '/metrics', {}],
      ['POST', '/v1/cluster/members', { json: { id: 9, peerAddress: '127.0.0.1:9' } }],
      ['DELETE', '/v1/cluster/members/3', {}],
      ['POST', '/v1/cluster/leader', { json: { id: 2 } }],
      ['PUT', '/v1/tensors/w', tensor, Buffer.from([7])],
      ['GET', '/v1/tensors/w', {}],
      ['GET', '/v1/cluster', { authorization: 'Bearer wrong' }],
      [
        'GET',
        '/v1/cluster',
        { authorization: `Basic ${Buffer.from('x:s3cret').toString('base64')}` },
      ],
      ['PUT', '/v1/tensors/w', { ...tensor, authorization: 'Bearer s3cre' }, Buffer.from([7])],
    ];
    for (const node of nodes)
      for (const [method, path, options, body] of attempts) {
        const a = await http(node, method, path, options, body);
        assert.equal(a.status, 401, `${method} ${path} -> ${a.text}`);
        assert.equal(code(a), 'ERR_UNAUTHORIZED');
        assert.match(a.headers.get('www-authenticate') ?? '', /Basic realm="memlayer"/);
      }
    assert.equal(await members(n), before, 'membership unchanged');
    const stored = await http(n, 'GET', '/v1/tensors/w', { authorization: `Bearer ${PASSWORD}` });
    assert.equal(stored.status, 404, 'no tensor was stored');
    assert.equal(code(stored), 'ERR_NO_SUCH_KEY');
    const put = await http(
      n,
      'PUT',
      '/v1/tensors/w',
      { ...tensor, authorization: `Bearer ${PASSWORD}` },
      Buffer.from([7]),
    );
    assert.equal(put.status, 200, put.text);
  });

  it('follows CONFIG SET requirepass at once', async () => {
    const n = nodes[1] ?? assert.fail('no node');
    const client = c.client(n);
    assert.ok((await client.call(['GET', 'x'])) instanceof RespError, 'RESP wants AUTH too');
    assert.equal(await client.call(['AUTH', PASSWORD]), 'OK');
    assert.equal(await client.call(['CONFIG', 'SET', 'requirepass', 'n3w']), 'OK');
    assert.equal((await http(n, 'GET', '/v1/cluster', { authorization: BASIC })).status, 401);
    assert.equal(
      (await http(n, 'GET', '/v1/cluster', { authorization: 'Bearer n3w' })).status,
      200,
    );
    assert.equal(await client.call(['CONFIG', 'SET', 'requirepass', PASSWORD]), 'OK');
    assert.equal((await http(n, 'GET', '/v1/cluster', { authorization: BASIC })).status, 200);
  });

  it('exports every _total metric as a counter', async () => {
    const n = nodes[0] ?? assert.fail('no node');
    const a = await http(n, 'GET', '/metrics', { authorization: BASIC });
    assert.equal(a.status, 200);
    const types = [...a.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
    assert.ok(
      types.some(([name]) => name === 'memlayer_peer_frames_sent_total'),
      a.text,
    );
    for (const [name, type] of types)
      assert.equal(type === 'counter', name?.endsWith('_total'), `${name} is a ${type}`);
  });

  it('the CLI sends the password, also to the leader a follower names', async () => {
    const n = nodes[0] ?? assert.fail('no node');
    const admin = `127.0.0.1:${n.spec.admin}`;
    const refused = await cli(['status', '--admin', admin]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /ERR_UNAUTHORIZED.*--password or MEMLAYER_PASSWORD/);
    const status = await cli(['status', '--admin', admin], { MEMLAYER_PASSWORD: PASSWORD });
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^node 1 \((leader|follower)\), leader \d at /);

    // Through a follower to the leader: make a third node lead, asking the other follower.
    const json = await cli(['status', '--json', '--admin', admin, '--password', PASSWORD]);
    const view = JSON.parse(json.stdout) as { leader: number };
    const [asked, target] = nodes.filter((x) => x.spec.id !== view.leader);
    assert.ok(asked !== undefined && target !== undefined, json.stdout);
    const transfer = [String(target.spec.id), '--admin', `127.0.0.1:${asked.spec.admin}`];
    let moved = await cli(['transfer', ...transfer, '--password', PASSWORD]);
    // A transfer that does not finish within an election timeout is aborted; under load, retry.
    for (let i = 0; i < 3 && /ERR_TRANSFER_FAILED/.test(moved.stderr); i++)
      moved = await cli(['transfer', ...transfer, '--password', PASSWORD]);
    assert.equal(moved.status, 0, moved.stderr);
    assert.deepEqual(JSON.parse(moved.stdout), { leader: target.spec.id });
  });

  it('a leader removing itself hands off to a new leader that also wants the password', async () => {
    const n = nodes[0] ?? assert.fail('no node');
    const view = JSON.parse(
      (await http(n, 'GET', '/v1/cluster', { authorization: BASIC })).text,
    ) as {
      leader: number;
    };
    const leader = nodes.find((x) => x.spec.id === view.leader) ?? assert.fail('no leader');
    const removed = await http(leader, 'DELETE', `/v1/cluster/members/${leader.spec.id}`, {
      authorization: BASIC,
    });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(JSON.parse(removed.text), { id: leader.spec.id, removed: true });
    const other = nodes.find((x) => x !== leader) ?? assert.fail('no other');
    await eventually(
      async () => !(await members(other)).includes(`${leader.spec.id}:`),
      'the old leader gone from the membership',
    );
  });
});
