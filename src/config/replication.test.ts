import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_OPTIONS, type ServerOptions } from './config.js';
import {
  advertisedHost,
  checkReplication,
  checkServerOptions,
  isWildcardHost,
  parsePeers,
  tuningFromEnv,
  type ReplicationFlags,
} from './replication.js';

const configError =
  (message: RegExp) =>
  (e: unknown): boolean =>
    e instanceof ConfigError && message.test(e.message);

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
    ['1=h:99999', /--routes: node 1's port 99999 is not from 1 to 65535/],
    ['1=h:0', /--routes: node 1's port 0 is not from 1 to 65535/],
    ['9999999999=h:1', /--routes: node id 9999999999 out of range/],
    ['2=h:1,2=h:2', /--routes: node 2 listed twice/],
  ];
  for (const [text, message] of bad)
    assert.throws(() => parsePeers(text, '--routes'), configError(message), text);
  assert.throws(() => parsePeers('nope'), configError(/--peers: 'nope'/));
});

test('tuning from the environment: integers in range, anything else a configuration error', () => {
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
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(name),
      `${name}=${value}`,
    );
  }
});

const THREE = '1=10.0.0.1:7381,2=10.0.0.2:7381,3=10.0.0.3:7381';
const flags = (over: Partial<ReplicationFlags>): ReplicationFlags => ({
  id: 1,
  peers: '',
  routes: '',
  join: false,
  bind: '127.0.0.1',
  advertise: '',
  peerPort: undefined,
  dataDir: '/data',
  ...over,
});

test('replication flags: the combinations that cannot work are refused, naming the flags', () => {
  const plan = checkReplication(flags({ peers: THREE, bind: '10.0.0.1' }));
  assert.equal(plan.members.size, 3);
  assert.equal(plan.ownPeer, '10.0.0.1:7381');
  const refused: [Partial<ReplicationFlags>, RegExp][] = [
    [{ dataDir: '' }, /--durability fsync needs a --data-dir/],
    [
      { id: 4, peers: THREE },
      /--id 4 is not in --peers \(to join an existing cluster, add --join\)/,
    ],
    [{ peers: THREE, peerPort: -1 }, /a cluster member needs a --peer-port/],
    [{ join: true, peers: '1=10.0.0.1:7381', id: 4, peerPort: -1 }, /needs a --peer-port/],
    [{ routes: '2=h:1,2=h:2' }, /--routes: node 2 listed twice/],
    [{ join: true, id: 4 }, /--join needs --peers naming the members it can reach/],
    [{ join: true, id: 4, peers: '4=10.0.0.4:7381' }, /--join needs --peers/],
  ];
  for (const [over, message] of refused)
    assert.throws(() => checkReplication(flags(over)), configError(message), JSON.stringify(over));
  // A joining node may leave itself out of --peers (it lists the members to dial).
  assert.equal(checkReplication(flags({ id: 4, peers: THREE, join: true })).ownPeer, undefined);
});

test('--peer-port must agree with the port --peers lists for this node', () => {
  assert.throws(
    () => checkReplication(flags({ peers: THREE, peerPort: 54299 })),
    configError(/--peer-port 54299 conflicts with --peers, which lists node 1 at 10.0.0.1:7381/),
  );
  assert.throws(
    () => checkReplication(flags({ peers: '1=10.0.0.1:7381', peerPort: -1 })),
    configError(/--peer-port none conflicts with --peers/),
  );
  assert.throws(
    () => checkReplication(flags({ peers: THREE, peerPort: 0 })),
    configError(/--peer-port 0 conflicts/),
  );
  assert.equal(checkReplication(flags({ peers: THREE, peerPort: 7381 })).ownPeer, '10.0.0.1:7381');
  // Not listed (a lone node, or one joining): --peer-port is the only answer.
  assert.equal(checkReplication(flags({ peerPort: 54299 })).members.size, 0);
});

test('a wildcard bind: a cluster member needs --advertise; a lone node gives its host name', () => {
  for (const bind of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0'])
    assert.equal(isWildcardHost(bind), true, bind);
  for (const host of ['127.0.0.1', '::1', '10.0.0.1', 'db.example', '0.0.0.1', ''])
    assert.equal(isWildcardHost(host), false, host);
  for (const over of [{ peers: THREE }, { id: 4, peers: THREE, join: true }])
    assert.throws(
      () => checkReplication(flags({ ...over, bind: '0.0.0.0' })),
      configError(/--advertise is required with --bind 0.0.0.0 in a cluster/),
    );
  assert.throws(
    () => checkReplication(flags({ peers: THREE, bind: '::' })),
    configError(/--advertise is required with --bind ::/),
  );
  assert.throws(
    () => checkReplication(flags({ peers: THREE, bind: '0.0.0.0', advertise: '0.0.0.0' })),
    configError(/--advertise 0.0.0.0 is not an address others can reach/),
  );
  assert.throws(
    () => checkReplication(flags({ peers: '1=0.0.0.0:7381,2=10.0.0.2:7381', advertise: 'a' })),
    configError(/--peers: node 1's address 0.0.0.0:7381 is not an address others can reach/),
  );
  checkReplication(flags({ peers: THREE, bind: '0.0.0.0', advertise: '10.0.0.1' }));
  checkReplication(flags({ bind: '0.0.0.0' })); // a lone node (the container image's default)
  assert.equal(advertisedHost({ bind: '0.0.0.0', advertise: '' }, 'c0ffee'), 'c0ffee');
  assert.equal(advertisedHost({ bind: '0.0.0.0', advertise: 'db1' }, 'c0ffee'), 'db1');
  assert.equal(advertisedHost({ bind: '10.0.0.1', advertise: '' }, 'c0ffee'), '10.0.0.1');
});

test('--durability memory refuses the replication flags it would ignore', () => {
  const memory = (over: Partial<ServerOptions>): ServerOptions => ({
    ...DEFAULT_OPTIONS,
    durability: 'memory',
    ...over,
  });
  checkServerOptions(memory({}), {});
  checkServerOptions(memory({ dataDir: '', peerPort: -1, adminPort: 7000 }), {});
  const given: [Partial<ServerOptions>, string][] = [
    [{ peers: THREE }, '--peers'],
    [{ routes: '2=h:1' }, '--routes'],
    [{ join: true }, '--join'],
    [{ nodeId: 5 }, '--id'],
    [{ clusterName: 'other' }, '--cluster'],
    [{ advertise: 'db1' }, '--advertise'],
    [{ peerPort: 7381 }, '--peer-port'],
    [{ redirect: 'moved' }, '--moved'],
  ];
  for (const [over, flag] of given)
    assert.throws(
      () => checkServerOptions(memory(over), {}),
      configError(new RegExp(`^${flag}: replication needs --durability fsync`)),
      flag,
    );
  assert.throws(
    () => checkServerOptions(memory({ peers: THREE, join: true, nodeId: 5 }), {}),
    configError(/^--peers, --join, --id: replication needs --durability fsync/),
  );
  // fsync: the replication rules and the environment.
  assert.throws(
    () => checkServerOptions({ ...DEFAULT_OPTIONS, dataDir: '' }, {}),
    configError(/needs a --data-dir/),
  );
  assert.throws(
    () => checkServerOptions({ ...DEFAULT_OPTIONS }, { MEMLAYER_RAFT_TICK_MS: 'x' }),
    configError(/^MEMLAYER_RAFT_TICK_MS must be an integer/),
  );
});
