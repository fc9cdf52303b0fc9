/**
 * Request limits and the idle timeout against real server processes over raw TCP, with the
 * exact bytes Redis 7.2 sends: the limits before a client authenticates (CVE-2021-32675), the
 * multibulk count, the query buffer limit, proto-max-bulk-len, and `--timeout` measured from
 * the last bytes moved. The socket-facing cases run on the addon's I/O and on Node's sockets
 * (MEMLAYER_NATIVE=0), since each feeds the parser through its own read path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { STRING_CHARS_MAX } from '../../src/config/limits.js';
import { RawClient, runCli, startServerProcess, type ServerProcess } from './server-process.js';

const IO_ENVS = [
  ['native', {}],
  ['node sockets', { MEMLAYER_NATIVE: '0' }],
] as const;

const resp = (...args: string[]): string =>
  `*${args.length}\r\n` + args.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('');

const UNAUTH_MULTIBULK = '-ERR Protocol error: unauthenticated multibulk length\r\n';
const UNAUTH_BULK = '-ERR Protocol error: unauthenticated bulk length\r\n';

/** Waits until the server has closed the connection; fails after `timeoutMs`. */
async function closedWithin(client: RawClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!client.isClosed && Date.now() < deadline) await sleep(20);
  assert.ok(client.isClosed, `still open after ${timeoutMs} ms`);
}

function rssBytes(server: ServerProcess): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  assert.ok(match !== null);
  return Number(match[1]) * 1024;
}

async function withClient<T>(port: number, run: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

for (const [io, env] of IO_ENVS) {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(
      ['--durability', 'memory', '--save', '', '--requirepass', 's3cret'],
      undefined,
      env,
    );
  });
  after(() => server.stop());

  test(`unauthenticated: more than 10 elements or a bulk over 16 KiB closes (${io})`, async () => {
    for (const [sent, expected] of [
      ['*11\r\n', UNAUTH_MULTIBULK],
      ['*1\r\n$16385\r\n', UNAUTH_BULK],
      [`*2\r\n$4\r\nAUTH\r\n$16385\r\n${'a'.repeat(16385)}\r\n`, UNAUTH_BULK],
      [resp('AUTH', 'a'.repeat(16385)), UNAUTH_BULK],
      [resp(...new Array<string>(11).fill('x')), UNAUTH_MULTIBULK],
    ] as const) {
      await withClient(server.port, async (client) => {
        client.send(sent);
        assert.equal(await client.read(expected.length), expected, JSON.stringify(sent));
        await closedWithin(client, 2000);
      });
    }
    // At the limits: answered as usual.
    await withClient(server.port, async (client) => {
      client.send(
        resp('AUTH', 'a'.repeat(16384)) +
          resp('MSET', 'k1', 'v1', 'k2', 'v2', 'k3', 'v3', 'k4', 'v4', 'k5'),
      );
      const wrongpass = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
      const noauth = '-NOAUTH Authentication required.\r\n';
      assert.equal(await client.read(wrongpass.length + noauth.length), wrongpass + noauth);
      assert.equal(client.isClosed, false);
    });
  });

  test(`a client that never closes its side after a protocol error loses its connection (${io})`, async () => {
    // allowHalfOpen: this client keeps its side open after the server's FIN, as a client that
    // ignores it would; only the server can free the connection.
    const lingering = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    lingering.on('error', () => undefined);
    let ended = false;
    lingering.on('end', () => (ended = true));
    lingering.on('data', () => undefined);
    await new Promise((done) => lingering.once('connect', done));
    await withClient(server.port, async (client) => {
      const connected = async (): Promise<number> => {
        client.command('INFO', 'clients');
        const header = await client.readLine();
        const text = await client.read(Number(header.slice(1, -2)) + 2);
        return Number(/^connected_clients:(\d+)\r$/m.exec(text)?.[1]);
      };
      client.command('AUTH', 's3cret');
      assert.equal(await client.readLine(), '+OK\r\n');
      assert.equal(await connected(), 2);
      lingering.write('*11\r\n');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (!ended || (await connected()) !== 1)) await sleep(100);
      assert.ok(ended, 'the server ended its side');
      assert.equal(await connected(), 1, 'the connection is gone although the client never ended');
    });
    lingering.destroy();
  });

  test(`QUIT after a large reply to a slow reader: the whole reply, then the close (${io})`, async () => {
    const size = 32 * 1024 * 1024;
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((done) => socket.once('connect', done));
    socket.pause();
    socket.write(resp('AUTH', 's3cret') + resp('SET', 'big', 'x'.repeat(size)));
    socket.write(resp('GET', 'big') + resp('QUIT'));
    // Not reading for longer than the grace period: most of the reply waits in the server,
    // which reads no further (QUIT included) until it has gone.
    await sleep(2500);
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await new Promise((done) => socket.once('close', done));
    const expected = '+OK\r\n+OK\r\n'.length + `$${size}\r\n`.length + size + 2 + 5;
    assert.equal(received, expected, 'every byte of the reply and +OK for QUIT');
  });

  test(`unauthenticated: a huge declared bulk is refused before its bytes are held (${io})`, async () => {
    const before = rssBytes(server);
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    let closed = false;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    await new Promise<void>((done) => socket.once('connect', () => done()));
    const started = Date.now();
    socket.write('*2\r\n$4\r\nAUTH\r\n$300000000\r\n');
    // Keep sending what the header announced, as the attack does, until the server hangs up.
    const block = Buffer.alloc(1024 * 1024, 'a');
    let sentBytes = 0;
    while (!closed && sentBytes < 256 * 1024 * 1024 && Date.now() - started < 5000) {
      // A full socket waits for drain, or for the close that means it never comes.
      if (!socket.write(block))
        await Promise.race([
          new Promise((done) => socket.once('drain', done)),
          new Promise((done) => socket.once('close', done)),
          sleep(1000),
        ]);
      sentBytes += block.length;
      if (received.length > 0) break;
    }
    const deadline = Date.now() + 2000;
    while (!closed && Date.now() < deadline) await sleep(20);
    socket.destroy();
    assert.equal(received, UNAUTH_BULK);
    assert.ok(closed, 'the server closes the connection');
    const grownBytes = rssBytes(server) - before;
    assert.ok(grownBytes < 32 * 1024 * 1024, `RSS grew by ${grownBytes} bytes`);
  });

  test(`authenticated clients have the normal limits (${io})`, async () => {
    await withClient(server.port, async (client) => {
      const value = 'v'.repeat(100_000);
      const fields = ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f', '6'];
      // AUTH and the large commands in one write: each command's limits follow the AUTH.
      client.send(resp('AUTH', 's3cret') + resp('SET', 'big', value) + resp('MSET', ...fields));
      assert.equal(await client.read(15), '+OK\r\n+OK\r\n+OK\r\n');
      client.command('STRLEN', 'big');
      assert.equal(await client.read(9), ':100000\r\n');
      // RESET makes the client unauthenticated again: the limits are back.
      client.command('RESET');
      assert.equal(await client.read(8), '+RESET\r\n');
      client.send('*11\r\n');
      assert.equal(await client.read(UNAUTH_MULTIBULK.length), UNAUTH_MULTIBULK);
      await closedWithin(client, 2000);
    });
  });

  test(`no password: a fresh client sends large requests (${io})`, async () => {
    await withClient(server.port, async (admin) => {
      admin.command('AUTH', 's3cret');
      assert.equal(await admin.read(5), '+OK\r\n');
      admin.command('CONFIG', 'SET', 'requirepass', '');
      assert.equal(await admin.read(5), '+OK\r\n');
      try {
        await withClient(server.port, async (client) => {
          client.command('SET', 'open', 'o'.repeat(20_000));
          client.command('DEL', ...new Array<string>(11).fill('none'));
          assert.equal(await client.read(9), '+OK\r\n:0\r\n');
        });
      } finally {
        admin.command('CONFIG', 'SET', 'requirepass', 's3cret');
        assert.equal(await admin.read(5), '+OK\r\n');
      }
    });
  });
}

let open: ServerProcess;
let small: ServerProcess;
before(async () => {
  [open, small] = await Promise.all([
    startServerProcess(['--durability', 'memory', '--save', '']),
    startServerProcess([
      '--durability',
      'memory',
      '--save',
      '',
      '--client-query-buffer-limit',
      '2mb',
      '--proto-max-bulk-len',
      '1mb',
    ]),
  ]);
});
after(() => Promise.all([open.stop(), small.stop()]));

test('a multibulk of more than 1024*1024 elements runs, as in Redis 7', async () => {
  await withClient(open.port, async (client) => {
    const keys = 1024 * 1024 + 1;
    client.send(`*${keys + 1}\r\n$3\r\nDEL\r\n${'$1\r\nk\r\n'.repeat(keys)}`);
    assert.equal(await client.read(4, 20_000), ':0\r\n');
    client.send('*1048578\r\n$3\r\nDEL\r\n$1\r\nk\r\n');
    assert.equal(await client.readLine(500), '', 'waits for the arguments');
    assert.equal(client.isClosed, false);
  });
  await withClient(open.port, async (client) => {
    client.send(`*${16 * 1024 * 1024 + 1}\r\n`);
    const invalid = '-ERR Protocol error: invalid multibulk length\r\n';
    assert.equal(await client.read(invalid.length), invalid);
    await closedWithin(client, 2000);
  });
});

test('client-query-buffer-limit bounds unparsed input, not the arguments of a command', async () => {
  await withClient(small.port, async (client) => {
    const mib = 1024 * 1024;
    client.send(
      resp('MSET', 'a', 'a'.repeat(mib), 'b', 'b'.repeat(mib), 'c', 'c'.repeat(mib)) + resp('PING'),
    );
    assert.equal(await client.read(12, 10_000), '+OK\r\n+PONG\r\n');
    client.command('STRLEN', 'c');
    assert.equal(await client.read(10), `:${mib}\r\n`);
  });
});

test('proto-max-bulk-len: at most the longest string Node.js holds, with a clear error', async () => {
  await withClient(open.port, async (client) => {
    const max = String(STRING_CHARS_MAX);
    client.command('CONFIG', 'GET', 'proto-max-bulk-len');
    const got = `*2\r\n$18\r\nproto-max-bulk-len\r\n$${max.length}\r\n${max}\r\n`;
    assert.equal(await client.read(got.length), got);
    client.command('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    const refused =
      "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument " +
      `must be between 1048576 and ${max} inclusive (${max} bytes is the longest string ` +
      'Node.js holds)\r\n';
    assert.equal(await client.read(refused.length), refused);
    client.command('CONFIG', 'GET', 'proto-max-bulk-len');
    assert.equal(await client.read(got.length), got, 'unchanged');
  });
  const cli = runCli(['server', '--port', '0', '--proto-max-bulk-len', '512mb']);
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /proto-max-bulk-len must be at most 536870888 \(the longest string/);
});
