import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePort } from './ports.js';

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
