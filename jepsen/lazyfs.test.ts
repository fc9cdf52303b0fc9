import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LazyDisk, lazyFsUnavailable } from './lazyfs.js';
import { runHarness } from './runner.js';

const why = lazyFsUnavailable();
const skip = why === undefined ? false : `lazyfs unavailable: ${why}`;

async function withDisk(
  fn: (disk: LazyDisk, backing: string) => void | Promise<void>,
  unsyncedBytesMax?: number,
) {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
  const backing = join(dir, 'backing');
  const disk = await LazyDisk.mount(backing, join(dir, 'mnt'), 'ignore', unsyncedBytesMax);
  try {
    await fn(disk, backing);
  } finally {
    await disk.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Appends `text` to an open file, fsyncing it if asked. */
function append(fd: number, text: string, sync: boolean): void {
  writeSync(fd, text);
  if (sync) fsyncSync(fd);
}

test('lazyfs: what was fsynced survives a loss, what was not is gone', { skip }, async () => {
  await withDisk((disk, backing) => {
    const file = join(disk.mountpoint, 'log');
    const fd = openSync(file, 'a');
    append(fd, 'synced;', true);
    append(fd, 'unsynced', false);
    closeSync(fd);
    // Before the loss every reader sees all of it, as with a page cache.
    assert.equal(readFileSync(file, 'utf8'), 'synced;unsynced');
    assert.equal(statSync(file).size, 15);
    assert.equal(readFileSync(join(backing, 'log'), 'utf8'), 'synced;');
    assert.deepEqual(disk.unsynced(), { bytes: 8, files: 1 });
    assert.deepEqual(disk.lose(), { bytes: 8, files: 1 });
    assert.equal(readFileSync(file, 'utf8'), 'synced;');
    assert.equal(statSync(file).size, 7);
    assert.deepEqual(disk.unsynced(), { bytes: 0, files: 0 });
  });
});

test('lazyfs: overlapping writes land in order at the fsync', { skip }, async () => {
  await withDisk((disk, backing) => {
    const fd = openSync(join(disk.mountpoint, 'f'), 'w+');
    writeSync(fd, 'aaaa', 0);
    writeSync(fd, 'bb', 2);
    writeSync(fd, 'c', 5); // past the end: a hole at 4
    assert.equal(readFileSync(join(disk.mountpoint, 'f'), 'latin1'), 'aabb\0c');
    fsyncSync(fd);
    closeSync(fd);
    assert.equal(readFileSync(join(backing, 'f'), 'latin1'), 'aabb\0c');
    assert.deepEqual(disk.lose(), { bytes: 0, files: 0 });
  });
});

test(
  'lazyfs: past its bound of unsynced data a write fails with ENOSPC and changes nothing',
  { skip },
  async () => {
    await withDisk((disk) => {
      const fd = openSync(join(disk.mountpoint, 'f'), 'w+');
      writeSync(fd, 'x'.repeat(60));
      assert.throws(() => writeSync(fd, 'y'.repeat(60)), { code: 'ENOSPC' });
      assert.deepEqual(disk.unsynced(), { bytes: 60, files: 1 });
      assert.equal(readFileSync(join(disk.mountpoint, 'f'), 'utf8'), 'x'.repeat(60));
      fsyncSync(fd); // synced data no longer counts
      writeSync(fd, 'y'.repeat(60));
      closeSync(fd);
      assert.equal(statSync(join(disk.mountpoint, 'f')).size, 120);
    }, 100);
  },
);

test(
  'lazyfs: a bound that is not a positive byte count is refused and nothing is mounted',
  { skip },
  async () => {
    for (const bound of [0, -1, 1.5, Number.NaN]) {
      const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
      try {
        await assert.rejects(
          LazyDisk.mount(join(dir, 'backing'), join(dir, 'mnt'), 'ignore', bound),
          /lazyfs did not mount .* \(exit 2\)/,
          `bound ${bound}`,
        );
        assert.equal(existsSync(join(dir, 'mnt', '.lazyfs')), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
);

test('lazyfs: a truncation cuts unsynced data at once', { skip }, async () => {
  await withDisk((disk, backing) => {
    const file = join(disk.mountpoint, 't');
    const fd = openSync(file, 'w+');
    writeSync(fd, 'abcdef', 0);
    ftruncateSync(fd, 3);
    assert.equal(readFileSync(file, 'utf8'), 'abc');
    fsyncSync(fd);
    closeSync(fd);
    assert.equal(readFileSync(join(backing, 't'), 'utf8'), 'abc');
    writeFileSync(join(disk.mountpoint, 'u'), 'unsynced');
    truncateSync(join(disk.mountpoint, 'u'), 2); // by path, no open file
    assert.equal(readFileSync(join(disk.mountpoint, 'u'), 'utf8'), 'un');
  });
});

test('lazyfs: a rename is at once, the data it carries waits for a sync', { skip }, async () => {
  await withDisk((disk) => {
    const tmp = join(disk.mountpoint, 'tmp');
    writeFileSync(tmp, 'never synced');
    renameSync(tmp, join(disk.mountpoint, 'final'));
    const fd = openSync(join(disk.mountpoint, 'kept.tmp'), 'w');
    append(fd, 'synced then renamed', true);
    closeSync(fd);
    renameSync(join(disk.mountpoint, 'kept.tmp'), join(disk.mountpoint, 'kept'));
    disk.lose();
    assert.equal(readFileSync(join(disk.mountpoint, 'final'), 'utf8'), '');
    assert.equal(readFileSync(join(disk.mountpoint, 'kept'), 'utf8'), 'synced then renamed');
  });
});

test('lazyfs: a removed file takes its unsynced data with it', { skip }, async () => {
  await withDisk((disk) => {
    writeFileSync(join(disk.mountpoint, 'a'), 'x'.repeat(100));
    writeFileSync(join(disk.mountpoint, 'b'), 'y'.repeat(10));
    assert.deepEqual(disk.unsynced(), { bytes: 110, files: 2 });
    unlinkSync(join(disk.mountpoint, 'a'));
    assert.deepEqual(disk.unsynced(), { bytes: 10, files: 1 });
    // Created again under the same name: it starts empty, not with the old file's data.
    writeFileSync(join(disk.mountpoint, 'a'), '');
    assert.equal(readFileSync(join(disk.mountpoint, 'a'), 'utf8'), '');
    // Still open once removed, a file is written, read, stated and synced as before.
    const fd = openSync(join(disk.mountpoint, 'open'), 'w+');
    unlinkSync(join(disk.mountpoint, 'open'));
    writeSync(fd, 'after unlink', 0);
    const back = Buffer.alloc(12);
    readSync(fd, back, 0, 12, 0);
    assert.equal(back.toString(), 'after unlink');
    assert.equal(fstatSync(fd).size, 12);
    fsyncSync(fd);
    closeSync(fd);
  });
});

test(
  'lazyfs: a tear keeps a prefix of the unsynced writes in their order, cut anywhere',
  { skip },
  async () => {
    const written = 'abcdef' + 'ghij';
    const kept = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      await withDisk((disk, backing) => {
        const fd = openSync(join(disk.mountpoint, 'f'), 'a');
        append(fd, 'abcdef', false);
        append(fd, 'ghij', false);
        closeSync(fd);
        assert.deepEqual(disk.lose({ tearSeed: seed }), { bytes: 10, files: 1 });
        assert.deepEqual(disk.unsynced(), { bytes: 0, files: 0 });
        const after = readFileSync(join(disk.mountpoint, 'f'), 'utf8');
        assert.equal(readFileSync(join(backing, 'f'), 'utf8'), after);
        assert.equal(after, written.slice(0, after.length), `seed ${seed} kept "${after}"`);
        kept.add(after.length);
      });
    }
    // The cuts differ by seed, and some fall inside a write.
    assert.ok(kept.size >= 4, `lengths kept: ${[...kept].join(',')}`);
    assert.ok([...kept].some((n) => n !== 0 && n !== 6 && n !== 10));
  },
);

test(
  'lazyfs: the control file refuses anything but "lose" and "tear <seed>", and loses nothing then',
  { skip },
  async () => {
    await withDisk((disk) => {
      writeFileSync(join(disk.mountpoint, 'a'), 'data');
      for (const command of ['drop everything', 'tear', 'tear x', 'loser'])
        assert.throws(() => writeFileSync(join(disk.mountpoint, '.lazyfs'), command), {
          code: 'EINVAL',
        });
      assert.deepEqual(disk.unsynced(), { bytes: 4, files: 1 });
      assert.equal(readFileSync(join(disk.mountpoint, 'a'), 'utf8'), 'data');
    });
  },
);

test(
  'register on 3 nodes whose disks lose unsynced data (one node; all; all, torn): no anomalies',
  { skip, timeout: 180_000 },
  async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-run-'));
    try {
      const result = await runHarness({
        workload: 'register',
        nemeses: ['lose-unsynced', 'lose-unsynced-all', 'tear-unsynced-all'],
        nodes: 3,
        concurrency: 4,
        timeLimitMs: 30_000,
        faultMs: 3_000,
        healMs: 2_500,
        opDelayMs: 10,
        seed: 611,
        commandTimeoutMs: 6_000,
        checkTimeLimitMs: 120_000,
        outDir,
        bin: fileURLToPath(new URL('../../bin/memlayer.js', import.meta.url)),
      });
      const { report, summary } = result;
      assert.match(report, /disk=lazyfs/);
      assert.match(report, /lose-unsynced-all: killed nodes 1,2,3, unsynced data lost/);
      assert.match(report, /lose-unsynced: killed node \d, unsynced data lost/);
      assert.match(report, /tear-unsynced-all: killed nodes 1,2,3, unsynced data torn/);
      assert.equal(summary.check.valid, true, report);
      assert.deepEqual(summary.crashes, [], report);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  },
);
