/**
 * CLIENT REPLY ON|OFF|SKIP and CLIENT PAUSE / UNPAUSE against real server processes over TCP:
 * exact reply bytes with a raw RESP connection (pipelined, RESP2 and RESP3), and ioredis for
 * the paused clients. REPLY runs against an in-memory node (replies written at once) and a
 * Raft node (replies that settle later), since the two take different paths in the server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RawClient, startServerProcess, type ServerProcess } from './server-process.js';

let memory: ServerProcess;
let raft: ServerProcess;

before(async () => {
  [memory, raft] = await Promise.all([
    startServerProcess(['--durability', 'memory', '--save', '']),
    startServerProcess(['--durability', 'fsync']),
  ]);
});

after(async () => {
  await Promise.all([memory.stop(), raft.stop()]);
});

const resp = (...args: string[]): string =>
  `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');

/**
 * Sends `commands` in one write followed by a PING, and returns every byte that came before
 * the PONG: the PONG proves nothing else is still on its way.
 */
async function pipeline(client: RawClient, commands: string[][]): Promise<string> {
  client.send(commands.map((args) => resp(...args)).join('') + resp('PING'));
  let received = '';
  for (;;) {
    const line = await client.readLine();
    assert.notEqual(line, '', 'the server stopped answering');
    received += line;
    if (received.endsWith('+PONG\r\n')) return received.slice(0, -'+PONG\r\n'.length);
  }
}

async function withRaw(server: ServerProcess, run: (client: RawClient) => Promise<void>) {
  const client = await RawClient.connect(server.port);
  try {
    await run(client);
  } finally {
    client.close();
  }
}

for (const [mode, server] of [
  ['memory', () => memory],
  ['fsync', () => raft],
] as const) {
  test(`CLIENT REPLY SKIP drops exactly the next reply, pipelined (${mode})`, async () => {
    await withRaw(server(), async (client) => {
      assert.equal(
        await pipeline(client, [
          ['CLIENT', 'REPLY', 'SKIP'],
          ['SET', 'skip:k', '1'],
          ['GET', 'skip:k'],
        ]),
        '$1\r\n1\r\n',
      );
      // A skipped SKIP still skips the command after it (Redis).
      assert.equal(
        await pipeline(client, [
          ['CLIENT', 'REPLY', 'SKIP'],
          ['CLIENT', 'REPLY', 'SKIP'],
          ['INCR', 'skip:k'],
          ['GET', 'skip:k'],
        ]),
        '$1\r\n2\r\n',
      );
      // ON right after SKIP is answered: ON clears the skip before it replies.
      assert.equal(
        await pipeline(client, [
          ['CLIENT', 'REPLY', 'SKIP'],
          ['CLIENT', 'REPLY', 'ON'],
          ['GET', 'skip:k'],
        ]),
        '+OK\r\n$1\r\n2\r\n',
      );
    });
  });

  test(`CLIENT REPLY OFF drops every reply, errors too, until ON (${mode})`, async () => {
    await withRaw(server(), async (client) => {
      assert.equal(
        await pipeline(client, [
          ['CLIENT', 'REPLY', 'OFF'],
          ['SET', 'off:k', 'v'],
          ['GET', 'off:k'],
          ['NOSUCH'],
          ['CLIENT', 'REPLY', 'BOGUS'],
          ['CLIENT', 'REPLY', 'SKIP'],
          ['GET', 'off:k'],
          ['CLIENT', 'REPLY', 'ON'],
          ['GET', 'off:k'],
        ]),
        '+OK\r\n$1\r\nv\r\n',
      );
      assert.equal(await pipeline(client, [['CLIENT', 'REPLY', 'BOGUS']]), '-ERR syntax error\r\n');
      // The writes made under OFF did happen.
      assert.equal(await pipeline(client, [['GET', 'off:k']]), '$1\r\nv\r\n');
    });
  });

  test(`CLIENT REPLY in RESP3 and across RESET (${mode})`, async () => {
    await withRaw(server(), async (client) => {
      const hello = await pipeline(client, [['HELLO', '3']]);
      assert.match(hello, /^%7\r\n/);
      assert.equal(
        await pipeline(client, [
          ['HSET', 'r3:h', 'f', 'v'],
          ['CLIENT', 'REPLY', 'OFF'],
          ['HGETALL', 'r3:h'],
          ['CLIENT', 'REPLY', 'ON'],
          ['HGETALL', 'r3:h'],
        ]).then((text) => text.slice(':1\r\n'.length)),
        '+OK\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n',
      );
      // RESET turns replies back on and answers.
      assert.equal(
        await pipeline(client, [['CLIENT', 'REPLY', 'OFF'], ['GET', 'r3:h'], ['RESET']]),
        '+RESET\r\n',
      );
    });
  });
}

test('writes sent under CLIENT REPLY OFF are seen by another client (ioredis)', async () => {
  const redis = new Redis({ port: memory.port, host: '127.0.0.1', lazyConnect: true });
  const raw = await RawClient.connect(memory.port);
  try {
    await redis.connect();
    // ioredis waits for a reply per command, so OFF goes over the raw connection.
    assert.equal(
      await pipeline(raw, [
        ['CLIENT', 'REPLY', 'OFF'],
        ['SET', 'io:off', '1'],
        ['INCR', 'io:off'],
        ['CLIENT', 'REPLY', 'ON'],
      ]),
      '+OK\r\n',
    );
    assert.equal(await redis.get('io:off'), '2');
  } finally {
    raw.close();
    redis.disconnect();
  }
});

function client(server: ServerProcess = memory): Redis {
  return new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
}

async function blockedClients(redis: Redis): Promise<number> {
  const info = await redis.info('clients');
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Polls until `count` commands are postponed (bounded). */
async function waitBlocked(redis: Redis, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await blockedClients(redis)) !== count) {
    if (Date.now() > deadline) assert.fail(`expected ${count} postponed commands`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves to 'pending' if `promise` has not settled within `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((done) => (timer = setTimeout(() => done('pending'), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('CLIENT PAUSE errors are Redis', async () => {
  await withRaw(memory, async (raw) => {
    assert.equal(
      await pipeline(raw, [
        ['CLIENT', 'PAUSE', 'abc'],
        ['CLIENT', 'PAUSE', '-1'],
        ['CLIENT', 'PAUSE', '10', 'foo'],
        ['CLIENT', 'PAUSE', 'x', 'foo'],
        ['CLIENT', 'PAUSE', '10', 'write', 'extra'],
        ['CLIENT', 'PAUSE'],
        ['CLIENT', 'UNPAUSE', 'x'],
      ]),
      '-ERR timeout is not an integer or out of range\r\n' +
        '-ERR timeout is negative\r\n' +
        '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n' +
        '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n' +
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n" +
        "-ERR wrong number of arguments for 'client|pause' command\r\n" +
        "-ERR wrong number of arguments for 'client|unpause' command\r\n",
    );
  });
});

test('CLIENT PAUSE WRITE: reads run, writes wait in order until UNPAUSE', async () => {
  const admin = client();
  const writer = client();
  const reader = client();
  try {
    await admin.set('pw:k', 'old');
    assert.equal(await admin.client('PAUSE', '10000', 'WRITE'), 'OK');
    // One connection's pipeline: the read before the write answers, the write and the read
    // after it wait (per-connection order), and an error is answered at once.
    const before = writer.get('pw:k');
    const write = writer.set('pw:k', 'new');
    const after = writer.get('pw:k');
    assert.equal(await before, 'old');
    await waitBlocked(admin, 1);
    assert.equal(await settledWithin(write, 200), 'pending');
    assert.equal(await settledWithin(after, 10), 'pending');
    await assert.rejects(reader.call('SET', 'pw:k'), /wrong number of arguments for 'set'/);
    assert.equal(await reader.get('pw:k'), 'old', 'other clients still read');
    assert.equal(await reader.call('CLIENT', 'PAUSE', '10', 'WRITE'), 'OK', 'not a write');
    // A transaction queues reads but not writes; EXEC of a writing transaction waits.
    assert.equal(await reader.multi({ pipeline: false }), 'OK');
    assert.equal(await reader.get('pw:k'), 'QUEUED');
    const queuedWrite = reader.incr('pw:n');
    const exec = reader.exec();
    await waitBlocked(admin, 2);
    assert.equal(await admin.client('UNPAUSE'), 'OK');
    assert.equal(await write, 'OK');
    assert.equal(await after, 'new');
    assert.equal(await queuedWrite, 'QUEUED');
    assert.deepEqual(await exec, [
      [null, 'new'],
      [null, 1],
    ]);
    assert.equal(await blockedClients(admin), 0);
  } finally {
    await admin.client('UNPAUSE');
    for (const redis of [admin, writer, reader]) redis.disconnect();
  }
});

test('CLIENT PAUSE ALL postpones everything, UNPAUSE included, until the timeout', async () => {
  const admin = client();
  const other = client();
  try {
    await Promise.all([admin.ping(), other.ping()]);
    const startMs = Date.now();
    assert.equal(await admin.client('PAUSE', '400', 'ALL'), 'OK');
    const ping = other.ping();
    const unpause = other.client('UNPAUSE');
    assert.equal(await settledWithin(ping, 150), 'pending');
    assert.equal(await ping, 'PONG');
    assert.equal(await unpause, 'OK');
    const elapsedMs = Date.now() - startMs;
    assert.ok(elapsedMs >= 350, `ran after ${elapsedMs} ms, before the pause ended`);
    assert.ok(elapsedMs < 3000, `ran after ${elapsedMs} ms`);
  } finally {
    admin.disconnect();
    other.disconnect();
  }
});

test('postponed writes of several clients run in arrival order; a gone client’s never runs', async () => {
  const admin = client();
  const writers = [client(), client(), client()];
  const quitter = client();
  try {
    await Promise.all([...writers, quitter].map((redis) => redis.ping()));
    await admin.del('order:k', 'order:gone');
    await admin.client('PAUSE', '10000', 'WRITE');
    const replies: Promise<unknown>[] = [];
    for (const [i, redis] of writers.entries()) {
      replies.push(redis.append('order:k', String(i)));
      await waitBlocked(admin, i + 1);
    }
    void quitter.set('order:gone', '1').catch(() => undefined);
    await waitBlocked(admin, 4);
    quitter.disconnect();
    await waitBlocked(admin, 3);
    await admin.client('UNPAUSE');
    assert.deepEqual(await Promise.all(replies), [1, 2, 3]);
    assert.equal(await admin.get('order:k'), '012');
    assert.equal(await admin.exists('order:gone'), 0);
  } finally {
    await admin.client('UNPAUSE');
    for (const redis of [admin, ...writers, quitter]) redis.disconnect();
  }
});

test('a client killed while its write is postponed: the write never runs, no reply', async () => {
  const admin = client();
  const victim = await RawClient.connect(memory.port);
  try {
    await admin.del('kill:k');
    victim.command('CLIENT', 'ID');
    const id = /^:(\d+)\r\n$/.exec(await victim.readLine())?.[1] ?? '';
    await admin.client('PAUSE', '10000', 'WRITE');
    victim.command('SET', 'kill:k', '1');
    await waitBlocked(admin, 1);
    assert.equal(await admin.client('KILL', 'ID', id), 1);
    await waitBlocked(admin, 0);
    assert.equal(await victim.read(1, 2000), '', 'closed without a reply');
    assert.equal(victim.isClosed, true);
    await admin.client('UNPAUSE');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await admin.exists('kill:k'), 0);
  } finally {
    await admin.client('UNPAUSE');
    admin.disconnect();
    victim.close();
  }
});

test('CLIENT PAUSE WRITE on a Raft node', async () => {
  const admin = client(raft);
  const writer = client(raft);
  try {
    await admin.set('raft:k', 'a');
    await admin.client('PAUSE', '10000', 'WRITE');
    const write = writer.set('raft:k', 'b');
    await waitBlocked(admin, 1);
    assert.equal(await admin.get('raft:k'), 'a');
    await admin.client('UNPAUSE');
    assert.equal(await write, 'OK');
    assert.equal(await admin.get('raft:k'), 'b');
  } finally {
    await admin.client('UNPAUSE');
    admin.disconnect();
    writer.disconnect();
  }
});
