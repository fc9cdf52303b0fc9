/**
 * In-process micro-benchmark of the protocol layer: parse -> trivial Map dispatch -> encode,
 * no sockets, so it is not disturbed by the kernel or by other load on the machine as much as
 * redis-benchmark is. Prints ns per command for pipelined batches like redis-benchmark -P 16.
 * Usage: node dist/bench/resp-micro.js [--commands N]
 */
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import type { ClientConnection } from '../src/commands/session.js';
import { ReplyWriter, writeReply } from '../src/resp/encoder.js';
import { RespParser } from '../src/resp/parser.js';
import { createMapDispatcher } from './resp-map-server.js';

const encode = (args: readonly string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

function batch(kind: string, size: number, seed: number): Buffer {
  let wire = '';
  for (let i = 0; i < size; i++) {
    const key = `key:${String((seed * 7919 + i * 104729) % 100000).padStart(12, '0')}`;
    wire += encode(kind === 'set' ? ['SET', key, 'x'.repeat(100)] : ['GET', key]);
  }
  return Buffer.from(wire, 'latin1');
}

function run(kind: string, pipeline: number, commands: number): number {
  const dispatcher = createMapDispatcher();
  const connection: ClientConnection = {
    id: 1,
    remoteAddress: '127.0.0.1:1',
    localAddress: '127.0.0.1:2',
    close: () => undefined,
  };
  const session = dispatcher.connect(connection);
  const writer = new ReplyWriter();
  const batches = Array.from({ length: 64 }, (_, i) => batch(kind, pipeline, i));
  const parser = new RespParser(DEFAULT_LIMITS);
  // Pre-fill for GET.
  for (const b of Array.from({ length: 64 }, (_, i) => batch('set', pipeline, i))) {
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
for (const kind of ['set', 'get']) {
  for (const pipeline of [1, 16]) {
    run(kind, pipeline, commands / 10); // warm up
    console.log(
      `${kind.padEnd(4)} batch ${String(pipeline).padStart(2)}: ${run(kind, pipeline, commands).toFixed(0)} CPU ns/command (parse + Map dispatch + encode)`,
    );
  }
}
