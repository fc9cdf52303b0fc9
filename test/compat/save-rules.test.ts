/**
 * Automatic save rules (`save`) against real server processes: CONFIG GET/SET save, the
 * defaults per durability mode, the `--save` flag and config-file key, and a short rule that
 * must write `dump.mlsnap` (LASTSAVE advances, the change counter returns to 0, a restart loads
 * the data). Every wait is bounded.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startServerProcess, tempDataDir, type ServerProcess } from './server-process.js';
import { SNAPSHOT_FILE } from '../../src/commands/server/snapshot-file.js';

const servers: ServerProcess[] = [];
const clients: Redis[] = [];

after(async () => {
  for (const redis of clients) redis.disconnect();
  await Promise.all(servers.map((server) => server.stop()));
});

async function start(args: string[], dataDir?: string): Promise<Redis> {
  const server = await startServerProcess(args, dataDir);
  servers.push(server);
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  clients.push(redis);
  return redis;
}

async function persistence(redis: Redis, field: string): Promise<number> {
  const info = await redis.info('persistence');
  const value = new RegExp(`${field}:(\\d+)`).exec(info)?.[1];
  assert.ok(value !== undefined, `INFO persistence has ${field}`);
  return Number(value);
}

/** Polls `check` every 100 ms for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('defaults: Redis rules in memory mode with a data directory, none under fsync', async () => {
  const memory = await start(['--durability', 'memory']);
  const fsync = await start(['--durability', 'fsync']);
  const noDir = await start(['--durability', 'memory', '--data-dir', '']);
  assert.deepEqual(await memory.config('GET', 'save'), ['save', '3600 1 300 100 60 10000']);
  assert.deepEqual(await fsync.config('GET', 'save'), ['save', '']);
  assert.deepEqual(await noDir.config('GET', 'save'), ['save', '']);
});

test('CONFIG SET save validates as Redis and CONFIG GET prints it back', async () => {
  const redis = await start(['--durability', 'memory', '--save', '']);
  for (const bad of ['1 2 3', '0 1', '10 -1', 'a b']) {
    await assert.rejects(
      redis.config('SET', 'save', bad),
      (error: Error) =>
        error.message ===
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
    );
  }
  assert.equal(await redis.config('SET', 'save', '900 1  300 10'), 'OK');
  assert.deepEqual(await redis.config('GET', 'save'), ['save', '900 1 300 10']);
  assert.equal(await redis.config('SET', 'save', ''), 'OK');
  assert.deepEqual(await redis.config('GET', 'save'), ['save', '']);
});

test('a short rule saves in the background; the change counter and LASTSAVE follow', async () => {
  const dataDir = tempDataDir();
  const redis = await start(['--durability', 'memory', '--save', '1 2'], dataDir);
  const file = join(dataDir, SNAPSHOT_FILE);
  const startedSave = await redis.lastsave();
  assert.equal(await persistence(redis, 'rdb_changes_since_last_save'), 0);
  await redis.set('rule:a', '1');
  await redis.get('rule:a');
  await redis.set('rule:missing-arity-is-not-a-change', 'x', 'EX', '0').catch(() => undefined);
  assert.equal(await persistence(redis, 'rdb_changes_since_last_save'), 1, 'reads do not count');
  // One change is below the rule's two: no save, however long it waits.
  await new Promise((resolve) => setTimeout(resolve, 2200));
  assert.equal(existsSync(file), false);
  assert.equal(await redis.lastsave(), startedSave);
  const results = await redis.multi().incr('rule:b').get('rule:a').exec();
  assert.deepEqual(results, [
    [null, 1],
    [null, '1'],
  ]);
  await eventually(async () => (await redis.lastsave()) > startedSave, 5000);
  assert.equal(existsSync(file), true);
  assert.equal(await persistence(redis, 'rdb_changes_since_last_save'), 0);
  assert.ok((await persistence(redis, 'rdb_saves')) >= 1);
  // The snapshot holds the data: a new server on the same directory loads it.
  await redis.set('rule:c', 'after-save'); // may or may not be saved: not checked
  const reloaded = await start(['--durability', 'memory', '--save', ''], dataDir);
  assert.equal(await reloaded.get('rule:a'), '1');
  assert.equal(await reloaded.get('rule:b'), '1');
});

test('save "" turns the rules off at run time', async () => {
  const dataDir = tempDataDir();
  const redis = await start(['--durability', 'memory', '--save', '1 1'], dataDir);
  assert.equal(await redis.config('SET', 'save', ''), 'OK');
  const before = await redis.lastsave();
  await redis.set('off:a', '1');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(await redis.lastsave(), before);
  assert.equal(existsSync(join(dataDir, SNAPSHOT_FILE)), false);
  assert.equal(await persistence(redis, 'rdb_changes_since_last_save'), 1);
  // CONFIG SET back on: the pending change is saved.
  assert.equal(await redis.config('SET', 'save', '1 1'), 'OK');
  await eventually(async () => existsSync(join(dataDir, SNAPSHOT_FILE)), 5000);
});

test('config file `save` key; under fsync a rule writes dump.mlsnap as an export', async () => {
  const dataDir = tempDataDir();
  const configFile = join(tempDataDir(), 'memlayer.json');
  writeFileSync(configFile, JSON.stringify({ durability: 'fsync', save: '1 1' }));
  const redis = await start(['--config', configFile], dataDir);
  assert.deepEqual(await redis.config('GET', 'save'), ['save', '1 1']);
  await redis.set('fsync:a', '1');
  // Counted once the save is durable: the file is visible a moment earlier, between its rename
  // and the directory's fsync.
  await eventually(async () => (await persistence(redis, 'rdb_saves')) >= 1, 6000);
  assert.equal(existsSync(join(dataDir, SNAPSHOT_FILE)), true);
  assert.equal(await persistence(redis, 'rdb_changes_since_last_save'), 0);
});
