/**
 * Exact wire bytes of connection, server and transaction replies and errors, against a real
 * server process over a raw socket; bad input leaves the keyspace unchanged and the server up.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, startServerProcess, type ServerProcess } from './server-process.js';

let server: ServerProcess;
let client: RawClient;

before(async () => {
  server = await startServerProcess();
  client = await RawClient.connect(server.port);
});

after(async () => {
  client.close();
  await server.stop();
});

async function expect(expected: string, ...args: string[]): Promise<void> {
  assert.equal(await client.call(expected, ...args), expected, args.join(' '));
}

test('inline and multibulk PING, ECHO, pipelined in one write', async () => {
  client.send('PING\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n');
  const expected = '+PONG\r\n+PONG\r\n$3\r\na\x00b\r\n';
  assert.equal(await client.read(expected.length), expected);
});

test('HELLO 3 map, HELLO errors; back to RESP2', async () => {
  client.command('HELLO', '3');
  const reply = await client.read(200, 500);
  assert.match(
    reply,
    /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$5\r\n7\.2\.4\r\n\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:\d+\r\n\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n\*0\r\n$/,
  );
  await expect('-NOPROTO unsupported protocol version\r\n', 'HELLO', '1');
  await expect("-ERR Syntax error in HELLO option 'x'\r\n", 'HELLO', '3', 'x');
  client.command('HELLO', '2');
  assert.match(await client.read(200, 500), /^\*14\r\n/);
});

test('errors: unknown command, arity, unknown subcommand, AUTH without password', async () => {
  await expect("-ERR unknown command 'foo', with args beginning with: 'bar' \r\n", 'foo', 'bar');
  await expect("-ERR wrong number of arguments for 'get' command\r\n", 'GET');
  await expect("-ERR wrong number of arguments for 'config|get' command\r\n", 'CONFIG', 'GET');
  await expect("-ERR unknown subcommand 'x'. Try CLIENT HELP.\r\n", 'CLIENT', 'x');
  await expect(
    '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    'AUTH',
    'pw',
  );
  await expect('-ERR DB index is out of range\r\n', 'SELECT', '3');
  await expect('+OK\r\n', 'SELECT', '0');
});

test('server commands: CONFIG GET for redis-benchmark, INFO, TIME shape, LASTSAVE', async () => {
  await expect('*2\r\n$4\r\nsave\r\n$0\r\n\r\n', 'CONFIG', 'GET', 'save');
  await expect('*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n', 'CONFIG', 'GET', 'appendonly');
  await expect('$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n', 'INFO', 'cluster');
  client.command('INFO', 'persistence');
  assert.match(await client.read(60, 500), /^\$\d+\r\n# Persistence\r\nloading:0\r\n/);
  await client.read(10_000, 200);
  client.command('TIME');
  assert.match(await client.read(100, 300), /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n$/);
  client.command('LASTSAVE');
  assert.match(await client.read(100, 300), /^:\d{10}\r\n$/);
});

test('transactions: QUEUED, EXEC array, EXECABORT, WATCH abort null array', async () => {
  await expect('+OK\r\n', 'MULTI');
  await expect('+QUEUED\r\n', 'SET', 'tx', '1');
  await expect('+QUEUED\r\n', 'INCR', 'tx');
  await expect('*2\r\n+OK\r\n:2\r\n', 'EXEC');
  await expect('+OK\r\n', 'MULTI');
  await expect('-ERR MULTI calls can not be nested\r\n', 'MULTI');
  await expect("-ERR wrong number of arguments for 'set' command\r\n", 'SET', 'tx');
  await expect('+QUEUED\r\n', 'SET', 'tx', 'lost');
  await expect('-EXECABORT Transaction discarded because of previous errors.\r\n', 'EXEC');
  await expect('$1\r\n2\r\n', 'GET', 'tx');
  await expect('-ERR EXEC without MULTI\r\n', 'EXEC');
  await expect('-ERR DISCARD without MULTI\r\n', 'DISCARD');
  await expect('+OK\r\n', 'WATCH', 'tx');
  const other = await RawClient.connect(server.port);
  assert.equal(await other.call('+OK\r\n', 'SET', 'tx', '3'), '+OK\r\n');
  other.close();
  await expect('+OK\r\n', 'MULTI');
  await expect('+QUEUED\r\n', 'SET', 'tx', 'mine');
  await expect('*-1\r\n', 'EXEC');
  await expect('$1\r\n3\r\n', 'GET', 'tx');
  await expect('+OK\r\n', 'MULTI');
  await expect('-ERR WATCH inside MULTI is not allowed\r\n', 'WATCH', 'tx');
  await expect('+OK\r\n', 'DISCARD');
});

test('bad input of every kind leaves the keyspace unchanged and the server up', async () => {
  await expect('+OK\r\n', 'FLUSHALL');
  await expect('+OK\r\n', 'SET', 'keep', 'v');
  await expect("-ERR wrong number of arguments for 'set' command\r\n", 'SET', 'x');
  await expect(
    "-ERR unknown command 'SETX', with args beginning with: 'a' 'b' \r\n",
    'SETX',
    'a',
    'b',
  );
  await expect('-ERR value is not an integer or out of range\r\n', 'INCRBY', 'n', 'ten');
  await expect(
    "-ERR unknown command '__expired', with args beginning with: 'keep' \r\n",
    '__expired',
    'keep',
  );
  await expect('+OK\r\n', 'MULTI');
  await expect('+QUEUED\r\n', 'SET', 'y', '1');
  await expect("-ERR unknown command 'nope', with args beginning with: \r\n", 'nope');
  await expect('-EXECABORT Transaction discarded because of previous errors.\r\n', 'EXEC');
  await expect(
    "-ERR Unknown option or number of arguments for CONFIG SET - 'bogus'\r\n",
    'CONFIG',
    'SET',
    'bogus',
    '1',
  );
  await expect(':1\r\n', 'DBSIZE');
  await expect('$1\r\nv\r\n', 'GET', 'keep');
});

test('QUIT answers +OK and closes the connection', async () => {
  const quitter = await RawClient.connect(server.port);
  assert.equal(await quitter.call('+OK\r\n', 'QUIT'), '+OK\r\n');
  await quitter.read(1, 2000);
  assert.equal(quitter.isClosed, true);
});
