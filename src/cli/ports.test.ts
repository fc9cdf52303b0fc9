import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, reserve } from './ports.js';

test('node ports come from below the ephemeral range, free, and never twice', async () => {
  const low = Number(
    readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
  );
  const ports = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const port = await freePort();
    assert.ok(port >= 1024 && port < low, `${port} is below ${low}`);
    assert.ok(!ports.has(port), `${port} handed out twice`);
    ports.add(port);
  }
  // Ephemeral listeners (what the proxies and outgoing connections take) never collide with them.
  const servers = await Promise.all(
    Array.from({ length: 100 }, async () => {
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return s;
    }),
  );
  for (const s of servers) {
    const address = s.address();
    assert.ok(typeof address === 'object' && address !== null && !ports.has(address.port));
  }
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

test('a port is reserved across processes until its holder exits', async () => {
  const dir = join(tmpdir(), 'memlayer-ports');
  const port = await freePort();
  assert.equal(readFileSync(join(dir, String(port)), 'utf8'), String(process.pid));
  // Held by a live process (the one that started this test): not ours to take. Port 1023 is
  // below every port freePort hands out, so no real reservation is disturbed.
  const foreign = 1023;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, String(foreign)), String(process.ppid));
  assert.equal(reserve(foreign), false);
  // Held by a process that is gone: taken over.
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  writeFileSync(join(dir, String(foreign)), String(gone));
  assert.equal(reserve(foreign), true);
  assert.equal(readFileSync(join(dir, String(foreign)), 'utf8'), String(process.pid));
  // A file that names no process (truncated, garbage) is taken over too.
  writeFileSync(join(dir, String(foreign)), 'not a pid');
  assert.equal(reserve(foreign), true);
  rmSync(join(dir, String(foreign)));
  // A process that picks a port leaves no reservation behind when it exits.
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { freePort } = await import(${JSON.stringify(new URL('./ports.js', import.meta.url).href)});
       process.stdout.write(String(await freePort()));`,
    ],
    { encoding: 'utf8' },
  );
  const childPort = Number(child.stdout);
  assert.ok(childPort > 0, child.stderr);
  assert.equal(existsSync(join(dir, String(childPort))), false);
});
