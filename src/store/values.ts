/**
 * Value kinds held by the keyspace. Strings are JS strings whose characters are bytes
 * (latin1), so that every byte sequence round-trips; the other kinds are small classes with a
 * `kind` tag. `TYPE` answers `typeName`.
 *
 * Every non-string kind has `clone()` (COPY) and a snapshot codec in src/store/codecs/<kind>.ts
 * exporting `encode<Kind>(value): Uint8Array` and `decode<Kind>(bytes): Value`, which
 * src/store/snapshot.ts dispatches on by kind.
 *
 * Later phases add values that live compressed or on disk: they will be another kind that the
 * keyspace resolves on access, so handlers keep seeing one of the kinds below.
 */
import type { StreamValue } from './stream.js';

export type Value =
  string | HashValue | ListValue | SetValue | ZSetValue | TensorKeyValue | StreamValue;

export type ValueKind = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'tensor' | 'stream';

/** Field -> value, both latin1 strings. */
export class HashValue {
  readonly kind = 'hash';
  readonly fields = new Map<string, string>();
  clone(): HashValue {
    const copy = new HashValue();
    for (const [field, value] of this.fields) copy.fields.set(field, value);
    return copy;
  }
}

/** Elements in order; implemented by the lists family (a deque). */
export interface ListValue {
  readonly kind: 'list';
  readonly length: number;
  clone(): ListValue;
}

export class SetValue {
  readonly kind = 'set';
  readonly members = new Set<string>();
  clone(): SetValue {
    const copy = new SetValue();
    for (const member of this.members) copy.members.add(member);
    return copy;
  }
}

/** Sorted set; implemented by the sorted-sets family (score map + ordered index). */
export interface ZSetValue {
  readonly kind: 'zset';
  readonly size: number;
  clone(): ZSetValue;
}

/** A tensor stored under a key; implemented in src/tensor. */
export interface TensorKeyValue {
  readonly kind: 'tensor';
  /** Bytes of element data, for memory accounting. */
  readonly byteLength: number;
  clone(): TensorKeyValue;
}

export function kindOf(value: Value): ValueKind {
  return typeof value === 'string' ? 'string' : value.kind;
}

/**
 * The name `TYPE` answers: Redis' names, and for tensors RedisAI's module type name
 * `AI_TENSOR` (what TYPE answers on a Redis with RedisAI loaded; docs/tensors.md).
 */
export function typeName(value: Value): string {
  const kind = kindOf(value);
  return kind === 'tensor' ? 'AI_TENSOR' : kind;
}
