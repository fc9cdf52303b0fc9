import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fsp, { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { Level } from 'level';
import { groupId, logIndex, nodeId, term } from '../shared/brand.js';
import { snapshotBytes, type Entry, type HardState, type Snapshot } from '../raft/types.js';
import { CorruptLogError, LevelLogStore, LogOpenError, writeAll } from './log-store.js';
import { encodeBlob } from './records.js';
import { DamagedLogError } from './level-files.js';
import type { SnapshotChunks } from '../store/snapshot.js';
import { tempDir } from '../shared/testing.js';

const G = groupId(1);
/** A LogOpenError of this kind for `path`, its message naming the path (and `detail`). */
const openError =
  (kind: LogOpenError['kind'], path: string, detail = '') =>
  (err: unknown): boolean =>
    err instanceof LogOpenError &&
    err.kind === kind &&
    err.path === path &&
    err.message.includes(path) &&
    err.message.includes(detail);

/** Where a store is opened: inside a directory removed after this file, with its `-snapshots`. */
function storePath(): string {
  return join(tempDir('memlayer-log-'), 'log');
}

const entry = (index: number, t: number, text = `v${index}`): Entry => ({
  index: logIndex(index),
  term: term(t),
  type: 'normal',
  data: Buffer.from(text, 'latin1'),
});
const hs = (t: number, vote: number, commit: number): HardState => ({
  term: term(t),
  vote: nodeId(vote),
  commit: logIndex(commit),
});
const texts = (entries: readonly Entry[]): string[] =>
  entries.map((e) => `${e.index}@${e.term}:${Buffer.from(e.data).toString('latin1')}`);

async function reopen(
  path: string,
): Promise<{ store: LevelLogStore; loaded: Awaited<ReturnType<LevelLogStore['load']>> }> {
  const store = await LevelLogStore.open(path);
  const loaded = await store.load(G);
  return { store, loaded };
}

describe('LevelLogStore', () => {
  it('names the directory and the reason when LevelDB will not open it, and changes nothing', async () => {
    const path = storePath();
    const first = await LevelLogStore.open(path);
    try {
      await assert.rejects(LevelLogStore.open(path), openError('locked', path));
    } finally {
      await first.close();
    }
    await writeFile(join(path, 'CURRENT'), 'MANIFEST-999999\n');
    // LevelDB's reason, not only "failed to open".
    await assert.rejects(
      LevelLogStore.open(path),
      openError('unreadable', path, 'MANIFEST-999999'),
    );
    assert.equal(await readFile(join(path, 'CURRENT'), 'utf8'), 'MANIFEST-999999\n');
  });

  it('recovers entries and hard state after reopen, truncating a conflicting tail', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const e: Entry[] = [1, 2, 3, 4].map((i) => entry(i, 1));
    await store.persist({
      group: G,
      hardState: hs(1, 1, 2),
      entries: e,
      snapshot: undefined,
      sync: true,
    });
    // A new leader overwrites 3..4 with a single entry 3 of term 2: 4 must disappear.
    await store.persist({
      group: G,
      hardState: hs(2, 2, 2),
      entries: [entry(3, 2, 'x')],
      snapshot: undefined,
      sync: true,
    });
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    assert.deepEqual(texts(loaded.entries), ['1@1:v1', '2@1:v2', '3@2:x']);
    assert.deepEqual(loaded.hardState, hs(2, 2, 2));
    assert.equal(loaded.snapshot, undefined);
    await s2.close();
  });

  it('keeps groups apart', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.persist({
      group: groupId(7),
      hardState: hs(3, 0, 0),
      entries: [entry(1, 3)],
      snapshot: undefined,
      sync: true,
    });
    const own = await store.load(G);
    assert.equal(own.entries.length, 0);
    assert.equal(own.hardState, undefined);
    const other = await store.load(groupId(7));
    assert.deepEqual(texts(other.entries), ['1@3:v1']);
    await store.close();
  });

  it('recovers snapshot + the log after it, skipping entries the snapshot covers', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const e = [1, 2, 3, 4, 5, 6].map((i) => entry(i, 1));
    await store.persist({
      group: G,
      hardState: hs(1, 1, 6),
      entries: e,
      snapshot: undefined,
      sync: true,
    });
    const snap: Snapshot = {
      meta: {
        index: logIndex(5),
        term: term(1),
        conf: { voters: [nodeId(1), nodeId(2)], learners: [nodeId(9)] },
      },
      data: Buffer.from('image'),
    };
    // Keep entries 4..6 on disk (trailing log for slow followers): 4 and 5 are below the snapshot.
    await store.saveSnapshot(G, snap, logIndex(3));
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    assert.deepEqual(texts(loaded.entries), ['6@1:v6']);
    assert.deepEqual(loaded.snapshot?.meta, snap.meta);
    assert.equal(
      Buffer.from(snapshotBytes(loaded.snapshot?.data ?? new Uint8Array(0))).toString(),
      'image',
    );
    await s2.close();
  });

  it('a snapshot from the leader replaces the whole log', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    await store.persist({
      group: G,
      hardState: hs(1, 1, 1),
      entries: [1, 2, 3].map((i) => entry(i, 1)),
      snapshot: undefined,
      sync: true,
    });
    const snap: Snapshot = {
      meta: { index: logIndex(10), term: term(2), conf: { voters: [nodeId(1)], learners: [] } },
      data: new Uint8Array(),
    };
    await store.persist({
      group: G,
      hardState: hs(2, 0, 10),
      entries: [entry(11, 2)],
      snapshot: snap,
      sync: true,
    });
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    assert.deepEqual(texts(loaded.entries), ['11@2:v11']);
    assert.equal(loaded.snapshot?.meta.index, 10);
    await s2.close();
  });

  it('a flipped byte in an entry is a startup error naming the directory and record', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    await store.persist({
      group: G,
      hardState: hs(1, 1, 2),
      entries: [entry(1, 1), entry(2, 1)],
      snapshot: undefined,
      sync: true,
    });
    await store.close();
    const raw = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
    const key = 'g00000001e0000000000000002';
    const value = Buffer.from((await raw.get(key)) ?? new Uint8Array());
    value.writeUInt8((value.at(-1) ?? 0) ^ 0x40, value.length - 1);
    await raw.put(key, value);
    await raw.close();
    const s2 = await LevelLogStore.open(path);
    await assert.rejects(s2.load(G), (err: unknown) => {
      assert.ok(err instanceof CorruptLogError);
      assert.match(
        err.message,
        new RegExp(`corrupt Raft log record in ${path}: key ${key}: CRC mismatch`),
      );
      return true;
    });
    await s2.close();
  });

  it('a missing entry (gap) and a commit beyond the log are startup errors', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    await store.persist({
      group: G,
      hardState: hs(1, 1, 3),
      entries: [1, 2, 3].map((i) => entry(i, 1)),
      snapshot: undefined,
      sync: true,
    });
    await store.close();
    const raw = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
    await raw.del('g00000001e0000000000000002');
    await raw.close();
    const s2 = await LevelLogStore.open(path);
    await assert.rejects(s2.load(G), /gap in the log: expected index 2/);
    await s2.close();
    const raw2 = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
    await raw2.del('g00000001e0000000000000003');
    await raw2.close();
    const s3 = await LevelLogStore.open(path);
    await assert.rejects(s3.load(G), /commit index 3 beyond the last durable entry 1/);
    await s3.close();
  });

  it('rejects a truncated hard state record', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.persist({
      group: G,
      hardState: hs(1, 1, 0),
      entries: [],
      snapshot: undefined,
      sync: true,
    });
    await store.close();
    const raw = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
    await raw.put('g00000001h', new Uint8Array([1, 2]));
    await raw.close();
    const s2 = await LevelLogStore.open(path);
    await assert.rejects(s2.load(G), /key g00000001h: record truncated/);
    await s2.close();
  });

  it('round-trips metadata', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.saveMeta(G, Buffer.from('{"1":"a"}'));
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    assert.equal(Buffer.from(loaded.meta ?? []).toString(), '{"1":"a"}');
    await s2.close();
  });

  it('writes Readies issued back to back in order, coalesced, and resolves them in order', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    let syncs = 0;
    store.onSyncMs = () => syncs++;
    const done: string[] = [];
    const issue = (label: string, req: Parameters<LevelLogStore['persist']>[0]): Promise<void> =>
      store.persist(req).then(() => void done.push(label));
    // The first write goes alone; the next four queue behind it and share one batch. The third
    // overwrites entry 3 with another term, so order inside the shared batch matters; the
    // fourth carries nothing and must still resolve after those before it (an ordering barrier).
    const all = [
      issue('a', {
        group: G,
        hardState: hs(1, 1, 0),
        entries: [entry(1, 1)],
        snapshot: undefined,
        sync: true,
      }),
      issue('b', {
        group: G,
        hardState: undefined,
        entries: [2, 3, 4].map((i) => entry(i, 1)),
        snapshot: undefined,
        sync: true,
      }),
      issue('c', {
        group: G,
        hardState: hs(2, 2, 2),
        entries: [entry(3, 2, 'new')],
        snapshot: undefined,
        sync: true,
      }),
      issue('d', { group: G, hardState: undefined, entries: [], snapshot: undefined, sync: false }),
      issue('e', {
        group: G,
        hardState: hs(2, 2, 3),
        entries: [],
        snapshot: undefined,
        sync: false,
      }),
    ];
    await Promise.all(all);
    assert.deepEqual(done, ['a', 'b', 'c', 'd', 'e']);
    assert.equal(syncs, 2, 'one fsync for the first write, one for everything queued behind it');
    await store.close();
    const { store: again, loaded } = await reopen(path);
    assert.deepEqual(texts(loaded.entries), ['1@1:v1', '2@1:v2', '3@2:new']);
    assert.deepEqual(loaded.hardState, hs(2, 2, 3));
    await again.close();
  });

  it('keeps snapshots in files: the latest only, verified on load, named in the error', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const snap = (index: number, text: string): Snapshot => ({
      meta: { index: logIndex(index), term: term(1), conf: { voters: [nodeId(1)], learners: [] } },
      data: Buffer.from(text),
    });
    await store.saveSnapshot(G, snap(5, 'five'), logIndex(0));
    // A newer file (a local snapshot still being written, say) must survive the clean-up.
    const newer = join(store.snapshotDir, 'g00000001-00000000000000ff.snap');
    await writeFile(newer, 'x');
    await store.saveSnapshot(G, snap(9, 'nine'), logIndex(0));
    assert.deepEqual(
      (await readdir(store.snapshotDir)).sort(),
      ['g00000001-0000000000000009.snap', 'g00000001-00000000000000ff.snap'],
      'older snapshot files removed, newer kept',
    );
    await rm(newer);
    // A temporary file left by a crash is removed when the store opens.
    await writeFile(join(store.snapshotDir, 'g00000001-0000000000000010.snap.tmp'), 'partial');
    const files = ['g00000001-0000000000000009.snap'];
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    assert.equal(
      Buffer.from(snapshotBytes(loaded.snapshot?.data ?? new Uint8Array(0))).toString(),
      'nine',
    );
    assert.deepEqual(await readdir(s2.snapshotDir), files, 'temporary file removed at open');
    await s2.close();
    // A flipped byte in the file: a startup error that names the file, not silent loss.
    const file = join(`${path}-snapshots`, files[0] ?? '');
    const bytes = await readFile(file);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    const s3 = await LevelLogStore.open(path);
    await assert.rejects(s3.load(G), (err: unknown) => {
      assert.ok(err instanceof CorruptLogError);
      assert.match(err.message, /g00000001-0000000000000009\.snap/);
      return true;
    });
    // A missing file is an error too.
    await rm(file);
    await assert.rejects(s3.load(G), /unreadable/);
    await s3.close();
  });

  it('loads a large snapshot verified in pieces and left in its file, a flipped byte anywhere an error', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    // Over 1 MiB (several verification pieces) and over the size that stays in memory.
    const image = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < image.length; i++) image[i] = (i * 7919) & 0xff;
    const meta = { index: logIndex(3), term: term(1), conf: { voters: [nodeId(1)], learners: [] } };
    await store.saveSnapshot(G, { meta, data: image }, logIndex(0));
    await store.close();
    const { store: s2, loaded } = await reopen(path);
    const data = loaded.snapshot?.data;
    assert.ok(data !== undefined && !(data instanceof Uint8Array), 'read from its file');
    assert.equal(data.byteLength, image.length);
    assert.deepEqual(
      Buffer.from(data.subarray(1_500_000, 1_500_100)),
      image.subarray(1_500_000, 1_500_100),
    );
    const piece = new Uint8Array(64);
    data.readInto?.(piece, image.length - 64);
    assert.deepEqual(Buffer.from(piece), image.subarray(image.length - 64));
    await s2.close();
    const file = join(`${path}-snapshots`, 'g00000001-0000000000000003.snap');
    const bytes = await readFile(file);
    for (const at of [4, 1024 * 1024 + 17, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      await writeFile(file, copy);
      const s3 = await LevelLogStore.open(path);
      await assert.rejects(s3.load(G), (err: unknown) => {
        assert.ok(err instanceof CorruptLogError, String(err));
        assert.match(err.message, /g00000001-0000000000000003\.snap.*CRC mismatch/);
        return true;
      });
      await s3.close();
    }
    // Cut short, to a few bytes or to half: the same kind of startup error, naming the file.
    for (const length of [3, bytes.length >> 1]) {
      await writeFile(file, bytes.subarray(0, length));
      const s4 = await LevelLogStore.open(path);
      await assert.rejects(s4.load(G), (err: unknown) => {
        assert.ok(err instanceof CorruptLogError, String(err));
        assert.match(err.message, /g00000001-0000000000000003\.snap.*(truncated|CRC mismatch)/);
        return true;
      });
      await s4.close();
    }
  });

  it('writes a local snapshot to its file as it is encoded, byte for byte as saveSnapshot would', async () => {
    const meta = {
      index: logIndex(7),
      term: term(2),
      conf: { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [nodeId(4)] },
    };
    const image = Buffer.from('a state machine image, written in several chunks');
    // The way SnapshotWriter.chunks hands them out: pauses, and one buffer reused for each chunk.
    function* steps(): SnapshotChunks {
      const reused = Buffer.alloc(16);
      for (let at = 0; at < image.length; at += 16) {
        yield undefined;
        const n = image.copy(reused, 0, at, at + 16);
        yield reused.subarray(0, n);
      }
      return { bytes: image.length, crc: crc32(image) };
    }
    const streamedPath = storePath();
    const streamed = await LevelLogStore.open(streamedPath);
    await streamed.load(G);
    await streamed.persist({
      group: G,
      hardState: hs(2, 1, 8),
      entries: [5, 6, 7, 8].map((i) => entry(i, 2)),
      snapshot: undefined,
      sync: true,
    });
    const data = await streamed.writeSnapshotImage(G, meta, steps());
    assert.equal(data.byteLength, image.length);
    assert.deepEqual(Buffer.from(data.subarray(0, data.byteLength)), image);
    await streamed.commitSnapshot(G, { meta, data }, logIndex(6));
    await streamed.close();
    // The same snapshot saved from memory gives the same file.
    const wholePath = storePath();
    const whole = await LevelLogStore.open(wholePath);
    await whole.load(G);
    await whole.saveSnapshot(G, { meta, data: image }, logIndex(0));
    await whole.close();
    const name = 'g00000001-0000000000000007.snap';
    assert.deepEqual(
      await readFile(join(`${streamedPath}-snapshots`, name)),
      await readFile(join(`${wholePath}-snapshots`, name)),
    );
    const { store, loaded } = await reopen(streamedPath);
    assert.deepEqual(loaded.snapshot?.meta, meta);
    assert.deepEqual(Buffer.from(snapshotBytes(loaded.snapshot?.data ?? new Uint8Array(0))), image);
    assert.deepEqual(texts(loaded.entries), ['8@2:v8']);
    await store.close();
  });

  it('writes a snapshot from the leader to its file as it arrives, byte for byte as saveSnapshot would', async () => {
    const meta = {
      index: logIndex(9),
      term: term(3),
      conf: { voters: [nodeId(1), nodeId(2)], learners: [] },
    };
    const image = Buffer.from('the leader sends its image in chunks of a few bytes each');
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    await store.persist({
      group: G,
      hardState: hs(2, 1, 3),
      entries: [1, 2, 3].map((i) => entry(i, 2)),
      snapshot: undefined,
      sync: true,
    });
    const warnings: string[] = [];
    const sink = store.snapshotReceiver(G, (w) => warnings.push(w)).begin(meta, image.length);
    const dir = `${path}-snapshots`;
    const name = 'g00000001-0000000000000009.snap';
    for (let at = 0; at < image.length; at += 7) sink.append(image.subarray(at, at + 7));
    // Until persisted, the file has only its temporary name (removed when the store opens).
    assert.deepEqual(await readdir(dir), [`${name}.recv.tmp`]);
    const data = sink.finish();
    assert.ok(data !== undefined);
    assert.deepEqual(Buffer.from(data.subarray(0, data.byteLength)), image);
    await store.persist({
      group: G,
      hardState: hs(3, 0, 9),
      entries: [],
      snapshot: { meta, data },
      sync: true,
    });
    assert.deepEqual(await readdir(dir), [name]);
    // Read through the descriptor opened before the rename, and by the new name.
    assert.deepEqual(Buffer.from(data.subarray(5, 20)), image.subarray(5, 20));
    await store.close();
    const whole = storePath();
    const saved = await LevelLogStore.open(whole);
    await saved.load(G);
    await saved.saveSnapshot(G, { meta, data: image }, logIndex(0));
    await saved.close();
    assert.deepEqual(
      await readFile(join(dir, name)),
      await readFile(join(`${whole}-snapshots`, name)),
    );
    const { store: s2, loaded } = await reopen(path);
    assert.deepEqual(loaded.snapshot?.meta, meta);
    assert.deepEqual(Buffer.from(snapshotBytes(loaded.snapshot?.data ?? new Uint8Array(0))), image);
    assert.deepEqual(texts(loaded.entries), []);
    assert.deepEqual(warnings, []);
    await s2.close();
  });

  it('removes the file of a received snapshot that a newer one replaced before it was persisted', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const receiver = store.snapshotReceiver(G, (w) => assert.fail(w));
    const receive = (index: number): Snapshot => {
      const meta = {
        index: logIndex(index),
        term: term(1),
        conf: { voters: [nodeId(1)], learners: [] },
      };
      const sink = receiver.begin(meta, 3);
      sink.append(Buffer.from('abc'));
      const data = sink.finish();
      assert.ok(data !== undefined);
      return { meta, data };
    };
    // Two single-chunk snapshots completed before the Raft core's next Ready: it hands out
    // only the second.
    receive(10);
    const second = receive(20);
    const dir = `${path}-snapshots`;
    assert.deepEqual(await readdir(dir), ['g00000001-0000000000000014.snap.recv.tmp']);
    await store.persist({
      group: G,
      hardState: hs(1, 0, 20),
      entries: [],
      snapshot: second,
      sync: true,
    });
    assert.deepEqual(await readdir(dir), ['g00000001-0000000000000014.snap']);
    // Once handed to persist, a snapshot's file stays whatever is received next.
    const third = receive(30);
    const persisting = store.persist({
      group: G,
      hardState: hs(1, 0, 30),
      entries: [],
      snapshot: third,
      sync: true,
    });
    receive(40);
    await persisting;
    assert.ok((await readdir(dir)).includes('g00000001-000000000000001e.snap'));
    await store.close();
  });

  it('removes a snapshot from the leader that is abandoned, and refuses one it cannot write', async () => {
    const meta = { index: logIndex(4), term: term(1), conf: { voters: [nodeId(1)], learners: [] } };
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const warnings: string[] = [];
    const receiver = store.snapshotReceiver(G, (w) => warnings.push(w));
    const dir = `${path}-snapshots`;
    const abandoned = receiver.begin(meta, 10);
    assert.equal(abandoned.append(Buffer.from('12345')), true);
    abandoned.abort();
    assert.deepEqual(await readdir(dir), []);
    // A short transfer (the core never finishes one, but the file must not pass for whole).
    const short = receiver.begin(meta, 10);
    short.append(Buffer.from('123'));
    assert.equal(short.finish(), undefined);
    // The file holds the record's head and 3 of the image's 10 bytes: 7 short.
    const sizes = /recv\.tmp is (\d+) bytes, expected (\d+)$/.exec(warnings.at(-1) ?? '');
    assert.equal(Number(sizes?.[2]) - Number(sizes?.[1]), 7, warnings.at(-1));
    assert.equal(warnings.length, 1);
    assert.deepEqual(await readdir(dir), []);
    // Without its directory the file cannot be created: refused, with the reason.
    await rm(dir, { recursive: true });
    const unwritable = receiver.begin(meta, 3);
    assert.equal(unwritable.append(Buffer.from('abc')), false);
    assert.equal(unwritable.finish(), undefined);
    assert.match(warnings.at(-1) ?? '', /not written to .*recv\.tmp: ENOENT/);
    await store.close();
  });

  it('a local snapshot that fails while being encoded leaves no file and releases its steps', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const meta = { index: logIndex(3), term: term(1), conf: { voters: [nodeId(1)], learners: [] } };
    let released = false;
    function* failing(): SnapshotChunks {
      try {
        yield Buffer.from('first chunk');
        throw new Error('encoder failed');
      } finally {
        released = true;
      }
    }
    await assert.rejects(store.writeSnapshotImage(G, meta, failing()), /encoder failed/);
    assert.ok(released);
    assert.deepEqual(await readdir(store.snapshotDir), []);
    // A write that fails (here: the directory is gone) abandons a generator still suspended.
    let abandoned = false;
    function* endless(): SnapshotChunks {
      try {
        for (;;) yield Buffer.from('chunk');
      } finally {
        abandoned = true;
      }
    }
    await rm(store.snapshotDir, { recursive: true });
    await assert.rejects(store.writeSnapshotImage(G, meta, endless()), /ENOENT/);
    assert.ok(abandoned);
    await store.close();
  });

  it('a local snapshot survives a newer one from the leader removing its file right after the rename', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const conf = { voters: [nodeId(1), nodeId(2)], learners: [] };
    // The first open of the snapshot directory (the fsync right after the rename) waits until a
    // snapshot from the leader at 20 is durable, which removes every older file, ours included.
    let leader: Promise<void> | undefined;
    const realOpen = fsp.open;
    fsp.open = (async (file: string, flags?: string) => {
      if (leader === undefined && file === store.snapshotDir && flags === 'r') {
        leader = store.persist({
          group: G,
          hardState: hs(2, 2, 20),
          entries: [],
          snapshot: { meta: { index: logIndex(20), term: term(2), conf }, data: Buffer.from('L') },
          sync: true,
        });
        await leader;
      }
      return realOpen(file, flags);
    }) as typeof fsp.open;
    syncBuiltinESMExports();
    try {
      function* steps(): SnapshotChunks {
        yield Buffer.from('local image');
        return { bytes: 11, crc: crc32(Buffer.from('local image')) };
      }
      const meta = { index: logIndex(10), term: term(1), conf };
      const data = await store.writeSnapshotImage(G, meta, steps());
      assert.ok(leader !== undefined, 'the leader snapshot ran in the window');
      assert.deepEqual(await readdir(store.snapshotDir), ['g00000001-0000000000000014.snap']);
      assert.equal(Buffer.from(data.subarray(0, data.byteLength)).toString(), 'local image');
    } finally {
      fsp.open = realOpen;
      syncBuiltinESMExports();
    }
    await store.close();
  });

  it('discards a local snapshot file only when a newer snapshot superseded it', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    const meta = (index: number) => ({
      index: logIndex(index),
      term: term(1),
      conf: { voters: [nodeId(1)], learners: [] },
    });
    function* one(text: string): SnapshotChunks {
      yield Buffer.from(text);
      return { bytes: text.length, crc: crc32(Buffer.from(text)) };
    }
    await store.writeSnapshotImage(G, meta(4), one('four'));
    // The leader's snapshot at 9 arrives while the local one at 4 is written.
    await store.persist({
      group: G,
      hardState: hs(1, 1, 9),
      entries: [],
      snapshot: { meta: meta(9), data: Buffer.from('nine') },
      sync: true,
    });
    await store.writeSnapshotImage(G, meta(9), one('NINE'));
    await store.discardSnapshotFile(G, logIndex(9));
    await store.discardSnapshotFile(G, logIndex(4));
    assert.deepEqual(await readdir(store.snapshotDir), ['g00000001-0000000000000009.snap']);
    await store.close();
  });

  it('a snapshot pointer naming anything but a snapshot file is a startup error', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.close();
    const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' });
    // A well-formed pointer record naming a path outside the snapshot directory.
    await db.put('g00000001s', encodeBlob(Buffer.from('../../etc/passwd')));
    await db.close();
    const again = await LevelLogStore.open(path);
    await assert.rejects(again.load(G), /not a snapshot file name/);
    await again.close();
  });
});

describe('LevelLogStore on damaged LevelDB files', () => {
  /** A store with entries 1..30 written in 30 synced batches, closed; its one log file. */
  async function written(): Promise<{ path: string; log: string }> {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.load(G);
    for (let i = 1; i <= 30; i++)
      await store.persist({
        group: G,
        hardState: hs(1, 1, i),
        entries: [entry(i, 1, `value ${i} `.repeat(20))],
        snapshot: undefined,
        sync: true,
      });
    await store.close();
    const logs = (await readdir(path)).filter((n) => /^[0-9]+\.log$/.test(n));
    assert.equal(logs.length, 1, `one log file: ${logs.join(', ')}`);
    return { path, log: join(path, logs[0] ?? '') };
  }

  const damaged =
    (file: string, detail: RegExp) =>
    (err: unknown): boolean =>
      err instanceof DamagedLogError && err.file === file && detail.test(err.message);

  it('a flipped byte in the log refuses the start, naming the file, and LevelDB never touches it', async () => {
    const { path, log } = await written();
    const bytes = await readFile(log);
    const flipped = Buffer.from(bytes);
    const at = Math.floor(bytes.length / 2);
    flipped[at] = (flipped[at] ?? 0) ^ 0x10;
    await writeFile(log, flipped);
    const before = (await readdir(path)).sort();
    await assert.rejects(LevelLogStore.open(path), damaged(log, /checksum mismatch/));
    // Opened by LevelDB, the log would have been cut at the damage, tabled and deleted.
    assert.deepEqual(await readFile(log), flipped);
    assert.deepEqual((await readdir(path)).sort(), before);
  });

  it('a record cut short at the end of the log (a crash mid-write) drops only that record', async () => {
    const { path, log } = await written();
    const bytes = await readFile(log);
    await writeFile(log, bytes.subarray(0, bytes.length - 5));
    const { store, loaded } = await reopen(path);
    assert.equal(loaded.entries.length, 29, 'the unfinished last batch is gone, nothing else');
    assert.deepEqual(loaded.hardState, hs(1, 1, 29));
    await store.close();
  });

  it('records after a zeroed header in the middle of a block refuse the start', async () => {
    const { path, log } = await written();
    const bytes = await readFile(log);
    // The second record's header: LevelDB would take it for preallocated space and drop the
    // rest of the block, acknowledged records and all.
    const second = 7 + bytes.readUInt16LE(4);
    bytes.fill(0, second, second + 7);
    await writeFile(log, bytes);
    await assert.rejects(LevelLogStore.open(path), damaged(log, /after a zeroed record header/));
  });

  it('a last record whose sectors a power loss left zeroed is dropped, as a torn write', async () => {
    const { path, log } = await written();
    const bytes = await readFile(log);
    // The file keeps its length; the end of the last batch never reached the disk.
    bytes.fill(0, bytes.length - 40);
    await writeFile(log, bytes);
    const { store, loaded } = await reopen(path);
    assert.equal(loaded.entries.length, 29, 'only the torn last batch is gone');
    await store.close();
  });

  it('a MANIFEST alone (a first open that died before CURRENT) starts a new log', async () => {
    const path = storePath();
    const store = await LevelLogStore.open(path);
    await store.close();
    const manifest = (await readdir(path)).find((n) => n.startsWith('MANIFEST-'));
    assert.ok(manifest !== undefined);
    for (const name of await readdir(path))
      if (name !== manifest) await rm(join(path, name), { recursive: true });
    const { store: again, loaded } = await reopen(path);
    assert.deepEqual(loaded.entries, []);
    await again.close();
  });

  it('a missing CURRENT refuses the start instead of a new database over the old files', async () => {
    const { path } = await written();
    await rm(join(path, 'CURRENT'));
    const before = (await readdir(path)).sort();
    await assert.rejects(LevelLogStore.open(path), damaged(join(path, 'CURRENT'), /missing/));
    assert.deepEqual((await readdir(path)).sort(), before);
  });

  it('an emptied or removed log beside later snapshots is refused, not started as a new member', async () => {
    const snapshot: Snapshot = {
      meta: { index: logIndex(40), term: term(1), conf: { voters: [nodeId(1)], learners: [] } },
      data: Buffer.from('state at 40'),
    };
    for (const damage of ['emptied', 'removed'] as const) {
      const path = storePath();
      const store = await LevelLogStore.open(path);
      await store.load(G);
      await store.persist({
        group: G,
        hardState: hs(1, 1, 2),
        entries: [entry(1, 1), entry(2, 1)],
        snapshot: undefined,
        sync: true,
      });
      await store.saveSnapshot(G, snapshot, logIndex(0));
      await store.close();
      // Everything is still in LevelDB's one log file (it makes tables at the next open).
      const logs = (await readdir(path)).filter((n) => /^[0-9]+\.log$/.test(n));
      assert.equal(logs.length, 1);
      if (damage === 'emptied') await writeFile(join(path, logs[0] ?? ''), '');
      else await rm(path, { recursive: true });
      const again = await LevelLogStore.open(path);
      await assert.rejects(again.load(G), (err: unknown) => {
        assert.ok(err instanceof CorruptLogError, String(err));
        assert.match(err.message, /the log holds nothing, but .*0000000000000028\.snap/);
        return true;
      });
      await again.close();
    }
  });

  it("a snapshot file of another index (another node's, say) is refused", async () => {
    const snap = (index: number): Snapshot => ({
      meta: { index: logIndex(index), term: term(1), conf: { voters: [nodeId(1)], learners: [] } },
      data: Buffer.from(`state at ${index}`),
    });
    const mine = storePath();
    const other = storePath();
    for (const [path, index] of [
      [mine, 9],
      [other, 5],
    ] as const) {
      const store = await LevelLogStore.open(path);
      await store.load(G);
      await store.saveSnapshot(G, snap(index), logIndex(0));
      await store.close();
    }
    const target = join(`${mine}-snapshots`, 'g00000001-0000000000000009.snap');
    await writeFile(
      target,
      await readFile(join(`${other}-snapshots`, 'g00000001-0000000000000005.snap')),
    );
    const store = await LevelLogStore.open(mine);
    await assert.rejects(store.load(G), (err: unknown) => {
      assert.ok(err instanceof CorruptLogError, String(err));
      assert.equal(err.path, target);
      assert.match(err.message, /holds index 5/);
      return true;
    });
    await store.close();
  });
});

describe('writeAll', () => {
  it('writes every byte of every part even when each writev writes only a few', async () => {
    const written: number[] = [];
    const handle = {
      writev: (buffers: Uint8Array[]) => {
        // At most 7 bytes per call, across part boundaries.
        let budget = 7;
        for (const bytes of buffers) {
          const n = Math.min(budget, bytes.length);
          written.push(...bytes.subarray(0, n));
          budget -= n;
          if (budget === 0) break;
        }
        return Promise.resolve({ bytesWritten: 7 - budget });
      },
    };
    const parts = [
      Buffer.from('head!'),
      new Uint8Array(0),
      Buffer.from('the image, 26 bytes long..'),
    ];
    await writeAll(handle, parts);
    assert.equal(Buffer.from(written).toString(), 'head!the image, 26 bytes long..');
  });

  it('fails instead of looping when nothing is written', async () => {
    const handle = { writev: () => Promise.resolve({ bytesWritten: 0 }) };
    await assert.rejects(writeAll(handle, [Buffer.from('x')]), /no progress/);
  });
});
