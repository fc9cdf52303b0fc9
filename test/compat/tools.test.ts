/**
 * The Redis command-line tools against a real server process: redis-cli, `redis-cli --pipe`
 * mass insert, and the default `redis-benchmark` run (which exits on any error reply). Skipped
 * where the tools are not installed (`.ci/run` installs Debian's redis-tools).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hasExecutable, startServerProcess, type ServerProcess } from './server-process.js';

const HAVE_CLI = hasExecutable('redis-cli');
const HAVE_BENCHMARK = hasExecutable('redis-benchmark');
const HAVE_SCRIPT = hasExecutable('script');
const PIPE_KEYS = 10_000;
let server: ServerProcess;

before(async () => {
  server = await startServerProcess();
});

after(async () => {
  await server.stop();
});

function cli(...args: string[]): string {
  const result = spawnSync('redis-cli', ['-p', String(server.port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** Runs a tool with stdin, without blocking this process's event loop. */
function runTool(command: string, args: string[], input: string, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, TERM: 'dumb' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
    child.stdin.end(input);
  });
}

test('redis-cli: PING, SET/GET, INFO, errors, RESP3 HELLO', { skip: !HAVE_CLI }, () => {
  assert.equal(cli('PING'), 'PONG\n');
  assert.equal(cli('SET', 'cli:k', 'hello world'), 'OK\n');
  assert.equal(cli('GET', 'cli:k'), 'hello world\n');
  const server = cli('INFO', 'server');
  assert.match(server, /redis_version:7\.2\.4/);
  // The server process built by `npm ci` serves clients on the addon's batched socket I/O.
  assert.match(server, /client_io:native\r?\n/);
  assert.equal(
    cli('NOSUCH', 'x'),
    // redis-cli prints an error reply followed by a blank line when not on a terminal.
    "ERR unknown command 'NOSUCH', with args beginning with: 'x' \n\n",
  );
  assert.match(cli('-3', 'HELLO', '3'), /^server redis\nversion 7\.2\.4\nproto 3\n/);
  assert.match(cli('CLIENT', 'LIST'), /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=/);
  assert.match(cli('COMMAND', 'DOCS', 'get'), /summary/);
});

test(
  'redis-cli interactive help is built from COMMAND DOCS',
  { skip: !HAVE_CLI || !HAVE_SCRIPT },
  async () => {
    // `script` gives redis-cli a terminal, so it runs interactively; TERM=dumb keeps the line
    // editor from querying the cursor position.
    const result = await runTool(
      'script',
      ['-qc', `redis-cli -p ${server.port}`, '/dev/null'],
      'help get\nhelp client list\nquit\n',
      20_000,
    );
    // Drop the terminal colour codes (ESC [ ... m) redis-cli prints around the help fields.
    const text = result.output
      .split(String.fromCharCode(27))
      .join('')
      .replace(/\[[0-9;]*m/g, '');
    assert.match(text, /GET\s+summary: Returns the string value of a key\./);
    assert.match(text, /CLIENT LIST\s+summary: Lists open connections\.\s+since: 2\.4\.0/);
  },
);

test(`redis-cli --pipe mass insert of ${PIPE_KEYS} keys`, { skip: !HAVE_CLI }, async () => {
  let input = '';
  for (let i = 0; i < PIPE_KEYS; i++) {
    const key = `pipe:${i}`;
    const value = `value-${i}`;
    input += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
  }
  const result = await runTool('redis-cli', ['-p', String(server.port), '--pipe'], input, 60_000);
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, new RegExp(`errors: 0, replies: ${PIPE_KEYS}`));
  assert.equal(cli('GET', 'pipe:9999'), 'value-9999\n');
  assert.equal(cli('EXISTS', 'pipe:0', 'pipe:5000', 'pipe:9999'), '3\n');
});

const BENCHMARK_TESTS = [
  'PING_INLINE',
  'PING_MBULK',
  'SET',
  'GET',
  'INCR',
  'LPUSH',
  'RPUSH',
  'LPOP',
  'RPOP',
  'SADD',
  'HSET',
  'SPOP',
  'ZADD',
  'ZPOPMIN',
  'LRANGE_100',
  'LRANGE_600',
  'MSET',
];

test(
  'redis-benchmark default run completes with no error reply',
  { skip: !HAVE_BENCHMARK },
  async () => {
    const args = ['-p', String(server.port), '-q', '-n', '10000', '-c', '10'];
    const result = await runTool('redis-benchmark', args, '', 600_000);
    assert.equal(result.code, 0, result.output.slice(-2000));
    assert.doesNotMatch(result.output, /Error|ERR /);
    // -q prints progress with \r; the final line of each test has "requests per second".
    const finished = result.output
      .split(/[\r\n]/)
      .filter((line) => line.includes('requests per second'))
      .map((line) => line.trim().split(':')[0]?.split(' ')[0]);
    for (const name of BENCHMARK_TESTS) assert.ok(finished.includes(name), `${name} finished`);
  },
);
