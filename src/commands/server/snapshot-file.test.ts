import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Keyspace } from '../../store/keyspace.js';
import { decodeSnapshot, SnapshotWriter } from '../../store/snapshot.js';
import {
  loadSnapshot,
  removeAbandonedSaves,
  SNAPSHOT_FILE,
  SnapshotFile,
  SnapshotLoadError,
  type SnapshotSource,
} from './snapshot-file.js';
import { tempDir } from '../../shared/testing.js';

const clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => 0 };

/** A source whose state is `bytes()` when captured, handed out in chunks of up to 2 bytes. */
function source(bytes: () => Uint8Array): SnapshotSource {
  return () => {
    const state = Uint8Array.from(bytes());
    return (function* () {
      for (let at = 0; at < state.length; at += 2) {
        yield undefined;
        yield state.subarray(at, at + 2);
      }
      return { bytes: state.length, crc: crc32(state) };
    })();
  };
}

test('save writes the bytes atomically and leaves no temp file; load reads them back', async () => {
  const dir = tempDir('memlayer-snap-');
  let state = Uint8Array.from([1, 2, 3, 4, 5]);
  const file = new SnapshotFile(
    dir,
    source(() => state),
    clock,
  );
  assert.equal(file.lastSaveSeconds, 1_700_000_000);
  await file.save();
  assert.deepEqual([...readFileSync(join(dir, SNAPSHOT_FILE))], [1, 2, 3, 4, 5]);
  assert.equal(file.saves, 1);
  state = Uint8Array.from([9]);
  assert.equal(file.bgsave(), true);
  assert.equal(file.bgsave(), false, 'one background save at a time');
  state = Uint8Array.from([7, 7]);
  await file.idle();
  assert.deepEqual(
    [...readFileSync(join(dir, SNAPSHOT_FILE))],
    [9],
    'BGSAVE captured the state at once',
  );
  assert.deepEqual(readdirSync(dir), [SNAPSHOT_FILE]);
  let loaded: number[] = [];
  assert.equal(
    loadSnapshot(dir, (bytes) => (loaded = [...bytes])),
    true,
  );
  assert.deepEqual(loaded, [9]);
});

test('no file: nothing loaded; a rejected file: SnapshotLoadError naming it', () => {
  const dir = tempDir('memlayer-snap-');
  assert.equal(
    loadSnapshot(join(dir, 'fresh'), () => assert.fail('nothing to load')),
    false,
  );
  writeFileSync(join(dir, SNAPSHOT_FILE), 'junk');
  assert.throws(
    () =>
      loadSnapshot(dir, () => {
        throw new Error('bad checksum');
      }),
    (error: unknown) =>
      error instanceof SnapshotLoadError &&
      error.message === `corrupt snapshot ${join(dir, SNAPSHOT_FILE)}: bad checksum`,
  );
});

test('a failed save is reported and recorded', async () => {
  const dir = tempDir('memlayer-snap-');
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'x');
  const file = new SnapshotFile(
    join(notADirectory, 'data'),
    source(() => Uint8Array.from([1])),
    clock,
  );
  await assert.rejects(file.save());
  assert.equal(file.lastSaveOk, false);
  assert.equal(file.saves, 0);
});

test('automatic saves: a due rule starts a background save that clears the captured changes', async () => {
  const dir = tempDir('memlayer-snap-');
  let nowMs = 1_700_000_000_000;
  const movingClock = { nowMs: () => nowMs, monotonicMs: () => 0 };
  const file = new SnapshotFile(
    dir,
    source(() => Uint8Array.from([4])),
    movingClock,
  );
  const rules = [{ seconds: 10, changes: 2 }];
  file.changesSinceSave = 2;
  nowMs += 10_000;
  assert.equal(file.autoSave(nowMs, rules), undefined, '10 s is not more than 10 s');
  nowMs += 1_000;
  file.changesSinceSave = 1;
  assert.equal(file.autoSave(nowMs, rules), undefined, 'too few changes');
  file.changesSinceSave = 2;
  assert.deepEqual(file.autoSave(nowMs, rules), { seconds: 10, changes: 2 });
  assert.equal(file.bgsaveInProgress, true);
  file.changesSinceSave += 3; // writes while the file is written stay counted
  assert.equal(file.autoSave(nowMs, rules), undefined, 'one background save at a time');
  await file.idle();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(file.changesSinceSave, 3);
  assert.equal(file.lastSaveSeconds, Math.floor(nowMs / 1000));
  assert.deepEqual([...readFileSync(join(dir, SNAPSHOT_FILE))], [4]);
  assert.equal(file.autoSave(nowMs + 5_000, rules), undefined, 'the clock restarts at the save');
  const none = new SnapshotFile(
    undefined,
    source(() => Uint8Array.from([1])),
    movingClock,
  );
  none.changesSinceSave = 100;
  assert.equal(none.autoSave(nowMs + 1e9, rules), undefined, 'no data directory: no save');
});

test('a failed automatic save is retried only after the retry delay', async () => {
  const dir = tempDir('memlayer-snap-');
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'x');
  let nowMs = 1_700_000_000_000;
  const failures: unknown[] = [];
  const file = new SnapshotFile(
    join(notADirectory, 'data'),
    source(() => Uint8Array.from([1])),
    { nowMs: () => nowMs, monotonicMs: () => 0 },
    (error) => failures.push(error),
  );
  const rules = [{ seconds: 1, changes: 1 }];
  file.changesSinceSave = 1;
  nowMs += 2_000;
  assert.ok(file.autoSave(nowMs, rules));
  await file.idle();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(failures.length, 1);
  assert.equal(file.lastSaveOk, false);
  assert.equal(file.changesSinceSave, 1, 'a failed save clears nothing');
  nowMs += 5_000;
  assert.equal(file.autoSave(nowMs, rules), undefined, 'within the retry delay');
  nowMs += 1_000;
  assert.ok(file.autoSave(nowMs, rules), 'retried after it');
  await file.idle();
});

test('a background save writes the state of its start while writes go on, then releases it', async () => {
  const dir = tempDir('memlayer-snap-');
  const db = new Keyspace();
  for (let i = 0; i < 5000; i++) db.put(`k${i}`, `${i}:`.padEnd(1000, 'v'));
  const spanOf = (): number => {
    const capture = db.data.capture();
    db.data.release(capture);
    return capture.span;
  };
  const file = new SnapshotFile(
    dir,
    (chunkBytes) => new SnapshotWriter(db, new Uint8Array(0)).chunks(new Uint8Array(0), chunkBytes),
    clock,
  );
  assert.equal(file.bgsave(), true);
  // Writes while the save runs, between its chunks (5 MB: several chunks and turns).
  db.put('k1', 'changed');
  db.delete('k2');
  db.put('new', 'x');
  await file.idle();
  const saved = decodeSnapshot(readFileSync(join(dir, SNAPSHOT_FILE)));
  assert.equal(saved.data.size, 5000);
  assert.equal(saved.data.get('k1'), '1:'.padEnd(1000, 'v'));
  assert.equal(saved.data.get('k2'), '2:'.padEnd(1000, 'v'));
  assert.equal(saved.data.has('new'), false);
  // Released: a freed id is reused at once.
  const span = spanOf();
  db.delete('k3');
  db.put('another', 'y');
  assert.equal(spanOf(), span);
});

test('startup removes the temporary files of saves whose process is gone, and only those', () => {
  const dir = tempDir('memlayer-snap-');
  const gone = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
  assert.ok(gone !== undefined && gone > 0);
  const names = [
    `${SNAPSHOT_FILE}.tmp-${gone}`, // a save that crashed
    `${SNAPSHOT_FILE}.tmp-${process.pid}`, // this process' own save in progress
    `${SNAPSHOT_FILE}.tmp-1`, // a live process (init): the directory may be shared
    `${SNAPSHOT_FILE}.tmp-x`, // not a name a save makes
    SNAPSHOT_FILE,
  ];
  for (const name of names) writeFileSync(join(dir, name), 'data');
  const notOurs = `${SNAPSHOT_FILE}.tmp-${gone + 1}`; // a directory: never a save's
  mkdirSync(join(dir, notOurs));
  assert.deepEqual(removeAbandonedSaves(dir), [`${SNAPSHOT_FILE}.tmp-${gone}`]);
  assert.deepEqual(readdirSync(dir).sort(), [...names.slice(1), notOurs].sort());
});
