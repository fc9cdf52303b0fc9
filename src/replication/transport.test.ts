import { after, describe, it } from 'node:test';
import { Client, credentials, status, type StatusObject } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { groupId, logIndex, nodeId, term } from '../shared/brand.js';
import type { Message, NodeId } from '../raft/types.js';
import { PeerTransport, type TransportOptions } from './transport.js';
import {
  messageFromWire,
  messageToWire,
  peerService,
  requestFromWire,
  requestToWire,
  type WireFrame,
} from './wire.js';

interface Node {
  t: PeerTransport;
  frames: { from: NodeId; frame: WireFrame }[];
  unreachable: NodeId[];
  waiters: (() => void)[];
}

const open: PeerTransport[] = [];
after(async () => {
  for (const t of open) await t.close();
});

async function node(id: number, extra: Partial<TransportOptions> = {}): Promise<Node> {
  const n: Node = {
    t: undefined as unknown as PeerTransport,
    frames: [],
    unreachable: [],
    waiters: [],
  };
  n.t = new PeerTransport({
    self: nodeId(id),
    cluster: 'test',
    respAddress: `127.0.0.1:${6000 + id}`,
    adminAddress: `127.0.0.1:${7000 + id}`,
    frameBytesMax: 8 * 1024 * 1024,
    queueBytesMax: 64 * 1024 * 1024,
    helloTimeoutMs: 2000,
    onFrame: (from, frame) => {
      n.frames.push({ from, frame });
      for (const w of n.waiters.splice(0)) w();
    },
    onUnreachable: (p) => n.unreachable.push(p),
    log: () => undefined,
    ...extra,
  });
  await n.t.listen('127.0.0.1', 0);
  open.push(n.t);
  return n;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

const msg = (from: number, to: number, bytes: number): Message => ({
  group: groupId(3),
  type: 'append',
  from: nodeId(from),
  to: nodeId(to),
  term: term(5),
  index: logIndex(2 ** 40),
  logTerm: term(4),
  entries: [
    { term: term(5), index: logIndex(2 ** 40 + 1), type: 'normal', data: Buffer.alloc(bytes, 7) },
    { term: term(5), index: logIndex(2 ** 40 + 2), type: 'confChange', data: Buffer.from([1, 2]) },
  ],
  commit: logIndex(17),
  reject: false,
  rejectHint: logIndex(0),
  rejectHintTerm: term(0),
  context: Buffer.from('ctx'),
  snapshot: {
    meta: {
      index: logIndex(9),
      term: term(2),
      conf: { voters: [nodeId(1), nodeId(2)], learners: [nodeId(4)] },
    },
    totalBytes: 100,
    offset: 50,
    data: Buffer.from('chunk'),
    done: true,
  },
});

describe('PeerTransport over real gRPC on loopback', () => {
  it('carries Raft messages, forwarded requests and responses both ways, bit-exact', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.connect(nodeId(2), b.t.address);
    b.t.connect(nodeId(1), a.t.address);
    await until(() => a.t.connected(nodeId(2)) && b.t.connected(nodeId(1)), 'streams');
    assert.equal(a.t.peers.get(nodeId(2))?.respAddress, '127.0.0.1:6002');

    const m = msg(1, 2, 2 * 1024 * 1024); // far above the 64 KiB HTTP/2 window
    a.t.sendMessage(nodeId(2), messageToWire(m));
    a.t.sendRequest(
      nodeId(2),
      requestToWire(
        77,
        0,
        {
          commands: [
            ['SET', 'k\xff\x00', 'v'],
            ['GET', 'k'],
          ],
          write: true,
          transaction: true,
          watch: { keys: ['k'], index: 12 },
          clientId: 5,
          sequence: 9,
        },
        123,
      ),
    );
    await until(() => b.frames.length > 0, 'frame at b');
    const got = b.frames[0];
    assert.equal(got?.from, nodeId(1));
    // One turn, one frame: the message and the request travelled together.
    assert.equal(got?.frame.messages?.length, 1);
    assert.equal(got?.frame.requests?.length, 1);
    const back = messageFromWire(got?.frame.messages?.[0] ?? assert.fail('no message'));
    assert.deepEqual(
      {
        ...back,
        entries: back.entries.map((e) => ({ ...e, data: Buffer.from(e.data) })),
        context: Buffer.from(back.context),
      },
      {
        ...m,
        entries: m.entries.map((e) => ({ ...e, data: Buffer.from(e.data) })),
        context: Buffer.from(m.context),
        snapshot: { ...m.snapshot, data: Buffer.from('chunk') },
      },
    );
    const req = requestFromWire(got?.frame.requests?.[0] ?? assert.fail('no request'));
    assert.deepEqual(req.commands, [
      ['SET', 'k\xff\x00', 'v'],
      ['GET', 'k'],
    ]);
    assert.deepEqual(req.watch, { keys: ['k'], index: 12 });
    assert.equal(req.clientId, 5);

    b.t.sendResponse(nodeId(1), { id: 77, group: 1, reply: Buffer.from('r') });
    await until(() => a.frames.length > 0, 'frame at a');
    assert.equal(a.frames[0]?.frame.responses?.[0]?.id, 77);
  });

  it('drops frames beyond the byte bound and reports the peer unreachable', async () => {
    const a = await node(11, { queueBytesMax: 256 * 1024 });
    const b = await node(12);
    b.t.connect(nodeId(11), a.t.address);
    await until(() => a.t.connected(nodeId(12)), 'stream');
    a.t.sendMessage(nodeId(12), messageToWire(msg(11, 12, 512 * 1024)));
    a.t.flush();
    assert.deepEqual(a.unreachable, [nodeId(12)]);
    assert.equal(a.t.stats.framesDropped, 1);
    // Nothing to a peer that has no stream to us either.
    a.t.sendMessage(nodeId(99), messageToWire(msg(11, 99, 1)));
    a.t.flush();
    assert.deepEqual(a.unreachable, [nodeId(12), nodeId(99)]);
  });

  it('refuses a peer of another cluster or with the wrong id', async () => {
    const a = await node(21);
    const other = await node(22, { cluster: 'other' });
    other.t.connect(nodeId(21), a.t.address);
    const wrong = await node(23);
    wrong.t.connect(nodeId(24), a.t.address); // thinks a is node 24
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(a.t.connected(nodeId(22)), false);
    assert.equal(a.t.connected(nodeId(23)), false);
  });

  it('fails a stream that carries a malformed or oversized frame, and keeps serving its peers', async () => {
    const warnings: string[] = [];
    const a = await node(31, { log: (_level, message) => warnings.push(message) });
    const b = await node(32);
    b.t.connect(nodeId(31), a.t.address);
    await until(() => a.t.connected(nodeId(32)), 'stream');
    // A raw client on the Pull method: sends bytes as they are, resolves with the call's status.
    const pull = peerService()['Pull'] ?? assert.fail('no Pull');
    const raw = new Client(a.t.address, credentials.createInsecure());
    const send = (bytes: Buffer): Promise<StatusObject> => {
      const call = raw.makeBidiStreamRequest(
        pull.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
      );
      const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => undefined);
      call.write(bytes);
      return ended;
    };
    // Not a Frame: a message field whose length runs past the end.
    assert.equal((await send(Buffer.from([0x12, 50, 0x08]))).code, status.INTERNAL);
    assert.ok(
      warnings.some((w) => /malformed frame from a peer \(3 bytes\): .*past the end/.test(w)),
      warnings.join('; '),
    );
    // Nor does it take a frame larger than a Hello from a stream it was dialled on.
    assert.equal((await send(Buffer.alloc(100 * 1024))).code, status.RESOURCE_EXHAUSTED);
    raw.close();
    // The node's own streams are untouched.
    a.t.sendMessage(nodeId(32), messageToWire(msg(31, 32, 10)));
    await until(() => b.frames.length > 0, 'frame at b');
    assert.equal(b.frames[0]?.frame.messages?.[0]?.index, 2 ** 40);
  });

  it('abandons a dial with no Hello in time and dials on a new connection, so a link that comes back is found', async () => {
    const a = await node(41);
    const b = await node(42, { dialTimeoutMs: 300 });
    const link = await silentLink(a.t.address, false);
    try {
      b.t.connect(nodeId(41), `127.0.0.1:${link.port}`);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(a.t.connected(nodeId(42)), false);
      assert.ok(
        link.accepted.length >= 3,
        `${link.accepted.length} connections: not dialled afresh`,
      );
      link.carrying = true;
      await until(() => a.t.connected(nodeId(42)), 'the stream once the link heals');
      a.t.sendMessage(nodeId(42), messageToWire(msg(41, 42, 10)));
      await until(() => b.frames.length > 0, 'a frame over the healed link');
    } finally {
      link.close();
    }
  });

  it('gives up the stream to a peer that stops answering, so it is not reported connected', async () => {
    const a = await node(43, { keepaliveMs: 200 });
    const b = await node(44, { keepaliveMs: 200 });
    const link = await silentLink(a.t.address, true);
    try {
      b.t.connect(nodeId(43), `127.0.0.1:${link.port}`);
      await until(() => a.t.connected(nodeId(44)), 'the stream');
      // The partition: nothing crosses any more, and no connection closes (b's keepalive gives
      // up its end too, but its close is lost with everything else).
      link.carrying = false;
      await until(() => !a.t.connected(nodeId(44)), 'a to give up the silent stream');
      a.t.sendMessage(nodeId(44), messageToWire(msg(43, 44, 10)));
      a.t.flush();
      assert.deepEqual(a.unreachable, [nodeId(44)]);
    } finally {
      link.close();
    }
  });
});

/**
 * A link in front of `address` that fails as a partition dropping packets does: while it does
 * not carry, nothing crosses it and no connection is closed. A connection made while it does
 * not carry never carries (its SYNs were dropped); one made while it carried stops and starts
 * with it.
 */
async function silentLink(address: string, carrying: boolean) {
  const [host = '', port = ''] = address.split(':');
  const accepted: Socket[] = [];
  const state = { carrying };
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (state.carrying) to.write(chunk);
    });
  };
  const server = createServer((c) => {
    accepted.push(c);
    c.on('error', () => undefined);
    if (!state.carrying) return;
    const up = connect(Number(port), host);
    accepted.push(up);
    // A close crosses only while the link carries: in a partition the FIN is lost too.
    up.on('close', () => state.carrying && c.destroy());
    c.on('close', () => state.carrying && up.destroy());
    up.on('error', () => undefined);
    forward(c, up);
    forward(up, c);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    get carrying(): boolean {
      return state.carrying;
    },
    set carrying(on: boolean) {
      state.carrying = on;
    },
    close(): void {
      for (const c of accepted) c.destroy();
      server.close();
    },
  };
}
