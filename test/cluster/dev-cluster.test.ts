/** The newcomer's path: `memlayer dev-cluster --nodes 3`, then `memlayer cluster status`, then Ctrl-C. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

it('dev-cluster refuses a cluster.json it cannot use, naming it, and changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-dev-'));
  const file = join(dir, 'cluster.json');
  const ok = (id: number) => ({ id, resp: 7001 + id, admin: 7101 + id, peer: 7201 + id });
  try {
    for (const [contents, why] of [
      ['[{"id": 1, "resp": 70', /not a saved port list: .*JSON/],
      ['{"nodes": 3}', /not a saved port list: not an array/],
      [JSON.stringify([ok(1), { id: 2, resp: 1, admin: 2 }, ok(3)]), /entry 2 is not/],
      [JSON.stringify([ok(1), ok(2), { ...ok(3), peer: 70000 }]), /entry 3 is not/],
      [JSON.stringify([ok(2), ok(1), ok(3)]), /entry 1 is not/],
      [JSON.stringify([ok(1), ok(2)]), /describes 2 nodes, not 3/],
    ] as const) {
      writeFileSync(file, contents);
      const r = spawnSync(process.execPath, [BIN, 'dev-cluster', '--nodes', '3', '--dir', dir], {
        encoding: 'utf8',
        env: { ...process.env, ...TEST_ENV },
        timeout: 20_000,
      });
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`memlayer dev-cluster: ${file}: `), r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, '', 'no node started');
      assert.equal(readFileSync(file, 'utf8'), contents);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
