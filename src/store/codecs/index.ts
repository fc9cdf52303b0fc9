/**
 * Value codecs by kind (the snapshot's record payloads). Each kind's codec lives beside its
 * owner: strings, hashes and sets here; lists and sorted sets with the collections family;
 * tensors with src/tensor. Decoders throw MemlayerError on malformed bytes.
 */
import { assertNever } from '../../shared/assert.js';
import { MemlayerError } from '../../shared/errors.js';
import type { Value, ValueKind } from '../values.js';
import { kindOf } from '../values.js';
import { decodeHash, encodeHash } from './hash.js';
import { decodeList, encodeList } from './list.js';
import { decodeSet, encodeSet } from './set.js';
import { decodeStream, encodeStream } from './stream.js';
import { decodeString, encodeString } from './string.js';
import { decodeTensor, encodeTensor } from './tensor.js';
import { decodeZSet, encodeZSet } from './zset.js';

/** Kind tags as stored in snapshots: never renumber (old snapshots must stay readable). */
export const KIND_TAGS: Readonly<Record<ValueKind, number>> = Object.freeze({
  string: 0,
  hash: 1,
  list: 2,
  set: 3,
  zset: 4,
  tensor: 5,
  stream: 6,
});

const KINDS_BY_TAG: readonly ValueKind[] = [
  'string',
  'hash',
  'list',
  'set',
  'zset',
  'tensor',
  'stream',
];

export function kindOfTag(tag: number): ValueKind | undefined {
  return KINDS_BY_TAG[tag];
}

export function encodeValue(value: Value): Uint8Array {
  if (typeof value === 'string') return encodeString(value);
  switch (value.kind) {
    case 'hash':
      return encodeHash(value);
    case 'set':
      return encodeSet(value);
    case 'list':
      return encodeList(value);
    case 'zset':
      return encodeZSet(value);
    case 'tensor':
      return encodeTensor(value);
    case 'stream':
      return encodeStream(value);
    default:
      return assertNever(value, 'unknown value kind');
  }
}

export function decodeValue(kind: ValueKind, bytes: Uint8Array): Value {
  const value = decodeByKind(kind, bytes);
  if (kindOf(value) !== kind) {
    throw new MemlayerError(
      'ERR_SNAPSHOT_CORRUPT',
      `ERR corrupt snapshot: ${kind} decoded as ${kindOf(value)}`,
    );
  }
  return value;
}

function decodeByKind(kind: ValueKind, bytes: Uint8Array): Value {
  switch (kind) {
    case 'string':
      return decodeString(bytes);
    case 'hash':
      return decodeHash(bytes);
    case 'set':
      return decodeSet(bytes);
    case 'list':
      return decodeList(bytes);
    case 'zset':
      return decodeZSet(bytes);
    case 'tensor':
      return decodeTensor(bytes);
    case 'stream':
      return decodeStream(bytes);
    default:
      return assertNever(kind, 'unknown value kind');
  }
}
