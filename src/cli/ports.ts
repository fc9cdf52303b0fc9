/**
 * Ports for local clusters (`memlayer dev-cluster`, the consistency harness, cluster tests):
 * a node is told its port now and listens on it later, possibly minutes later, so the port must
 * be one the kernel will not hand to someone else meanwhile, nor another process picking ports
 * the same way (a test file and a consistency run side by side).
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../shared/process-alive.js';

async function canListen(port: number): Promise<boolean> {
  const server = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}

/** Lowest port the kernel hands out for ephemeral use (outgoing connections, listen(0)). */
function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

const taken = new Set<number>();

/** One file per port handed out, naming the process that holds it, removed when it exits. */
const RESERVATIONS = join(tmpdir(), 'memlayer-ports');
let releaseOnExit = false;

/**
 * Claims `port` across processes: creates its file exclusively, or takes over the file of a
 * process that is gone. False when a live process holds it.
 */
export function reserve(port: number): boolean {
  mkdirSync(RESERVATIONS, { recursive: true });
  const path = join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (!releaseOnExit) process.once('exit', releaseAll);
      releaseOnExit = true;
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, 'utf8'));
    } catch {
      // Removed meanwhile: try again.
    }
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return false;
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first; the exclusive create decides.
    }
  }
  return false;
}

function releaseAll(): void {
  for (const port of taken) {
    try {
      unlinkSync(join(RESERVATIONS, String(port)));
    } catch {
      // Already gone.
    }
  }
}

/** Ports per process slice: test files run in parallel processes draw from different slices. */
const SLICE_PORTS = 1500;
const SLICES = 8;

/**
 * A port for a node to listen on later, possibly minutes later (a spare joins at the first
 * membership fault). Ports the kernel might give to someone else meanwhile are avoided: it is
 * picked below the ephemeral range (where the proxies' listen(0) and every outgoing connection
 * take theirs), free when checked, never handed out twice by this process, and reserved
 * against other processes by a file in the temporary directory until this one exits. Each
 * process draws from its own slice of that range (by pid), so that processes starting
 * clusters at the same time rarely contend for the same port.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.max(1024, high - SLICES * SLICE_PORTS);
  const span = high - low + 1;
  const base = (process.pid % SLICES) * SLICE_PORTS;
  for (let attempt = 0; attempt < 1000; attempt++) {
    // Mostly from this process' slice; after 500 misses, from anywhere in the range.
    const offset =
      attempt < 500
        ? base + Math.floor(Math.random() * SLICE_PORTS)
        : Math.floor(Math.random() * span);
    const port = low + (offset % span);
    if (taken.has(port)) continue;
    if ((await canListen(port)) && reserve(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port below the ephemeral range');
}
