/**
 * Introspection replies against a real server process, byte for byte as Redis 7.2 answers
 * them: COMMAND INFO / GETKEYS key specifications, INFO errorstats, CLIENT INFO flags, CONFIG
 * GET names, TIME's microseconds, OBJECT ENCODING of strings, and OBJECT's subcommands
 * checked while MULTI queues.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wireSession } from './wire-cases.js';

const wire = wireSession();

const bulk = (text: string): string => `$${text.length}\r\n${text}\r\n`;

/** Recorded from redis-server for `COMMAND INFO rename sintercard client|kill config|help object|encoding`. */
const COMMAND_INFO_REDIS =
  '*5\r\n*10\r\n$6\r\nrename\r\n:3\r\n*1\r\n+write\r\n:1\r\n:2\r\n:1\r\n*3\r\n' +
  '+@keyspace\r\n+@write\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n' +
  '+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\n' +
  'index\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n' +
  '$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\n' +
  'keystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n' +
  '+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n' +
  'spec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\n' +
  'range\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n' +
  '$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$10\r\nsintercard\r\n:-3\r\n*2\r\n' +
  '+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@set\r\n' +
  '+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\n' +
  'begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\n' +
  'index\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\n' +
  'spec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n' +
  ':1\r\n*0\r\n*10\r\n$11\r\nclient|kill\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n' +
  '+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n' +
  '+@dangerous\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n*10\r\n$11\r\nconfig|help\r\n' +
  ':2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n' +
  '*0\r\n*10\r\n$15\r\nobject|encoding\r\n:3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n' +
  ':1\r\n*3\r\n+@keyspace\r\n+@read\r\n+@slow\r\n*1\r\n$23\r\n' +
  'nondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\n' +
  'begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\n' +
  'index\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\n' +
  'spec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n' +
  ':0\r\n*0\r\n';

test('COMMAND INFO: two key specs for RENAME, keynum for SINTERCARD, admin flags, tips', async () => {
  const reply = await wire.reply(
    'COMMAND',
    'INFO',
    'rename',
    'sintercard',
    'client|kill',
    'config|help',
    'object|encoding',
  );
  assert.equal(reply, COMMAND_INFO_REDIS);
});

test('COMMAND GETKEYS follows key specs: SINTERCARD numkeys, MSET steps, errors', async () => {
  await wire.expect([
    [['COMMAND', 'GETKEYS', 'sintercard', '2', 'a', 'b'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n'],
    [['COMMAND', 'GETKEYS', 'sintercard', '1', 'a', 'b', 'LIMIT', '1'], '*1\r\n$1\r\na\r\n'],
    [
      ['COMMAND', 'GETKEYS', 'sintercard', '5', 'a', 'b'],
      '-ERR Invalid arguments specified for command\r\n',
    ],
    [
      ['COMMAND', 'GETKEYS', 'sintercard', '0', 'a'],
      '-ERR Invalid arguments specified for command\r\n',
    ],
    [['COMMAND', 'GETKEYS', 'mset', 'a', 'b', 'c'], '*2\r\n$1\r\na\r\n$1\r\nc\r\n'],
    [['COMMAND', 'GETKEYS', 'rename', 'from', 'to'], '*2\r\n$4\r\nfrom\r\n$2\r\nto\r\n'],
    [['COMMAND', 'GETKEYS', 'object', 'encoding', 'k'], '*1\r\n$1\r\nk\r\n'],
    [['COMMAND', 'GETKEYS', 'ping'], '-ERR The command has no key arguments\r\n'],
    [['COMMAND', 'GETKEYS', 'get'], '-ERR Invalid number of arguments specified for command\r\n'],
  ]);
});

test('INFO errorstats counts errors by prefix, EXEC errors and EXECABORT included', async () => {
  await wire.expect([
    [['CONFIG', 'RESETSTAT'], '+OK\r\n'],
    [['FOO'], "-ERR unknown command 'FOO', with args beginning with: \r\n"],
    [['GET'], "-ERR wrong number of arguments for 'get' command\r\n"],
    [['SET', 'es', 'v'], '+OK\r\n'],
    [
      ['LPUSH', 'es', 'x'],
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    ],
    [['MULTI'], '+OK\r\n'],
    [['INCR', 'es'], '+QUEUED\r\n'],
    [['EXEC'], '*1\r\n-ERR value is not an integer or out of range\r\n'],
    [['EXEC'], '-ERR EXEC without MULTI\r\n'],
  ]);
  const errorstats = await wire.reply('INFO', 'errorstats');
  const text = '# Errorstats\r\nerrorstat_ERR:count=4\r\nerrorstat_WRONGTYPE:count=1\r\n';
  assert.equal(errorstats, bulk(text));
  const stats = await wire.reply('INFO', 'stats');
  assert.match(stats, /\r\nunexpected_error_replies:0\r\ntotal_error_replies:5\r\n/);
  const commandstats = await wire.reply('INFO', 'commandstats');
  assert.match(
    commandstats,
    /cmdstat_incr:calls=1,usec=0,usec_per_call=0\.00,rejected_calls=0,failed_calls=1/,
  );
  const all = await wire.reply('INFO', 'everything');
  const titles: string[] = all.match(/# \w+/g) ?? [];
  const modules = titles.indexOf('# Modules');
  assert.deepEqual(titles.slice(modules, modules + 3), [
    '# Modules',
    '# Commandstats',
    '# Errorstats',
  ]);
});

test('TIME answers real microseconds', async () => {
  const fractions = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const reply = await wire.reply('TIME');
    const match = /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n(\d{1,6})\r\n$/.exec(reply);
    assert.ok(match !== null, reply);
    fractions.add((match[1] ?? '').padStart(6, '0').slice(3));
  }
  assert.ok(
    [...fractions].some((last) => last !== '000'),
    'five readings all whole milliseconds',
  );
});

test('CLIENT INFO flags: e after NO-EVICT on, T after NO-TOUCH on, x and multi=N inside EXEC', async () => {
  await wire.expect([
    [['CLIENT', 'NO-EVICT', 'on'], '+OK\r\n'],
    [['CLIENT', 'NO-TOUCH', 'on'], '+OK\r\n'],
  ]);
  assert.match(await wire.reply('CLIENT', 'INFO'), / flags=eT .* multi=-1 /);
  await wire.expect([
    [['CLIENT', 'NO-TOUCH', 'off'], '+OK\r\n'],
    [['MULTI'], '+OK\r\n'],
    [['CLIENT', 'INFO'], '+QUEUED\r\n'],
    [['PING'], '+QUEUED\r\n'],
  ]);
  const exec = await wire.reply('EXEC');
  assert.match(exec, / flags=xe .* multi=2 .* cmd=exec /);
  assert.match(exec, /\+PONG\r\n$/);
  assert.match(await wire.reply('CLIENT', 'INFO'), / flags=e .* multi=-1 /);
  await wire.expect([[['CLIENT', 'NO-EVICT', 'off'], '+OK\r\n']]);
  assert.match(await wire.reply('CLIENT', 'INFO'), / flags=N /);
});

test('CONFIG GET answers an exact name as typed, a pattern with canonical names', async () => {
  await wire.expect([
    [['CONFIG', 'GET', 'MaxMemory'], `*2\r\n${bulk('MaxMemory')}${bulk('0')}`],
    [['CONFIG', 'GET', 'MAXMEMORY', 'maxmemory'], `*2\r\n${bulk('MAXMEMORY')}${bulk('0')}`],
    [
      ['CONFIG', 'GET', 'MAXMEMORY-POLIC?'],
      `*2\r\n${bulk('maxmemory-policy')}${bulk('noeviction')}`,
    ],
    [['CONFIG', 'GET', 'nosuch'], '*0\r\n'],
  ]);
});

test('OBJECT subcommand errors are caught while MULTI queues; EXEC then aborts', async () => {
  await wire.expect([
    [['SET', 'oa', '1'], '+OK\r\n'],
    [['MULTI'], '+OK\r\n'],
    [['OBJECT', 'ENCODING'], "-ERR wrong number of arguments for 'object|encoding' command\r\n"],
    [['OBJECT', 'FOO', 'x'], "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n"],
    [['OBJECT', 'HELP', 'x'], "-ERR wrong number of arguments for 'object|help' command\r\n"],
    [
      ['OBJECT', 'ENCODING', 'a', 'b'],
      "-ERR wrong number of arguments for 'object|encoding' command\r\n",
    ],
    [['SET', 'ob', '2'], '+QUEUED\r\n'],
    [['EXEC'], '-EXECABORT Transaction discarded because of previous errors.\r\n'],
    [['EXISTS', 'ob'], ':0\r\n'],
    [['MULTI'], '+OK\r\n'],
    [['OBJECT', 'encoding', 'oa'], '+QUEUED\r\n'],
    [['EXEC'], '*1\r\n$3\r\nint\r\n'],
  ]);
});

test('OBJECT ENCODING: raw after APPEND and SETRANGE, int after INCR, embstr after INCRBYFLOAT', async () => {
  await wire.expect([
    [['SET', 'ea', '1'], '+OK\r\n'],
    [['APPEND', 'ea', '2'], ':2\r\n'],
    [['OBJECT', 'ENCODING', 'ea'], '$3\r\nraw\r\n'],
    [['RENAME', 'ea', 'eb'], '+OK\r\n'],
    [['OBJECT', 'ENCODING', 'eb'], '$3\r\nraw\r\n'],
    [['COPY', 'eb', 'ec'], ':1\r\n'],
    [['OBJECT', 'ENCODING', 'ec'], '$3\r\nraw\r\n'],
    [['INCR', 'eb'], ':13\r\n'],
    [['OBJECT', 'ENCODING', 'eb'], '$3\r\nint\r\n'],
    [['SET', 'es2', 'hello'], '+OK\r\n'],
    [['SETRANGE', 'es2', '0', 'x'], ':5\r\n'],
    [['OBJECT', 'ENCODING', 'es2'], '$3\r\nraw\r\n'],
    [['SET', 'es2', 'hello'], '+OK\r\n'],
    [['OBJECT', 'ENCODING', 'es2'], '$6\r\nembstr\r\n'],
    [['APPEND', 'new', '5'], ':1\r\n'],
    [['OBJECT', 'ENCODING', 'new'], '$3\r\nint\r\n'],
    [['SET', 'ef', '10'], '+OK\r\n'],
    [['INCRBYFLOAT', 'ef', '1'], '$2\r\n11\r\n'],
    [['OBJECT', 'ENCODING', 'ef'], '$6\r\nembstr\r\n'],
  ]);
});
