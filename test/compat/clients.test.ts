/**
 * Real client libraries against a real server process: ioredis (RESP3 by default, and
 * `protocol: 2`) and node-redis v6 (HELLO 3, no RESP2 fallback), including their handshakes
 * with a password.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServerProcess, type ServerProcess } from './server-process.js';

let server: ServerProcess;
let secured: ServerProcess;

before(async () => {
  server = await startServerProcess();
  secured = await startServerProcess(['--requirepass', 'pa ss']);
});

after(async () => {
  await server.stop();
  await secured.stop();
});

async function exerciseIoredis(redis: Redis, prefix: string): Promise<void> {
  assert.equal(await redis.ping(), 'PONG');
  assert.equal(await redis.set(`${prefix}:s`, 'v', 'EX', '100'), 'OK');
  assert.equal(await redis.get(`${prefix}:s`), 'v');
  assert.ok((await redis.ttl(`${prefix}:s`)) > 90);
  assert.equal(await redis.incrby(`${prefix}:n`, 5), 5);
  assert.deepEqual(await redis.mget(`${prefix}:s`, `${prefix}:missing`), ['v', null]);
  await redis.hset(`${prefix}:h`, { a: '1', b: '2' });
  assert.deepEqual(await redis.hgetall(`${prefix}:h`), { a: '1', b: '2' });
  await redis.rpush(`${prefix}:l`, 'x', 'y', 'z');
  assert.deepEqual(await redis.lrange(`${prefix}:l`, 0, -1), ['x', 'y', 'z']);
  await redis.sadd(`${prefix}:set`, 'm');
  assert.deepEqual(await redis.smembers(`${prefix}:set`), ['m']);
  await redis.zadd(`${prefix}:z`, '2', 'two', '1', 'one');
  assert.deepEqual(await redis.zrange(`${prefix}:z`, '0', '-1'), ['one', 'two']);
  const results = await redis.multi().set(`${prefix}:t`, '1').incr(`${prefix}:t`).exec();
  assert.deepEqual(results, [
    [null, 'OK'],
    [null, 2],
  ]);
  const piped = await redis.pipeline().set(`${prefix}:p`, 'a').get(`${prefix}:p`).exec();
  assert.deepEqual(piped, [
    [null, 'OK'],
    [null, 'a'],
  ]);
  await assert.rejects(redis.call('nosuch'), /ERR unknown command 'nosuch'/);
  assert.match(String(await redis.info('server')), /redis_version:7\.2\.4/);
  assert.equal(await redis.client('GETNAME'), 'compat');
  const binary = Buffer.from([0, 255, 13, 10, 128]);
  await redis.set(`${prefix}:bin`, binary);
  assert.deepEqual(await redis.getBuffer(`${prefix}:bin`), binary);
}

test('ioredis, RESP3 (default protocol), connection name, ready check via INFO', async () => {
  const redis = new Redis({
    port: server.port,
    host: '127.0.0.1',
    connectionName: 'compat',
    lazyConnect: true,
  });
  try {
    await redis.connect();
    await exerciseIoredis(redis, 'io3');
    assert.match(String(await redis.client('INFO')), /resp=3 lib-name=ioredis/);
  } finally {
    redis.disconnect();
  }
});

test('ioredis, protocol: 2', async () => {
  const redis = new Redis({
    port: server.port,
    host: '127.0.0.1',
    protocol: 2,
    connectionName: 'compat',
    lazyConnect: true,
  });
  try {
    await redis.connect();
    await exerciseIoredis(redis, 'io2');
    assert.match(String(await redis.client('INFO')), /resp=2/);
  } finally {
    redis.disconnect();
  }
});

test('ioredis with a password (HELLO 3 AUTH default ...) and a wrong one', async () => {
  const good = new Redis({ port: secured.port, password: 'pa ss', lazyConnect: true });
  try {
    await good.connect();
    assert.equal(await good.set('k', 'v'), 'OK');
  } finally {
    good.disconnect();
  }
  const bad = new Redis({
    port: secured.port,
    password: 'wrong',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  const errors: string[] = [];
  bad.on('error', (error: Error) => errors.push(error.message));
  try {
    await assert.rejects(bad.connect());
    assert.ok(
      errors.some((message) => message.includes('WRONGPASS invalid username-password pair')),
      errors.join('; '),
    );
  } finally {
    bad.disconnect();
  }
});

test('node-redis v6: HELLO 3 handshake, commands, MULTI, password', async () => {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1' }, name: 'nr' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await client.set('nr:k', 'v'), 'OK');
    assert.equal(await client.get('nr:k'), 'v');
    await client.hSet('nr:h', { f: '1' });
    assert.deepEqual({ ...(await client.hGetAll('nr:h')) }, { f: '1' });
    assert.deepEqual(await client.multi().incr('nr:c').incr('nr:c').exec(), [1, 2]);
    assert.equal(await client.clientGetName(), 'nr');
    assert.match(
      String(await client.sendCommand(['CLIENT', 'INFO'])),
      /resp=3 lib-name=node-redis/,
    );
  } finally {
    client.destroy();
  }
  const secure = createClient({ socket: { port: secured.port }, password: 'pa ss' });
  secure.on('error', () => undefined);
  await secure.connect();
  try {
    assert.equal(await secure.set('nr:s', '1'), 'OK');
  } finally {
    secure.destroy();
  }
});
