import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSync } from '@grpc/proto-loader';
import { SeededRng } from '../shared/effects.js';
import {
  ENTRY_TYPE_LIST as ENTRY_TYPES,
  MESSAGE_TYPE_LIST as MESSAGE_TYPES,
} from '../raft/message.js';
import { FrameDecodeError, decodeFrame, encodeFrame } from './frame-codec.js';
import {
  PROTO_PATH,
  loadProtoService,
  type WireFrame,
  type WireHello,
  type WireMessage,
  type WireRequest,
} from './wire.js';

// protobufjs, as proto-loader drives it from raft.proto: the reference the codec must match.
const reference = (() => {
  const pull = loadProtoService()['Pull'];
  assert.ok(pull !== undefined);
  return {
    encode: (f: WireFrame): Buffer => pull.requestSerialize(f),
    decode: (b: Buffer): WireFrame => pull.requestDeserialize(b) as WireFrame,
  };
})();

const rng = new SeededRng(20261207);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
/** Numbers the protocol carries, with the edges of each varint length and of 2^53. */
const EDGES = [
  0,
  1,
  127,
  128,
  16383,
  16384,
  2 ** 21,
  2 ** 28,
  2 ** 31,
  2 ** 32,
  2 ** 35,
  2 ** 49,
  2 ** 53 - 1,
];
const num = (): number => (rng.int(3) === 0 ? pick(EDGES) : rng.int(2 ** 40));
const bytes = (max: number): Buffer => {
  const b = Buffer.alloc(rng.int(max + 1));
  for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
  return b;
};
const list = <T>(max: number, make: () => T): T[] => Array.from({ length: rng.int(max + 1) }, make);
const maybe = <T>(make: () => T): T | null => (rng.int(2) === 0 ? null : make());

function hello(): WireHello {
  return {
    from: num(),
    to: num(),
    cluster: pick(['', 'memlayer', 'clüster-✓']),
    respAddress: '127.0.0.1:6379',
    peerAddress: pick(['', '[::1]:7381']),
    adminAddress: '10.0.0.3:7380',
  };
}

function message(): WireMessage {
  return {
    group: rng.int(2 ** 32),
    type: pick(MESSAGE_TYPES),
    from: num(),
    to: num(),
    term: num(),
    index: num(),
    logTerm: num(),
    entries: list(4, () => ({
      term: num(),
      index: num(),
      type: pick(ENTRY_TYPES),
      data: bytes(300),
    })),
    commit: num(),
    reject: rng.int(2) === 0,
    rejectHint: num(),
    rejectHintTerm: num(),
    context: bytes(20),
    snapshot: maybe(() => ({
      meta: maybe(() => ({
        index: num(),
        term: num(),
        conf: maybe(() => ({ voters: list(5, num), learners: list(3, num) })),
      })),
      totalBytes: num(),
      offset: num(),
      data: bytes(2000),
      done: rng.int(2) === 0,
    })),
  };
}

function request(): WireRequest {
  // Empty arguments included: SET k "" must arrive as two arguments and an empty third.
  const args = (): Buffer[] => list(4, () => bytes(rng.int(2) === 0 ? 0 : 40));
  return {
    id: num(),
    group: rng.int(2 ** 32),
    commands: list(3, () => ({ args: args() })),
    write: rng.int(2) === 0,
    transaction: rng.int(2) === 0,
    watch: maybe(() => ({ keys: args(), index: num() })),
    clientId: num(),
    sequence: num(),
    timeoutMs: num(),
  };
}

function frame(): Required<WireFrame> {
  return {
    hello: maybe(hello),
    messages: list(3, message),
    requests: list(2, request),
    responses: list(2, () => ({ id: num(), group: rng.int(2 ** 32), reply: bytes(50) })),
  };
}

/** Byte fields compared by content, whatever view or buffer type carries them. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('frame codec', () => {
  it('numbers its enums as raft.proto does', () => {
    const def = loadSync(PROTO_PATH);
    const values = (name: string): string[] => {
      const e = def[`memlayer.peer.v1.${name}`] as unknown as {
        type: { value: { name: string; number: number }[] };
      };
      return [...e.type.value].sort((a, b) => a.number - b.number).map((v) => v.name);
    };
    assert.deepEqual(values('MessageType'), MESSAGE_TYPES);
    assert.deepEqual(values('EntryType'), ENTRY_TYPES);
  });

  it('writes one-byte tags, so every field of raft.proto is numbered below 16', () => {
    const def = loadSync(PROTO_PATH);
    let fields = 0;
    for (const [name, type] of Object.entries(def)) {
      const field = (type as { type?: { field?: { name: string; number: number }[] } }).type?.field;
      for (const f of field ?? []) {
        fields++;
        assert.ok(f.number < 16, `${name}.${f.name} is field ${f.number}`);
      }
    }
    assert.ok(fields > 50, `only ${fields} fields found in raft.proto`);
  });

  it('writes frames protobufjs reads, and reads what protobufjs writes, field for field', () => {
    for (let i = 0; i < 300; i++) {
      const f = frame();
      const ours = encodeFrame(f);
      assert.deepEqual(plain(reference.decode(ours)), plain(f), `frame ${i}: ours -> protobufjs`);
      assert.deepEqual(plain(decodeFrame(ours)), plain(f), `frame ${i}: ours -> ours`);
      const theirs = reference.encode(f);
      assert.deepEqual(plain(decodeFrame(theirs)), plain(f), `frame ${i}: protobufjs -> ours`);
    }
  });

  it('gives absent fields their defaults, as proto-loader does', () => {
    const empty = decodeFrame(Buffer.alloc(0));
    assert.deepEqual(empty, { hello: null, messages: [], requests: [], responses: [] });
    const bare = decodeFrame(encodeFrame({ messages: [{ ...message(), snapshot: null }] }));
    assert.deepEqual(plain(bare), plain(reference.decode(reference.encode(bare))));
  });

  it('skips fields it does not know, and takes numbers unpacked', () => {
    const f = { messages: [message()] };
    const known = encodeFrame(f);
    // Frame field 15 (varint 300), field 9 (8 fixed bytes), field 12 (3 bytes), field 13 (fixed32).
    const unknown = Buffer.from([
      0x78, 0xac, 0x02, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x62, 3, 1, 2, 3, 0x6d, 1, 2, 3, 4,
    ]);
    assert.deepEqual(
      plain(decodeFrame(Buffer.concat([unknown, known]))),
      plain(decodeFrame(known)),
    );
    // ConfState { voters: 5, voters: 7 } written unpacked, inside SnapshotMeta.conf, inside a chunk.
    const conf = Buffer.from([0x08, 5, 0x08, 7]);
    const meta = Buffer.from([0x1a, conf.length, ...conf]);
    const chunk = Buffer.from([0x0a, meta.length, ...meta]);
    const msg = Buffer.from([0x72, chunk.length, ...chunk]);
    const got = decodeFrame(Buffer.from([0x12, msg.length, ...msg]));
    assert.deepEqual(got.messages[0]?.snapshot?.meta?.conf, { voters: [5, 7], learners: [] });
  });

  it('refuses what is not a Frame with a FrameDecodeError, and nothing else', () => {
    const msg = (body: number[]): Buffer => Buffer.from([0x12, body.length, ...body]);
    const bad: [string, Buffer, RegExp][] = [
      [
        'a number past 2^53',
        msg([0x28, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        /above 2\^53/,
      ],
      ['an 11-byte number', msg([0x28, ...Array<number>(10).fill(0xff), 0x01]), /longer than 10/],
      [
        'a group beyond uint32',
        msg([0x08, 0x80, 0x80, 0x80, 0x80, 0x10]),
        /group: 4294967296 is not a uint32/,
      ],
      [
        "a forwarded answer's group beyond uint32",
        Buffer.from([0x22, 6, 0x18, 0x80, 0x80, 0x80, 0x80, 0x10]),
        /ForwardResponse\.group: 4294967296 is not a uint32/,
      ],
      [
        'a field number past 2^29',
        Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0]),
        /field number/,
      ],
      ['a length past the end', Buffer.from([0x12, 50, 0x08]), /past the end/],
      ['a number cut short', Buffer.from([0x12, 2, 0x28, 0x80]), /truncated number/],
      ['a wrong wire type', msg([0x2a, 1, 0]), /RaftMessage.term: wire type 2/],
      ['field number 0', Buffer.from([0x00, 1]), /field number 0/],
      ['a group wire type', Buffer.from([0x7b]), /wire type 3/],
    ];
    for (const [what, b, why] of bad)
      assert.throws(
        () => decodeFrame(b),
        (e: unknown) => e instanceof FrameDecodeError && why.test(e.message),
        what,
      );

    // Every truncation and many random corruptions of real frames: a frame or a FrameDecodeError.
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const good = encodeFrame(frame());
      const damaged = [good.subarray(0, rng.int(good.length))];
      for (let j = 0; j < 20; j++) {
        const b = Buffer.from(good);
        for (let k = 0; k < 1 + rng.int(3); k++) b[rng.int(b.length)] = rng.int(256);
        damaged.push(b);
      }
      for (const b of damaged) {
        try {
          decodeFrame(b);
        } catch (e) {
          assert.ok(e instanceof FrameDecodeError, `not a FrameDecodeError: ${String(e)}`);
          refused++;
        }
      }
    }
    assert.ok(refused > 100, `only ${refused} damaged frames refused`);
  });

  it("drops a message of a type it does not know (a newer peer's), keeping the rest", () => {
    const known = message();
    const ok = encodeFrame({ messages: [known] });
    // RaftMessage { type: 99 }, and an append whose one entry has type 7.
    const newType = Buffer.from([0x12, 2, 0x10, 99]);
    const newEntry = Buffer.from([0x12, 6, 0x42, 4, 0x08, 1, 0x18, 7]);
    const got = decodeFrame(Buffer.concat([newType, ok, newEntry]));
    assert.deepEqual(plain(got.messages), plain([known]));
  });

  it('refuses to write a number the protocol cannot carry', () => {
    const m = { ...message(), term: -1 };
    assert.throws(() => encodeFrame({ messages: [m] }), /not a uint64.*-1/);
    assert.throws(() => encodeFrame({ messages: [{ ...m, term: 1.5 }] }), /not a uint64.*1\.5/);
    assert.throws(() => encodeFrame({ messages: [{ ...m, term: 2 ** 53 }] }), /not a uint64/);
    assert.throws(
      () => encodeFrame({ messages: [{ ...m, term: 1, group: 2 ** 32 }] }),
      /not a uint32/,
    );
    const answer = { id: 1, group: 2 ** 32, reply: Buffer.from('+OK') };
    assert.throws(() => encodeFrame({ responses: [answer] }), /not a uint32/);
  });
});
