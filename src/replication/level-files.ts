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
import { readdir, readFile, stat } from 'node:fs/promises';
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
  const data = names.filter((n) => /^[0-9]+\.(log|ldb|sst)$/.test(n));
  // A MANIFEST alone is a first open that died before CURRENT was written: nothing to lose.
  if (data.length > 0 && !names.includes('CURRENT')) {
    const stored = names.filter((n) => /^MANIFEST-[0-9]+$/.test(n)).concat(data);
    throw new DamagedLogError(join(dir, 'CURRENT'), `missing, beside ${stored.sort().join(', ')}`);
  }
  const logs = names
    .filter((n) => /^[0-9]+\.log$/.test(n))
    .sort((a, b) => parseInt(a) - parseInt(b));
  for (const [i, name] of logs.entries()) await checkLog(join(dir, name), i === logs.length - 1);
}

/**
 * Reads every record of one log file; throws at the first damaged one. In the newest log, a
 * damaged record with nothing but zeros after it is the batch a power loss cut (its sectors
 * not all written; never acknowledged, as it was not fsynced whole), as etcd treats a torn
 * last entry: LevelDB drops it, and so may we.
 */
async function checkLog(path: string, newest: boolean): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new DamagedLogError(path, 'not a regular file');
  const bytes = await readFile(path);
  let inFragments = false;
  for (let at = 0; at < bytes.length; at += BLOCK) {
    const block = bytes.subarray(at, Math.min(at + BLOCK, bytes.length));
    const atEnd = at + block.length >= bytes.length;
    try {
      inFragments = checkBlock(block, at, atEnd, inFragments);
    } catch (err) {
      if (!(err instanceof DamagedAt) || !(newest && zeros(bytes, err.tailFrom)))
        throw err instanceof DamagedAt ? new DamagedLogError(path, err.message) : err;
      return;
    }
  }
}

/** Damage at a byte; `tailFrom`: where the damaged record's own bytes end (clamped). */
class DamagedAt extends Error {
  constructor(
    message: string,
    readonly tailFrom: number,
  ) {
    super(message);
  }
}

function zeros(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** One block's records; returns whether a fragmented record continues into the next block. */
function checkBlock(
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
    const end = pos + HEADER + length;
    const damaged = (what: string): DamagedAt =>
      new DamagedAt(`${what} at byte ${offset + pos}`, offset + Math.min(end, block.length));
    if (type === 0 && length === 0) {
      // Preallocated space: LevelDB skips the rest of the block, so it must be empty; records
      // after a zeroed header would be dropped without a word.
      if (!zeros(block, pos)) throw damaged('records after a zeroed record header');
      return inFragments;
    }
    if (end > block.length) {
      // Cut short by the end of the file: the write a crash interrupted (LevelDB's reader
      // treats it as the end, too). Anywhere else the length is wrong.
      if (lastBlock) return inFragments;
      throw damaged('bad record length');
    }
    const stored = block.readUInt32LE(pos);
    const rot = (stored - MASK_DELTA) >>> 0;
    const expected = ((rot >>> 17) | (rot << 15)) >>> 0;
    if (crc32c(block, pos + 6, end) !== expected) throw damaged('checksum mismatch in the record');
    if (type === FULL || type === FIRST) {
      if (inFragments) throw damaged('a record without its end before the one');
      inFragments = type === FIRST;
    } else if (type === MIDDLE || type === LAST) {
      if (!inFragments) throw damaged('a record without its start');
      inFragments = type === MIDDLE;
    } else {
      throw damaged(`unknown record type ${type}`);
    }
    pos = end;
  }
  return inFragments;
}
