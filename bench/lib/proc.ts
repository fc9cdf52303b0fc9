/**
 * Helpers for benchmarks that run real server processes side by side: free ports, spawning
 * with a readiness check, RSS and CPU time from /proc, and a stop that always reaps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { SERVER_NODE_FLAGS } from '../../src/config/runtime.js';

/** A port that was free a moment ago on `host` (the kernel picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Last lines the process wrote (for error messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_CHARS_MAX = 8192;

/**
 * Starts `cmd args` and resolves once `readyCheck()` returns true (polled every 50 ms), or
 * rejects if the process exits first or `timeoutMs` passes (the process is then killed).
 */
export async function spawnServer(
  cmd: string,
  args: readonly string[],
  readyCheck: () => Promise<boolean>,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ServerProcess> {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_CHARS_MAX);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const proc: ServerProcess = {
    pid: child.pid ?? -1,
    child,
    output: () => output,
    stop: async (graceMs = 5000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${cmd} exited before it was ready:\n${output}`);
    }
    if (await readyCheck().catch(() => false)) return proc;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new Error(`${cmd} was not ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True if a RESP server on host:port answers PING with +PONG. */
export async function respPing(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    let received = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

/** Resident set size of a process in bytes (VmRSS from /proc/PID/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** User + system CPU time of a process in seconds (from /proc/PID/stat, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Stops every given process; never throws. */
export async function stop(...procs: (ServerProcess | undefined)[]): Promise<void> {
  await Promise.all(procs.map((p) => p?.stop().catch(() => undefined)));
}

/** The memlayer executable (bin/memlayer.js at the repository root). */
export const MEMLAYER_BIN = new URL('../../../bin/memlayer.js', import.meta.url).pathname;

/** Arguments for a benchmark memlayer node: in memory, like redis-server without persistence. */
export function memlayerMemoryArgs(port: number, dataDir: string): string[] {
  // No admin API: redis-server has none, and its default port (7380) may be taken.
  const flags = ['--port', String(port), '--bind', '127.0.0.1', '--data-dir', dataDir];
  flags.push('--admin-port', 'none');
  // No automatic saves, as the redis-server reference runs with `--save ''`.
  const server = [MEMLAYER_BIN, 'server', ...flags, '--durability', 'memory', '--save', ''];
  return [...SERVER_NODE_FLAGS, ...server];
}

/** Arguments for the reference redis-server: no RDB saves, no AOF, loopback only. */
export function redisServerArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}
