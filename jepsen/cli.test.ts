import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./cli.js', import.meta.url));

test('a bad --net is refused with the choices, exit 2, before anything starts', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-jepsen-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run');
  for (const net of ['bogus', '', 'NETNS']) {
    const r = spawnSync(process.execPath, [cli, '--net', net, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--net must be proxy or netns, got /);
    assert.match(r.stderr, /usage: npm run jepsen/);
    assert.equal(existsSync(out), false, 'no run directory, no cluster');
  }
});
