/** The newcomer's path: `memlayer dev-cluster --nodes 3`, then `memlayer cluster status`, then Ctrl-C. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO_ROOT, TEST_ENV, eventually } from './harness.js';
import { RespClient } from './resp-client.js';

it('dev-cluster starts three nodes that elect a leader and stops them all on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-dev-'));
  const child = spawn(process.execPath, [BIN, 'dev-cluster', '--nodes', '3', '--dir', dir], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...TEST_ENV },
    stdio: 'pipe',
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const ports = await eventually(async () => {
      try {
        return JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as {
          id: number;
          resp: number;
          admin: number;
        }[];
      } catch {
        return undefined;
      }
    }, 'cluster.json');
    assert.equal(ports.length, 3);
    const first = ports[0] ?? assert.fail('no node');
    const status = await eventually(
      async () => {
        const r = spawnSync(
          process.execPath,
          [BIN, 'cluster', 'status', '--json', '--admin', `127.0.0.1:${first.admin}`],
          {
            encoding: 'utf8',
          },
        );
        if (r.status !== 0) return undefined;
        const v = JSON.parse(r.stdout) as { leader: number; members: unknown[] };
        return v.leader !== 0 ? v : undefined;
      },
      'a leader',
      30_000,
    );
    assert.equal(status.members.length, 3);
    const client = new RespClient(first.resp);
    assert.equal(await client.call(['SET', 'hello', 'world']), 'OK');
    client.close();
    assert.match(out, /\[node1\] /);
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0, out.slice(-2000));
    rmSync(dir, { recursive: true, force: true });
  }
});
