/**
 * Starts a real `memlayer server` process (bin/memlayer.js) on a free port for the
 * compatibility tests, and stops it. The port is read from the `memlayer ready` log line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { after } from 'node:test';
import { SERVER_NODE_FLAGS } from '../../src/config/runtime.js';

/** dist/test/compat/x.js -> repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(REPO_ROOT, 'bin', 'memlayer.js');
const START_TIMEOUT_MS = 15_000;

export interface ServerProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process has exited by itself. */
  exited(): Promise<number | null>;
}

/**
 * Servers still running when a test file's tests are done: a test that failed before its
 * shutdown step would otherwise leave its server holding the test process open forever.
 */
const running = new Set<ChildProcess>();
const tempDirs: string[] = [];
after(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/** A data directory for this test file's servers, removed when the file's tests are done. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-compat-'));
  tempDirs.push(dir);
  return dir;
}

export async function startServerProcess(
  extraArgs: readonly string[] = [],
  dataDir: string = tempDataDir(),
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const args = [
    ...SERVER_NODE_FLAGS,
    BIN,
    'server',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  let output = '';
  running.add(child);
  const exit = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      running.delete(child);
      done(code);
    }),
  );
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`server did not start:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"port":(\d+)[^\n]*"msg":"memlayer ready"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exit.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    port,
    dataDir,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    exited: () => exit,
  };
}

/** Runs the memlayer CLI to completion (for --help, bad flags, startup failures). */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** True if an executable is on PATH (redis-cli, redis-benchmark). */
export function hasExecutable(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * A raw RESP connection: `send` writes bytes; `read` waits until `expectedBytes` arrive (or the
 * peer closes) and returns exactly what came, as latin1.
 */
export class RawClient {
  private buffer = '';
  private closed = false;
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((done, fail) => {
      const socket = net.connect(port, '127.0.0.1', () => done(new RawClient(socket)));
      socket.once('error', fail);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: string): void {
    this.socket.write(Buffer.from(data, 'latin1'));
  }

  /** Encodes a command as a RESP array of bulk strings and sends it. */
  command(...args: string[]): void {
    let data = `*${args.length}\r\n`;
    for (const arg of args) data += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
    this.send(data);
  }

  async read(expectedBytes: number, timeoutMs = 5000): Promise<string> {
    await this.waitFor(() => this.buffer.length >= expectedBytes, timeoutMs);
    const out = this.buffer.slice(0, expectedBytes);
    this.buffer = this.buffer.slice(out.length);
    return out;
  }

  /** One reply line, CRLF included (a simple reply whose length the caller cannot know). */
  async readLine(timeoutMs = 5000): Promise<string> {
    await this.waitFor(() => this.buffer.includes('\r\n'), timeoutMs);
    const end = this.buffer.indexOf('\r\n');
    return this.read(end < 0 ? this.buffer.length : end + 2, 0);
  }

  private async waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && !this.closed && Date.now() < deadline) {
      await new Promise<void>((done) => {
        this.waiter = done;
        setTimeout(done, 50);
      });
      this.waiter = undefined;
    }
  }

  /** Sends a command and returns the reply, whose exact bytes the caller expects. */
  async call(expected: string, ...args: string[]): Promise<string> {
    this.command(...args);
    return this.read(expected.length);
  }

  close(): void {
    this.socket.destroy();
  }
}
