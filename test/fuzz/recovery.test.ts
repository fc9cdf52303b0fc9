/**
 * Recovery fuzz: the differential fuzz's seeded command sequences (every data type, TTLs,
 * transactions, bad input) go to one memlayer node; then its whole keyspace is read, the node
 * is restarted, and the keyspace must read back the same, byte for byte, expiry times
 * included. Under `--durability fsync` with a Raft snapshot every 16 entries, a clean
 * stop and a kill -9 each bring the node back from a snapshot plus the log after it; under
 * `--durability memory`, SHUTDOWN's dump.mlsnap. So every value encoding of the log, the
 * snapshots and the dump file is checked against the state that wrote it.
 *
 * FUZZ_COMMANDS=N sends N commands per round (default 1500, CI); FUZZ_SEED=S runs one seed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../src/shared/effects.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../compat/server-process.js';
import { CommandGenerator } from './diff-commands.js';
import { assertSameKeyspace, readAll } from './keyspace-dump.js';
import { RespConnection } from './servers.js';

const COMMANDS = Number(process.env['FUZZ_COMMANDS'] ?? 1500);
const SEEDS = process.env['FUZZ_SEED'] !== undefined ? [Number(process.env['FUZZ_SEED'])] : [11];
const BATCH = 20;

/** Sends `count` generated commands (and transactions), pipelined; the replies do not matter. */
async function drive(port: number, generator: CommandGenerator, count: number): Promise<void> {
  const connection = await RespConnection.connect(port);
  try {
    for (let sent = 0; sent < count;) {
      const batch: (readonly string[])[] = [];
      while (batch.length < BATCH) {
        if (sent % 97 === 0) batch.push(...generator.transaction().map((c) => c.args));
        else batch.push(generator.next().args);
        sent++;
      }
      await connection.pipeline(batch);
    }
  } finally {
    connection.close();
  }
}

/** The node has a Raft snapshot past its bootstrap: a restart loads it, then the log. */
async function assertSnapshotted(port: number): Promise<void> {
  const c = await RespConnection.connect(port);
  try {
    const info = (await c.call('INFO', 'raft')).raw;
    const index = Number(/raft_snapshot_last_idx:(\d+)/.exec(info)?.[1] ?? 0);
    assert.ok(index > 1, `no snapshot was taken (raft_snapshot_last_idx ${index})`);
  } finally {
    c.close();
  }
}

interface Mode {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** How each round stops the node. */
  readonly stops: readonly ('SIGTERM' | 'SIGKILL')[];
}

const MODES: readonly Mode[] = [
  {
    name: '--durability fsync, snapshots every 16 entries',
    args: ['--durability', 'fsync'],
    env: { MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '16' },
    stops: ['SIGTERM', 'SIGKILL'],
  },
  {
    name: '--durability memory, SHUTDOWN writes dump.mlsnap',
    args: ['--durability', 'memory', '--save', ''],
    env: {},
    stops: ['SIGTERM'],
  },
];

for (const mode of MODES) {
  describe(`recovery fuzz (${mode.name})`, () => {
    for (const seed of SEEDS) {
      it(`seed ${seed}: the keyspace reads back the same after each restart`, async () => {
        const dataDir = tempDataDir();
        const generator = new CommandGenerator(new SeededRng(seed ^ 0x5eed));
        const start = (): Promise<ServerProcess> =>
          startServerProcess(['--bind', '127.0.0.1', ...mode.args], dataDir, mode.env);
        let server = await start();
        try {
          for (const signal of mode.stops) {
            await drive(server.port, generator, COMMANDS);
            const before = await readAll(server.port);
            if (mode.args.includes('fsync')) await assertSnapshotted(server.port);
            await server.stop(signal);
            server = await start();
            assertSameKeyspace(before, await readAll(server.port), `after ${signal}`);
            if (process.env['FUZZ_TRACE'] !== undefined)
              console.log([...before.values()].map((v) => v.slice(0, 60)).join('\n'));
          }
        } finally {
          await server.stop();
        }
      });
    }
  });
}
