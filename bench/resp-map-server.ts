/**
 * A throwaway RESP server for measuring the protocol layer alone: src/resp with a trivial
 * Map-based dispatcher that knows just the redis-benchmark commands. Not a database.
 * Usage: node dist/bench/resp-map-server.js --port P [--host H]
 */
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { EMPTY_ARRAY, ErrorReply, OK, PONG, type Reply } from '../src/commands/reply.js';
import {
  newServerStats,
  type ClientConnection,
  type CommandDispatcher,
  type Session,
  newSession,
} from '../src/commands/session.js';
import { startRespServer } from '../src/resp/server.js';

type Value = string | string[] | Set<string> | Map<string, string>;

export function createMapDispatcher(): CommandDispatcher {
  const db = new Map<string, Value>();
  let clients = 0;
  const wrongType = new ErrorReply(
    'WRONGTYPE Operation against a key holding the wrong kind of value',
  );
  const handlers: Record<string, (args: readonly string[]) => Reply> = {
    ping: (a) =>
      a.length === 1
        ? PONG
        : a.length === 2
          ? (a[1] ?? '')
          : new ErrorReply("ERR wrong number of arguments for 'ping' command"),
    echo: (a) =>
      a.length === 2
        ? (a[1] ?? '')
        : new ErrorReply("ERR wrong number of arguments for 'echo' command"),
    set: (a) => (db.set(a[1] ?? '', a[2] ?? ''), OK),
    get: (a) => {
      const v = db.get(a[1] ?? '');
      return v === undefined ? null : typeof v === 'string' ? v : wrongType;
    },
    incr: (a) => {
      const v = db.get(a[1] ?? '');
      const n = (typeof v === 'string' ? Number(v) : 0) + 1;
      db.set(a[1] ?? '', String(n));
      return n;
    },
    lpush: (a) => {
      let l = db.get(a[1] ?? '');
      if (l === undefined) db.set(a[1] ?? '', (l = []));
      if (!Array.isArray(l)) return wrongType;
      for (let i = 2; i < a.length; i++) l.push(a[i] ?? '');
      return l.length;
    },
    lpop: (a) => {
      const l = db.get(a[1] ?? '');
      return Array.isArray(l) ? (l.pop() ?? null) : null;
    },
    sadd: (a) => {
      let s = db.get(a[1] ?? '');
      if (s === undefined) db.set(a[1] ?? '', (s = new Set()));
      if (!(s instanceof Set)) return wrongType;
      const before = s.size;
      for (let i = 2; i < a.length; i++) s.add(a[i] ?? '');
      return s.size - before;
    },
    hset: (a) => {
      let h = db.get(a[1] ?? '');
      if (h === undefined) db.set(a[1] ?? '', (h = new Map()));
      if (!(h instanceof Map)) return wrongType;
      const before = h.size;
      for (let i = 2; i + 1 < a.length; i += 2) h.set(a[i] ?? '', a[i + 1] ?? '');
      return h.size - before;
    },
    zadd: (a) => {
      let h = db.get(a[1] ?? '');
      if (h === undefined) db.set(a[1] ?? '', (h = new Map()));
      if (!(h instanceof Map)) return wrongType;
      const before = h.size;
      for (let i = 2; i + 1 < a.length; i += 2) h.set(a[i + 1] ?? '', a[i] ?? '');
      return h.size - before;
    },
    mset: (a) => {
      for (let i = 1; i + 1 < a.length; i += 2) db.set(a[i] ?? '', a[i + 1] ?? '');
      return OK;
    },
    config: () => EMPTY_ARRAY,
  };
  return {
    connect(connection: ClientConnection): Session {
      clients++;
      return newSession(connection);
    },
    dispatch(_session: Session, args: readonly string[]): Reply {
      const handler = handlers[(args[0] ?? '').toLowerCase()];
      return handler === undefined ? new ErrorReply('ERR unknown command') : handler(args);
    },
    disconnect(): void {
      clients--;
    },
    get clientCount(): number {
      return clients;
    },
    clockMs: 0,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const server = await startRespServer({
    host: flag('--host', '127.0.0.1'),
    port: Number(flag('--port', '6390')),
    dispatcher: createMapDispatcher(),
    limits: DEFAULT_LIMITS,
    stats: newServerStats(),
  });
  console.log(`listening on ${server.port}`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1]?.endsWith('resp-map-server.js')) await main();
