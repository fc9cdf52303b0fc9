/**
 * The dispatcher, the connection/server/transactions families and the local executor, driven
 * in-process through the real command table and state machine, with replies pinned as the exact
 * RESP bytes the encoder writes (the wire contract with Redis clients).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommandTable } from './registry.js';
import { StateMachine } from './state-machine.js';
import { LocalExecutor } from './local-executor.js';
import { Dispatcher } from './dispatcher.js';
import {
  DEFERRED,
  newServerStats,
  PACKED,
  type ClientConnection,
  type Session,
} from './session.js';
import type { DataRequest, Executor } from './executor.js';
import { ErrorReply, type Reply } from './reply.js';
import { DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from '../config/config.js';
import { SnapshotFile } from './server/snapshot-file.js';
import { ReplyWriter, writeReply } from '../resp/encoder.js';

const NOW_MS = 1_700_000_000_123;

interface FakeConnection extends ClientConnection {
  closed: boolean;
}

function harness(requirepass = '', wrap = (local: Executor): Executor => local) {
  const table = buildCommandTable();
  const stateMachine = new StateMachine(table);
  const clock = { nowMs: () => NOW_MS, monotonicMs: () => 0 };
  const executor = wrap(new LocalExecutor(stateMachine, clock));
  const options = { ...DEFAULT_OPTIONS, requirepass };
  const limits = limitsFor(options);
  const config = new RuntimeConfig(options, limits, '/srv/data');
  const shutdowns: string[] = [];
  const dispatcher = new Dispatcher({
    table,
    executor,
    config,
    limits,
    stats: newServerStats(),
    clock,
    persistence: new SnapshotFile(
      undefined,
      (chunkBytes) => stateMachine.snapshotChunks(new Uint8Array(0), chunkBytes),
      clock,
    ),
    keyspaceCounts: () => ({ keys: stateMachine.db.size, expires: stateMachine.db.expires.size }),
    shutdown: (mode) => {
      shutdowns.push(mode);
      return Promise.resolve(undefined);
    },
    port: () => 6379,
    expiredKeys: () => 0,
  });
  let nextId = 1;
  const connect = (): { session: Session; connection: FakeConnection } => {
    const connection: FakeConnection = {
      id: nextId++,
      remoteAddress: `127.0.0.1:${50000 + nextId}`,
      localAddress: '127.0.0.1:6379',
      closed: false,
      close() {
        this.closed = true;
      },
    };
    return { session: dispatcher.connect(connection), connection };
  };
  /** Runs one command and answers the RESP bytes (latin1) the client would read. */
  const run = async (session: Session, ...args: string[]): Promise<string> =>
    wire(await dispatcher.dispatch(session, args), session.protocol);
  return { dispatcher, stateMachine, connect, run, config, limits, shutdowns };
}

function wire(reply: Reply, protocol: 2 | 3): string {
  const writer = new ReplyWriter();
  writeReply(writer, reply, protocol);
  return writer.take()?.toString('latin1') ?? '';
}

test('lookup is case-insensitive; unknown commands answer Redis error text', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'PING'), '+PONG\r\n');
  assert.equal(await run(session, 'ping'), '+PONG\r\n');
  assert.equal(await run(session, 'PiNg', 'hi'), '$2\r\nhi\r\n');
  assert.equal(
    await run(session, 'nosuch', 'a', 'b'),
    "-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \r\n",
  );
  assert.equal(
    await run(session, '__expired', 'k'),
    "-ERR unknown command '__expired', with args beginning with: 'k' \r\n",
    'internal commands are not client-callable',
  );
});

test('arity errors name the command in lower case (subcommands as container|sub)', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'GET'), "-ERR wrong number of arguments for 'get' command\r\n");
  assert.equal(await run(session, 'ECHO'), "-ERR wrong number of arguments for 'echo' command\r\n");
  assert.equal(
    await run(session, 'ping', 'a', 'b'),
    "-ERR wrong number of arguments for 'ping' command\r\n",
  );
  assert.equal(
    await run(session, 'CLIENT', 'SETNAME'),
    "-ERR wrong number of arguments for 'client|setname' command\r\n",
  );
  assert.equal(
    await run(session, 'client'),
    "-ERR wrong number of arguments for 'client' command\r\n",
  );
  assert.equal(
    await run(session, 'config', 'nope'),
    "-ERR unknown subcommand 'nope'. Try CONFIG HELP.\r\n",
  );
});

test('data commands run through the executor; bad input changes nothing', async () => {
  const { connect, run, stateMachine } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'SET', 'k', 'v'), '+OK\r\n');
  assert.equal(await run(session, 'get', 'k'), '$1\r\nv\r\n');
  await run(session, 'SET', 'k');
  await run(session, 'nosuch', 'k', 'x');
  await run(session, 'MULTI');
  await run(session, 'SET', 'k', 'changed');
  await run(session, 'GET');
  assert.match(await run(session, 'EXEC'), /^-EXECABORT/);
  assert.equal(await run(session, 'get', 'k'), '$1\r\nv\r\n');
  assert.equal(stateMachine.db.size, 1);
});

test('requirepass: NOAUTH until AUTH; AUTH and HELLO AUTH errors are Redis strings', async () => {
  const { connect, run, stateMachine } = harness('s3cret');
  const { session } = connect();
  assert.equal(await run(session, 'SET', 'k', 'v'), '-NOAUTH Authentication required.\r\n');
  assert.equal(stateMachine.db.size, 0);
  assert.equal(await run(session, 'ping'), '-NOAUTH Authentication required.\r\n');
  assert.match(await run(session, 'HELLO', '3'), /^-NOAUTH HELLO must be called with the client/);
  const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
  assert.equal(await run(session, 'AUTH', 'nope'), wrong);
  assert.equal(await run(session, 'AUTH', 'bob', 's3cret'), wrong);
  assert.equal(await run(session, 'HELLO', '3', 'AUTH', 'default', 'x'), wrong);
  assert.equal(session.protocol, 2, 'a failed HELLO does not switch protocol');
  assert.equal(await run(session, 'AUTH', 'a', 'b', 'c'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'AUTH', 's3cret'), '+OK\r\n');
  assert.equal(await run(session, 'SET', 'k', 'v'), '+OK\r\n');
  const other = connect().session;
  assert.match(await run(other, 'HELLO', '3', 'AUTH', 'default', 's3cret'), /^%7\r\n/);
  assert.equal(await run(other, 'get', 'k'), '$1\r\nv\r\n');
  assert.equal(await run(other, 'RESET'), '+RESET\r\n');
  assert.equal(await run(other, 'get', 'k'), '-NOAUTH Authentication required.\r\n');
});

test('HELLO checks every option before it authenticates, as Redis 7.2 helloCommand', async () => {
  const { connect, run } = harness('s3cret');
  const { session } = connect();
  // A bad name is refused while the options are parsed: the right password is not applied.
  assert.equal(
    await run(session, 'HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'bad name'),
    '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
  );
  assert.equal(await run(session, 'GET', 'x'), '-NOAUTH Authentication required.\r\n');
  assert.equal(session.protocol, 2);
  // A good name is set only once authenticated: not after a wrong password.
  assert.equal(
    await run(session, 'HELLO', '3', 'SETNAME', 'ok', 'AUTH', 'default', 'x'),
    '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
  );
  assert.match(await run(session, 'HELLO', '2', 'AUTH', 'default', 's3cret'), /^\*14\r\n/);
  assert.equal(await run(session, 'CLIENT', 'GETNAME'), '$-1\r\n');
});

test('AUTH without a configured password gives the nopass error; any user but default fails', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(
    await run(session, 'AUTH', 'x'),
    '-ERR AUTH <password> called without any password configured for the default user. ' +
      'Are you sure your configuration is correct?\r\n',
  );
  assert.equal(await run(session, 'AUTH', 'default', 'anything'), '+OK\r\n');
  assert.equal(
    await run(session, 'AUTH', 'alice', 'x'),
    '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
  );
});

test('HELLO answers the Redis handshake map in the chosen protocol', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  const id = String((session as unknown as { id: number }).id);
  const body = (proto: string): string =>
    `$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n$5\r\nproto\r\n:${proto}\r\n` +
    `$2\r\nid\r\n:${id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n` +
    `$7\r\nmodules\r\n*0\r\n`;
  assert.equal(await run(session, 'HELLO'), `*14\r\n${body('2')}`);
  assert.equal(await run(session, 'HELLO', '3'), `%7\r\n${body('3')}`);
  assert.equal(session.protocol, 3);
  assert.equal(await run(session, 'HELLO', '4'), '-NOPROTO unsupported protocol version\r\n');
  assert.equal(
    await run(session, 'HELLO', 'x'),
    '-ERR Protocol version is not an integer or out of range\r\n',
  );
  assert.equal(
    await run(session, 'HELLO', '3', 'foo'),
    "-ERR Syntax error in HELLO option 'foo'\r\n",
  );
  assert.equal(
    await run(session, 'HELLO', '3', 'SETNAME', 'a b'),
    '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
  );
  assert.match(await run(session, 'HELLO', '2', 'SETNAME', 'worker-1'), /^\*14\r\n/);
  assert.equal(await run(session, 'CLIENT', 'GETNAME'), '$8\r\nworker-1\r\n');
});

test('SELECT: db 0 only', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'SELECT', '0'), '+OK\r\n');
  assert.equal(await run(session, 'SELECT', '1'), '-ERR DB index is out of range\r\n');
  assert.equal(await run(session, 'SELECT', '-1'), '-ERR DB index is out of range\r\n');
  assert.equal(
    await run(session, 'SELECT', 'x'),
    '-ERR value is not an integer or out of range\r\n',
  );
});

test('CLIENT ID/SETNAME/GETNAME/SETINFO/INFO/LIST/KILL', async () => {
  const { connect, run } = harness();
  const a = connect();
  const b = connect();
  const idA = String(a.connection.id);
  assert.equal(await run(a.session, 'CLIENT', 'ID'), `:${idA}\r\n`);
  assert.equal(await run(a.session, 'CLIENT', 'GETNAME'), '$-1\r\n');
  assert.equal(
    await run(a.session, 'CLIENT', 'SETNAME', 'a b'),
    '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
  );
  assert.equal(await run(a.session, 'CLIENT', 'SETNAME', 'alpha'), '+OK\r\n');
  assert.equal(await run(a.session, 'CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis'), '+OK\r\n');
  assert.equal(await run(a.session, 'CLIENT', 'SETINFO', 'lib-ver', '6.0.0'), '+OK\r\n');
  assert.equal(
    await run(a.session, 'CLIENT', 'SETINFO', 'color', 'x'),
    "-ERR Unrecognized option 'color'\r\n",
  );
  assert.equal(await run(a.session, 'CLIENT', 'NO-EVICT', 'on'), '+OK\r\n');
  assert.equal(await run(a.session, 'CLIENT', 'NO-TOUCH', 'off'), '+OK\r\n');
  assert.equal(await run(a.session, 'CLIENT', 'NO-EVICT', 'x'), '-ERR syntax error\r\n');
  const info = await run(a.session, 'CLIENT', 'INFO');
  const line =
    `id=${idA} addr=${a.connection.remoteAddress} laddr=127.0.0.1:6379 fd=-1 name=alpha age=0 ` +
    'idle=0 flags=e db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 ' +
    'rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|info user=default redir=-1 ' +
    'resp=2 lib-name=ioredis lib-ver=6.0.0\n';
  assert.equal(info, `$${line.length}\r\n${line}\r\n`);
  const list = await run(b.session, 'CLIENT', 'LIST');
  assert.equal(list.split('\n').filter((l) => l.includes('id=')).length, 2);
  assert.equal(
    await run(b.session, 'CLIENT', 'LIST', 'TYPE', 'bad'),
    "-ERR Unknown client type 'bad'\r\n",
  );
  assert.equal(await run(b.session, 'CLIENT', 'KILL', '1.2.3.4:5'), '-ERR No such client\r\n');
  assert.equal(
    await run(b.session, 'CLIENT', 'KILL', 'ID', '0'),
    '-ERR client-id should be greater than 0\r\n',
  );
  assert.equal(await run(b.session, 'CLIENT', 'KILL', 'ID', idA), ':1\r\n');
  assert.equal(a.connection.closed, true);
  assert.equal(
    await run(b.session, 'CLIENT', 'KILL', 'ADDR', b.connection.remoteAddress),
    ':0\r\n',
    'SKIPME yes by default',
  );
  assert.equal(await run(b.session, 'CLIENT', 'KILL', b.connection.remoteAddress), '+OK\r\n');
  assert.equal(b.session.closeAfterReply, true, 'killing yourself closes after the reply');
});

test('QUIT closes after the reply; RESET restores a fresh session', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  await run(session, 'HELLO', '3');
  await run(session, 'CLIENT', 'SETNAME', 'x');
  await run(session, 'MULTI');
  assert.equal(await run(session, 'RESET'), '+RESET\r\n');
  assert.equal(session.protocol, 2);
  assert.equal(await run(session, 'CLIENT', 'GETNAME'), '$-1\r\n');
  assert.equal(await run(session, 'EXEC'), '-ERR EXEC without MULTI\r\n');
  assert.equal(await run(session, 'QUIT'), '+OK\r\n');
  assert.equal(session.closeAfterReply, true);
});

test('MULTI/EXEC: queued replies, errors, nesting, and one atomic request', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'EXEC'), '-ERR EXEC without MULTI\r\n');
  assert.equal(await run(session, 'DISCARD'), '-ERR DISCARD without MULTI\r\n');
  assert.equal(await run(session, 'MULTI'), '+OK\r\n');
  assert.equal(await run(session, 'MULTI'), '-ERR MULTI calls can not be nested\r\n');
  assert.equal(await run(session, 'WATCH', 'x'), '-ERR WATCH inside MULTI is not allowed\r\n');
  assert.equal(await run(session, 'SET', 'a', '1'), '+QUEUED\r\n');
  assert.equal(await run(session, 'PING'), '+QUEUED\r\n');
  assert.equal(await run(session, 'INCR', 'a'), '+QUEUED\r\n');
  assert.equal(await run(session, 'ECHO', 'e'), '+QUEUED\r\n');
  assert.equal(await run(session, 'GET', 'a'), '+QUEUED\r\n');
  assert.equal(await run(session, 'EXEC'), '*5\r\n+OK\r\n+PONG\r\n:2\r\n$1\r\ne\r\n$1\r\n2\r\n');
  await run(session, 'MULTI');
  await run(session, 'SET', 'a', 'x');
  assert.equal(await run(session, 'DISCARD'), '+OK\r\n');
  assert.equal(await run(session, 'GET', 'a'), '$1\r\n2\r\n');
  await run(session, 'MULTI');
  assert.equal(await run(session, 'SAVE'), '-ERR Command not allowed inside a transaction\r\n');
  assert.equal(
    await run(session, 'EXEC'),
    '-EXECABORT Transaction discarded because of previous errors.\r\n',
  );
  await run(session, 'MULTI');
  assert.equal(
    await run(session, 'EXEC', 'x'),
    "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
  );
  assert.equal(await run(session, 'EXEC'), '-ERR EXEC without MULTI\r\n');
});

test('a runtime error inside EXEC does not stop the other commands (as Redis)', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  await run(session, 'SET', 's', 'text');
  await run(session, 'MULTI');
  await run(session, 'INCR', 's');
  await run(session, 'SET', 't', '1');
  assert.equal(
    await run(session, 'EXEC'),
    '*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n',
  );
});

test('WATCH: a change by anyone after WATCH aborts EXEC with a null array', async () => {
  const { connect, run } = harness();
  const a = connect().session;
  const b = connect().session;
  await run(a, 'SET', 'k', '1');
  assert.equal(await run(a, 'WATCH', 'k'), '+OK\r\n');
  await run(b, 'SET', 'k', '2');
  await run(a, 'MULTI');
  await run(a, 'SET', 'k', 'mine');
  assert.equal(await run(a, 'EXEC'), '*-1\r\n');
  assert.equal(await run(a, 'GET', 'k'), '$1\r\n2\r\n');
  await run(a, 'HELLO', '3');
  await run(a, 'WATCH', 'k');
  await run(b, 'DEL', 'k');
  await run(a, 'MULTI');
  await run(a, 'PING');
  assert.equal(await run(a, 'EXEC'), '_\r\n', 'RESP3 null; session-only bodies are watched too');
  // Unchanged keys, and UNWATCH, let EXEC through.
  await run(a, 'WATCH', 'k');
  await run(b, 'SET', 'k', '3');
  assert.equal(await run(a, 'UNWATCH'), '+OK\r\n');
  await run(a, 'MULTI');
  await run(a, 'GET', 'k');
  assert.equal(await run(a, 'EXEC'), '*1\r\n$1\r\n3\r\n');
  await run(a, 'WATCH', 'other');
  await run(b, 'SET', 'k', '4');
  await run(a, 'MULTI');
  await run(a, 'GET', 'k');
  assert.equal(await run(a, 'EXEC'), '*1\r\n$1\r\n4\r\n');
});

test('CONFIG GET globs (map in RESP3) and SET validates every pair before applying', async () => {
  const { connect, run, limits } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'CONFIG', 'GET', 'save'), '*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
  assert.equal(
    await run(session, 'CONFIG', 'GET', 'appendonly'),
    '*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n',
  );
  assert.equal(await run(session, 'CONFIG', 'GET', 'nosuch'), '*0\r\n');
  assert.equal(
    await run(session, 'CONFIG', 'GET', 'MAXMEMORY*'),
    '*8\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n' +
      '$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n$27\r\nmaxmemory-eviction-tenacity\r\n$2\r\n10\r\n',
  );
  await run(session, 'HELLO', '3');
  assert.equal(
    await run(session, 'CONFIG', 'GET', 'databases'),
    '%1\r\n$9\r\ndatabases\r\n$1\r\n1\r\n',
  );
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'foo', '1'),
    "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
  );
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'maxclients', '5', 'timeout'),
    '-ERR syntax error\r\n',
  );
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'maxclients', '5', 'maxmemory', 'lots'),
    "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n",
  );
  assert.equal(limits.clientsMax, 10_000, 'nothing applied when one pair is bad');
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'port', '1'),
    "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n",
  );
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'timeout', '1', 'timeout', '2'),
    "-ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter\r\n",
  );
  assert.equal(
    await run(session, 'CONFIG', 'SET', 'maxclients', '5', 'maxmemory', '1mb'),
    '+OK\r\n',
  );
  assert.equal(limits.clientsMax, 5);
  assert.equal(
    await run(session, 'CONFIG', 'GET', 'maxmemory'),
    '%1\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n',
  );
  assert.equal(await run(session, 'CONFIG', 'RESETSTAT'), '+OK\r\n');
  assert.equal(
    await run(session, 'CONFIG', 'REWRITE'),
    '-ERR The server is running without a config file\r\n',
  );
});

test('CONFIG SET requirepass applies to new connections', async () => {
  const { connect, run } = harness();
  const first = connect().session;
  assert.equal(await run(first, 'CONFIG', 'SET', 'requirepass', 'pw'), '+OK\r\n');
  assert.equal(await run(first, 'PING'), '+PONG\r\n');
  const second = connect().session;
  assert.equal(await run(second, 'PING'), '-NOAUTH Authentication required.\r\n');
  assert.equal(await run(second, 'AUTH', 'pw'), '+OK\r\n');
});

test('clearing requirepass lets waiting connections in; idle clients time out', async () => {
  const { connect, run, dispatcher } = harness('pw');
  const a = connect();
  assert.equal(await run(a.session, 'GET', 'k'), '-NOAUTH Authentication required.\r\n');
  const b = connect();
  assert.equal(await run(b.session, 'AUTH', 'pw'), '+OK\r\n');
  assert.equal(
    await run(b.session, 'CONFIG', 'SET', 'requirepass', '', 'timeout', '10'),
    '+OK\r\n',
  );
  assert.equal(await run(a.session, 'GET', 'k'), '$-1\r\n');
  dispatcher.cron(NOW_MS + 5_000);
  assert.equal(a.connection.closed, false);
  dispatcher.cron(NOW_MS + 11_000);
  assert.equal(a.connection.closed, true, 'idle for more than the timeout');
});

test('INFO: sections, headers, k:v CRLF lines; verbatim in RESP3', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  await run(session, 'SET', 'a', '1');
  await run(session, 'SET', 'b', '1', 'PX', '100000');
  const text = await run(session, 'INFO');
  assert.match(text, /^\$\d+\r\n# Server\r\nredis_version:7\.2\.4\r\n/);
  for (const section of [
    'Clients',
    'Memory',
    'Persistence',
    'Stats',
    'Replication',
    'CPU',
    'Cluster',
    'Keyspace',
  ])
    assert.ok(text.includes(`\r\n\r\n# ${section}\r\n`), section);
  assert.ok(text.includes('\r\nloading:0\r\n'));
  assert.ok(text.includes('\r\ncluster_enabled:0\r\n'));
  assert.ok(text.includes('\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n'));
  assert.ok(!text.includes('# Commandstats'), 'commandstats is not a default section');
  assert.equal(
    await run(session, 'INFO', 'cluster'),
    '$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n',
  );
  assert.equal(await run(session, 'INFO', 'nosuch'), '$0\r\n\r\n');
  const stats = await run(session, 'INFO', 'commandstats');
  assert.ok(
    stats.includes(
      'cmdstat_set:calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0\r\n',
    ),
  );
  await run(session, 'HELLO', '3');
  assert.equal(
    await run(session, 'INFO', 'CLUSTER'),
    '=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n',
  );
});

test('INFO sections can be added and replaced (replication registers its own)', async () => {
  const { connect, run, dispatcher } = harness();
  const { session } = connect();
  dispatcher.server.info.registerInfoSection('replication', () => [['role', 'slave']]);
  dispatcher.server.info.registerInfoSection('raft', () => [['raft_term', 7]]);
  assert.equal(
    await run(session, 'INFO', 'replication'),
    '$27\r\n# Replication\r\nrole:slave\r\n\r\n',
  );
  assert.ok((await run(session, 'INFO')).includes('# Raft\r\nraft_term:7\r\n'));
});

test('COMMAND COUNT/INFO/DOCS/LIST/GETKEYS from the table', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  const count = Number(/^:(\d+)/.exec(await run(session, 'COMMAND', 'COUNT'))?.[1]);
  assert.ok(count > 20);
  assert.match(await run(session, 'COMMAND'), new RegExp(`^\\*${count}\\r\\n`));
  assert.equal(
    await run(session, 'COMMAND', 'INFO', 'echo', 'nosuch'),
    '*2\r\n*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n' +
      '*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n',
  );
  assert.equal(
    await run(session, 'COMMAND', 'DOCS', 'echo'),
    '*2\r\n$4\r\necho\r\n*6\r\n$7\r\nsummary\r\n$25\r\nReturns the given string.\r\n' +
      '$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n',
  );
  assert.equal(
    await run(session, 'COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'transaction'),
    '*5\r\n$7\r\ndiscard\r\n$4\r\nexec\r\n$5\r\nmulti\r\n$7\r\nunwatch\r\n$5\r\nwatch\r\n',
  );
  assert.ok(
    (await run(session, 'COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'client*')).includes(
      '$11\r\nclient|list\r\n',
    ),
  );
  assert.equal(await run(session, 'COMMAND', 'LIST', 'x'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'COMMAND', 'GETKEYS', 'SET', 'a', 'b'), '*1\r\n$1\r\na\r\n');
  assert.equal(
    await run(session, 'COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'),
    '*2\r\n$1\r\na\r\n$1\r\nb\r\n',
  );
  assert.equal(
    await run(session, 'COMMAND', 'GETKEYS', 'nosuch', 'a'),
    '-ERR Invalid command specified\r\n',
  );
  assert.equal(
    await run(session, 'COMMAND', 'GETKEYS', 'get', 'a', 'b'),
    '-ERR Invalid number of arguments specified for command\r\n',
  );
  assert.equal(
    await run(session, 'COMMAND', 'GETKEYS', 'ping', 'x'),
    '-ERR The command has no key arguments\r\n',
  );
  assert.doesNotMatch(await run(session, 'COMMAND', 'LIST'), /__expired/);
});

test('TIME, LASTSAVE; SAVE/BGSAVE without a data directory; SHUTDOWN parsing', async () => {
  const { connect, run, shutdowns } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'TIME'), '*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n');
  assert.equal(await run(session, 'LASTSAVE'), ':1700000000\r\n');
  assert.match(await run(session, 'SAVE'), /^-ERR no data directory configured/);
  assert.match(await run(session, 'BGSAVE'), /^-ERR no data directory configured/);
  assert.equal(await run(session, 'BGSAVE', 'x'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'SHUTDOWN', 'x'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'SHUTDOWN', 'SAVE', 'NOSAVE'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'SHUTDOWN', 'ABORT'), '-ERR No shutdown in progress.\r\n');
  assert.deepEqual(shutdowns, []);
  await run(session, 'SHUTDOWN', 'NOSAVE');
  assert.deepEqual(shutdowns, ['nosave']);
});

test('commands per connection are counted; disconnect forgets the session', async () => {
  const { connect, run, dispatcher } = harness();
  const a = connect();
  connect();
  assert.equal(dispatcher.clientCount, 2);
  await run(a.session, 'PING');
  dispatcher.disconnect(a.session);
  assert.equal(dispatcher.clientCount, 1);
  assert.ok(dispatcher.commandsProcessed >= 1);
});

test('CLIENT SESSION + SEQ: a retried write answers the cached reply and applies once', async () => {
  const { connect, run, stateMachine } = harness();
  const { session } = connect();
  assert.equal(
    await run(session, 'SEQ', '1', 'INCR', 'n'),
    '-ERR SEQ needs a client session: send CLIENT SESSION <client-id> first\r\n',
  );
  assert.equal(await run(session, 'CLIENT', 'SESSION'), '$-1\r\n');
  assert.equal(await run(session, 'CLIENT', 'SESSION', '42'), '+OK\r\n');
  assert.equal(await run(session, 'client', 'session'), ':42\r\n');
  assert.equal(await run(session, 'SEQ', '1', 'INCR', 'n'), ':1\r\n');
  // The retry (say after -UNKNOWN) answers the first reply; nothing is applied again.
  assert.equal(await run(session, 'seq', '1', 'incr', 'n'), ':1\r\n');
  assert.equal(await run(session, 'GET', 'n'), '$1\r\n1\r\n');
  assert.equal(await run(session, 'SEQ', '2', 'INCR', 'n'), ':2\r\n');
  // An older sequence than the last one is refused: its reply is no longer cached.
  assert.equal(
    await run(session, 'SEQ', '1', 'INCR', 'n'),
    '-ERR stale request: sequence 1 of client 42 is older than 2, already answered\r\n',
  );
  // Sequences may skip; error replies are cached like any other.
  assert.equal(await run(session, 'SEQ', '10', 'LPUSH', 'n', 'x'), WRONGTYPE_WIRE);
  assert.equal(await run(session, 'SEQ', '10', 'DEL', 'n'), WRONGTYPE_WIRE);
  assert.equal(await run(session, 'GET', 'n'), '$1\r\n2\r\n');
  // Commands without SEQ are never deduplicated, session or not.
  assert.equal(await run(session, 'INCR', 'n'), ':3\r\n');
  assert.equal(await run(session, 'INCR', 'n'), ':4\r\n');
  // Reads run as they would without SEQ (any sequence; nothing recorded).
  assert.equal(await run(session, 'SEQ', '1', 'GET', 'n'), '$1\r\n4\r\n');
  assert.equal(await run(session, 'SEQ', '11', 'INCR', 'n'), ':5\r\n');

  // Another connection (a reconnect) with the same client id finds the cache.
  const other = connect().session;
  assert.equal(await run(other, 'CLIENT', 'SESSION', '42'), '+OK\r\n');
  assert.equal(await run(other, 'SEQ', '11', 'INCR', 'n'), ':5\r\n');
  // A different client id has its own sequence space.
  assert.equal(await run(other, 'CLIENT', 'SESSION', '43'), '+OK\r\n');
  assert.equal(await run(other, 'SEQ', '1', 'INCR', 'n'), ':6\r\n');
  assert.equal(stateMachine.db.size, 1);
});

const WRONGTYPE_WIRE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

test('CLIENT SESSION and SEQ reject bad input and change nothing', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  const badId = '-ERR client session id must be an integer from 1 to 9007199254740991, or OFF\r\n';
  for (const id of ['0', '-1', '01', '1.5', ' 1', 'x', '9007199254740992', ''])
    assert.equal(await run(session, 'CLIENT', 'SESSION', id), badId, id);
  assert.equal(await run(session, 'CLIENT', 'SESSION', '1', '2'), '-ERR syntax error\r\n');
  assert.equal(await run(session, 'CLIENT', 'SESSION'), '$-1\r\n');
  assert.equal(await run(session, 'CLIENT', 'SESSION', '9007199254740991'), '+OK\r\n');
  const badSeq = '-ERR sequence must be an integer from 1 to 9007199254740991\r\n';
  for (const seq of ['0', '-3', '+1', '1e3', '9007199254740992', 'one'])
    assert.equal(await run(session, 'SEQ', seq, 'SET', 'k', 'v'), badSeq, seq);
  assert.equal(
    await run(session, 'SEQ', '1', 'NOPE', 'a'),
    "-ERR unknown command 'NOPE', with args beginning with: 'a' \r\n",
  );
  assert.equal(
    await run(session, 'SEQ', '1', '__expired', 'k'),
    "-ERR unknown command '__expired', with args beginning with: 'k' \r\n",
  );
  assert.equal(
    await run(session, 'SEQ', '1', 'PING'),
    "-ERR SEQ runs data commands only, not 'PING'\r\n",
  );
  assert.equal(
    await run(session, 'SEQ', '1', 'SET', 'k'),
    "-ERR wrong number of arguments for 'set' command\r\n",
  );
  assert.equal(
    await run(session, 'SEQ', '1'),
    "-ERR wrong number of arguments for 'seq' command\r\n",
  );
  assert.equal(await run(session, 'EXISTS', 'k'), ':0\r\n');
  // None of the rejected requests used up sequence 1.
  assert.equal(await run(session, 'SEQ', '1', 'SET', 'k', 'v'), '+OK\r\n');
  // SEQ has no meaning inside MULTI (the transaction is one entry): it is refused there.
  assert.equal(await run(session, 'MULTI'), '+OK\r\n');
  assert.equal(
    await run(session, 'SEQ', '2', 'SET', 'k', 'w'),
    '-ERR Command not allowed inside a transaction\r\n',
  );
  assert.equal(await run(session, 'DISCARD'), '+OK\r\n');
  assert.equal(await run(session, 'GET', 'k'), '$1\r\nv\r\n');
  // OFF and RESET end the session.
  assert.equal(await run(session, 'CLIENT', 'SESSION', 'off'), '+OK\r\n');
  assert.equal(await run(session, 'CLIENT', 'SESSION'), '$-1\r\n');
  assert.equal(await run(session, 'CLIENT', 'SESSION', '5'), '+OK\r\n');
  assert.equal(await run(session, 'RESET'), '+RESET\r\n');
  assert.match(await run(session, 'SEQ', '3', 'SET', 'k', 'x'), /^-ERR SEQ needs a client session/);
});

test('SEQ n EXEC numbers a transaction: a retry answers the cached replies and applies once', async () => {
  const { connect, run } = harness();
  const { session } = connect();
  assert.equal(await run(session, 'CLIENT', 'SESSION', '77'), '+OK\r\n');
  const transaction = async (): Promise<string> => {
    assert.equal(await run(session, 'MULTI'), '+OK\r\n');
    assert.equal(await run(session, 'INCR', 't'), '+QUEUED\r\n');
    assert.equal(await run(session, 'RPUSH', 'l', 'x'), '+QUEUED\r\n');
    return run(session, 'SEQ', '1', 'EXEC');
  };
  assert.equal(await transaction(), '*2\r\n:1\r\n:1\r\n');
  // The same transaction again under the same number: the first replies, nothing applied.
  assert.equal(await transaction(), '*2\r\n:1\r\n:1\r\n');
  assert.equal(await run(session, 'GET', 't'), '$1\r\n1\r\n');
  assert.equal(await run(session, 'LLEN', 'l'), ':1\r\n');
  // The next number applies; an older one is refused as stale, unapplied.
  assert.equal(await run(session, 'MULTI'), '+OK\r\n');
  assert.equal(await run(session, 'INCR', 't'), '+QUEUED\r\n');
  assert.equal(await run(session, 'SEQ', '2', 'EXEC'), '*1\r\n:2\r\n');
  assert.equal(await run(session, 'MULTI'), '+OK\r\n');
  assert.equal(await run(session, 'INCR', 't'), '+QUEUED\r\n');
  assert.match(await run(session, 'SEQ', '1', 'EXEC'), /^-/);
  assert.equal(await run(session, 'GET', 't'), '$1\r\n2\r\n');
  // SEQ with anything but EXEC inside MULTI is refused and the transaction is discarded.
  assert.equal(await run(session, 'MULTI'), '+OK\r\n');
  assert.equal(await run(session, 'INCR', 't'), '+QUEUED\r\n');
  assert.equal(
    await run(session, 'SEQ', '3', 'INCR', 't'),
    '-ERR Command not allowed inside a transaction\r\n',
  );
  assert.equal(
    await run(session, 'SEQ', '3', 'EXEC'),
    '-EXECABORT Transaction discarded because of previous errors.\r\n',
  );
  assert.equal(await run(session, 'GET', 't'), '$1\r\n2\r\n');
  // Outside MULTI, EXEC under SEQ answers as EXEC does; without a session SEQ says so.
  assert.equal(await run(session, 'SEQ', '3', 'EXEC'), '-ERR EXEC without MULTI\r\n');
  const { session: bare } = connect();
  assert.equal(await run(bare, 'MULTI'), '+OK\r\n');
  assert.match(await run(bare, 'SEQ', '1', 'EXEC'), /^-ERR SEQ needs a client session/);
  // The transaction is still open: plain EXEC runs it.
  assert.equal(await run(bare, 'EXEC'), '*0\r\n');
});

/**
 * A replicated node's executor as the dispatcher sees it: every request is answered later
 * (here on the next microtask, by the local state machine) and recorded.
 */
class LaterExecutor implements Executor {
  readonly requests: (DataRequest | readonly string[])[] = [];
  /** Answer every request with this instead (a request-wide error: -UNKNOWN, -CLUSTERDOWN). */
  failWith: ErrorReply | undefined;

  constructor(private readonly inner: Executor) {}

  executeOne(args: readonly string[], write: boolean): Promise<Reply> {
    this.requests.push(args);
    return Promise.resolve().then(() => this.failWith ?? this.inner.executeOne(args, write));
  }

  /** READONLY reads: answered at once, recorded as `local <args>`. */
  readLocal(args: readonly string[]): Reply | Promise<Reply> {
    this.requests.push(['local', ...args]);
    return this.inner.readLocal(args);
  }

  execute(request: DataRequest): Promise<Reply> {
    this.requests.push(request);
    return Promise.resolve().then(() => this.failWith ?? this.inner.execute(request));
  }

  appliedIndex(): number {
    return this.inner.appliedIndex();
  }

  packs(): boolean {
    return true;
  }
}

function packingHarness() {
  let later: LaterExecutor | undefined;
  const h = harness('', (local) => (later = new LaterExecutor(local)));
  assert.ok(later !== undefined);
  const { session } = h.connect();
  const pipelined = (...args: string[]) => h.dispatcher.dispatchPipelined(session, args);
  const sealed = async (): Promise<string[]> =>
    ((await h.dispatcher.seal(session)) ?? []).map((r) => wire(r, 2));
  const counters = (name: string) =>
    [...h.dispatcher.server.commandCounters()].find((c) => c.name === name);
  return { ...h, session, executor: later, pipelined, sealed, counters };
}

test('pipelined data commands go out as one atomic request, with a reply each, in order', async () => {
  const { pipelined, sealed, executor, stateMachine, run, session } = packingHarness();
  assert.equal(pipelined('SET', 'a', '1'), PACKED);
  assert.equal(pipelined('INCR', 'a'), PACKED);
  assert.equal(pipelined('GET', 'a'), PACKED);
  assert.equal(pipelined('LPUSH', 'a', 'x'), PACKED);
  assert.equal(pipelined('SET', 'b', 'x'), PACKED);
  assert.equal(stateMachine.db.size, 0, 'nothing runs before the seal');
  assert.deepEqual(await sealed(), [
    '+OK\r\n',
    ':2\r\n',
    '$1\r\n2\r\n',
    '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    '+OK\r\n',
  ]);
  assert.equal(executor.requests.length, 1);
  const [request] = executor.requests;
  assert.ok(request !== undefined && 'commands' in request);
  assert.equal(request.commands.length, 5);
  assert.deepEqual(
    [request.write, request.transaction, request.pipelined, request.clientId],
    [true, true, true, 0],
  );
  assert.equal(await run(session, 'GET', 'b'), '$1\r\nx\r\n');
  // Nothing packed: nothing to seal.
  assert.equal(await sealed().then((r) => r.length), 0);
});

test('with a pack open, anything else is DEFERRED, uncounted, and runs after the pack', async () => {
  const { pipelined, sealed, counters, run, session } = packingHarness();
  assert.equal(pipelined('SET', 'k', 'v'), PACKED);
  const before = { ...counters('set') };
  for (const args of [
    ['PING'],
    ['NOSUCH', 'x'],
    ['SET', 'only-key'],
    ['CLIENT', 'NOSUCH'],
    ['MULTI'],
    ['WATCH', 'k'],
    ['CLIENT', 'SETNAME', 'x'],
  ])
    assert.equal(pipelined(...args), DEFERRED, args.join(' '));
  assert.deepEqual({ ...counters('set') }, before);
  assert.deepEqual(await sealed(), ['+OK\r\n']);
  // Dispatched again after the pack's replies, as the server does.
  assert.equal(
    wire(pipelined('SET', 'only-key') as Reply, 2),
    "-ERR wrong number of arguments for 'set' command\r\n",
  );
  assert.equal(await run(session, 'GET', 'k'), '$1\r\nv\r\n');
  assert.equal(counters('set')?.rejectedCalls, 1);
  assert.equal(counters('set')?.calls, 1);
});

test('a pack of one is sent as a single command; a request-wide error answers each command', async () => {
  const { pipelined, sealed, executor, counters } = packingHarness();
  assert.equal(pipelined('SET', 'a', '1'), PACKED);
  assert.deepEqual(await sealed(), ['+OK\r\n']);
  assert.deepEqual(executor.requests, [['SET', 'a', '1']]);
  executor.failWith = new ErrorReply(
    'UNKNOWN write outcome unknown (timed out); it may have been applied',
  );
  pipelined('SET', 'a', '2');
  pipelined('GET', 'a');
  assert.deepEqual(await sealed(), [
    '-UNKNOWN write outcome unknown (timed out); it may have been applied\r\n',
    '-UNKNOWN write outcome unknown (timed out); it may have been applied\r\n',
  ]);
  assert.equal(counters('get')?.failedCalls, 1);
});

test('a pack is bounded: the command that would overflow it is DEFERRED', async () => {
  const { pipelined, sealed } = packingHarness();
  for (let i = 0; i < 1024; i++) assert.equal(pipelined('SET', `k${i}`, 'v'), PACKED);
  assert.equal(pipelined('SET', 'k1024', 'v'), DEFERRED);
  assert.equal((await sealed()).length, 1024);
  const big = 'x'.repeat(600 * 1024);
  assert.equal(pipelined('SET', 'big1', big), PACKED);
  assert.equal(pipelined('SET', 'big2', big), DEFERRED);
  await sealed();
  // A command over the bound alone is not packed at all: it runs as before.
  assert.ok(pipelined('SET', 'huge', 'x'.repeat(2 * 1024 * 1024)) instanceof Promise);
});

test('dispatch never packs; an executor that answers at once is never packed for', async () => {
  const { dispatcher, session } = packingHarness();
  const reply = dispatcher.dispatch(session, ['SET', 'a', '1']);
  assert.ok(reply instanceof Promise);
  assert.equal(wire(await reply, 2), '+OK\r\n');
  const local = harness();
  const { session: s } = local.connect();
  const at = local.dispatcher.dispatchPipelined(s, ['SET', 'a', '1']);
  assert.ok(typeof at !== 'symbol' && !(at instanceof Promise));
  assert.equal(wire(at, 2), '+OK\r\n');
  assert.equal(local.dispatcher.seal(s), undefined);
});

test('READONLY: reads are served at once from local state, never packed; writes are unchanged', async () => {
  const { pipelined, sealed, executor, run, session } = packingHarness();
  assert.equal(await run(session, 'SET', 'k', 'v'), '+OK\r\n');
  assert.equal(await run(session, 'READONLY'), '+OK\r\n');
  const local = pipelined('GET', 'k');
  assert.ok(typeof local !== 'symbol' && !(local instanceof Promise));
  assert.equal(wire(local, 2), '$1\r\nv\r\n');
  // A write still goes through the log; a read behind it in the same pack sees it.
  assert.equal(pipelined('SET', 'k', 'w'), PACKED);
  assert.equal(pipelined('GET', 'k'), PACKED);
  assert.deepEqual(await sealed(), ['+OK\r\n', '$1\r\nw\r\n']);
  assert.equal(await run(session, 'READWRITE'), '+OK\r\n');
  assert.equal(pipelined('GET', 'k'), PACKED);
  await sealed();
  const kinds = executor.requests.map((r) => ('commands' in r ? 'request' : r.join(' ')));
  assert.deepEqual(kinds, ['SET k v', 'local GET k', 'request', 'GET k']);
});
