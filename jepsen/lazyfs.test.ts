import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
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
import { spawnSync } from 'node:child_process';
import { makeDirDurably, writeFileAtomically } from '../src/shared/atomic-file.js';
import { LevelLogStore } from '../src/replication/log-store.js';
import { groupId } from '../src/shared/brand.js';
import { LazyDisk, lazyFsUnavailable } from './lazyfs.js';
import { runHarness } from './runner.js';

const why = lazyFsUnavailable();
const skip = why === undefined ? false : `lazyfs unavailable: ${why}`;

async function withDisk(
  fn: (disk: LazyDisk, backing: string) => void | Promise<void>,
  bounds: Parameters<typeof LazyDisk.mount>[3] = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
  const backing = join(dir, 'backing');
  const disk = await LazyDisk.mount(backing, join(dir, 'mnt'), 'ignore', bounds);
  try {
    await fn(disk, backing);
  } finally {
    await disk.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates (or truncates) `file` with `text`, fsynced. */
function writeSynced(file: string, text: string): void {
  const fd = openSync(file, 'w');
  append(fd, text, true);
  closeSync(fd);
}

/** Fsyncs a directory: its name changes become durable. */
function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
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
    // The fsync of a new file made its name durable too.
    assert.deepEqual(disk.unsynced(), { bytes: 8, files: 1, names: 0 });
    assert.deepEqual(disk.lose(), { bytes: 8, files: 1, names: 0 });
    assert.equal(readFileSync(file, 'utf8'), 'synced;');
    assert.equal(statSync(file).size, 7);
    assert.deepEqual(disk.unsynced(), { bytes: 0, files: 0, names: 0 });
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
    assert.deepEqual(disk.lose(), { bytes: 0, files: 0, names: 0 });
  });
});

test(
  'lazyfs: past its bound of unsynced data a write fails with ENOSPC and changes nothing',
  { skip },
  async () => {
    await withDisk(
      (disk) => {
        const fd = openSync(join(disk.mountpoint, 'f'), 'w+');
        writeSync(fd, 'x'.repeat(60));
        assert.throws(() => writeSync(fd, 'y'.repeat(60)), { code: 'ENOSPC' });
        assert.deepEqual(disk.unsynced(), { bytes: 60, files: 1, names: 1 });
        assert.equal(readFileSync(join(disk.mountpoint, 'f'), 'utf8'), 'x'.repeat(60));
        fsyncSync(fd); // synced data no longer counts
        writeSync(fd, 'y'.repeat(60));
        closeSync(fd);
        assert.equal(statSync(join(disk.mountpoint, 'f')).size, 120);
      },
      { unsyncedBytesMax: 100 },
    );
  },
);

test(
  'lazyfs: past its bound of pending name changes one more fails with ENOSPC and changes nothing',
  { skip },
  async () => {
    await withDisk(
      (disk) => {
        const at = (name: string) => join(disk.mountpoint, name);
        mkdirSync(at('a'));
        writeFileSync(at('f'), 'data');
        assert.throws(() => mkdirSync(at('b')), { code: 'ENOSPC' });
        assert.throws(() => writeFileSync(at('g'), ''), { code: 'ENOSPC' });
        assert.throws(() => renameSync(at('f'), at('h')), { code: 'ENOSPC' });
        assert.throws(() => unlinkSync(at('f')), { code: 'ENOSPC' });
        assert.deepEqual(readdirSync(disk.mountpoint).sort(), ['a', 'f']);
        assert.equal(disk.unsynced().names, 2);
        syncDirectory(disk.mountpoint); // durable changes no longer count
        mkdirSync(at('b'));
        assert.deepEqual(readdirSync(disk.mountpoint).sort(), ['a', 'b', 'f']);
      },
      { changesMax: 2 },
    );
  },
);

test(
  'lazyfs: a bound that is not a positive count is refused and nothing is mounted',
  { skip },
  async () => {
    const bounds = [0, -1, 1.5, Number.NaN].flatMap((n) => [
      { unsyncedBytesMax: n },
      { changesMax: n },
    ]);
    for (const bound of bounds) {
      const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
      try {
        await assert.rejects(
          LazyDisk.mount(join(dir, 'backing'), join(dir, 'mnt'), 'ignore', bound),
          /lazyfs did not mount .* \(exit 2\)/,
          `bound ${JSON.stringify(bound)}`,
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

test(
  "lazyfs: a rename waits for its directory's fsync, its data for the file's",
  { skip },
  async () => {
    await withDisk((disk) => {
      const at = (name: string) => join(disk.mountpoint, name);
      writeSynced(at('kept.tmp'), 'synced then renamed');
      renameSync(at('kept.tmp'), at('kept'));
      writeFileSync(at('tmp'), 'never synced');
      renameSync(at('tmp'), at('final'));
      assert.deepEqual(disk.unsynced(), { bytes: 12, files: 1, names: 3 });
      disk.lose();
      // Undone newest first: final back to tmp, tmp never made; kept back to kept.tmp.
      assert.equal(existsSync(at('final')), false);
      assert.equal(existsSync(at('tmp')), false);
      assert.equal(existsSync(at('kept')), false);
      assert.equal(readFileSync(at('kept.tmp'), 'utf8'), 'synced then renamed');
    });
  },
);

test(
  'lazyfs: an fsync of the directory makes its name changes durable; without it a loss undoes them',
  { skip },
  async () => {
    for (const syncDir of [false, true]) {
      await withDisk((disk, backing) => {
        const at = (name: string) => join(disk.mountpoint, name);
        for (const [name, text] of [
          ['current', 'v1'],
          ['gone', 'removed'],
        ] as const) {
          writeSynced(at(name), text);
        }
        // A file replaced by rename, a file removed, a directory made.
        writeSynced(at('current.tmp'), 'v2');
        renameSync(at('current.tmp'), at('current'));
        unlinkSync(at('gone'));
        mkdirSync(at('made'));
        assert.equal(disk.unsynced().names, 3);
        // What a removal or replacement put aside is never visible.
        assert.deepEqual(readdirSync(disk.mountpoint).sort(), ['current', 'made']);
        if (syncDir) {
          syncDirectory(disk.mountpoint);
          assert.equal(disk.unsynced().names, 0);
        }
        disk.lose();
        const names = readdirSync(disk.mountpoint).sort();
        if (syncDir) {
          assert.deepEqual(names, ['current', 'made']);
          assert.equal(readFileSync(at('current'), 'utf8'), 'v2');
        } else {
          assert.deepEqual(names, ['current', 'current.tmp', 'gone']);
          assert.equal(readFileSync(at('current'), 'utf8'), 'v1');
          assert.equal(readFileSync(at('current.tmp'), 'utf8'), 'v2');
          assert.equal(readFileSync(at('gone'), 'utf8'), 'removed');
        }
        assert.deepEqual(readdirSync(join(backing, '.lazyfs-trash')), [], 'nothing left aside');
      });
    }
  },
);

test(
  'lazyfs: a rename made durable by its source directory takes the older changes to its target name along',
  { skip },
  async () => {
    await withDisk((disk) => {
      const at = (name: string) => join(disk.mountpoint, name);
      mkdirSync(at('d'));
      mkdirSync(at('e'));
      syncDirectory(disk.mountpoint);
      writeFileSync(at('d/x'), 'never synced'); // its creation pending in d
      writeSynced(at('e/y'), 'y'); // durable, and so is its name
      renameSync(at('e/y'), at('d/x'));
      syncDirectory(at('e')); // the rename is durable: undoing x's creation would delete y
      assert.equal(disk.unsynced().names, 0);
      disk.lose();
      assert.deepEqual(readdirSync(at('d')), ['x']);
      assert.equal(readFileSync(at('d/x'), 'utf8'), 'y');
      assert.deepEqual(readdirSync(at('e')), []);
    });
  },
);

test(
  'lazyfs: a file removed while open is removed as any other, never left under a hidden name',
  { skip },
  async () => {
    for (const syncDir of [false, true]) {
      await withDisk((disk, backing) => {
        const at = (name: string) => join(disk.mountpoint, name);
        writeSynced(at('f'), 'synced');
        const fd = openSync(at('f'), 'r');
        unlinkSync(at('f')); // FUSE hides it until it is closed
        assert.deepEqual(
          readdirSync(disk.mountpoint).filter((n) => !n.startsWith('.fuse_hidden')),
          [],
        );
        if (syncDir) syncDirectory(disk.mountpoint);
        closeSync(fd);
        disk.lose();
        // Not durable, the removal is undone; durable, the file is gone for good.
        assert.deepEqual(readdirSync(disk.mountpoint), syncDir ? [] : ['f']);
        if (!syncDir) assert.equal(readFileSync(at('f'), 'utf8'), 'synced');
        assert.deepEqual(readdirSync(join(backing, '.lazyfs-trash')), []);
      });
    }
  },
);

test(
  "lazyfs: an fsync of a new file makes its name durable, and its new directories' (as ext4 without a journal)",
  { skip },
  async () => {
    await withDisk((disk) => {
      const at = (name: string) => join(disk.mountpoint, name);
      mkdirSync(at('a/b'), { recursive: true });
      writeSynced(at('a/b/f'), 'durable');
      writeFileSync(at('a/b/g'), 'never synced');
      mkdirSync(at('a/c'));
      // g and c came after the fsync that made a, b and f durable.
      assert.equal(disk.unsynced().names, 2);
      disk.lose();
      assert.deepEqual(readdirSync(at('a')), ['b']);
      assert.deepEqual(readdirSync(at('a/b')), ['f']);
      assert.equal(readFileSync(at('a/b/f'), 'utf8'), 'durable');
    });
  },
);

test(
  "lazyfs: memlayer's atomic file and durable directories survive a loss; a rename or mkdir without the directory fsync does not",
  { skip },
  async () => {
    await withDisk(async (disk) => {
      const at = (name: string) => join(disk.mountpoint, name);
      await makeDirDurably(at('x/y/z'));
      mkdirSync(at('p/q'), { recursive: true });
      // Made by a process killed before it synced the parent: the next one makes it durable.
      mkdirSync(at('x/r'));
      await makeDirDurably(at('x/r'));
      disk.lose();
      assert.equal(existsSync(at('x/y/z')), true);
      assert.equal(existsSync(at('p')), false);
      assert.equal(existsSync(at('x/r')), true);
      const file = at('x/y/z/state');
      for (const version of ['v1', 'v2']) {
        await writeFileAtomically(file, async (handle) => {
          await handle.writeFile(version);
        });
        disk.lose();
        assert.equal(readFileSync(file, 'utf8'), version);
      }
      // The same steps but the directory's fsync: the new version is lost.
      writeSynced(`${file}.tmp`, 'v3');
      renameSync(`${file}.tmp`, file);
      disk.lose();
      assert.equal(readFileSync(file, 'utf8'), 'v2');
    });
  },
);

test(
  'a Raft log store opened, then lost to a power cut before its first write, opens again',
  { skip },
  async () => {
    // LevelDB renames CURRENT to its new manifest at every open without syncing the directory,
    // and a new database's first manifest is never synced: with the rename undone, CURRENT
    // names an empty manifest ("Corruption: no meta-nextfile entry in descriptor").
    await withDisk(async (disk) => {
      const path = join(disk.mountpoint, 'data', 'raft');
      const store = new URL('../src/replication/log-store.js', import.meta.url).href;
      for (let open = 1; open <= 2; open++) {
        const child = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const { LevelLogStore } = await import(${JSON.stringify(store)}); await LevelLogStore.open(${JSON.stringify(path)}); process.exit(0);`,
          ],
          { encoding: 'utf8' },
        );
        assert.equal(child.status, 0, child.stderr);
        disk.lose();
      }
      const reopened = await LevelLogStore.open(path);
      try {
        const loaded = await reopened.load(groupId(1));
        assert.equal(loaded.entries.length, 0);
      } finally {
        await reopened.close();
      }
    });
  },
);

test('lazyfs: its log names every change a loss undid', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
  try {
    const logPath = join(dir, 'lazyfs.log');
    const log = openSync(logPath, 'a');
    const disk = await LazyDisk.mount(join(dir, 'backing'), join(dir, 'mnt'), log);
    closeSync(log); // the daemon holds its own copy
    try {
      const at = (name: string) => join(disk.mountpoint, name);
      writeSynced(at('a'), 'a');
      writeSynced(at('b'), 'b');
      renameSync(at('a'), at('c'));
      unlinkSync(at('b'));
      mkdirSync(at('d'));
      disk.lose();
    } finally {
      await disk.unmount();
    }
    const undone = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('lazyfs: undid'));
    assert.deepEqual(undone, [
      'lazyfs: undid the creation of /d',
      'lazyfs: undid the removal of /b',
      'lazyfs: undid the rename to /c',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'lazyfs: unmounted, the disk keeps every pending name change and nothing put aside',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memlayer-lazyfs-test-'));
    try {
      const backing = join(dir, 'backing');
      const disk = await LazyDisk.mount(backing, join(dir, 'mnt'), 'ignore');
      writeSynced(join(disk.mountpoint, 'f'), 'x');
      unlinkSync(join(disk.mountpoint, 'f'));
      mkdirSync(join(disk.mountpoint, 'd'));
      assert.equal(disk.unsynced().names, 2);
      await disk.unmount();
      assert.deepEqual(readdirSync(backing).sort(), ['.lazyfs-trash', 'd']);
      assert.deepEqual(readdirSync(join(backing, '.lazyfs-trash')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('lazyfs: a removed file takes its unsynced data with it', { skip }, async () => {
  await withDisk((disk) => {
    writeFileSync(join(disk.mountpoint, 'a'), 'x'.repeat(100));
    writeFileSync(join(disk.mountpoint, 'b'), 'y'.repeat(10));
    assert.deepEqual(disk.unsynced(), { bytes: 110, files: 2, names: 2 });
    unlinkSync(join(disk.mountpoint, 'a'));
    assert.deepEqual(disk.unsynced(), { bytes: 10, files: 1, names: 3 });
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
        fsyncSync(fd); // its name is durable: only its data is torn
        append(fd, 'abcdef', false);
        append(fd, 'ghij', false);
        closeSync(fd);
        assert.deepEqual(disk.lose({ tearSeed: seed }), { bytes: 10, files: 1, names: 0 });
        assert.deepEqual(disk.unsynced(), { bytes: 0, files: 0, names: 0 });
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

test('lazyfs: a tear keeps a prefix of the pending name changes, in order', { skip }, async () => {
  const kept = new Set<string>();
  for (let seed = 1; seed <= 12; seed++) {
    await withDisk((disk) => {
      for (const name of ['d1', 'd2', 'd3']) mkdirSync(join(disk.mountpoint, name));
      disk.lose({ tearSeed: seed });
      const names = readdirSync(disk.mountpoint).sort();
      assert.deepEqual(names, ['d1', 'd2', 'd3'].slice(0, names.length), `seed ${seed}`);
      kept.add(names.join(','));
    });
  }
  assert.ok(kept.size >= 3, `kept: ${[...kept].join(' | ')}`);
});

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
      assert.deepEqual(disk.unsynced(), { bytes: 4, files: 1, names: 1 });
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
