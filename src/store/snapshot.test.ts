import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemlayerError } from '../shared/errors.js';
import { SeededRng } from '../shared/effects.js';
import { Tensor } from '../tensor/tensor.js';
import type { ByteSource } from '../shared/byte-source.js';
import { crc32 } from './crc32.js';
import { Keyspace } from './keyspace.js';
import { ListDeque } from './list.js';
import {
  CHUNKS_ABANDONED,
  decodeSnapshot,
  decodeSnapshotInSteps,
  encodeSnapshot,
  installSnapshot,
  SnapshotWriter,
} from './snapshot.js';
import { HashValue, SetValue } from './values.js';
import { SortedSet } from './zset.js';

function sample(): Keyspace {
  const db = new Keyspace();
  db.applyIndex = 42;
  db.put('s', 'plain');
  db.put('bin\x00\xff', '\x00\x01\xfe\xff');
  db.put('', 'empty key');
  db.put('ttl', 'x');
  db.setExpiry('ttl', 1_700_000_123_456);
  const hash = new HashValue();
  hash.fields.set('f1', 'v1').set('f2', '');
  db.put('h', hash);
  const set = new SetValue();
  set.members.add('a').add('b');
  db.put('set', set);
  db.put('list', ListDeque.from(['x', 'y', 'z']));
  const zset = new SortedSet();
  zset.set('m1', 1.5);
  zset.set('m2', -3);
  db.put('z', zset);
  db.put('t', Tensor.of('float32', [2], new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64])));
  return db;
}

/**
 * A source read on demand, as a snapshot file is, recording the length of each read; with
 * `readInto`, into buffers its reader reuses, which it scribbles over when asked (`scribble`):
 * anything decoded that still pointed into them would show it.
 */
function onDemand(
  bytes: Uint8Array,
  readInto = false,
): ByteSource & { reads: number[]; scribble(): void } {
  const reads: number[] = [];
  const targets: Uint8Array[] = [];
  const source = {
    byteLength: bytes.length,
    reads,
    scribble: () => {
      for (const t of targets) t.fill(0xee);
    },
    subarray(begin: number, end: number): Uint8Array {
      const out = Uint8Array.prototype.slice.call(bytes, begin, end);
      reads.push(out.length);
      return out;
    },
  };
  if (!readInto) return source;
  return {
    ...source,
    readInto(target: Uint8Array, begin: number): void {
      assert.ok(begin + target.length <= bytes.length, 'read beyond the source');
      target.set(bytes.subarray(begin, begin + target.length));
      reads.push(target.length);
      targets.push(target);
    },
  };
}

function expectCorrupt(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MemlayerError, `not a MemlayerError: ${String(error)}`);
    assert.equal(error.code, 'ERR_SNAPSHOT_CORRUPT');
    return true;
  });
}

describe('snapshot', () => {
  it('round-trips every kind, TTLs, the index and the extra bytes', () => {
    const db = sample();
    const bytes = encodeSnapshot(db, Uint8Array.from([9, 8, 7]));
    const decoded = decodeSnapshot(bytes);
    assert.equal(decoded.applyIndex, 42);
    assert.deepEqual([...decoded.extra], [9, 8, 7]);
    const restored = new Keyspace();
    installSnapshot(restored, decoded);
    assert.deepEqual([...restored.data.keys()], [...db.data.keys()]);
    assert.deepEqual([...restored.expires], [...db.expires]);
    assert.equal(restored.get('bin\x00\xff', 0), '\x00\x01\xfe\xff');
    const hash = restored.get('h', 0);
    assert.ok(hash instanceof HashValue);
    assert.deepEqual(
      [...hash.fields],
      [
        ['f1', 'v1'],
        ['f2', ''],
      ],
    );
    const zset = restored.get('z', 0);
    assert.ok(zset instanceof SortedSet);
    assert.equal(zset.score('m2'), -3);
    assert.equal(restored.applyIndex, 42);
    assert.deepEqual(Buffer.from(encodeSnapshot(restored, decoded.extra)), Buffer.from(bytes));
  });

  it('the chunks equal the whole snapshot and freeze the state when created', () => {
    const db = sample();
    const whole = Buffer.from(encodeSnapshot(db, Uint8Array.from([5])));
    const writer = new SnapshotWriter(db, Uint8Array.from([5]));
    db.put('s', 'changed after the writer was created');
    db.delete('h');
    const steps = writer.chunks(Uint8Array.from([1, 2]), 16);
    const chunks: Buffer[] = [];
    let count = 0;
    for (let r = steps.next(); r.done !== true; r = steps.next()) {
      count++;
      if (r.value !== undefined) chunks.push(Buffer.from(r.value));
    }
    assert.ok(count > 3, `${count} steps`);
    assert.deepEqual(Buffer.concat(chunks), Buffer.concat([Buffer.from([1, 2]), whole]));
  });

  it('chunks reuse one buffer, grow for a record larger than a chunk, and add up to the snapshot', () => {
    const db = sample();
    db.put('big', 'B'.repeat(5000));
    for (let i = 0; i < 200; i++) db.put(`k${i}`, `value ${i}`.repeat(3));
    const whole = Buffer.from(encodeSnapshot(db, Uint8Array.from([7])));
    const writer = new SnapshotWriter(db, Uint8Array.from([7]));
    db.put('k1', 'changed after the capture');
    const steps = writer.chunks(Uint8Array.from([1, 2, 3]), 256);
    const copies: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let pauses = 0;
    let r = steps.next();
    for (; r.done !== true; r = steps.next()) {
      if (r.value === undefined) {
        pauses++;
        continue;
      }
      buffers.add(r.value.buffer);
      copies.push(Buffer.from(r.value));
    }
    const joined = Buffer.concat(copies);
    assert.deepEqual(joined, Buffer.concat([Buffer.from([1, 2, 3]), whole]));
    assert.deepEqual(r.value, { bytes: joined.length, crc: crc32(joined) });
    assert.ok(pauses > 3, `${pauses} pauses`);
    assert.ok(copies.length > 10, `${copies.length} chunks`);
    // All but the record of 5,000 bytes fit the first buffer; that one moves the writer to a
    // larger buffer, which the chunks after it reuse.
    assert.ok(buffers.size <= 2, `${buffers.size} buffers`);
    assert.ok(copies.some((c) => c.length > 5000));
    assert.ok(copies.slice(0, -1).every((c) => c.length >= 256));
  });

  it('chunks abandoned midway release the capture', () => {
    const db = sample();
    const spanOf = (): number => {
      const capture = db.data.capture();
      db.data.release(capture);
      return capture.span;
    };
    const span = spanOf();
    const steps = new SnapshotWriter(db, new Uint8Array(0)).chunks(new Uint8Array(0), 16);
    steps.next();
    steps.return(CHUNKS_ABANDONED);
    // Released: the id a delete frees is reused at once (a capture would keep it unused).
    db.delete('s');
    db.put('another', 'x');
    assert.equal(spanOf(), span);
  });

  it('rejects every single-byte corruption and every truncation', () => {
    const bytes = encodeSnapshot(sample(), Uint8Array.from([1, 2, 3]));
    for (let i = 0; i < bytes.length; i++) {
      const copy = Uint8Array.from(bytes);
      copy[i] = (copy[i] ?? 0) ^ (1 << (i % 8));
      expectCorrupt(() => decodeSnapshot(copy));
    }
    for (let length = 0; length < bytes.length; length++) {
      expectCorrupt(() => decodeSnapshot(bytes.subarray(0, length)));
    }
    expectCorrupt(() => decodeSnapshot(Buffer.concat([bytes, Buffer.from([0])])));
  });

  it('rejects structurally bad bodies even with a valid checksum', () => {
    const bytes = encodeSnapshot(sample(), new Uint8Array(0));
    const rng = new SeededRng(3);
    let rejected = 0;
    for (let round = 0; round < 2000; round++) {
      const body = Uint8Array.from(bytes.subarray(0, bytes.length - 4));
      const flips = 1 + rng.int(4);
      for (let f = 0; f < flips; f++) {
        const at = 5 + rng.int(body.length - 5);
        body[at] = rng.int(256);
      }
      const resealed = Buffer.alloc(body.length + 4);
      resealed.set(body);
      resealed.writeUInt32LE(crc32(body), body.length);
      try {
        decodeSnapshot(resealed);
      } catch (error) {
        assert.ok(error instanceof MemlayerError, `decoder threw ${String(error)}`);
        assert.equal(error.code, 'ERR_SNAPSHOT_CORRUPT');
        rejected++;
      }
    }
    assert.ok(rejected > 1000, `only ${rejected} corrupt bodies were rejected`);
  });

  it('decodes a source read on demand through a window, never reading it whole', () => {
    const db = sample();
    for (let i = 0; i < 300; i++) db.put(`key:${i}`, `value ${i} `.repeat(i % 20));
    db.put('big', 'B'.repeat(5000)); // spans many windows: the window grows to hold it
    db.setExpiry('key:7', 1_800_000_000_000);
    const bytes = encodeSnapshot(db, Uint8Array.from([4, 5]));
    for (const [windowBytes, readInto] of [
      [1, false],
      [7, true],
      [64, false],
      [64, true],
      [1000, true],
    ] as const) {
      const source = onDemand(bytes, readInto);
      const steps = decodeSnapshotInSteps(source, 256, windowBytes);
      let pauses = 0;
      let step = steps.next();
      for (; step.done !== true; step = steps.next()) pauses++;
      source.scribble();
      const restored = new Keyspace();
      installSnapshot(restored, step.value);
      assert.deepEqual(
        Buffer.from(encodeSnapshot(restored, step.value.extra)),
        Buffer.from(bytes),
        `window ${windowBytes}`,
      );
      assert.ok(pauses > 10, `${pauses} pauses`);
      // The largest read holds the big record at most about twice over, not the image.
      assert.ok(
        Math.max(...source.reads) <= Math.max(windowBytes, 2 * 5010),
        `window ${windowBytes}`,
      );
      assert.ok(Math.max(...source.reads) < bytes.length / 2);
    }
  });

  it('rejects the same corruptions, with the same errors, through a window', () => {
    const bytes = encodeSnapshot(sample(), Uint8Array.from([1, 2, 3]));
    const rng = new SeededRng(9);
    const outcome = (input: ByteSource, windowBytes?: number): string => {
      try {
        const steps = decodeSnapshotInSteps(input, Infinity, windowBytes);
        for (let s = steps.next(); s.done !== true; s = steps.next());
        return 'ok';
      } catch (error) {
        assert.ok(error instanceof MemlayerError, `decoder threw ${String(error)}`);
        return error.message;
      }
    };
    let rejected = 0;
    for (let round = 0; round < 1500; round++) {
      const body = Uint8Array.from(bytes.subarray(0, bytes.length - 4));
      for (let f = 1 + rng.int(3); f > 0; f--) body[5 + rng.int(body.length - 5)] = rng.int(256);
      const resealed = Buffer.alloc(body.length + 4);
      resealed.set(body);
      resealed.writeUInt32LE(crc32(body), body.length);
      const whole = outcome(resealed);
      if (whole !== 'ok') rejected++;
      for (const windowBytes of [3, 40])
        assert.equal(
          outcome(onDemand(resealed, round % 2 === 0), windowBytes),
          whole,
          `round ${round}`,
        );
    }
    assert.ok(rejected > 700, `only ${rejected} corrupt bodies were rejected`);
    for (let i = 0; i < bytes.length; i += 3) {
      const copy = Uint8Array.from(bytes);
      copy[i] = (copy[i] ?? 0) ^ 0x10;
      expectCorrupt(() => decodeSnapshot(onDemand(copy)));
    }
    // Bytes after the last field, under a valid checksum: whatever window size, including one
    // that ends exactly with that field.
    const body = Buffer.concat([bytes.subarray(0, bytes.length - 4), Buffer.from([7, 7])]);
    const longer = Buffer.alloc(body.length + 4);
    longer.set(body);
    longer.writeUInt32LE(crc32(body), body.length);
    assert.match(outcome(longer), /2 trailing bytes/);
    for (let windowBytes = 1; windowBytes < longer.length; windowBytes++)
      assert.equal(
        outcome(onDemand(longer, true), windowBytes),
        outcome(longer),
        `window ${windowBytes}`,
      );
  });

  it('rejects a wrong magic or version', () => {
    const bytes = Buffer.from(encodeSnapshot(new Keyspace(), new Uint8Array(0)));
    const magic = Buffer.from(bytes);
    magic[0] = 0x58;
    expectCorrupt(() => decodeSnapshot(magic));
    const version = Buffer.from(bytes);
    version[4] = 3;
    expectCorrupt(() => decodeSnapshot(version));
  });

  it('carries the WATCH change indexes, so a restored keyspace checks WATCH the same', () => {
    const db = new Keyspace();
    for (const [index, key] of [
      [3, 'a'],
      [7, 'b'],
      [7, 'c'],
      [2 ** 40, 'd'],
    ] as const) {
      db.applyIndex = index;
      db.put(key, 'v');
    }
    const bytes = encodeSnapshot(db, new Uint8Array(0));
    const decoded = decodeSnapshot(bytes);
    assert.deepEqual(decoded.changeIndexes, db.changeIndexPairs());
    const restored = new Keyspace();
    installSnapshot(restored, decoded);
    for (const key of ['a', 'b', 'c', 'd', 'never-written'])
      assert.equal(restored.changeIndex(key), db.changeIndex(key), key);
    assert.equal(restored.changeIndex('never-written'), 0);
  });

  it('rejects a watch section with a bucket out of range, an index 0 or too many buckets', () => {
    // An empty keyspace: the watch section is one byte (count 0) before the empty extra.
    const empty = Buffer.from(encodeSnapshot(new Keyspace(), new Uint8Array(0)));
    const at = empty.length - 4 - 1 - 1;
    assert.equal(empty[at], 0);
    const withSection = (section: number[]): Buffer => {
      const body = Buffer.concat([
        empty.subarray(0, at),
        Buffer.from(section),
        empty.subarray(at + 1, empty.length - 4),
      ]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32LE(crc32(body));
      return Buffer.concat([body, crc]);
    };
    // Well formed: bucket 5 changed at index 1.
    assert.deepEqual(decodeSnapshot(withSection([1, 5, 1])).changeIndexes, [5, 1]);
    expectCorrupt(() => decodeSnapshot(withSection([1, 0x80, 0x80, 0x04, 1]))); // bucket 65536
    expectCorrupt(() => decodeSnapshot(withSection([2, 0xff, 0xff, 0x03, 1, 0, 1]))); // 65535, 65536
    expectCorrupt(() => decodeSnapshot(withSection([1, 5, 0]))); // index 0 listed
    expectCorrupt(() => decodeSnapshot(withSection([0x81, 0x80, 0x04]))); // 65537 buckets
    expectCorrupt(() => decodeSnapshot(withSection([1, 5]))); // truncated
  });

  it('still reads version 1 (no change indexes): every key then counts as changed at it', () => {
    const db = new Keyspace();
    db.applyIndex = 9;
    db.put('k', 'v');
    const v2 = Buffer.from(encodeSnapshot(db, new Uint8Array(0)));
    // Version 1 is version 2 without the watch section: here one bucket, 3 bytes (count 1,
    // bucket gap, index 9), right before the empty extra (1 byte) and the checksum.
    const gap = db.changeIndexPairs()[0] ?? 0;
    const watchBytes = 1 + (gap < 128 ? 1 : gap < 16384 ? 2 : 3) + 1;
    const end = v2.length - 4 - 1;
    const body = Buffer.concat([v2.subarray(0, end - watchBytes), v2.subarray(end, v2.length - 4)]);
    body[4] = 1;
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(body));
    const v1 = Buffer.concat([body, crc]);
    const decoded = decodeSnapshot(v1);
    assert.equal(decoded.changeIndexes, undefined);
    assert.equal(decoded.data.get('k'), 'v');
    const restored = new Keyspace();
    installSnapshot(restored, decoded);
    assert.equal(restored.changeIndex('k'), 9);
    assert.equal(restored.changeIndex('anything'), 9);
  });
});
