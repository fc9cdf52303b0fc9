/**
 * The RESP server over real TCP sockets, with a tiny dispatcher written here (the real one is
 * src/commands/dispatcher.ts; this exercises only the protocol adapter).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DEFAULT_LIMITS, type Limits } from '../../src/config/limits.js';
import { ErrorReply, OK, PONG, SimpleString, type Reply } from '../../src/commands/reply.js';
import {
  DEFERRED,
  newServerStats,
  PACKED,
  type ClientConnection,
  type CommandDispatcher,
  type PipelinedReply,
  type ServerStats,
  type Session,
  newSession,
} from '../../src/commands/session.js';
import { startRespServer, type IoMode, type RespServer } from '../../src/resp/server.js';

const IO_MODES: readonly IoMode[] = ['native', 'static', 'node'];

class TestDispatcher implements CommandDispatcher {
  readonly db = new Map<string, string>();
  dispatched = 0;
  clients = 0;
  readonly logged: string[] = [];

  get clientCount(): number {
    return this.clients;
  }

  readonly clockMs = 0;

  readonly sessions = new Set<Session>();

  connect(connection: ClientConnection): Session {
    this.clients++;
    const session = newSession(connection);
    this.sessions.add(session);
    return session;
  }

  disconnect(session: Session): void {
    this.clients--;
    this.sessions.delete(session);
  }

  dispatch(session: Session, args: readonly string[]): Reply | Promise<Reply> {
    this.dispatched++;
    const [name = '', a = '', b = ''] = args;
    switch (name.toUpperCase()) {
      case 'PING':
        return PONG;
      case 'ECHO':
        return a;
      case 'SET':
        this.db.set(a, b);
        return OK;
      case 'GET':
        return this.db.get(a) ?? null;
      case 'HELLO':
        session.protocol = a === '3' ? 3 : 2;
        return [args.length, null];
      case 'QUIT':
        session.closeAfterReply = true;
        return OK;
      case 'KILLME':
        session.connection.close();
        return new SimpleString('BYE');
      case 'KILLOTHERS': // as CLIENT KILL
        for (const other of this.sessions) if (other !== session) other.connection.close();
        return OK;
      case 'THROW':
        throw new Error('handler bug');
      case 'LATER': // resolves after `b` ms with `a`
        return new Promise((resolve) => setTimeout(() => resolve(a), Number(b)));
      case 'REJECT':
        return Promise.reject(new Error('async bug'));
      default:
        return new ErrorReply(`ERR unknown command '${name}'`);
    }
  }
}

/**
 * As a replicated node's dispatcher: PSET waits on "consensus" (20 ms) and is packed; anything
 * else waits for an open pack (DEFERRED).
 */
class PackingDispatcher extends TestDispatcher {
  /** Commands per seal, in order. */
  readonly seals: number[] = [];
  private readonly packs = new Map<Session, [string, string][]>();

  dispatchPipelined(session: Session, args: readonly string[]): PipelinedReply {
    const pack = this.packs.get(session);
    const [name = '', key = '', value = ''] = args;
    if (name.toUpperCase() !== 'PSET')
      return pack === undefined ? this.dispatch(session, args) : DEFERRED;
    if (pack === undefined) this.packs.set(session, [[key, value]]);
    else pack.push([key, value]);
    return PACKED;
  }

  seal(session: Session): Promise<Reply[]> | undefined {
    const pack = this.packs.get(session);
    if (pack === undefined) return undefined;
    this.packs.delete(session);
    this.seals.push(pack.length);
    return new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
      pack.map(([key, value]) => (this.db.set(key, value), OK)),
    );
  }
}

interface Harness<D extends TestDispatcher = TestDispatcher> {
  server: RespServer;
  dispatcher: D;
  stats: ServerStats;
}

const servers: RespServer[] = [];

async function start<D extends TestDispatcher = TestDispatcher>(
  limits: Partial<Limits> = {},
  io: IoMode = 'native',
  dispatcher: D = new TestDispatcher() as D,
): Promise<Harness<D>> {
  const stats = newServerStats();
  const server = await startRespServer({
    host: '127.0.0.1',
    port: 0,
    dispatcher,
    limits: { ...DEFAULT_LIMITS, ...limits },
    stats,
    io,
  });
  servers.push(server);
  return { server, dispatcher, stats };
}

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A raw client that accumulates everything it receives as latin1. */
class Client {
  readonly socket: net.Socket;
  received = '';
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<Client> {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Waits until `bytes` characters have arrived (or the socket closed) and returns them all. */
  async read(bytes: number): Promise<string> {
    while (this.received.length < bytes && !this.closed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const out = this.received.slice(0, bytes);
    this.received = this.received.slice(bytes);
    return out;
  }

  async expect(text: string): Promise<void> {
    assert.equal(await this.read(text.length), text);
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }
}

const cmd = (...args: string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
const bulk = (value: string): string => `$${value.length}\r\n${value}\r\n`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let shared: Harness;
before(async () => {
  shared = await start();
});

/**
 * Sockets move their bytes through the addon's batched I/O (src/resp/native-transport.ts) by
 * default; Node sockets reading into one static buffer (src/resp/static-read.ts) and Node's
 * own read path are the fallbacks. All three carry the same protocol tests.
 */
const READ_PATHS = IO_MODES.map((io) => {
  let started: Harness | undefined;
  return {
    io,
    suffix:
      io === 'native' ? '' : io === 'static' ? ' (static read buffer)' : ' (Node read buffers)',
    harness: async (): Promise<Harness> =>
      io === 'native' ? shared : (started ??= await start({}, io)),
  };
});

for (const mode of READ_PATHS) {
  test(`inline and multibulk commands, binary-safe values${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const client = await Client.connect(port);
    let value = '';
    for (let i = 0; i < 256; i++) value += String.fromCharCode(i);
    client.write('PING\r\n' + cmd('SET', 'k\x00\xff', value) + cmd('GET', 'k\x00\xff'));
    await client.expect('+PONG\r\n+OK\r\n' + bulk(value));
    client.socket.destroy();
  });

  test(`10k pipelined commands written in pieces of every size are answered in order${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const client = await Client.connect(port);
    let wire = '';
    let expected = '';
    for (let i = 0; i < 10_000; i++) {
      const arg = `v${i}`.repeat(1 + (i % 5));
      wire += i % 7 === 0 ? `ECHO ${arg}\r\n` : cmd('ECHO', arg);
      expected += bulk(arg);
    }
    const bytes = Buffer.from(wire, 'latin1');
    // Piece sizes cycle through 1..97, so splits land on every offset of the frames.
    for (let i = 0, size = 1; i < bytes.length; i += size, size = (size % 97) + 1) {
      client.write(bytes.subarray(i, i + size));
    }
    await client.expect(expected);
    client.socket.destroy();
  });

  test(`a partial frame waits for the rest${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const client = await Client.connect(port);
    client.write('*2\r\n$4\r\nECHO\r\n$5\r\nhel');
    await sleep(50);
    assert.equal(client.received, '');
    client.write('lo\r\n');
    await client.expect(bulk('hello'));
    client.socket.destroy();
  });

  test(`an 8 MiB bulk split across reads round-trips${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const client = await Client.connect(port);
    const value = 'abcdefgh'.repeat(1024 * 1024);
    const bytes = Buffer.from(cmd('SET', 'big', value) + cmd('GET', 'big'), 'latin1');
    for (let i = 0; i < bytes.length; i += 100_000) client.write(bytes.subarray(i, i + 100_000));
    await client.expect('+OK\r\n' + bulk(value));
    client.socket.destroy();
  });

  test(`many clients sending large values at once are each served whole${mode.suffix}`, async () => {
    // 24 clients x 3 MiB arrive in the same turns: more than one batch of reads (1 MiB).
    const port = (await mode.harness()).server.port;
    const clients = await Promise.all(Array.from({ length: 24 }, () => Client.connect(port)));
    const values = clients.map((_, i) => String.fromCharCode(97 + i).repeat(3 * 1024 * 1024 + i));
    clients.forEach((client, i) => {
      const key = `many-${i}`;
      client.write(cmd('SET', key, values[i] ?? '') + cmd('GET', key));
    });
    await Promise.all(clients.map((client, i) => client.expect('+OK\r\n' + bulk(values[i] ?? ''))));
    for (const client of clients) client.socket.destroy();
  });

  test(`a client that half-closes still gets its replies, then the connection closes${mode.suffix}`, async () => {
    const { server, dispatcher } = await mode.harness();
    const before = dispatcher.clientCount;
    const client = await Client.connect(server.port);
    client.socket.end(cmd('ECHO', 'one') + 'PING\r\n');
    await client.expect(bulk('one') + '+PONG\r\n');
    await client.waitClosed();
    while (dispatcher.clientCount > before) await sleep(5);
  });

  test(`a client reset with replies still queued leaves the server serving${mode.suffix}`, async () => {
    const { server, dispatcher } = await mode.harness();
    const before = dispatcher.clientCount;
    const client = await Client.connect(server.port);
    client.write(cmd('SET', 'reset-big', 'r'.repeat(4 * 1024 * 1024)));
    await client.expect('+OK\r\n');
    client.socket.pause();
    client.write(cmd('GET', 'reset-big').repeat(8));
    await sleep(50);
    client.socket.resetAndDestroy();
    while (dispatcher.clientCount > before) await sleep(5);
    const other = await Client.connect(server.port);
    other.write('PING\r\n');
    await other.expect('+PONG\r\n');
    other.socket.destroy();
  });

  test(`a connection killed while its reading is paused closes when the client hangs up${mode.suffix}`, async () => {
    const { server, dispatcher } = await start({}, mode.io);
    const victim = await Client.connect(server.port);
    // A slow command, then more than the read-ahead: the server stops reading this socket.
    let wire = cmd('LATER', 'slow', '150');
    while (wire.length < 256 * 1024) wire += cmd('ECHO', 'e'.repeat(100));
    victim.write(wire);
    await sleep(50);
    const killer = await Client.connect(server.port);
    killer.write(cmd('KILLOTHERS'));
    await killer.expect('+OK\r\n');
    await victim.expect(bulk('slow'));
    await victim.waitClosed();
    for (let i = 0; i < 200 && dispatcher.clientCount > 1; i++) await sleep(10);
    assert.equal(dispatcher.clientCount, 1, 'the killed connection is gone on the server too');
    killer.socket.destroy();
  });

  test(`promise replies keep request order and hold back later commands${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const client = await Client.connect(port);
    client.write(
      cmd('LATER', 'a', '30') + cmd('ECHO', 'b') + cmd('LATER', 'c', '1') + cmd('GET', 'order'),
    );
    client.write(cmd('SET', 'order', 'late'));
    await client.expect(bulk('a') + bulk('b') + bulk('c') + '$-1\r\n+OK\r\n');
    client.socket.destroy();
  });

  test(`commands held back by a pending reply survive other connections' reads${mode.suffix}`, async () => {
    const port = (await mode.harness()).server.port;
    const waiting = await Client.connect(port);
    const busy = await Client.connect(port);
    // One write: a slow command, then commands that stay unparsed until it settles. With a
    // static read buffer they must be copied out before the next read of any connection.
    let held = cmd('LATER', 'first', '150');
    let heldReplies = bulk('first');
    for (let i = 0; i < 200; i++) {
      const arg = `held-${i}-`.padEnd(20 + (i % 13), 'h');
      held += i % 5 === 0 ? `ECHO ${arg}\r\n` : cmd('ECHO', arg);
      heldReplies += bulk(arg);
    }
    waiting.write(held);
    // Meanwhile another connection reads many chunks of different bytes.
    let busyReplies = '';
    for (let round = 0; round < 20; round++) {
      let wire = '';
      for (let i = 0; i < 50; i++) {
        const arg = `busy-${round}-${i}-`.padEnd(40, 'b');
        wire += cmd('ECHO', arg);
        busyReplies += bulk(arg);
      }
      busy.write(wire);
      await sleep(5);
    }
    await busy.expect(busyReplies);
    await waiting.expect(heldReplies);
    waiting.socket.destroy();
    busy.socket.destroy();
  });
}

test('packed commands are sealed together; replies keep request order, deferred ones follow', async () => {
  for (const io of IO_MODES) {
    const { server, dispatcher } = await start({}, io, new PackingDispatcher());
    const client = await Client.connect(server.port);
    client.write(
      cmd('PSET', 'a', '1') +
        cmd('PSET', 'b', '2') +
        cmd('GET', 'a') + // deferred: sees the pack's write
        cmd('PSET', 'c', '3') +
        cmd('PSET', 'd', '4') +
        'PING\r\n' +
        cmd('GET', 'd'),
    );
    await client.expect('+OK\r\n+OK\r\n' + bulk('1') + '+OK\r\n+OK\r\n+PONG\r\n' + bulk('4'));
    assert.deepEqual(dispatcher.seals, [2, 2]);
    // A protocol error after packed commands is answered after their replies.
    client.write(cmd('PSET', 'e', '5') + '*1\r\n:1\r\n');
    await client.expect("+OK\r\n-ERR Protocol error: expected '$', got ':'\r\n");
    await client.waitClosed();
    assert.equal(dispatcher.db.get('e'), '5');
  }
});

test('the server moves bytes the way it is told to', async () => {
  for (const io of IO_MODES) {
    const fields: Record<string, unknown>[] = [];
    const server = await startRespServer({
      host: '127.0.0.1',
      port: 0,
      dispatcher: new TestDispatcher(),
      limits: DEFAULT_LIMITS,
      stats: newServerStats(),
      io,
      log: (_level, msg, f) => void (msg === 'RESP server listening' && fields.push(f)),
    });
    servers.push(server);
    assert.equal(fields[0]?.['io'], io);
    const client = await Client.connect(server.port);
    client.write('PING\r\n');
    await client.expect('+PONG\r\n');
    client.socket.destroy();
  }
});

test('protocol errors answer with the exact error and close the connection', async () => {
  const cases: [string, string][] = [
    ['*1\r\n:1\r\n', "-ERR Protocol error: expected '$', got ':'\r\n"],
    ['*x\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['"abc\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
  ];
  const before = shared.stats.protocolErrors;
  for (const [input, error] of cases) {
    const client = await Client.connect(shared.server.port);
    client.write('PING\r\n' + input + 'PING\r\n');
    await client.expect('+PONG\r\n' + error);
    await client.waitClosed();
    assert.equal(client.received, '');
  }
  assert.equal(shared.stats.protocolErrors, before + cases.length);
});

test('too big inline request closes the connection', async () => {
  const { server } = await start({ inlineBytesMax: 1024 });
  const client = await Client.connect(server.port);
  client.write('x'.repeat(2000));
  await client.expect('-ERR Protocol error: too big inline request\r\n');
  await client.waitClosed();
});

test('QUIT closes after its reply; ClientConnection.close too', async () => {
  const client = await Client.connect(shared.server.port);
  client.write(cmd('QUIT') + cmd('PING'));
  await client.expect('+OK\r\n');
  await client.waitClosed();
  assert.equal(client.received, '');
  const other = await Client.connect(shared.server.port);
  other.write(cmd('KILLME') + cmd('PING'));
  await other.expect('+BYE\r\n');
  await other.waitClosed();
});

test('a throwing or rejecting dispatcher answers ERR internal error and keeps serving', async () => {
  const logged: string[] = [];
  const dispatcher = new TestDispatcher();
  const server = await startRespServer({
    host: '127.0.0.1',
    port: 0,
    dispatcher,
    limits: DEFAULT_LIMITS,
    stats: newServerStats(),
    log: (level, msg) => logged.push(`${level} ${msg}`),
  });
  servers.push(server);
  const client = await Client.connect(server.port);
  client.write(cmd('THROW') + cmd('REJECT') + cmd('PING'));
  await client.expect('-ERR internal error\r\n-ERR internal error\r\n+PONG\r\n');
  assert.equal(logged.filter((l) => l === 'error command failed').length, 2);
  client.socket.destroy();
});

test('HELLO 3 switches the encoding of its own reply', async () => {
  const client = await Client.connect(shared.server.port);
  client.write(cmd('GET', 'missing') + cmd('HELLO', '3') + cmd('GET', 'missing'));
  await client.expect('$-1\r\n*2\r\n:2\r\n_\r\n_\r\n');
  client.socket.destroy();
});

test('maxclients rejects with the Redis error', async () => {
  const { server, stats } = await start({ clientsMax: 1 });
  const first = await Client.connect(server.port);
  first.write('PING\r\n');
  await first.expect('+PONG\r\n');
  const second = await Client.connect(server.port);
  await second.expect('-ERR max number of clients reached\r\n');
  await second.waitClosed();
  assert.equal(stats.connectionsRejected, 1);
  assert.equal(stats.connectionsReceived, 1);
  first.socket.destroy();
});

test('a client that does not read is paused, then served in full', async () => {
  const { server, dispatcher } = await start({
    replyBufferBytesHigh: 64 * 1024,
    replyBufferBytesMax: 64 * 1024 * 1024,
  });
  const client = await Client.connect(server.port);
  const value = 'x'.repeat(256 * 1024);
  client.write(cmd('SET', 'v', value));
  await client.expect('+OK\r\n');
  client.socket.pause();
  const requests = 200;
  client.write(cmd('GET', 'v').repeat(requests));
  // Wait until the server stops making progress.
  let last = -1;
  while (dispatcher.dispatched !== last) {
    last = dispatcher.dispatched;
    await sleep(100);
  }
  assert.ok(dispatcher.dispatched < requests / 2, `dispatched ${dispatcher.dispatched}`);
  client.socket.resume();
  const reply = bulk(value);
  for (let i = 0; i < requests; i++) await client.expect(reply);
  assert.equal(dispatcher.dispatched, requests + 1);
  client.socket.destroy();
});

test('a client over the reply buffer hard limit is disconnected', async () => {
  const { server, stats } = await start({
    replyBufferBytesHigh: 64 * 1024,
    replyBufferBytesMax: 1024 * 1024,
  });
  const client = await Client.connect(server.port);
  client.socket.pause();
  client.write(cmd('SET', 'v', 'y'.repeat(8 * 1024 * 1024)) + cmd('GET', 'v'));
  client.socket.resume();
  await client.expect('+OK\r\n');
  await client.waitClosed();
  assert.ok(client.received.length < 8 * 1024 * 1024);
  assert.equal(stats.protocolErrors, 1);
});

test('stats count bytes in and out', async () => {
  const { server, stats } = await start();
  const client = await Client.connect(server.port);
  client.write('PING\r\n');
  await client.expect('+PONG\r\n');
  assert.equal(stats.netInputBytes, 6);
  assert.equal(stats.netOutputBytes, 7);
  client.socket.destroy();
});

test('close() ends client connections', async () => {
  const { server, dispatcher } = await start();
  const client = await Client.connect(server.port);
  client.write('PING\r\n');
  await client.expect('+PONG\r\n');
  await server.close();
  await client.waitClosed();
  assert.equal(dispatcher.clientCount, 0);
});
