import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyConfigFile,
  applyOption,
  ConfigError,
  DEFAULT_OPTIONS,
  limitsFor,
  parseDecimal,
  parseMemory,
  RuntimeConfig,
  type ServerOptions,
} from './config.js';

const fresh = (): ServerOptions => ({ ...DEFAULT_OPTIONS });

test('parseDecimal follows Redis string2ll: no sign +, no leading zeros, no spaces', () => {
  assert.equal(parseDecimal('0'), 0);
  assert.equal(parseDecimal('-12'), -12);
  assert.equal(parseDecimal('6379'), 6379);
  for (const bad of ['', '+1', '01', '-0', ' 1', '1 ', '1.0', '0x10', '99999999999999999'])
    assert.equal(parseDecimal(bad), undefined, bad);
});

test('parseMemory: bytes and Redis units (k = 1000, kb = 1024)', () => {
  assert.equal(parseMemory('100'), 100);
  assert.equal(parseMemory('1k'), 1000);
  assert.equal(parseMemory('1kb'), 1024);
  assert.equal(parseMemory('2MB'), 2 * 1024 * 1024);
  assert.equal(parseMemory('1g'), 1e9);
  for (const bad of ['', 'mb', '-1', '1tb', '1.5mb', '1 mb'])
    assert.equal(parseMemory(bad), undefined, bad);
});

test('options: flags validate and name the problem', () => {
  const options = fresh();
  applyOption(options, 'port', '7000');
  applyOption(options, 'data-dir', '/tmp/x');
  applyOption(options, 'log-level', 'WARN');
  applyOption(options, 'maxmemory', '10mb');
  assert.equal(options.port, 7000);
  assert.equal(options.dataDir, '/tmp/x');
  assert.equal(options.logLevel, 'warn');
  assert.equal(options.maxmemoryBytes, 10 * 1024 * 1024);
  assert.throws(
    () => applyOption(options, 'port', '-1'),
    /port must be an integer between 0 and 65535/,
  );
  assert.throws(() => applyOption(options, 'log-level', 'loud'), /log-level must be one of/);
  assert.throws(() => applyOption(options, 'durability', 'paper'), ConfigError);
  assert.throws(() => applyOption(options, 'nope', '1'), /unknown option 'nope'/);
  assert.equal(options.port, 7000, 'a rejected value changes nothing');
});

test('config file: a JSON object of option names; errors name the file', () => {
  const options = fresh();
  applyConfigFile(options, JSON.stringify({ port: 6380, requirepass: 'pw', timeout: 5 }), 'f.json');
  assert.equal(options.port, 6380);
  assert.equal(options.requirepass, 'pw');
  assert.equal(options.timeoutSeconds, 5);
  assert.throws(() => applyConfigFile(fresh(), '[1]', 'f.json'), /f\.json must hold a JSON object/);
  assert.throws(() => applyConfigFile(fresh(), '{', 'f.json'), /f\.json is not valid JSON/);
  assert.throws(
    () => applyConfigFile(fresh(), JSON.stringify({ port: 'x' }), 'f.json'),
    /config file f\.json: port must be an integer/,
  );
  assert.throws(
    () => applyConfigFile(fresh(), JSON.stringify({ port: [1] }), 'f.json'),
    /must be a string/,
  );
});

test('limits follow the options; a tensor never exceeds the bulk limit', () => {
  const options = fresh();
  applyOption(options, 'proto-max-bulk-len', '1mb');
  applyOption(options, 'maxclients', '12');
  const limits = limitsFor(options);
  assert.equal(limits.bulkBytesMax, 1024 * 1024);
  assert.equal(limits.clientsMax, 12);
  assert.ok(limits.tensorBytesMax <= limits.bulkBytesMax);
  assert.ok(limits.queryBufferBytesMax >= limits.bulkBytesMax);
});

test('runtime config: immutable parameters have no setter; CONFIG SET changes the live limits', () => {
  const options = fresh();
  const limits = limitsFor(options);
  const config = new RuntimeConfig(options, limits, '/data');
  assert.equal(config.parameter('dir')?.get(), '/data');
  assert.equal(config.parameter('port')?.apply, undefined);
  const bulk = config.parameter('proto-max-bulk-len');
  assert.match(
    bulk?.check?.('1kb') ?? '',
    /^argument must be between 1048576 and \d+ inclusive \(\d+ bytes is the longest string Node\.js holds\)$/,
  );
  assert.equal(bulk?.check?.('2mb'), undefined);
  bulk?.apply?.('2mb');
  assert.equal(limits.bulkBytesMax, 2 * 1024 * 1024);
  assert.ok(limits.tensorBytesMax <= limits.bulkBytesMax);
  assert.equal(config.parameter('maxmemory-policy')?.check?.('allkeys-lru'), undefined);
  assert.match(
    config.parameter('maxmemory-policy')?.check?.('lru') ?? '',
    /must be one of the following/,
  );
});
