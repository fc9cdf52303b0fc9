/**
 * Ports for local clusters (`memlayer dev-cluster`, the consistency harness, cluster tests):
 * a node is told its port now and listens on it later, possibly minutes later, so the port must
 * be one the kernel will not hand to someone else meanwhile.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

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
/** Ports per process slice: test files run in parallel processes draw from different slices. */
const SLICE_PORTS = 1500;
const SLICES = 8;

/**
 * A port for a node to listen on later, possibly minutes later (a spare joins at the first
 * membership fault). Ports the kernel might give to someone else meanwhile are avoided: it is
 * picked below the ephemeral range (where the proxies' listen(0) and every outgoing connection
 * take theirs), free when checked, and never handed out twice by this process. Each process
 * draws from its own slice of that range (by pid), so that clusters started at the same time by
 * different test processes rarely try the same port.
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
    if (await canListen(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port below the ephemeral range');
}
