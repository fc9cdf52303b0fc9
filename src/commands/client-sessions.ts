/**
 * Client sessions for idempotent retries (Raft thesis §6.3): the last reply of each client,
 * keyed by client id, so that a retried write — same (clientId, sequence) — answers from the
 * cache instead of being applied twice. The cache is replicated state: it is changed only by
 * applying log entries, in log order, and it is part of the snapshot, so every replica holds
 * the same one.
 *
 * Bounded: at most CLIENT_SESSIONS_MAX clients, least recently used evicted first. A client
 * evicted and then retrying is applied again (the thesis' documented limit of a bounded cache).
 */
import { assert } from '../shared/assert.js';
import { ByteReader, ByteWriter } from '../store/bytes.js';
import { ErrorReply, type Reply } from './reply.js';
import { readReply, writeReply } from './reply-codec.js';

export const CLIENT_SESSIONS_MAX = 10_000;
const CODE = 'ERR_SNAPSHOT_CORRUPT';

interface Session {
  sequence: number;
  reply: Reply;
}

export type SessionCheck =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate'; readonly reply: Reply }
  | { readonly kind: 'stale'; readonly reply: Reply };

export class ClientSessions {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly sessions = new Map<number, Session>();

  constructor(private readonly max: number = CLIENT_SESSIONS_MAX) {
    assert(max > 0, 'client session cache needs room');
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Whether (clientId, sequence) is new, a duplicate of the last request, or older than it. */
  check(clientId: number, sequence: number): SessionCheck {
    const session = this.sessions.get(clientId);
    if (session === undefined || sequence > session.sequence) return { kind: 'new' };
    if (sequence === session.sequence) return { kind: 'duplicate', reply: session.reply };
    return {
      kind: 'stale',
      reply: new ErrorReply(
        `ERR stale request: sequence ${sequence} of client ${clientId} is older than ${session.sequence}, already answered`,
      ),
    };
  }

  record(clientId: number, sequence: number, reply: Reply): void {
    this.sessions.delete(clientId);
    this.sessions.set(clientId, { sequence, reply });
    if (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
  }

  encode(): Uint8Array {
    const writer = new ByteWriter(64 + this.sessions.size * 32);
    writer.varint(this.sessions.size);
    for (const [clientId, session] of this.sessions) {
      writer.f64(clientId);
      writer.f64(session.sequence);
      writeReply(writer, session.reply);
    }
    return writer.take();
  }

  /** Throws MemlayerError(ERR_SNAPSHOT_CORRUPT) on malformed bytes. */
  static decode(bytes: Uint8Array, max: number = CLIENT_SESSIONS_MAX): ClientSessions {
    const reader = new ByteReader(bytes, CODE, 'snapshot client sessions');
    const count = reader.count('session count', Math.min(max, Math.floor(reader.remaining / 17)));
    const sessions = new ClientSessions(max);
    for (let i = 0; i < count; i++) {
      const clientId = reader.f64('client id');
      const sequence = reader.f64('sequence');
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(sequence)) {
        reader.fail('bad client id or sequence');
      }
      sessions.sessions.set(clientId, { sequence, reply: readReply(reader, 0) });
    }
    reader.expectEnd();
    if (sessions.size !== count) reader.fail('duplicate client id');
    return sessions;
  }
}
