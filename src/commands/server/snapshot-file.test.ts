import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot, SNAPSHOT_FILE, SnapshotFile, SnapshotLoadError } from './snapshot-file.js';

const clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => 0 };

test('save writes the bytes atomically and leaves no temp file; load reads them back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snap-'));
  let state = Uint8Array.from([1, 2, 3]);
  const file = new SnapshotFile(dir, () => state, clock);
  assert.equal(file.lastSaveSeconds, 1_700_000_000);
  await file.save();
  assert.deepEqual([...readFileSync(join(dir, SNAPSHOT_FILE))], [1, 2, 3]);
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
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snap-'));
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
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snap-'));
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'x');
  const file = new SnapshotFile(join(notADirectory, 'data'), () => Uint8Array.from([1]), clock);
  await assert.rejects(file.save());
  assert.equal(file.lastSaveOk, false);
  assert.equal(file.saves, 0);
});

test('automatic saves: a due rule starts a background save that clears the captured changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snap-'));
  let nowMs = 1_700_000_000_000;
  const movingClock = { nowMs: () => nowMs, monotonicMs: () => 0 };
  const file = new SnapshotFile(dir, () => Uint8Array.from([4]), movingClock);
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
  const none = new SnapshotFile(undefined, () => Uint8Array.from([1]), movingClock);
  none.changesSinceSave = 100;
  assert.equal(none.autoSave(nowMs + 1e9, rules), undefined, 'no data directory: no save');
});

test('a failed automatic save is retried only after the retry delay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snap-'));
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'x');
  let nowMs = 1_700_000_000_000;
  const failures: unknown[] = [];
  const file = new SnapshotFile(
    join(notADirectory, 'data'),
    () => Uint8Array.from([1]),
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
