/**
 * The reply model every command handler returns. Primitives carry the common cases without
 * allocation; the RESP encoder (src/resp/encoder.ts) turns a Reply into RESP2 or RESP3 bytes.
 *
 *   string            bulk string; the characters are bytes (latin1), so replies are binary-safe
 *   number            integer reply; must be a safe integer (use bigint beyond 2^53)
 *   bigint            integer reply (int64 range)
 *   null              null bulk string: RESP2 `$-1`, RESP3 `_`
 *   Reply[]           array
 *   Buffer            bulk string from bytes (tensor blobs: no latin1 round trip)
 *   the classes below for everything else
 */
export type Reply =
  | string
  | number
  | bigint
  | null
  | Buffer
  | readonly Reply[]
  | SimpleString
  | ErrorReply
  | MapReply
  | SetReply
  | DoubleReply
  | BoolReply
  | NullArrayReply
  | VerbatimReply
  | PairsReply
  | RawReply;

/** `+text` */
export class SimpleString {
  constructor(readonly text: string) {}
}

/** `-PREFIX message`; `text` is the whole line without '-' and CRLF. */
export class ErrorReply {
  constructor(readonly text: string) {}
}

/** RESP3 map `%`; flattened to an array of key, value, ... in RESP2. */
export class MapReply {
  constructor(readonly entries: readonly (readonly [Reply, Reply])[]) {}
}

/** RESP3 set `~`; a plain array in RESP2. */
export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

/** RESP3 double `,`; a bulk string in RESP2, formatted as Redis formats doubles. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** RESP3 boolean `#`; integer 1/0 in RESP2. */
export class BoolReply {
  constructor(readonly value: boolean) {}
}

/** The RESP2 null array `*-1` (EXEC aborted by WATCH); RESP3 `_`. */
export class NullArrayReply {
  private constructor() {}
  static readonly instance = new NullArrayReply();
}

/** RESP3 verbatim string `=` (INFO, CLIENT INFO in RESP3); a bulk string in RESP2. */
export class VerbatimReply {
  constructor(
    readonly format: 'txt' | 'mkd',
    readonly text: string,
  ) {}
}

/**
 * A list of pairs, flat: `items` is a0, b0, a1, b1, ... RESP2 sends one flat array of all items;
 * RESP3 sends an array of 2-element arrays `[a0, b0], [a1, b1], ...` (Redis 7: ZRANGE WITHSCORES,
 * ZPOPMIN/ZPOPMAX with a count, HRANDFIELD WITHVALUES, ZRANDMEMBER WITHSCORES).
 */
export class PairsReply {
  constructor(readonly items: readonly Reply[]) {}
}

/**
 * Bytes already encoded for the connection's protocol version, written as they are. Used for
 * replies computed on another node (a follower forwarding to the leader).
 */
export class RawReply {
  constructor(readonly bytes: Uint8Array) {}
}

export const OK = new SimpleString('OK');
export const QUEUED = new SimpleString('QUEUED');
export const PONG = new SimpleString('PONG');
export const NULL_ARRAY = NullArrayReply.instance;
export const EMPTY_ARRAY: readonly Reply[] = Object.freeze([]);

export function isErrorReply(reply: Reply): reply is ErrorReply {
  return reply instanceof ErrorReply;
}
