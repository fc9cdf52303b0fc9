/**
 * Files written whole or not at all (snapshot files, dump.mlsnap): a temporary file is filled,
 * fsynced and renamed over the final name, then the directory is fsynced so that the rename is
 * durable too (POSIX). A crash at any moment leaves the old file or the new one, never a torn
 * one; a failure removes the temporary file. Directories for such files: `makeDirDurably`.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { dirname, resolve } from 'node:path';

export async function writeFileAtomically(
  final: string,
  fill: (handle: FileHandle, temp: string) => Promise<void>,
  temp = `${final}.tmp`,
): Promise<void> {
  const handle = await open(temp, 'w');
  try {
    await fill(handle, temp);
    await handle.datasync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await renameDurably(temp, final);
}

/**
 * Gives a temporary file that was filled elsewhere (and closed) its final name, durably: its
 * data fsynced, the rename, then the directory fsynced. On failure the temporary file is removed.
 */
export async function publishFile(temp: string, final: string): Promise<void> {
  try {
    const handle = await open(temp, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await renameDurably(temp, final);
}

async function renameDurably(temp: string, final: string): Promise<void> {
  await rename(temp, final);
  await syncDir(dirname(final));
}

/**
 * Creates `dir` and its missing parents durably: each directory made is fsynced in its parent,
 * since POSIX makes a new name durable only then. Without it a power loss may take away a
 * directory whose files were all synced (a Raft log's directory vanishing would bring its node
 * back as a new, empty member; ext4 happens to sync a new file's directory entries along with
 * it, other filesystems need not).
 */
export async function makeDirDurably(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  // There already, it may have been made by a process killed before it synced the parent.
  if (first === undefined) return syncDir(dirname(resolve(dir)));
  const top = resolve(first);
  for (let made = resolve(dir); ; made = dirname(made)) {
    await syncDir(dirname(made));
    if (made === top || made === dirname(made)) return;
  }
}

/** Fsyncs a directory: the names created, renamed or removed in it become durable. */
export async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Appends to `handle`, in order, the chunks a generator yields from `first` on (each one written
 * before the next is asked for, so the generator may reuse its buffer); `undefined` is a pause,
 * where the event loop gets a turn. Returns the generator's result and the bytes written.
 */
export async function writeChunks<R>(
  handle: FileHandle,
  first: IteratorResult<Uint8Array | undefined, R>,
  steps: Iterator<Uint8Array | undefined, R, undefined>,
): Promise<{ readonly result: R; readonly bytes: number }> {
  let bytes = 0;
  let step = first;
  for (; step.done !== true; step = steps.next()) {
    if (step.value === undefined) {
      await nextTurn();
      continue;
    }
    await handle.writeFile(step.value);
    bytes += step.value.length;
  }
  return { result: step.value, bytes };
}
