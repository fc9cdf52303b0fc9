/**
 * A snapshot received from the leader, written to its file as the chunks arrive rather than
 * gathered in memory: a follower catching up holds one chunk at a time, not the image (nor, when
 * the chunks are joined, the image twice). The file is the snapshot record the log store would
 * write (records.ts: head, image; the head's CRC, known last, is written at offset 0 at the end),
 * under a temporary name; LevelLogStore.persist makes it durable under its final name before
 * pointing at it. Chunks are written synchronously as the Raft core hands them over (at most
 * snapshotChunkBytes each, into the page cache); the fsync waits for persist, off the event loop.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { SnapshotData, SnapshotMeta, SnapshotSink } from '../raft/types.js';
import { CRC32_INIT, crc32Final, crc32Update } from '../store/crc32.js';
import { snapshotRecordHead } from './records.js';
import { FileSnapshotData } from './snapshot-file-data.js';

export class SnapshotSpool implements SnapshotSink {
  /** Where the record is written; the log store renames it to `final`. */
  readonly temp: string;
  private fd: number | undefined;
  private readonly head: Buffer;
  /** Running CRC-32 of the record after its checksum field. */
  private crc: number;

  /**
   * @param onFinished given the data and the temporary file once every byte is written.
   * @param warn told why, when the spool fails (the follower then refuses the snapshot).
   */
  constructor(
    private readonly final: string,
    meta: SnapshotMeta,
    private readonly totalBytes: number,
    private readonly onFinished: (data: SnapshotData, temp: string) => void,
    private readonly warn: (message: string) => void,
  ) {
    this.temp = `${final}.recv.tmp`;
    this.head = snapshotRecordHead(meta);
    this.crc = crc32Update(CRC32_INIT, this.head, 4);
    try {
      this.fd = openSync(this.temp, 'w');
      writeFully(this.fd, this.head);
    } catch (err) {
      this.fail(err);
    }
  }

  append(bytes: Uint8Array): boolean {
    if (this.fd === undefined) return false;
    try {
      writeFully(this.fd, bytes);
      this.crc = crc32Update(this.crc, bytes);
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  finish(): SnapshotData | undefined {
    const fd = this.fd;
    if (fd === undefined) return undefined;
    try {
      // The core counts the bytes it appends; the file's size is checked as it is opened.
      this.head.writeUInt32BE(crc32Final(this.crc), 0);
      writeSync(fd, this.head, 0, 4, 0);
      closeSync(fd);
      this.fd = undefined;
      // Opened under the temporary name, which the descriptor outlives: persist renames it.
      const data = FileSnapshotData.open(this.temp, this.head.length, this.totalBytes, this.final);
      this.onFinished(data, this.temp);
      return data;
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  abort(): void {
    this.release();
  }

  private fail(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.warn(`snapshot from the leader not written to ${this.temp}: ${reason}`);
    this.release();
  }

  private release(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing is all that was left to do with it.
      }
      this.fd = undefined;
    }
    try {
      rmSync(this.temp, { force: true });
    } catch {
      // A leftover temporary file is removed when the store next opens.
    }
  }
}

/** writeSync until every byte is written (it may write fewer than asked). */
function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;)
    done += writeSync(fd, bytes, done, bytes.byteLength - done);
}
