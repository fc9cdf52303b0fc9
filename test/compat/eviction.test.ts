/**
 * maxmemory over real TCP: eviction by policy, -OOM when nothing can be evicted, OBJECT
 * FREQ / IDLETIME, the CONFIG errors, and (on a single fsync node) evictions that go through
 * the Raft log and so survive a restart exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startServerProcess, tempDataDir, type ServerProcess } from './server-process.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'v'.repeat(1000);
const MB = 1024 * 1024;
const TEST_TIMEOUT_MS = 120_000;

let server: ServerProcess;
let redis: Redis;

before(async () => {
  server = await startServerProcess(['--durability', 'memory']);
  redis = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
});

after(async () => {
  redis.disconnect();
  await server.stop();
});

async function infoField(client: Redis, section: string, field: string): Promise<number> {
  const text = String(await client.info(section));
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  assert.ok(match !== null, `INFO ${section} has ${field}`);
  return Number(match[1]);
}

/** Fresh state: no keys, no limit, the given policy; returns used_memory with accounting on. */
async function reset(client: Redis, policy: string): Promise<number> {
  await client.config('SET', 'maxmemory', '0');
  await client.flushall();
  await client.config('SET', 'maxmemory-policy', policy);
  // Any limit switches the accounting on, so used_memory is the figure eviction compares.
  await client.config('SET', 'maxmemory', '4gb');
  return infoField(client, 'memory', 'used_memory');
}

async function fill(
  client: Redis,
  prefix: string,
  from: number,
  to: number,
  value = VALUE,
): Promise<void> {
  const pipeline = client.pipeline();
  for (let i = from; i < to; i++) pipeline.set(`${prefix}:${i}`, value);
  const results = (await pipeline.exec()) ?? [];
  for (const [error, reply] of results) {
    assert.equal(error, null);
    assert.equal(reply, 'OK');
  }
}

async function existing(client: Redis, keys: readonly string[]): Promise<number> {
  return keys.length === 0 ? 0 : Number(await client.exists(...keys));
}

test(
  'the limit: CONFIG SET checks values with Redis errors, INFO reports the settings',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    await assert.rejects(
      redis.config('SET', 'maxmemory-policy', 'bogus'),
      (error: Error) =>
        error.message ===
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    );
    await assert.rejects(
      redis.config('SET', 'maxmemory-samples', '0'),
      /ERR CONFIG SET failed \(possibly related to argument 'maxmemory-samples'\) - argument must be between 1 and 2147483647 inclusive/,
    );
    await assert.rejects(
      redis.config('SET', 'maxmemory-eviction-tenacity', '101'),
      /argument must be between 0 and 100 inclusive/,
    );
    assert.deepEqual(await redis.config('GET', 'maxmemory-samples'), ['maxmemory-samples', '5']);
    assert.deepEqual(await redis.config('GET', 'lfu-log-factor'), ['lfu-log-factor', '10']);
    assert.deepEqual(await redis.config('GET', 'lfu-decay-time'), ['lfu-decay-time', '1']);
    await reset(redis, 'allkeys-lru');
    const memory = String(await redis.info('memory'));
    assert.match(memory, /^maxmemory:4294967296\r$/m);
    assert.match(memory, /^maxmemory_policy:allkeys-lru\r$/m);
    assert.match(memory, /^used_memory_dataset:\d+\r$/m);
    // denyoom as Redis: SET and friends carry it, GET and DEL do not.
    const [set, get, del] = (await redis.command('INFO', 'set', 'get', 'del')) as [
      string,
      number,
      string[],
    ][];
    assert.ok(set?.[2].includes('denyoom'));
    assert.ok(!get?.[2].includes('denyoom'));
    assert.ok(!del?.[2].includes('denyoom'));
  },
);

test(
  'allkeys-lru: filling past the limit evicts, and a hot set read often survives',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const base = await reset(redis, 'allkeys-lru');
    const limit = base + 3 * MB;
    await redis.config('SET', 'maxmemory', String(limit));
    const hot = Array.from({ length: 20 }, (_, i) => `hot:${i}`);
    for (const key of hot) await redis.set(key, VALUE);
    const batch = 200;
    for (let from = 0; from < 10_000; from += batch) {
      await fill(redis, 'cold', from, from + batch);
      await redis.mget(...hot);
      await sleep(2); // distinct millisecond stamps between batches
    }
    const evicted = await infoField(redis, 'stats', 'evicted_keys');
    const keys = await redis.dbsize();
    assert.ok(evicted > 5000, `evicted ${evicted}`);
    assert.ok(keys < 5000, `${keys} keys left`);
    assert.equal(evicted + keys, 10_020, 'every key written is either present or evicted');
    const used = await infoField(redis, 'memory', 'used_memory');
    assert.ok(used <= limit, `used_memory ${used} > maxmemory ${limit}`);
    const hotLeft = await existing(redis, hot);
    const cold = Array.from({ length: 10_000 }, (_, i) => `cold:${i}`);
    const coldRate = (await existing(redis, cold)) / cold.length;
    assert.ok(hotLeft >= 18, `only ${hotLeft} of 20 hot keys survived`);
    assert.ok(coldRate < 0.5, `cold survival ${coldRate}`);
  },
);

test(
  'volatile-ttl evicts keys with a TTL only; without any it answers -OOM',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const base = await reset(redis, 'volatile-ttl');
    const permanent = Array.from({ length: 300 }, (_, i) => `perm:${i}`);
    await fill(redis, 'perm', 0, 300);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2000; i++) pipeline.set(`ttl:${i}`, VALUE, 'EX', 1000 + i);
    await pipeline.exec();
    const used = await infoField(redis, 'memory', 'used_memory');
    assert.ok(used - base > 2 * MB);
    await redis.config('SET', 'maxmemory', String(used - MB));
    assert.equal(await redis.set('trigger', 'x'), 'OK');
    assert.equal(await existing(redis, permanent), 300, 'keys without a TTL stay');
    const ttlLeft = await existing(
      redis,
      Array.from({ length: 2000 }, (_, i) => `ttl:${i}`),
    );
    assert.ok(ttlLeft < 2000 && ttlLeft > 500, `${ttlLeft} keys with a TTL left`);
    // Sooner to expire, sooner evicted (approximately: sampled, as Redis).
    const range = (from: number): string[] =>
      Array.from({ length: 500 }, (_, i) => `ttl:${from + i}`);
    const earliest = await existing(redis, range(0));
    const latest = await existing(redis, range(1500));
    assert.ok(
      earliest < 400 && latest > 450,
      `earliest ${earliest}/500, latest ${latest}/500 left`,
    );

    // Only keys without a TTL left, still above the limit: nothing qualifies, so -OOM.
    for (let i = 0; i < 2000; i += 500)
      await redis.del(...Array.from({ length: 500 }, (_, j) => `ttl:${i + j}`));
    const now = await infoField(redis, 'memory', 'used_memory');
    await redis.config('SET', 'maxmemory', String(now - 50_000));
    await assert.rejects(redis.set('more', 'x'), (error: Error) => error.message === OOM);
    assert.equal(await existing(redis, permanent), 300);
    assert.equal(await redis.get('perm:0'), VALUE, 'reads still work');
  },
);

test(
  'noeviction: -OOM for denyoom commands, nothing changes, reads and DEL still work',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    await reset(redis, 'noeviction');
    await fill(redis, 'k', 0, 500);
    const used = await infoField(redis, 'memory', 'used_memory');
    await redis.config('SET', 'maxmemory', String(used - 10_000));
    const evictedBefore = await infoField(redis, 'stats', 'evicted_keys');
    await assert.rejects(redis.set('new', 'x'), (error: Error) => error.message === OOM);
    await assert.rejects(redis.incr('counter'), (error: Error) => error.message === OOM);
    await assert.rejects(redis.rpush('list', 'a'), (error: Error) => error.message === OOM);
    assert.equal(await redis.dbsize(), 500);
    assert.equal(await redis.exists('new', 'counter', 'list'), 0);
    assert.equal(await redis.get('k:1'), VALUE);
    assert.equal(await redis.del('k:3'), 1, 'DEL is not denyoom');
    assert.equal(await infoField(redis, 'stats', 'evicted_keys'), evictedBefore);
  },
);

test(
  'noeviction: the EXEC refusal is Redis EXECABORT with the OOM reason',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    await reset(redis, 'noeviction');
    await fill(redis, 'k', 0, 100);
    const used = await infoField(redis, 'memory', 'used_memory');
    await redis.config('SET', 'maxmemory', String(used - 10_000));
    const raw = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await raw.connect();
    try {
      assert.equal(await raw.call('MULTI'), 'OK');
      assert.equal(await raw.call('SET', 'x', 'y'), 'QUEUED');
      await assert.rejects(
        raw.call('EXEC'),
        (error: Error) => error.message === `EXECABORT Transaction discarded because of: ${OOM}`,
      );
      assert.equal(await raw.exists('x'), 0);
      // A transaction of reads only is not refused.
      assert.equal(await raw.call('MULTI'), 'OK');
      assert.equal(await raw.call('GET', 'k:1'), 'QUEUED');
      assert.deepEqual(await raw.call('EXEC'), [VALUE]);
    } finally {
      raw.disconnect();
    }
  },
);

test(
  'OBJECT FREQ counts accesses under allkeys-lfu; IDLETIME is then an error',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    await reset(redis, 'allkeys-lfu');
    await redis.config('SET', 'lfu-log-factor', '0'); // every access counts: exact figures
    try {
      await redis.set('f', 'v');
      const first = Number(await redis.object('FREQ', 'f'));
      for (let i = 0; i < 10; i++) await redis.get('f');
      assert.equal(Number(await redis.object('FREQ', 'f')), first + 10);
      await redis.exists('f'); // EXISTS, TYPE, TTL and OBJECT do not count as accesses
      await redis.type('f');
      assert.equal(Number(await redis.object('FREQ', 'f')), first + 10);
      await assert.rejects(
        redis.object('IDLETIME', 'f'),
        (error: Error) =>
          error.message ===
          'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
    } finally {
      await redis.config('SET', 'lfu-log-factor', '10');
    }
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    await redis.set('g', 'v');
    const start = Number(await redis.object('FREQ', 'g'));
    for (let i = 0; i < 200; i++) await redis.get('g');
    assert.ok(Number(await redis.object('FREQ', 'g')) > start, 'logarithmic, but it grows');
  },
);

test(
  'OBJECT IDLETIME grows with time and resets on access; FREQ errors without LFU',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    await reset(redis, 'allkeys-lru');
    await redis.set('idle', 'v');
    await redis.set('busy', 'v');
    await sleep(2100);
    await redis.get('busy');
    const idle = Number(await redis.object('IDLETIME', 'idle'));
    assert.ok(idle >= 2 && idle <= 10, `IDLETIME ${idle}`);
    assert.equal(Number(await redis.object('IDLETIME', 'busy')), 0);
    await assert.rejects(
      redis.object('FREQ', 'idle'),
      (error: Error) =>
        error.message ===
        'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    assert.equal(await redis.object('IDLETIME', 'missing'), null);
    // Tracking off (maxmemory 0, noeviction): IDLETIME answers 0, documented.
    await redis.config('SET', 'maxmemory', '0');
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    assert.equal(Number(await redis.object('IDLETIME', 'idle')), 0);
  },
);

test(
  'single fsync node: evictions are DELs in the Raft log, so a restart has the same keys',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const dataDir = tempDataDir();
    let node = await startServerProcess([], dataDir); // default durability: fsync
    let client = new Redis({ port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      const base = await reset(client, 'allkeys-lru');
      await client.config('SET', 'maxmemory', String(base + 2 * MB));
      // Large values: few keys, so few writes wait for an eviction DEL's fsync.
      const large = 'w'.repeat(20_000);
      for (let from = 0; from < 500; from += 50) await fill(client, 'r', from, from + 50, large);
      // Stop evicting (the cron keeps going while above the limit) and let a DEL in flight land.
      await client.config('SET', 'maxmemory', '0');
      await sleep(300);
      const evicted = await infoField(client, 'stats', 'evicted_keys');
      assert.ok(evicted > 300, `evicted ${evicted}`);
      const keys = (await client.keys('*')).sort();
      assert.equal(keys.length + evicted, 500);
      client.disconnect();
      assert.equal(await node.stop(), 0);

      node = await startServerProcess([], dataDir);
      client = new Redis({ port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      assert.deepEqual((await client.keys('*')).sort(), keys);
    } finally {
      client.disconnect();
      await node.stop();
    }
  },
);
