/**
 * Snapshot codec for tensor values. Layout (little-endian), chosen so the element bytes start
 * 8-byte aligned relative to the record:
 *
 *   u8 version (1) | u8 dtype code (src/tensor/dtype.ts) | u8 rank | u8 0
 *   u32 0 (padding) | rank × u64 dims | element bytes (row-major, little-endian)
 *
 * Decoding validates every field and throws MemlayerError ERR_SNAPSHOT_CORRUPT on a corrupt
 * record (snapshots are checksummed by their container; this is the second, structural check
 * of STYLE.md rule 7). The element bytes are copied so a large snapshot buffer is not kept
 * alive by one tensor.
 */
import { DTYPES, dtypeByCode } from '../../tensor/dtype.js';
import { copyBytes, elementCount, Tensor } from '../../tensor/tensor.js';
import { assert } from '../../shared/assert.js';
import { MemlayerError } from '../../shared/errors.js';
import type { TensorKeyValue, Value } from '../values.js';

const VERSION = 1;

/** As the other decoders (src/store/bytes.ts): a coded operating error, not a crash. */
function corrupt(reason: string): MemlayerError {
  return new MemlayerError('ERR_SNAPSHOT_CORRUPT', `ERR corrupt tensor value: ${reason}`);
}
const HEADER_BYTES = 8;

export function encodeTensor(value: TensorKeyValue): Uint8Array {
  assert(value instanceof Tensor, 'encodeTensor: not a memlayer Tensor');
  const headerBytes = HEADER_BYTES + 8 * value.rank;
  const out = new Uint8Array(headerBytes + value.byteLength);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(0, VERSION);
  view.setUint8(1, DTYPES[value.dtype].code);
  view.setUint8(2, value.rank);
  value.shape.forEach((dim, i) => view.setBigUint64(HEADER_BYTES + 8 * i, BigInt(dim), true));
  out.set(value.data, headerBytes);
  return out;
}

export function decodeTensor(bytes: Uint8Array): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES) throw corrupt('truncated header');
  const version = view.getUint8(0);
  if (version !== VERSION) throw corrupt(`unknown version ${version}`);
  const dtype = dtypeByCode(view.getUint8(1));
  if (dtype === undefined) throw corrupt(`unknown dtype code ${view.getUint8(1)}`);
  const rank = view.getUint8(2);
  const headerBytes = HEADER_BYTES + 8 * rank;
  if (bytes.byteLength < headerBytes) throw corrupt('truncated shape');
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dim = view.getBigUint64(HEADER_BYTES + 8 * i, true);
    if (dim === 0n || dim > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw corrupt(`invalid dimension ${dim}`);
    }
    shape.push(Number(dim));
  }
  const dataBytes = elementCount(shape) * DTYPES[dtype].bytes;
  if (bytes.byteLength !== headerBytes + dataBytes) {
    throw corrupt('element bytes do not match dtype and shape');
  }
  return Tensor.of(dtype, shape, copyBytes(bytes.subarray(headerBytes)));
}
