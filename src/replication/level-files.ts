/**
 * Checks LevelDB's own files before LevelDB opens them.
 *
 * classic-level opens LevelDB without paranoid checks, and LevelDB recovers a damaged
 * write-ahead log by dropping the records from the damage on, then rewrites what is left
 * into a table and deletes the log: acknowledged Raft entries vanish without an error, and
 * the evidence with them. A missing CURRENT makes it start a new, empty database over the old
 * tables, which it deletes. So the log store reads the logs first, as etcd reads its WAL: a
 * record whose checksum or framing is wrong refuses the start, naming the file and the byte,
 * and nothing on disk is touched. A record cut short at the end of a file is a write a crash
 * interrupted (never acknowledged, since every acknowledged batch was fsynced whole), and
 * LevelDB dropping it is right.
 *
 * LevelDB's log format (doc/log_format.md): 32 KiB blocks of records, each a 7-byte header
 * (masked CRC-32C of type and payload, little-endian payload length, type) and its payload; a
 * block's last 0-6 bytes are zero padding; a record too long for its block is split into
 * FIRST, MIDDLE... and LAST fragments; a zero header (type 0, length 0) is preallocated space.
 */
import { readdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../store/crc32.js';

const BLOCK = 32 * 1024;
const HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const MASK_DELTA = 0xa282ead8;

/** A LevelDB file memlayer will not let LevelDB open: LevelDB would lose data recovering it. */
export class DamagedLogError extends Error {
  override readonly name = 'DamagedLogError';
  constructor(
    /** The file (or the directory, for a missing CURRENT). */
    readonly file: string,
    detail: string,
  ) {
    super(
      `the Raft log file ${file} is damaged: ${detail}; LevelDB would drop the records after it ` +
        'or the tables beside it, so this node does not start (restore the file, or remove this ' +
        'node from its cluster and add it back under a new id with an empty data directory)',
    );
  }
}

/** Throws DamagedLogError if LevelDB's files in `dir` would lose records on open. */
export async function checkLevelFiles(dir: string): Promise<void> {
  const names = await readdir(dir);
  const stored = names.filter((n) => /^(MANIFEST-[0-9]+|[0-9]+\.(log|ldb|sst))$/.test(n));
  if (stored.length > 0 && !names.includes('CURRENT'))
    throw new DamagedLogError(join(dir, 'CURRENT'), `missing, beside ${stored.sort().join(', ')}`);
  for (const name of names.filter((n) => /^[0-9]+\.log$/.test(n)).sort()) {
    await checkLog(join(dir, name));
  }
}

/** Reads every record of one log file; throws at the first damaged one. */
async function checkLog(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new DamagedLogError(path, 'not a regular file');
  const handle = await open(path, 'r');
  try {
    const block = Buffer.alloc(BLOCK);
    let inFragments = false;
    for (let at = 0; at < info.size; at += BLOCK) {
      const { bytesRead } = await handle.read(block, 0, Math.min(BLOCK, info.size - at), at);
      const atEnd = at + bytesRead >= info.size;
      inFragments = checkBlock(path, block.subarray(0, bytesRead), at, atEnd, inFragments);
    }
  } finally {
    await handle.close();
  }
}

/** One block's records; returns whether a fragmented record continues into the next block. */
function checkBlock(
  path: string,
  block: Buffer,
  offset: number,
  lastBlock: boolean,
  continuing: boolean,
): boolean {
  let inFragments = continuing;
  let pos = 0;
  while (pos + HEADER <= block.length) {
    const length = block.readUInt16LE(pos + 4);
    const type = block[pos + 6] ?? 0;
    if (type === 0 && length === 0) return inFragments; // preallocated: the block's rest is empty
    const end = pos + HEADER + length;
    if (end > block.length) {
      // Cut short by the end of the file: the write a crash interrupted (LevelDB's reader
      // treats it as the end, too). Anywhere else the length is wrong.
      if (lastBlock) return inFragments;
      throw new DamagedLogError(path, `bad record length at byte ${offset + pos}`);
    }
    const stored = block.readUInt32LE(pos);
    const rot = (stored - MASK_DELTA) >>> 0;
    const expected = ((rot >>> 17) | (rot << 15)) >>> 0;
    if (crc32c(block, pos + 6, end) !== expected)
      throw new DamagedLogError(path, `checksum mismatch in the record at byte ${offset + pos}`);
    if (type === FULL || type === FIRST) {
      if (inFragments)
        throw new DamagedLogError(path, `a record without its end before byte ${offset + pos}`);
      inFragments = type === FIRST;
    } else if (type === MIDDLE || type === LAST) {
      if (!inFragments)
        throw new DamagedLogError(path, `a record without its start at byte ${offset + pos}`);
      inFragments = type === MIDDLE;
    } else {
      throw new DamagedLogError(path, `unknown record type ${type} at byte ${offset + pos}`);
    }
    pos = end;
  }
  return inFragments;
}
