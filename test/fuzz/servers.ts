/**
 * Test support for the fuzz tests: a raw RESP connection that captures each reply's exact bytes,
 * and a redis-server of our own on a free port (the Debian binary; never someone else's server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { readReply, type RespNode } from './resp-tree.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
const REPLY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 100;

export function hasRedisServer(): boolean {
  return existsSync(REDIS_SERVER);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Encodes a command as a RESP array of bulk strings (arguments are latin1 byte strings). */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

/** One TCP connection; replies are parsed only to find where each ends. */
export class RespConnection {
  private buffer = '';
  private closed = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RespConnection(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  sendRaw(data: string): void {
    this.socket.write(Buffer.from(data, 'latin1'));
  }

  /** Sends the commands pipelined and resolves with one reply per command, in order. */
  async pipeline(commands: readonly (readonly string[])[]): Promise<RespNode[]> {
    this.sendRaw(commands.map(encodeCommand).join(''));
    const replies: RespNode[] = [];
    while (replies.length < commands.length) replies.push(await this.next());
    return replies;
  }

  async call(...args: string[]): Promise<RespNode> {
    const [reply] = await this.pipeline([args]);
    if (reply === undefined) throw new Error('no reply');
    return reply;
  }

  /** The next complete reply; rejects if the peer closes or is silent for too long. */
  async next(): Promise<RespNode> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const parsed = readReply(this.buffer);
      if (parsed !== null) {
        this.buffer = this.buffer.slice(parsed.end);
        return parsed.node;
      }
      if (this.closed) throw new Error(`connection closed; pending ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error('no reply within the time limit');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RedisProcess {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts our own redis-server: no persistence, loopback only, on a free port. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      const connection = await RespConnection.connect(port);
      const reply = await connection.call('PING');
      connection.close();
      if (reply.raw === '+PONG\r\n') break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
