import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildCommandTable } from '../commands/registry.js';
import { StateMachine } from '../commands/state-machine.js';
import { LocalExecutor } from '../commands/local-executor.js';
import { nodeId } from '../shared/brand.js';
import { SeededRng } from '../shared/effects.js';
import { ReplicationHost } from '../replication/host.js';
import { OK } from '../commands/reply.js';
import { buildAdminServer } from './server.js';

const clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };

/** A one-node Raft group and its admin API; `peerListen` undefined is `--peer-port none`. */
function oneNodeGroup(peerListen: { host: string; port: number } | undefined): {
  host: () => ReplicationHost;
  app: () => FastifyInstance;
} {
  let dir = '';
  let host: ReplicationHost | undefined;
  let app: FastifyInstance | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memlayer-admin-'));
    host = await ReplicationHost.start({
      id: nodeId(1),
      dataDir: dir,
      cluster: 'c',
      members: new Map(),
      join: false,
      peerListen,
      respAddress: '127.0.0.1:6379',
      adminAddress: '127.0.0.1:7380',
      applier: new StateMachine(buildCommandTable()),
      redirect: 'forward',
      clock,
      rng: new SeededRng(1),
      logger: () => undefined,
      tickMs: 20,
    });
    app = await buildAdminServer({ host, executor: host.executor(), transferWaitMs: 300 });
    for (let i = 0; i < 200 && host.data.role !== 'leader'; i++)
      await new Promise((r) => setTimeout(r, 10));
    await host.executor().executeOne(['SET', 'a', 'b'], true);
  });
  after(async () => {
    await app?.close();
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    host: () => host ?? assert.fail('not started'),
    app: () => app ?? assert.fail('not started'),
  };
}

describe('admin REST API on a one-node Raft group', () => {
  const group = oneNodeGroup({ host: '127.0.0.1', port: 0 });
  let host: ReplicationHost;
  let app: FastifyInstance;
  before(() => {
    host = group.host();
    app = group.app();
  });

  const members = async (): Promise<unknown> =>
    (await app.inject({ url: '/v1/cluster' })).json().members;

  it('answers the probes and the metrics', async () => {
    assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    const m = await app.inject({ url: '/metrics' });
    assert.equal(m.statusCode, 200);
    assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(m.body, /^memlayer_raft_is_leader 1$/m);
    assert.match(m.body, /^# TYPE memlayer_raft_fsync_duration_seconds histogram$/m);
    assert.match(m.body, /^memlayer_commands_total\{command="set"\} 1$/m);
    assert.match(m.body, /^memlayer_raft_proposal_duration_seconds_count [1-9]/m);
  });

  it('describes the cluster', async () => {
    const body = (await app.inject({ url: '/v1/cluster' })).json();
    assert.equal(body.role, 'leader');
    assert.equal(body.leader, 1);
    assert.equal(body.leaderRespAddress, '127.0.0.1:6379');
    assert.ok(body.applied >= 2 && body.commit === body.applied);
    assert.deepEqual(
      body.members.map((m: { id: number; role: string; self: boolean }) => [m.id, m.role, m.self]),
      [[1, 'voter', true]],
    );
  });

  it('rejects bad input with catalogued errors and changes nothing', async () => {
    const before = await members();
    const cases: [InjectOptions, number, string][] = [
      [
        { method: 'POST', url: '/v1/cluster/members', payload: { id: '2', peerAddress: 'h:1' } },
        400,
        'ERR_BAD_REQUEST',
      ],
      [
        {
          method: 'POST',
          url: '/v1/cluster/members',
          payload: { id: 2, peerAddress: 'h:1', x: 1 },
        },
        400,
        'ERR_BAD_REQUEST',
      ],
      [
        { method: 'POST', url: '/v1/cluster/members', payload: { id: 0, peerAddress: 'h:1' } },
        400,
        'ERR_BAD_REQUEST',
      ],
      [
        { method: 'POST', url: '/v1/cluster/members', payload: { id: 2, peerAddress: 'no port' } },
        400,
        'ERR_BAD_REQUEST',
      ],
      [
        {
          method: 'POST',
          url: '/v1/cluster/members',
          payload: '{"id":',
          headers: { 'content-type': 'application/json' },
        },
        400,
        'ERR_BAD_REQUEST',
      ],
      [
        {
          method: 'POST',
          url: '/v1/cluster/members',
          payload: 'id=2',
          headers: { 'content-type': 'text/plain' },
        },
        415,
        'ERR_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        {
          method: 'POST',
          url: '/v1/cluster/members',
          payload: { id: 2, peerAddress: 'h:1', pad: 'x'.repeat(70_000) },
        },
        413,
        'ERR_PAYLOAD_TOO_LARGE',
      ],
      [
        { method: 'POST', url: '/v1/cluster/members', payload: { id: 1, peerAddress: 'h:1' } },
        409,
        'ERR_MEMBER_EXISTS',
      ],
      [{ method: 'DELETE', url: '/v1/cluster/members/1' }, 409, 'ERR_LAST_VOTER'],
      [{ method: 'DELETE', url: '/v1/cluster/members/9' }, 404, 'ERR_NOT_A_MEMBER'],
      [{ method: 'DELETE', url: '/v1/cluster/members/abc' }, 400, 'ERR_BAD_REQUEST'],
      // Ids above 2^32-1: the same 400 on the path as in the bodies.
      [{ method: 'DELETE', url: '/v1/cluster/members/4294967296' }, 400, 'ERR_BAD_REQUEST'],
      [{ method: 'DELETE', url: '/v1/cluster/members/9999999999' }, 400, 'ERR_BAD_REQUEST'],
      [
        { method: 'POST', url: '/v1/cluster/leader', payload: { id: 4294967296 } },
        400,
        'ERR_BAD_REQUEST',
      ],
      [{ method: 'POST', url: '/v1/cluster/leader', payload: { id: 7 } }, 404, 'ERR_NOT_A_MEMBER'],
      [{ method: 'GET', url: '/v2/nothing' }, 404, 'ERR_NOT_FOUND'],
    ];
    for (const [req, status, code] of cases) {
      const res = await app.inject(req);
      assert.equal(res.statusCode, status, `${JSON.stringify(req).slice(0, 120)} -> ${res.body}`);
      assert.equal(res.json().error.code, code);
      assert.equal(typeof res.json().error.message, 'string');
    }
    assert.deepEqual(await members(), before);
  });

  it('adds a learner and removes it', async () => {
    const add = await app.inject({
      method: 'POST',
      url: '/v1/cluster/members',
      payload: { id: 2, peerAddress: '127.0.0.1:1' },
    });
    assert.equal(add.statusCode, 201, add.body);
    assert.deepEqual(add.json(), { id: 2, peerAddress: '127.0.0.1:1', role: 'learner' });
    const listed = (await members()) as { id: number; role: string; peerAddress: string }[];
    assert.deepEqual(
      listed.map((m) => [m.id, m.role, m.peerAddress]),
      [
        [1, 'voter', host.peerAddress],
        [2, 'learner', '127.0.0.1:1'],
      ],
    );
    // The log was compacted first, so that the new node starts from a snapshot.
    assert.ok(host.data.firstIndex() > 1);
    const del = await app.inject({ method: 'DELETE', url: '/v1/cluster/members/2' });
    assert.equal(del.statusCode, 200, del.body);
    assert.deepEqual(
      ((await members()) as { id: number }[]).map((m) => m.id),
      [1],
    );
  });

  it('refuses a member it could not reach, or that would dial another member, changing nothing', async () => {
    const before = await members();
    for (const peerAddress of ['127.0.0.1:99999', '127.0.0.1:0', host.peerAddress]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/cluster/members',
        payload: { id: 3, peerAddress },
      });
      assert.equal(res.statusCode, 400, `${peerAddress}: ${res.body}`);
      assert.match(res.json().error.message, /port must be 1-65535|is already member 1's/);
    }
    assert.deepEqual(await members(), before);
  });

  it('never promotes a learner that has not answered: no voter the quorum would wait for', async () => {
    const add = await app.inject({
      method: 'POST',
      url: '/v1/cluster/members',
      payload: { id: 4, peerAddress: '127.0.0.1:1' },
    });
    assert.equal(add.statusCode, 201, add.body);
    // The log is far shorter than the promotion window; wait several election timeouts.
    await new Promise((r) => setTimeout(r, 20 * 10 * 3));
    const listed = (await members()) as { id: number; role: string }[];
    assert.deepEqual(
      listed.map((m) => [m.id, m.role]),
      [
        [1, 'voter'],
        [4, 'learner'],
      ],
    );
    // Writes still commit on node 1 alone, and the learner can go again.
    assert.deepEqual(await host.executor().executeOne(['SET', 'still', 'up'], true), OK);
    const del = await app.inject({ method: 'DELETE', url: '/v1/cluster/members/4' });
    assert.equal(del.statusCode, 200, del.body);
  });

  it('refuses to hand leadership to a learner: 409 ERR_LEARNER, not "not a member"', async () => {
    // Past 32 entries a learner that never answered stays a learner (it is not caught up).
    for (let i = 0; i < 40; i++) await host.executor().executeOne(['SET', `k${i}`, 'v'], true);
    const add = await app.inject({
      method: 'POST',
      url: '/v1/cluster/members',
      payload: { id: 3, peerAddress: '127.0.0.1:1' },
    });
    assert.equal(add.statusCode, 201, add.body);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/cluster/leader',
      payload: { id: 3 },
    });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'ERR_LEARNER');
    assert.match(res.json().error.message, /node 3 is a learner/);
    assert.equal(host.data.leader, 1, 'leadership stayed');
    const del = await app.inject({ method: 'DELETE', url: '/v1/cluster/members/3' });
    assert.equal(del.statusCode, 200, del.body);
  });

  it('with requirepass, every route but the probes needs the password', async (t) => {
    let password = 's3cret';
    const locked = await buildAdminServer({
      host,
      executor: host.executor(),
      password: () => password,
    });
    t.after(() => locked.close());
    const basic = (user: string, pass: string): string =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const before = await members();
    const tensorPut: InjectOptions = {
      method: 'PUT',
      url: '/v1/tensors/secret',
      headers: {
        'content-type': 'application/octet-stream',
        'x-tensor-dtype': 'int8',
        'x-tensor-shape': '1',
      },
      payload: Buffer.from([1]),
    };
    const guarded: InjectOptions[] = [
      { url: '/metrics' },
      { url: '/v1/cluster' },
      { method: 'POST', url: '/v1/cluster/members', payload: { id: 5, peerAddress: 'h:1' } },
      { method: 'DELETE', url: '/v1/cluster/members/1' },
      { method: 'POST', url: '/v1/cluster/leader', payload: { id: 1 } },
      { url: '/v1/tensors/a' },
      tensorPut,
      { url: '/v2/nothing' },
      { url: '/healthz/x' },
    ];
    const wrong = [
      undefined,
      'Bearer s3cre',
      'bearer',
      basic('default', 'wrong'),
      basic('admin', 's3cret'),
      basic('', 's3cret'),
      'Basic not*base64',
      'Basic ' + Buffer.from('default').toString('base64'),
      'Digest s3cret',
    ];
    for (const req of guarded)
      for (const authorization of wrong) {
        const headers = {
          ...(req.headers ?? {}),
          ...(authorization === undefined ? {} : { authorization }),
        };
        const res = await locked.inject({ ...req, headers });
        const what = `${req.method ?? 'GET'} ${req.url as string} with ${authorization ?? 'nothing'}`;
        assert.equal(res.statusCode, 401, `${what} -> ${res.body}`);
        assert.equal(res.json().error.code, 'ERR_UNAUTHORIZED', what);
        assert.match(String(res.headers['www-authenticate']), /Basic realm="memlayer"/, what);
        assert.match(String(res.headers['www-authenticate']), /Bearer realm="memlayer"/, what);
      }
    assert.deepEqual(await members(), before, 'nothing changed');
    assert.equal(host.data.leader, 1);
    assert.equal(host.executor().readLocal(['GET', 'secret']), null, 'no tensor stored');

    for (const url of ['/healthz', '/readyz', '/healthz?x=1']) {
      assert.equal((await locked.inject({ url })).statusCode, 200, url);
      assert.equal((await locked.inject({ method: 'HEAD', url })).statusCode, 200, url);
    }
    for (const authorization of ['Bearer s3cret', basic('default', 's3cret')]) {
      const res = await locked.inject({ url: '/v1/cluster', headers: { authorization } });
      assert.equal(res.statusCode, 200, `${authorization} -> ${res.body}`);
      const metrics = await locked.inject({ url: '/metrics', headers: { authorization } });
      assert.equal(metrics.statusCode, 200);
    }
    const put = await locked.inject({
      ...tensorPut,
      headers: { ...tensorPut.headers, authorization: 'Bearer s3cret' },
    });
    assert.equal(put.statusCode, 200, put.body);
    // Any bytes, with a colon: Basic carries UTF-8; the password is split at the first colon.
    password = 'pä:ss wörd';
    const unicode = await locked.inject({
      url: '/v1/cluster',
      headers: { authorization: basic('default', 'pä:ss wörd') },
    });
    assert.equal(unicode.statusCode, 200, unicode.body);
    assert.equal(
      (await locked.inject({ url: '/v1/cluster', headers: { authorization: 'Bearer s3cret' } }))
        .statusCode,
      401,
      'CONFIG SET requirepass applies at once',
    );
    password = '';
    assert.equal((await locked.inject({ url: '/v1/cluster' })).statusCode, 200, 'no password');
  });

  it('serves one real HTTP request on a socket', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/v1/cluster`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { role: string }).role, 'leader');
  });
});

describe('admin REST API on a node without a peer port (--peer-port none)', () => {
  const group = oneNodeGroup(undefined);

  it('refuses to add a member, which it could never replicate to, changing nothing', async () => {
    const app = group.app();
    const before = (await app.inject({ url: '/v1/cluster' })).json().members;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/cluster/members',
      payload: { id: 2, peerAddress: '127.0.0.1:7381' },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, /no peer port/);
    assert.deepEqual((await app.inject({ url: '/v1/cluster' })).json().members, before);
    assert.deepEqual(await group.host().executor().executeOne(['SET', 'k', 'v'], true), OK);
  });
});

describe('admin REST API without Raft', () => {
  it('is ready and says cluster routes need Raft', async () => {
    const clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };
    const executor = new LocalExecutor(new StateMachine(buildCommandTable()), clock);
    const app = await buildAdminServer({ host: undefined, executor });
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    const res = await app.inject({ url: '/v1/cluster' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'ERR_NOT_REPLICATED');
    await app.close();
  });
});
