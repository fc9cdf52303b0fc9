/**
 * Disks that lose what was not fsynced (`--disk lazyfs`; root, Linux, FUSE 3): each node's data
 * directory is a FUSE mount of jepsen/lazyfs/lazyfs.c over a backing directory. File data
 * stays in that process' memory until the file is fsynced; `lose()` drops all of it, which is
 * what a power loss does and a kill -9 does not (the kernel's page cache survives a process).
 * So a node killed and then made to lose its unsynced data comes back with exactly what it
 * made durable (or, torn, with some of the rest as well, cut anywhere): a missing fsync anywhere
 * (log, hard state, snapshot files, LevelDB's own files) shows up as lost acknowledged writes.
 * Names wait too: a file or directory created, renamed or removed since its directory was last
 * fsynced is put back as it was, as on ext4 without a journal (where a new file's first fsync
 * also syncs its directory), so a missing directory fsync after a rename is caught as well.
 *
 * The C source is compiled on first use into the system's temporary directory, named by its
 * hash, with `cc` and pkg-config's flags for fuse3 (Debian: fuse3, libfuse3-dev).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../jepsen/lazyfs/lazyfs.c', import.meta.url));
const CONTROL = '.lazyfs';
const MOUNT_WAIT_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function works(file: string, args: readonly string[]): boolean {
  return spawnSync(file, args, { stdio: 'ignore' }).status === 0;
}

/** Why this machine cannot run `--disk lazyfs`, or undefined if it can. */
export function lazyFsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'FUSE disks need Linux';
  if (process.getuid?.() !== 0) return 'FUSE disks need root';
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse';
  if (!works('pkg-config', ['--exists', 'fuse3']))
    return 'fuse3 headers missing (apt-get install -y fuse3 libfuse3-dev pkg-config)';
  if (!works('cc', ['--version'])) return 'no C compiler (cc)';
  if (!works('fusermount3', ['-V'])) return 'fusermount3 missing (apt-get install -y fuse3)';
  return undefined;
}

/** The compiled filesystem, built once per version of its source. */
export function lazyFsBinary(): string {
  const source = readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'memlayer-lazyfs');
  const bin = join(dir, `lazyfs-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'fuse3'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  // Built under a temporary name: a concurrent build never runs a half-written binary.
  const partial = `${bin}.${process.pid}`;
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', partial, SOURCE, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  renameSync(partial, bin);
  return bin;
}

/** What the filesystem holds unsynced right now. */
export interface Unsynced {
  readonly bytes: number;
  readonly files: number;
  /** Name changes (create, rename, remove) not yet durable. */
  readonly names: number;
}

/** One mounted lazy disk. */
export class LazyDisk {
  private constructor(
    readonly mountpoint: string,
    private readonly daemon: ChildProcess,
  ) {}

  /**
   * Mounts `backing` at `mountpoint` (both created if missing); resolves once it serves.
   * `bounds.unsyncedBytesMax` bounds the unsynced data held (default 1 GiB),
   * `bounds.changesMax` the name changes pending (default 2^16); past either, ENOSPC.
   */
  static async mount(
    backing: string,
    mountpoint: string,
    log: number | 'ignore',
    bounds: { readonly unsyncedBytesMax?: number; readonly changesMax?: number } = {},
  ): Promise<LazyDisk> {
    mkdirSync(backing, { recursive: true });
    mkdirSync(mountpoint, { recursive: true });
    // -f: stays in the foreground, so it is our child; -s: one thread (the source has no locks).
    const daemon = spawn(lazyFsBinary(), [backing, mountpoint, '-f', '-s'], {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        ...(bounds.unsyncedBytesMax === undefined
          ? {}
          : { MEMLAYER_LAZYFS_UNSYNCED_MAX: String(bounds.unsyncedBytesMax) }),
        ...(bounds.changesMax === undefined
          ? {}
          : { MEMLAYER_LAZYFS_CHANGES_MAX: String(bounds.changesMax) }),
      },
    });
    const disk = new LazyDisk(mountpoint, daemon);
    const deadline = Date.now() + MOUNT_WAIT_MS;
    while (!disk.serving()) {
      if (daemon.exitCode !== null || Date.now() > deadline) {
        disk.killOnExit();
        throw new Error(`lazyfs did not mount ${mountpoint} (exit ${String(daemon.exitCode)})`);
      }
      await sleep(20);
    }
    return disk;
  }

  private serving(): boolean {
    try {
      return statSync(join(this.mountpoint, CONTROL)).isFile();
    } catch {
      return false;
    }
  }

  unsynced(): Unsynced {
    const text = readFileSync(join(this.mountpoint, CONTROL), 'utf8');
    const m = /^unsynced_bytes (\d+) files (\d+) names (\d+)/.exec(text);
    if (m === null) throw new Error(`lazyfs control file says "${text.trim()}"`);
    return { bytes: Number(m[1]), files: Number(m[2]), names: Number(m[3]) };
  }

  /**
   * Drops every file's unsynced data and undoes every name change not yet durable (kill the
   * processes using the disk first); returns what there was. With `tearSeed`, each file keeps
   * a prefix of random length of its unsynced writes, in the order they were made (cut
   * anywhere, a write's middle included), a prefix of the name changes is kept likewise, and
   * the seed picks the cuts.
   */
  lose(how: { readonly tearSeed?: number } = {}): Unsynced {
    const before = this.unsynced();
    const command = how.tearSeed === undefined ? 'lose' : `tear ${how.tearSeed}`;
    writeFileSync(join(this.mountpoint, CONTROL), command);
    return before;
  }

  async unmount(): Promise<void> {
    if (!works('fusermount3', ['-u', this.mountpoint])) works('umount', ['-l', this.mountpoint]);
    if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
      const exited = new Promise<void>((r) => this.daemon.once('exit', () => r()));
      this.daemon.kill('SIGTERM');
      await exited;
    }
  }

  /** For a process exit handler: synchronous, and never throws. */
  killOnExit(): void {
    this.daemon.kill('SIGKILL');
    works('umount', ['-l', this.mountpoint]);
  }
}
