/** Test support: a reply's exact RESP bytes (as latin1 text) in RESP2 or RESP3. */
import { ReplyWriter, writeReply } from '../../resp/encoder.js';
import type { Reply } from '../reply.js';

export function wire(reply: Reply, protocol: 2 | 3): string {
  const writer = new ReplyWriter(1024);
  writeReply(writer, reply, protocol);
  return writer.take()?.toString('latin1') ?? '';
}
