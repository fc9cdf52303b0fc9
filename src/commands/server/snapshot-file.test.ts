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
