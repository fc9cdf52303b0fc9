import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { startServerProcess } from '../../test/compat/server-process.js';
import { buildCommandTable } from '../commands/registry.js';
import { LocalExecutor } from '../commands/local-executor.js';
import { StateMachine } from '../commands/state-machine.js';
import { LevelLogStore } from '../replication/log-store.js';
import type { Entry } from '../raft/types.js';
import { groupId, logIndex, term } from '../shared/brand.js';
import { buildAdminServer } from './server.js';
import { SkewableClock, testHookRoutes, testHooksEnabled } from './test-hooks.js';

/** The real admin server (its validation settings: no type coercion) with the hook routes. */
function adminWith(routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };
  const executor = new LocalExecutor(new StateMachine(buildCommandTable()), clock);
  return buildAdminServer({ host: undefined, executor, plugins: [routes] });
}

const base = { nowMs: () => 1_000_000, monotonicMs: () => 42 };

describe('test hooks (fastify inject)', () => {
  it('PUT /v1/debug/clock moves the wall clock only; bad offsets change nothing', async () => {
    const clock = new SkewableClock(base);
    const app = await adminWith(testHookRoutes({ clock, armCrashBeforeSync: () => {} }));
    const ok = await app.inject({
      method: 'PUT',
      url: '/v1/debug/clock',
      payload: { offsetMs: -5000 },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { offsetMs: -5000, nowMs: 995_000 });
    assert.equal(clock.nowMs(), 995_000);
    assert.equal(clock.monotonicMs(), 42);
    for (const payload of [{ offsetMs: 1.5 }, { offsetMs: 86_400_001 }, { offsetMs: '7' }, {}]) {
      const bad = await app.inject({ method: 'PUT', url: '/v1/debug/clock', payload });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal(clock.offsetMs, -5000);
    await app.close();
  });

  it('is off unless MEMLAYER_TEST_HOOKS=1', () => {
    assert.equal(testHooksEnabled({}), false);
    assert.equal(testHooksEnabled({ MEMLAYER_TEST_HOOKS: 'yes' }), false);
    assert.equal(testHooksEnabled({ MEMLAYER_TEST_HOOKS: '1' }), true);
  });

  it('crash-before-sync runs the crash once, before the next synced write reaches the disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'memlayer-hooks-'));
    after(() => rm(dir, { recursive: true, force: true }));
    let store = await LevelLogStore.open(join(dir, 'raft'));
    const g = groupId(1);
    const entry = (i: number): Entry => ({
      index: logIndex(i),
      term: term(1),
      type: 'normal',
      data: Buffer.from(`e${i}`),
    });
    const persist = (i: number): Promise<void> =>
      store.persist({
        group: g,
        hardState: undefined,
        entries: [entry(i)],
        snapshot: undefined,
        sync: true,
      });
    const indexes = async (): Promise<number[]> =>
      (await store.load(g)).entries.map((e) => Number(e.index));
    let crashes = 0;
    const app = await adminWith(
      testHookRoutes(
        {
          clock: new SkewableClock(base),
          armCrashBeforeSync: (c) => (store.beforeSyncedWrite = c),
        },
        () => {
          crashes++;
          // What a power loss does to the batch being written: it never reaches the disk.
          throw new Error('crashed');
        },
      ),
    );
    await persist(1);
    const armed = await app.inject({ method: 'POST', url: '/v1/debug/crash-before-sync' });
    assert.deepEqual(armed.json(), { armed: true });
    await assert.rejects(persist(2), /crashed/);
    await store.close();
    store = await LevelLogStore.open(join(dir, 'raft'));
    assert.deepEqual(await indexes(), [1], 'the write the crash interrupted is not on disk');
    // Armed once, it fires once: the next write goes through.
    await app.inject({ method: 'POST', url: '/v1/debug/crash-before-sync' });
    await assert.rejects(persist(2), /crashed/);
    await persist(2);
    assert.equal(crashes, 2);
    assert.deepEqual(await indexes(), [1, 2]);
    await store.close();
    await app.close();
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

describe('test hooks on a real server process', () => {
  it('skews TIME and crashes before the next fsync, losing only the unacknowledged write', async () => {
    const adminPort = await freePort();
    const env = { MEMLAYER_TEST_HOOKS: '1' };
    const server = await startServerProcess(['--admin-port', String(adminPort)], undefined, env);
    const admin = `http://127.0.0.1:${adminPort}`;
    const redis = new Redis({
      port: server.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    redis.on('error', () => undefined);
    await redis.connect();
    assert.equal(await redis.set('durable', '1'), 'OK');
    const [before] = await redis.time();
    const skew = await fetch(`${admin}/v1/debug/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offsetMs: 3_600_000 }),
    });
    assert.equal(skew.status, 200);
    const [after1] = await redis.time();
    const moved = Number(after1) - Number(before);
    assert.ok(moved >= 3599 && moved <= 3700, `TIME moved ${moved} s`);

    const arm = await fetch(`${admin}/v1/debug/crash-before-sync`, { method: 'POST' });
    assert.equal(arm.status, 200);
    await assert.rejects(redis.set('lost', '1'));
    assert.equal(await server.exited(), null, 'killed by a signal, not an exit');
    assert.equal(server.child.signalCode, 'SIGKILL');
    redis.disconnect();

    const again = await startServerProcess([], server.dataDir);
    const check = new Redis({ port: again.port, host: '127.0.0.1' });
    assert.equal(await check.get('durable'), '1');
    assert.equal(await check.get('lost'), null);
    check.disconnect();
    await again.stop();
  });

  it('answers 404 on the hook routes when hooks are off', async () => {
    const adminPort = await freePort();
    const server = await startServerProcess(['--admin-port', String(adminPort)]);
    const r = await fetch(`http://127.0.0.1:${adminPort}/v1/debug/crash-before-sync`, {
      method: 'POST',
    });
    assert.equal(r.status, 404);
    await server.stop();
  });
});
