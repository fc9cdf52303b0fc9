import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FaultProxy } from './proxy.js';

async function echoServer(): Promise<net.Server> {
  const server = net.createServer((s) => s.pipe(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function portOf(server: net.Server): number {
  const address = server.address();
  assert.ok(address && typeof address !== 'string');
  return address.port;
}

async function roundTrip(
  port: number,
  text: string,
  timeoutMs: number,
): Promise<string | 'timeout' | 'closed'> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      socket.once('data', (d) => {
        clearTimeout(timer);
        resolve(d.toString());
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
      socket.write(text);
    });
  } finally {
    socket.destroy();
  }
}

test('proxy forwards, black-holes while cut, and forwards again after heal', async (t) => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', portOf(echo));
  const port = await proxy.listen();
  t.after(async () => {
    await proxy.close();
    echo.close();
  });
  assert.equal(await roundTrip(port, 'hello', 2000), 'hello');
  proxy.cut();
  assert.equal(await roundTrip(port, 'lost', 200), 'timeout');
  proxy.heal();
  assert.equal(await roundTrip(port, 'again', 2000), 'again');
  assert.ok(proxy.stats.bytesForwarded >= 10);
});

test('cutting destroys connections already open', async (t) => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', portOf(echo));
  const port = await proxy.listen();
  t.after(async () => {
    await proxy.close();
    echo.close();
  });
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('x');
  await once(socket, 'data');
  const closed = once(socket, 'close');
  proxy.cut();
  await closed;
  assert.equal(socket.destroyed, true);
});
