/**
 * The `memlayer` executable: help, version, bad flags and config (exit 2), a corrupt snapshot
 * (exit 1, naming the file), and in `--durability memory` mode: snapshots on
 * SAVE/BGSAVE/SIGTERM/SHUTDOWN loaded at the next start (TTLs included) and active expiry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, RawClient, runCli, startServerProcess, tempDataDir } from './server-process.js';

test('--help and --version', () => {
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /memlayer server \[flags\]/);
  assert.match(help.stdout, /--data-dir DIR/);
  const version = runCli(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^memlayer \d+\.\d+\.\d+\n$/);
});

test('the executable of a clone never built says to build it, not a stack trace', () => {
  // The executable alone, where the compiled entry point it imports does not exist.
  const dir = join(tempDataDir(), 'bin');
  mkdirSync(dir);
  copyFileSync(BIN, join(dir, 'memlayer.js'));
  const result = spawnSync(process.execPath, [join(dir, 'memlayer.js'), '--version'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, '');
  assert.equal(
    result.stderr,
    'memlayer: not built yet; run `npm run build` (or `npm start`) first\n',
  );
});

test('bad replication flags exit 2 before anything starts, with one message on stderr', () => {
  const dir = tempDataDir();
  const peers = '1=127.0.0.1:52201,2=127.0.0.1:52202,3=127.0.0.1:52203';
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['--peers', 'garbage'], /--peers: 'garbage' is not ID=HOST:PORT/],
    [['--peers', '1=127.0.0.1:52201,1=127.0.0.1:52202'], /--peers: node 1 listed twice/],
    [['--peers', '1=127.0.0.1:99999'], /--peers: node 1's port 99999 is not from 1 to 65535/],
    [['--id', '2', '--peers', '1=127.0.0.1:52201'], /--id 2 is not in --peers/],
    [['--id', '4', '--join'], /--join needs --peers naming the members it can reach/],
    [['--routes', 'xx'], /--routes: 'xx' is not ID=HOST:PORT/],
    [['--routes', '2=h:1,2=h:2'], /--routes: node 2 listed twice/],
    [['--data-dir', ''], /--durability fsync needs a --data-dir/],
    [
      ['--peers', peers, '--peer-port', '54299'],
      /--peer-port 54299 conflicts with --peers, which lists node 1 at 127.0.0.1:52201/,
    ],
    [['--peers', peers, '--peer-port', 'none'], /a cluster member needs a --peer-port/],
    [
      ['--peers', peers, '--bind', '0.0.0.0'],
      /--advertise is required with --bind 0.0.0.0 in a cluster/,
    ],
    [
      ['--join', '--id', '4', '--peers', peers, '--bind', '::'],
      /--advertise is required with --bind ::/,
    ],
    [
      [],
      /MEMLAYER_RAFT_TICK_MS must be an integer from 5 to 10000, got 'soon'/,
      { MEMLAYER_RAFT_TICK_MS: 'soon' },
    ],
    [
      ['--durability', 'memory', '--peers', peers, '--id', '5', '--join'],
      /--peers, --join, --id: replication needs --durability fsync/,
    ],
    [
      ['--durability', 'memory', '--peer-port', '52201'],
      /--peer-port: replication needs --durability fsync/,
    ],
    [['--durability', 'memory', '--moved'], /--moved: replication needs --durability fsync/],
  ];
  for (const [flags, message, env] of cases) {
    const args = ['server', '--port', '0', '--admin-port', '0', '--data-dir', dir, ...flags];
    const bad = runCli(args, env);
    const what = `${flags.join(' ')}: ${bad.stderr}`;
    assert.equal(bad.status, 2, what);
    assert.match(bad.stderr, message, what);
    assert.equal(bad.stderr.split(message).length, 2, `said once: ${what}`);
    assert.match(bad.stderr, /Run 'memlayer --help' for usage/, what);
    assert.equal(bad.stdout, '', `no log line: ${what}`);
  }
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
});

test('bad flags and bad config files exit 2 with a clear message', () => {
  const unknown = runCli(['server', '--prot', '1']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown flag '--prot'/);
  const badPort = runCli(['server', '--port', '70000']);
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /port must be an integer between 0 and 65535, got '70000'/);
  const missing = runCli(['server', '--port']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /needs a value/);
  assert.equal(runCli(['serve']).status, 2);
  const dir = tempDataDir();
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '{ port: 1');
  const parsed = runCli(['server', '--config', notJson]);
  assert.equal(parsed.status, 2);
  assert.match(parsed.stderr, /is not valid JSON/);
  const unknownKey = join(dir, 'unknown.json');
  writeFileSync(unknownKey, JSON.stringify({ colour: 'blue' }));
  const rejected = runCli(['server', '--config', unknownKey]);
  assert.equal(rejected.status, 2);
  assert.match(rejected.stderr, /unknown option 'colour'/);
  assert.equal(runCli(['server', '--config', join(dir, 'absent.json')]).status, 2);
});

test('a corrupt snapshot stops startup with exit 1 and names the file', () => {
  const dir = tempDataDir();
  const path = join(dir, 'dump.mlsnap');
  writeFileSync(path, 'this is not a snapshot');
  // dump.mlsnap is the memory durability's file (fsync recovers from its Raft log instead).
  const result = runCli([
    'server',
    '--port',
    '0',
    '--data-dir',
    dir,
    '--log-level',
    'silent',
    '--durability',
    'memory',
  ]);
  assert.equal(result.status, 1);
  assert.ok(result.stderr.includes(`corrupt snapshot ${path}`), result.stderr);
});

test('config file settings apply; flags override them', async () => {
  const dir = tempDataDir();
  const file = join(dir, 'memlayer.json');
  writeFileSync(file, JSON.stringify({ requirepass: 'from-file', port: 1, maxclients: 77 }));
  const server = await startServerProcess(['--config', file, '--port', '0']);
  const client = await RawClient.connect(server.port);
  try {
    assert.equal(
      await client.call('-NOAUTH Authentication required.\r\n', 'PING'),
      '-NOAUTH Authentication required.\r\n',
    );
    assert.equal(await client.call('+OK\r\n', 'AUTH', 'from-file'), '+OK\r\n');
    const expected = '*2\r\n$10\r\nmaxclients\r\n$2\r\n77\r\n';
    assert.equal(await client.call(expected, 'CONFIG', 'GET', 'maxclients'), expected);
  } finally {
    client.close();
    assert.equal(await server.stop(), 0);
  }
});

test('snapshots: SAVE, BGSAVE, SIGTERM save; restart loads keys and TTLs; SHUTDOWN NOSAVE', async () => {
  const dir = tempDataDir();
  let server = await startServerProcess(['--durability', 'memory'], dir);
  let client = await RawClient.connect(server.port);
  assert.equal(await client.call('+OK\r\n', 'SET', 'plain', 'v'), '+OK\r\n');
  assert.equal(await client.call('+OK\r\n', 'SET', 'ttl', 'v', 'EX', '1000'), '+OK\r\n');
  assert.equal(await client.call('+OK\r\n', 'SAVE'), '+OK\r\n');
  assert.ok(existsSync(join(dir, 'dump.mlsnap')));
  const started = '+Background saving started\r\n';
  assert.equal(await client.call(started, 'BGSAVE'), started);
  assert.equal(await client.call(':1\r\n', 'RPUSH', 'list', 'x'), ':1\r\n');
  client.close();
  assert.equal(await server.stop('SIGTERM'), 0);
  assert.match(server.output(), /snapshot saved before shutdown/);

  server = await startServerProcess(['--durability', 'memory'], dir);
  client = await RawClient.connect(server.port);
  assert.equal(await client.call(':3\r\n', 'DBSIZE'), ':3\r\n');
  assert.equal(await client.call('$1\r\nv\r\n', 'GET', 'plain'), '$1\r\nv\r\n');
  client.command('TTL', 'ttl');
  // At most the 1000 s set before the restart, and not much less: the TTL survived.
  assert.match(await client.readLine(), /^:(9\d\d|1000)\r\n$/);
  assert.equal(await client.call(':1\r\n', 'DEL', 'plain'), ':1\r\n');
  client.command('SHUTDOWN', 'NOSAVE');
  assert.equal(await server.exited(), 0);
  client.close();

  server = await startServerProcess(['--durability', 'memory'], dir);
  client = await RawClient.connect(server.port);
  assert.equal(
    await client.call(':1\r\n', 'EXISTS', 'plain'),
    ':1\r\n',
    'NOSAVE kept the old snapshot',
  );
  client.close();
  assert.equal(await server.stop('SIGINT'), 0);
});

test('active expiry removes keys nobody reads', async () => {
  const server = await startServerProcess(['--durability', 'memory']);
  const client = await RawClient.connect(server.port);
  try {
    for (let i = 0; i < 50; i++) client.command('SET', `e${i}`, 'v', 'PX', '50');
    await client.read('+OK\r\n'.length * 50);
    assert.equal(await client.call('+OK\r\n', 'SET', 'stays', 'v'), '+OK\r\n');
    await new Promise((done) => setTimeout(done, 600));
    assert.equal(await client.call(':1\r\n', 'DBSIZE'), ':1\r\n');
    client.command('INFO', 'stats');
    assert.match(await client.read(4000, 500), /expired_keys:50\r\n/);
  } finally {
    client.close();
    await server.stop();
  }
});
