/**
 * The snapshot image the host hands to the Raft core: the peer address book (so a node that
 * joins from a snapshot can reach every member) followed by the state machine's own snapshot.
 *
 *   magic "MLS1" | bookBytes u32be | book (JSON {"<id>": "host:port"}) | state machine image
 */
import type { NodeId } from '../raft/types.js';
import { nodeId } from '../shared/brand.js';

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

/** An empty image (the bootstrap snapshot at index 0) has no state machine bytes. */
export function unframeSnapshot(data: Uint8Array): { book: AddressBook; image: Uint8Array } {
  if (data.byteLength === 0) return { book: new Map(), image: data };
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 8 || buf.readUInt32BE(0) !== MAGIC) throw new Error('snapshot frame: bad magic');
  const n = buf.readUInt32BE(4);
  if (8 + n > buf.length) throw new Error('snapshot frame: truncated address book');
  return { book: decodeBook(buf.subarray(8, 8 + n)), image: buf.subarray(8 + n) };
}
