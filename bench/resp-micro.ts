/**
 * In-process micro-benchmark of one server turn without sockets: parse -> dispatch -> encode,
 * so it is not disturbed by the kernel or by other load on the machine as much as
 * redis-benchmark is. Prints CPU ns per command for pipelined batches like redis-benchmark
 * -P 16 over 100k keys (-r 100000), twice: with a trivial Map dispatcher (the protocol layer
 * alone) and with the real stack main.ts builds for `--durability memory` (command table,
 * dispatcher, memory guard, local executor, state machine, keyspace).
 * Usage: node dist/bench/resp-micro.js [--commands N] [--only map|full]
 */
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import type { ClientConnection } from '../src/commands/session.js';
import { ReplyWriter, writeReply } from '../src/resp/encoder.js';
import { RespParser } from '../src/resp/parser.js';
import { createMapDispatcher } from './resp-map-server.js';
import { DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from '../src/config/config.js';
import { buildCommandTable } from '../src/commands/registry.js';
import { StateMachine } from '../src/commands/state-machine.js';
import { LocalExecutor } from '../src/commands/local-executor.js';
import { MemoryGuard } from '../src/commands/memory-guard.js';
import { Dispatcher } from '../src/commands/dispatcher.js';
import { newServerStats, type CommandDispatcher } from '../src/commands/session.js';
import { SnapshotFile } from '../src/commands/server/snapshot-file.js';
import { systemClock } from '../src/main.js';

const KEYS = 100_000;
const BATCHES = 8192;

/** The dispatcher stack of a `--durability memory` server (src/main.ts), without sockets. */
function createFullDispatcher(): CommandDispatcher {
  const table = buildCommandTable();
  const stateMachine = new StateMachine(table);
  const clock = systemClock;
  const options = { ...DEFAULT_OPTIONS, durability: 'memory' as const };
  const limits = limitsFor(options);
  const config = new RuntimeConfig(options, limits, '');
  const guard = new MemoryGuard({
    inner: new LocalExecutor(stateMachine, clock),
    db: stateMachine.db,
    table,
    config,
    clock,
    startupBytes: 0,
    evicts: () => true,
  });
  return new Dispatcher({
    table,
    executor: guard,
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
    shutdown: () => Promise.resolve(undefined),
    port: () => 6379,
    expiredKeys: () => 0,
  });
}

const encode = (args: readonly string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

function batch(kind: string, size: number, seed: number): Buffer {
  let wire = '';
  for (let i = 0; i < size; i++) {
    const key = `key:${String((seed * 7919 + i * 104729) % KEYS).padStart(12, '0')}`;
    wire += encode(kind === 'set' ? ['SET', key, 'x'.repeat(100)] : ['GET', key]);
  }
  return Buffer.from(wire, 'latin1');
}

function run(
  dispatcher: CommandDispatcher,
  kind: string,
  pipeline: number,
  commands: number,
): number {
  const connection: ClientConnection = {
    id: 1,
    remoteAddress: '127.0.0.1:1',
    localAddress: '127.0.0.1:2',
    close: () => undefined,
  };
  const session = dispatcher.connect(connection);
  const writer = new ReplyWriter();
  const batches = Array.from({ length: BATCHES }, (_, i) => batch(kind, pipeline, i));
  const parser = new RespParser(DEFAULT_LIMITS);
  // Pre-fill for GET.
  for (const b of Array.from({ length: BATCHES }, (_, i) => batch('set', pipeline, i))) {
    parser.feed(b);
    for (let args = parser.next(); Array.isArray(args); args = parser.next()) {
      dispatcher.dispatch(session, args);
    }
  }
  let outBytes = 0;
  // CPU time, not wall time: the machine is shared, and waiting for a core is not our cost.
  const start = process.cpuUsage();
  for (let done = 0, i = 0; done < commands; i++) {
    parser.feed(batches[i % batches.length] ?? Buffer.alloc(0));
    for (let args = parser.next(); Array.isArray(args); args = parser.next()) {
      const reply = dispatcher.dispatch(session, args);
      if (reply instanceof Promise) throw new Error('unexpected promise');
      writeReply(writer, reply, 2);
      done++;
    }
    outBytes += writer.take()?.length ?? 0;
  }
  const used = process.cpuUsage(start);
  const elapsedNs = (used.user + used.system) * 1000;
  if (outBytes === 0) throw new Error('no output');
  return elapsedNs / commands;
}

const argv = process.argv.slice(2);
const i = argv.indexOf('--commands');
const commands = Number(i >= 0 ? argv[i + 1] : 2_000_000);
const o = argv.indexOf('--only');
const only = o >= 0 ? argv[o + 1] : undefined;
const stacks = [
  { name: 'map', what: 'parse + Map dispatch + encode', make: createMapDispatcher },
  { name: 'full', what: 'parse + memlayer dispatch + encode', make: createFullDispatcher },
].filter((stack) => only === undefined || stack.name === only);
for (const stack of stacks) {
  for (const kind of ['set', 'get']) {
    for (const pipeline of [1, 16]) {
      const dispatcher = stack.make();
      run(dispatcher, kind, pipeline, commands / 10); // warm up
      const ns = run(dispatcher, kind, pipeline, commands);
      console.log(
        `${stack.name.padEnd(4)} ${kind.padEnd(4)} batch ${String(pipeline).padStart(2)}: ${ns.toFixed(0)} CPU ns/command (${stack.what})`,
      );
    }
  }
}
