import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from './runtime.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

test('every launcher outside TypeScript passes the server flags', () => {
  const flags = SERVER_NODE_FLAGS.join(' ');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['start'] ?? '', new RegExp(`node ${flags} bin/memlayer\\.js server`));
  assert.equal(read('bin/memlayer.js').split('\n')[0], `#!/usr/bin/env -S node ${flags}`);
  const entry = SERVER_NODE_FLAGS.map((f) => `"${f}", `).join('');
  assert.ok(
    read('Dockerfile').includes(`ENTRYPOINT ["node", ${entry}"bin/memlayer.js"]`),
    'Dockerfile ENTRYPOINT',
  );
});

test('this Node accepts the server flags (an unknown V8 flag stops it at startup)', () => {
  const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-p', 'process.execArgv'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  for (const flag of SERVER_NODE_FLAGS) assert.ok(run.stdout.includes(flag), run.stdout);
  const bad = spawnSync(process.execPath, ['--initial-old-space-sise=256', '-e', '0']);
  assert.notEqual(bad.status, 0, 'a misspelt flag is refused, so the check above can fail');
});
