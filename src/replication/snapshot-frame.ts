/**
 * The snapshot image the host hands to the Raft core: the peer address book (so a node that
 * joins from a snapshot can reach every member) followed by the state machine's own snapshot.
 *
 *   magic "MLS1" | bookBytes u32be | book (JSON {"<id>": "host:port"}) | state machine image
 */
import type { NodeId, SnapshotData } from '../raft/types.js';
import { nodeId } from '../shared/brand.js';
import { clamp } from './snapshot-file-data.js';

const MAGIC = 0x4d4c5331; // "MLS1"

export type AddressBook = Map<NodeId, string>;

export function encodeBook(book: AddressBook): Buffer {
  const obj: Record<string, string> = {};
  for (const [id, addr] of book) obj[String(id)] = addr;
  return Buffer.from(JSON.stringify(obj));
}

/** Throws on malformed input (a corrupt snapshot or metadata record). */
export function decodeBook(bytes: Uint8Array): AddressBook {
  const book: AddressBook = new Map();
  if (bytes.byteLength === 0) return book;
  const obj: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  if (typeof obj !== 'object' || obj === null) throw new Error('address book is not an object');
  for (const [k, v] of Object.entries(obj)) {
    const id = Number(k);
    if (!Number.isSafeInteger(id) || id <= 0 || typeof v !== 'string')
      throw new Error(`bad address book entry ${k}`);
    book.set(nodeId(id), v);
  }
  return book;
}

/**
 * Everything before the state machine image: magic, length and the address book. The image is
 * written right after it (StateMachine.snapshotChunks' prefix); alone, it
 * is a snapshot with an empty image (the bootstrap one).
 */
export function snapshotHead(book: AddressBook): Buffer {
  const b = encodeBook(book);
  const head = Buffer.allocUnsafe(8 + b.length);
  head.writeUInt32BE(MAGIC, 0);
  head.writeUInt32BE(b.length, 4);
  head.set(b, 8);
  return head;
}

/**
 * The address book and the state machine image of a snapshot's data. An empty one (the
 * bootstrap snapshot at index 0) has no image. Data held in memory gives its image as a view;
 * data in a file (snapshot-file-data.ts) gives a view of the file that reads on demand, so the
 * image is never read whole (the state machine decodes it a window at a time).
 */
export function unframeSnapshot(data: SnapshotData): { book: AddressBook; image: SnapshotData } {
  if (data.byteLength === 0) return { book: new Map(), image: new Uint8Array(0) };
  const head = Buffer.from(data.subarray(0, 8));
  if (head.length < 8 || head.readUInt32BE(0) !== MAGIC)
    throw new Error('snapshot frame: bad magic');
  const n = head.readUInt32BE(4);
  if (8 + n > data.byteLength) throw new Error('snapshot frame: truncated address book');
  const book = decodeBook(data.subarray(8, 8 + n));
  return { book, image: from(data, 8 + n) };
}

/** Bytes of `data` from `offset` on, as SnapshotData, without copying or reading them. */
function from(data: SnapshotData, offset: number): SnapshotData {
  if (data instanceof Uint8Array) return data.subarray(offset);
  const byteLength = data.byteLength - offset;
  const view: SnapshotData = {
    byteLength,
    subarray: (begin, end) => {
      const b = clamp(begin, byteLength);
      return data.subarray(offset + b, offset + Math.max(b, clamp(end, byteLength)));
    },
  };
  const { readInto } = data;
  if (readInto === undefined) return view;
  return { ...view, readInto: (target, begin) => readInto.call(data, target, offset + begin) };
}
