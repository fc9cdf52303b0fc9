/**
 * Hostile input for every data command in the table.
 *
 * In process: each data command gets random argument lists within its arity (the dispatcher
 * rejects the rest before the state machine sees them): random bytes, empty strings, huge,
 * negative and non-finite numbers, the command's own keywords in the wrong places, and keys
 * holding every kind of value. It must never throw, its reply must encode in RESP2 and RESP3,
 * and an error reply must leave the whole state (snapshot bytes) unchanged.
 *
 * Over TCP: a few hundred malformed commands (wrong arity, unknown names, random bytes, broken
 * RESP on throw-away connections) against a real memlayer process, which must still answer PING
 * and hold every key it held.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildCommandTable, allCommands } from '../../src/commands/registry.js';
import { ErrorReply, type Reply } from '../../src/commands/reply.js';
import type { DataCommandSpec } from '../../src/commands/spec.js';
import { envFor, StateMachine } from '../../src/commands/state-machine.js';
import { wire } from '../../src/commands/collections/wire.js';
import { SeededRng } from '../../src/shared/effects.js';
import { startServerProcess, type ServerProcess } from '../compat/server-process.js';
import { encodeCommand, RespConnection } from './servers.js';

const ROUNDS_PER_COMMAND = Number(process.env['FUZZ_ROUNDS'] ?? 40);
const NOW_MS = 1_800_000_000_000;
const KINDS = ['str', 'int', 'float', 'hash', 'list', 'set', 'zset', 'stream', 'tensor', 'ttl'];
const KEYS = [...KINDS, 'missing', ''];
const NUMBERS = [
  '0',
  '1',
  '-1',
  '2',
  '3',
  '10',
  '-10',
  '100000',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1e400',
  '-1e400',
  '4294967296',
  '2147483648',
  '1.5',
  '-0',
  '+0',
  'inf',
  '-inf',
  '+inf',
  'nan',
  'NaN',
  'infinity',
  '0x10',
  '1e3',
  ' 1',
  '1 ',
  '007',
  '.5',
  '5.',
  '(1',
  '[a',
  '-',
  '+',
  '*',
  '0-0',
  '1-1',
  '5-*',
  '18446744073709551615-18446744073709551615',
  '1e-400',
  '4.9e-324',
];

/** The state every round starts from: one key of each kind, one with a (far) TTL. */
function seed(machine: StateMachine): void {
  const commands = [
    ['SET', 'str', 'hello'],
    ['SET', 'int', '42'],
    ['SET', 'float', '1.5'],
    ['HSET', 'hash', 'f', 'v', 'n', '7', 'x', '2.5'],
    ['RPUSH', 'list', 'a', 'b', 'c', '1'],
    ['SADD', 'set', 'a', 'b', '1', '2'],
    ['ZADD', 'zset', '1', 'a', '2', 'b', '2', 'c', '-inf', 'd'],
    ['XADD', 'stream', '1-1', 'f', 'v'],
    ['XADD', 'stream', '2-0', 'g', 'w'],
    ['TENSOR.SET', 'tensor', 'FLOAT', '2,2', 'VALUES', '1', '2', '3', '4'],
    ['SET', 'ttl', 'v', 'EX', '1000000'],
  ];
  commands.forEach((args, i) => {
    const reply = machine.applyOne(args, envFor(i + 1, NOW_MS));
    assert.ok(!(reply instanceof ErrorReply), `seed ${args.join(' ')}: ${JSON.stringify(reply)}`);
  });
}

/** Upper-case words of the command's syntax: its options, to be put in the wrong places. */
function keywordsOf(spec: DataCommandSpec): string[] {
  return [...new Set(spec.syntax.match(/\b[A-Z][A-Z0-9_-]+\b/g) ?? [])];
}

function randomBytes(rng: SeededRng): string {
  let out = '';
  for (let n = rng.int(12); n > 0; n--) out += String.fromCharCode(rng.int(256));
  return out;
}

function hostileArgs(spec: DataCommandSpec, rng: SeededRng, keywords: readonly string[]): string[] {
  const minimum = Math.abs(spec.arity);
  const length = spec.arity > 0 ? spec.arity : minimum + rng.int(7);
  const args = [rng.int(2) === 0 ? spec.name.toUpperCase() : spec.name];
  const pools: (() => string)[] = [
    () => KEYS[rng.int(KEYS.length)] ?? '',
    () => NUMBERS[rng.int(NUMBERS.length)] ?? '',
    () => randomBytes(rng),
    () => (keywords.length > 0 ? (keywords[rng.int(keywords.length)] ?? '') : ''),
    () => String(rng.int(5)),
  ];
  for (let i = 1; i < length; i++) {
    // The first key position holds a key of some kind most of the time.
    const pool =
      i === spec.keys.first && rng.int(4) !== 0 ? pools[0] : pools[rng.int(pools.length)];
    args.push(pool?.() ?? '');
  }
  return args;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('hostile arguments for every data command (in process)', () => {
  const table = buildCommandTable();
  const specs = allCommands.filter((spec): spec is DataCommandSpec => spec.kind === 'data');
  const baseline = new StateMachine(table);
  seed(baseline);
  const baselineBytes = baseline.encodeSnapshot();

  it('covers the whole command table', () => {
    assert.ok(specs.length > 100, `only ${specs.length} data commands`);
  });

  for (const spec of specs) {
    it(`${spec.name}: never throws; errors change nothing`, () => {
      const rng = new SeededRng(hash(spec.name));
      const keywords = keywordsOf(spec);
      const machine = new StateMachine(table);
      const failures: string[] = [];
      for (let round = 0; round < ROUNDS_PER_COMMAND && failures.length < 5; round++) {
        machine.restoreSnapshot(baselineBytes);
        const args = hostileArgs(spec, rng, keywords);
        const index = 1000 + round;
        machine.db.applyIndex = index;
        const before = machine.encodeSnapshot();
        let reply: Reply;
        try {
          reply = machine.applyOne(args, envFor(index, NOW_MS));
          wire(reply, 2);
          wire(reply, 3);
        } catch (error) {
          failures.push(`${JSON.stringify(args)} threw ${String(error)}`);
          continue;
        }
        if (reply instanceof ErrorReply && !same(before, machine.encodeSnapshot())) {
          failures.push(`${JSON.stringify(args)} -> ${reply.text} changed the keyspace`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});

describe('hostile arguments in one evolving keyspace (in process)', () => {
  it('state built by earlier commands never makes a later one throw or half-apply', () => {
    const table = buildCommandTable();
    const specs = allCommands.filter((spec): spec is DataCommandSpec => spec.kind === 'data');
    const machine = new StateMachine(table);
    seed(machine);
    const rng = new SeededRng(4242);
    const failures: string[] = [];
    let errors = 0;
    const steps = Number(process.env['FUZZ_STEPS'] ?? 6000);
    for (let step = 0; step < steps && failures.length < 5; step++) {
      const spec = specs[rng.int(specs.length)];
      assert.ok(spec !== undefined);
      const args = hostileArgs(spec, rng, keywordsOf(spec));
      const index = 100 + step;
      machine.db.applyIndex = index;
      const before = machine.encodeSnapshot();
      try {
        const reply = machine.applyOne(args, envFor(index, NOW_MS));
        wire(reply, 2);
        wire(reply, 3);
        if (reply instanceof ErrorReply) {
          errors++;
          if (!same(before, machine.encodeSnapshot()))
            failures.push(`${JSON.stringify(args)} -> ${reply.text} changed the keyspace`);
        }
      } catch (error) {
        failures.push(`step ${step}: ${JSON.stringify(args)} threw ${String(error)}`);
      }
      if (machine.db.size < 4) seed(machine);
    }
    assert.deepEqual(failures, []);
    assert.ok(
      errors > steps / 4,
      `only ${errors} error replies: the fuzz is not probing bad input`,
    );
  });
});

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Commands the TCP fuzz does not send: they end the server or the connection on purpose. */
const TCP_EXCLUDED = new Set([
  'shutdown',
  'flushall',
  'flushdb',
  'quit',
  'reset',
  'client',
  'config',
  'save',
  'bgsave',
  'debug',
  'multi',
  'watch',
  'select',
  'auth',
  'hello',
]);
const KEEP = {
  'keep:str': ['SET', 'keep:str', 'v'],
  'keep:hash': ['HSET', 'keep:hash', 'f', 'v'],
  'keep:list': ['RPUSH', 'keep:list', 'a', 'b'],
  'keep:set': ['SADD', 'keep:set', 'a'],
  'keep:zset': ['ZADD', 'keep:zset', '1', 'a'],
  'keep:stream': ['XADD', 'keep:stream', '1-1', 'f', 'v'],
};
const READ_BACK = [
  ['GET', 'keep:str'],
  ['HGETALL', 'keep:hash'],
  ['LRANGE', 'keep:list', '0', '-1'],
  ['SMEMBERS', 'keep:set'],
  ['ZRANGE', 'keep:zset', '0', '-1', 'WITHSCORES'],
  ['XRANGE', 'keep:stream', '-', '+'],
  ['TYPE', 'keep:str'],
];

describe('hostile commands over TCP', () => {
  let server: ServerProcess | undefined;
  before(async () => {
    server = await startServerProcess(['--bind', '127.0.0.1', '--durability', 'memory']);
  });
  after(async () => {
    await server?.stop();
  });

  it('the server survives a few hundred hostile commands and keeps its keys', async () => {
    assert.ok(server !== undefined);
    const control = await RespConnection.connect(server.port);
    await control.pipeline(Object.values(KEEP));
    const expected = (await control.pipeline(READ_BACK)).map((reply) => reply.raw);
    const rng = new SeededRng(77);
    const names = allCommands.map((spec) => spec.name).filter((name) => !TCP_EXCLUDED.has(name));
    const hostile = await RespConnection.connect(server.port);
    for (let batch = 0; batch < 30; batch++) {
      const commands: string[][] = [];
      for (let i = 0; i < 10; i++) commands.push(randomCommand(rng, names));
      const replies = await hostile.pipeline(commands);
      assert.equal(replies.length, commands.length);
      await sendBrokenFrame(server.port, rng);
    }
    hostile.close();
    assert.equal((await control.call('PING')).raw, '+PONG\r\n');
    const now = (await control.pipeline(READ_BACK)).map((reply) => reply.raw);
    assert.deepEqual(now, expected);
    control.close();
  });
});

/** A command of the table (or not) with a random number of hostile arguments. */
function randomCommand(rng: SeededRng, names: readonly string[]): string[] {
  const name =
    rng.int(20) === 0 ? randomBytes(rng) || 'nosuch' : (names[rng.int(names.length)] ?? 'ping');
  const args = [rng.int(2) === 0 ? name.toUpperCase() : name];
  for (let n = rng.int(6); n > 0; n--) {
    const pick = rng.int(3);
    args.push(
      pick === 0
        ? (NUMBERS[rng.int(NUMBERS.length)] ?? '')
        : pick === 1
          ? randomBytes(rng)
          : `k${rng.int(4)}`,
    );
  }
  return args;
}

/** Broken RESP on its own connection: the server may close it, but must not fall over. */
async function sendBrokenFrame(port: number, rng: SeededRng): Promise<void> {
  const frames = [
    '*2\r\n$3\r\nGET\r\n$-5\r\n',
    '*-7\r\n',
    '*1\r\n$99999999999\r\n',
    `*1\r\n$4\r\nPING`,
    '$3\r\nfoo\r\n',
    '*3\r\n*1\r\n$1\r\na\r\n',
    `\x00\xff\r\n${randomBytes(rng)}\r\n`,
    encodeCommand(['SET', 'k', 'v']).slice(0, 1 + rng.int(12)),
  ];
  const connection = await RespConnection.connect(port);
  connection.sendRaw(frames[rng.int(frames.length)] ?? '');
  connection.close();
}
