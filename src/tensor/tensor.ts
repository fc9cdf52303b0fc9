/**
 * The tensor value: dtype + shape + one contiguous little-endian row-major element buffer.
 *
 * Tensors are immutable once stored: every command that "changes" one builds a new buffer and
 * stores a new Tensor. That is what lets AI.TENSORGET reply with the stored Buffer itself (no
 * copy) while the socket write is still pending, and lets a snapshot encode a tensor while
 * later entries apply. The element buffer is always aligned to the element width, so typed
 * array views over it never need a copy.
 */
import { assert } from '../shared/assert.js';
import type { TensorKeyValue } from '../store/values.js';
import { DTYPES, type DType } from './dtype.js';
import { viewOf, type ElementArray } from './kernels/views.js';

export class Tensor implements TensorKeyValue {
  readonly kind = 'tensor';
  /** Number of elements (the product of the shape; 1 for a rank-0 scalar). */
  readonly length: number;

  /** Use `Tensor.of`: it checks the invariants. */
  private constructor(
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly data: Buffer,
  ) {
    this.length = elementCount(shape);
  }

  /**
   * Wraps `data` (not copied) as a tensor. The caller hands over ownership: nobody may write
   * to `data` afterwards. A buffer not aligned to the element width is copied once.
   */
  static of(dtype: DType, shape: readonly number[], data: Uint8Array): Tensor {
    const width = DTYPES[dtype].bytes;
    assert(data.byteLength === elementCount(shape) * width, 'tensor buffer length mismatch');
    const aligned = data.byteOffset % width === 0 ? asBuffer(data) : copyBytes(data);
    return new Tensor(dtype, Object.freeze([...shape]), aligned);
  }

  /** A zero-filled tensor. */
  static zeros(dtype: DType, shape: readonly number[]): Tensor {
    return Tensor.of(dtype, shape, Buffer.alloc(elementCount(shape) * DTYPES[dtype].bytes));
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A typed-array view over the elements (float16/bfloat16: their bits; bool: bytes). */
  view(): ElementArray {
    return viewOf(this.dtype, this.data);
  }

  /** A deep copy (COPY): tensors are immutable, but a copy must not pin the original's memory. */
  clone(): Tensor {
    return new Tensor(this.dtype, this.shape, copyBytes(this.data));
  }

  sameLayout(other: Tensor): boolean {
    return this.dtype === other.dtype && sameShape(this.shape, other.shape);
  }
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** A fresh buffer that owns its ArrayBuffer (offset 0, so aligned for every dtype). */
export function allocElements(byteLength: number): Buffer {
  return Buffer.allocUnsafeSlow(byteLength);
}

export function copyBytes(data: Uint8Array): Buffer {
  const copy = allocElements(data.byteLength);
  copy.set(data);
  return copy;
}

/** The bytes of a latin1 argument string, copied once into an aligned buffer. */
export function bytesFromLatin1(text: string): Buffer {
  const bytes = allocElements(text.length);
  bytes.write(text, 0, text.length, 'latin1');
  return bytes;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
