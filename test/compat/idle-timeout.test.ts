/**
 * `--timeout` against real server processes over raw TCP, measured as Redis 7.2's
 * clientsCronHandleTimeout does: idle means no bytes read or written for longer than the
 * timeout; a client waiting on CLIENT PAUSE is not idle (Redis blocks it); a client in MULTI is
 * timed out like any other. On the addon's I/O and on Node's sockets (MEMLAYER_NATIVE=0), run
 * side by side to keep the wall time down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient, startServerProcess, type ServerProcess } from './server-process.js';

const TIMEOUT_SECONDS = 2;
let servers: ServerProcess[] = [];

before(async () => {
  const args = ['--durability', 'memory', '--save', '', '--timeout', String(TIMEOUT_SECONDS)];
  servers = await Promise.all([
    startServerProcess(args),
    startServerProcess(args, undefined, { MEMLAYER_NATIVE: '0' }),
  ]);
});
after(() => Promise.all(servers.map((server) => server.stop())));

/** Resolves with the ms until the server closed the connection, or -1 after `timeoutMs`. */
async function closedAfterMs(client: RawClient, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!client.isClosed && Date.now() - started < timeoutMs) await sleep(20);
  return client.isClosed ? Date.now() - started : -1;
}

/** A SET whose 10-byte value arrives 2 bytes every 0.9 s: 4.5 s, more than the timeout. */
async function slowUpload(port: number): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    client.send('*3\r\n$3\r\nSET\r\n$2\r\nsl\r\n$10\r\n');
    for (let i = 0; i < 5; i++) {
      await sleep(900);
      assert.equal(client.isClosed, false, `closed while bytes kept coming (after ${i} parts)`);
      client.send('ab');
    }
    client.send('\r\n');
    assert.equal(await client.read(5), '+OK\r\n');
    client.command('GET', 'sl');
    assert.equal(await client.read(17), '$10\r\nababababab\r\n');
  } finally {
    client.close();
  }
}

/** A client that sent MULTI and nothing else is closed as idle; so is one that sent PING. */
async function idleClients(port: number): Promise<void> {
  const inMulti = await RawClient.connect(port);
  const plain = await RawClient.connect(port);
  try {
    inMulti.command('MULTI');
    plain.command('PING');
    assert.equal(await inMulti.read(5), '+OK\r\n');
    assert.equal(await plain.read(7), '+PONG\r\n');
    const [multiMs, plainMs] = await Promise.all([
      closedAfterMs(inMulti, 6000),
      closedAfterMs(plain, 6000),
    ]);
    assert.ok(multiMs >= TIMEOUT_SECONDS * 1000 - 100, `MULTI client closed after ${multiMs} ms`);
    assert.ok(plainMs >= TIMEOUT_SECONDS * 1000 - 100, `plain client closed after ${plainMs} ms`);
  } finally {
    inMulti.close();
    plain.close();
  }
}

test('a slow upload is not idle; a client in MULTI is timed out like any idle client', async () => {
  await Promise.all(
    servers.flatMap((server) => [slowUpload(server.port), idleClients(server.port)]),
  );
});

test('a client waiting on CLIENT PAUSE is not timed out', async () => {
  await Promise.all(
    servers.map(async (server) => {
      const pauser = await RawClient.connect(server.port);
      const waiter = await RawClient.connect(server.port);
      try {
        pauser.command('CLIENT', 'PAUSE', '4500', 'ALL');
        assert.equal(await pauser.read(5), '+OK\r\n');
        const started = Date.now();
        waiter.command('PING');
        assert.equal(await waiter.read(7, 8000), '+PONG\r\n');
        assert.ok(Date.now() - started >= 4000, 'the PING waited for the pause');
        // Still connected: the reply it waited for was an interaction.
        await sleep(300);
        waiter.command('PING');
        assert.equal(await waiter.read(7), '+PONG\r\n');
      } finally {
        pauser.close();
        waiter.close();
      }
    }),
  );
});
