/**
 * Differential fuzz against the real redis-server: the same mutated byte streams (multibulk,
 * inline, quotes, escapes, broken lengths) go to Redis and to our RESP server, and both must
 * answer the same bytes and close (or not) the same way. The dispatcher here implements PING
 * and ECHO as Redis does; other command errors are compared by their prefix only.
 * Skipped when /usr/bin/redis-server is not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { ErrorReply, PONG, type Reply } from '../../src/commands/reply.js';
import {
  newServerStats,
  type ClientConnection,
  type CommandDispatcher,
  type Session,
  newSession,
} from '../../src/commands/session.js';
import { startRespServer, type RespServer } from '../../src/resp/server.js';

const REDIS = '/usr/bin/redis-server';
const CASES = 160;
const QUIET_MS = 250;
/** Upper bound on waiting for an answer we know is coming. */
const LONG_WAIT_MS = 5000;

const arity = (name: string): ErrorReply =>
  new ErrorReply(`ERR wrong number of arguments for '${name}' command`);

class PingEchoDispatcher implements CommandDispatcher {
  clientCount = 0;
  readonly clockMs = 0;
  connect(connection: ClientConnection): Session {
    this.clientCount++;
    return newSession(connection);
  }
  disconnect(): void {
    this.clientCount--;
  }
  dispatch(_session: Session, args: readonly string[]): Reply {
    const name = (args[0] ?? '').toLowerCase();
    if (name === 'ping') {
      if (args.length > 2) return arity('ping');
      return args.length === 2 ? (args[1] ?? '') : PONG;
    }
    if (name === 'echo') return args.length === 2 ? (args[1] ?? '') : arity('echo');
    return new ErrorReply(`ERR unknown command '${args[0] ?? ''}'`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

/** Error lines that depend on the command table, not on the protocol layer. */
const normalise = (text: string): string =>
  text.replace(/-ERR (unknown command|wrong number)[^\r]*\r\n/g, '-ERR X\r\n');

/**
 * Sends bytes and collects the answer until the peer closes, or until at least `minChars`
 * arrived and the peer then stayed quiet for `quietMs` (a loaded machine delays answers, so
 * the wait for our server is bounded by what Redis answered, not by a short timer).
 */
async function exchange(
  port: number,
  data: Buffer,
  minChars = 0,
  quietMs = QUIET_MS,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const quiet = (): void => {
      clearTimeout(timer);
      const waitMs = normalise(text).length >= minChars ? quietMs : LONG_WAIT_MS;
      timer = setTimeout(() => finish(false), waitMs);
    };
    socket.on('connect', () => {
      socket.write(data);
      quiet();
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      quiet();
    });
    socket.on('end', () => finish(true)); // the peer closed (FIN), whatever our side does
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
  });
}

let redis: ChildProcess | undefined;
let redisPort = 0;
let ours: RespServer | undefined;

before(async () => {
  if (!existsSync(REDIS)) return;
  redisPort = await freePort();
  redis = spawn(
    REDIS,
    ['--save', '', '--appendonly', 'no', '--port', String(redisPort), '--bind', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const { text } = await exchange(redisPort, Buffer.from('PING\r\n'));
    if (text === '+PONG\r\n') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  ours = await startRespServer({
    host: '127.0.0.1',
    port: 0,
    dispatcher: new PingEchoDispatcher(),
    limits: DEFAULT_LIMITS,
    stats: newServerStats(),
  });
});

after(async () => {
  redis?.kill('SIGKILL');
  await ours?.close();
});

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const encode = (args: readonly string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
const BASE =
  encode(['ECHO', 'hallo']) +
  "PING\r\nECHO \"a\\x41 b\" 'c\\'d'\r\n" +
  encode(['PING']) +
  encode(['ECHO', 'x'.repeat(20)]);
const SPECIALS = [0x2a, 0x24, 0x0d, 0x0a, 0x2d, 0x30, 0x31, 0x39, 0x22, 0x27, 0x5c, 0x20, 0x78];
test('same bytes and same close as redis-server for mutated input', async (t) => {
  if (redis === undefined || ours === undefined) {
    t.skip('redis-server not installed');
    return;
  }
  const port = ours.port;
  const inputs: Buffer[] = [];
  for (let seed = 1; inputs.length < CASES; seed++) {
    const random = rng(seed);
    const bytes = Buffer.from(BASE, 'latin1');
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] =
        random() < 0.8
          ? (SPECIALS[Math.floor(random() * SPECIALS.length)] ?? 0)
          : Math.floor(random() * 256);
    }
    // Redis reads inline lines with strchr, which stops at NUL: not a behaviour we copy.
    if (!bytes.includes(0)) inputs.push(bytes);
  }
  for (let i = 0; i < inputs.length; i += 40) {
    await Promise.all(
      inputs.slice(i, i + 40).map(async (input) => {
        const expected = await exchange(redisPort, input);
        const actual = await exchange(port, input, normalise(expected.text).length, 50);
        const label = JSON.stringify(input.toString('latin1'));
        assert.equal(normalise(actual.text), normalise(expected.text), label);
        assert.equal(actual.closed, expected.closed, label);
      }),
    );
  }
});
