import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationConfigError, parsePeers, tuningFromEnv } from './runtime.js';

test('--peers and --routes: ID=HOST:PORT lists, every bad item named', () => {
  assert.deepEqual(
    [...parsePeers(' 1=10.0.0.1:7381 ,2=[::1]:7382', '--routes')],
    [
      [1, '10.0.0.1:7381'],
      [2, '[::1]:7382'],
    ],
  );
  assert.equal(parsePeers('', '--routes').size, 0);
  const bad: [string, RegExp][] = [
    ['x=1', /--routes: 'x=1' is not ID=HOST:PORT/],
    ['0=h:1', /is not ID=HOST:PORT/],
    ['1=h', /is not ID=HOST:PORT/],
    ['1=h:123456', /is not ID=HOST:PORT/],
    ['1=h:1,', /is not ID=HOST:PORT/],
    ['1=h;rm:1', /is not ID=HOST:PORT/],
    ['9999999999=h:1', /--routes: node id 9999999999 out of range/],
    ['2=h:1,2=h:2', /--routes: node 2 listed twice/],
  ];
  for (const [text, message] of bad)
    assert.throws(
      () => parsePeers(text, '--routes'),
      (e: unknown) => e instanceof ReplicationConfigError && message.test(e.message),
      text,
    );
  assert.throws(() => parsePeers('nope'), /--peers: 'nope'/);
});

test('tuning from the environment: integers in range, anything else a startup error', () => {
  assert.deepEqual(tuningFromEnv({}), {});
  assert.deepEqual(
    tuningFromEnv({
      MEMLAYER_RAFT_TICK_MS: '20',
      MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '300',
      MEMLAYER_RAFT_TRAILING_ENTRIES: '0',
      MEMLAYER_RAFT_TRAILING_BYTES: '1048576',
      MEMLAYER_REQUEST_TIMEOUT_MS: '',
    }),
    { tickMs: 20, snapshotEntries: 300, trailingEntries: 0, trailingBytes: 1048576 },
  );
  for (const [name, value] of [
    ['MEMLAYER_RAFT_TRAILING_BYTES', '-1'],
    ['MEMLAYER_RAFT_TRAILING_BYTES', '1e3x'],
    ['MEMLAYER_RAFT_TRAILING_BYTES', String(2 ** 41)],
    ['MEMLAYER_RAFT_TICK_MS', '1'],
    ['MEMLAYER_RAFT_SNAPSHOT_ENTRIES', '2.5'],
  ] as const) {
    assert.throws(
      () => tuningFromEnv({ [name]: value }),
      (err: unknown) => err instanceof ReplicationConfigError && err.message.startsWith(name),
      `${name}=${value}`,
    );
  }
});
