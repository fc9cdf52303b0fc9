/**
 * Test helpers for the tensor family (imported by *.test.ts only): every dtype with sample
 * elements, including the edge values a bit-exact round trip must preserve.
 */
import type { DType } from './dtype.js';

/** Raw element bytes (little-endian) for a few elements of each dtype, edge cases included. */
export function sampleBytes(dtype: DType): Buffer {
  const b = (
    values: number[],
    write: (buf: Buffer, v: number, at: number) => void,
    width: number,
  ): Buffer => {
    const buf = Buffer.alloc(values.length * width);
    values.forEach((v, i) => write(buf, v, i * width));
    return buf;
  };
  switch (dtype) {
    case 'float16':
      // 1, -0, +inf, NaN with payload, smallest subnormal, largest finite
      return b(
        [0x3c00, 0x8000, 0x7c00, 0x7e01, 0x0001, 0x7bff],
        (x, v, at) => x.writeUInt16LE(v, at),
        2,
      );
    case 'bfloat16':
      return b(
        [0x3f80, 0x8000, 0x7f80, 0x7fc1, 0x0001, 0x7f7f],
        (x, v, at) => x.writeUInt16LE(v, at),
        2,
      );
    case 'float32':
      return b(
        [0x3f800000, 0x80000000, 0x7f800000, 0x7fc00123, 0x00000001, 0x7f7fffff],
        (x, v, at) => x.writeUInt32LE(v, at),
        4,
      );
    case 'float64': {
      const buf = Buffer.alloc(48);
      [1, -0, Infinity, 5e-324, Number.MAX_VALUE, -1.5].forEach((v, i) =>
        buf.writeDoubleLE(v, i * 8),
      );
      buf.writeUInt32LE(0x7ff80000 | 0x1234, 8 * 5 + 4); // a NaN with payload in the last slot
      return buf;
    }
    case 'int8':
      return b([-128, 127, 0, -1, 5, 6], (x, v, at) => x.writeInt8(v, at), 1);
    case 'uint8':
      return b([0, 255, 1, 128, 5, 6], (x, v, at) => x.writeUInt8(v, at), 1);
    case 'int16':
      return b([-32768, 32767, 0, -1, 5, 6], (x, v, at) => x.writeInt16LE(v, at), 2);
    case 'uint16':
      return b([0, 65535, 1, 32768, 5, 6], (x, v, at) => x.writeUInt16LE(v, at), 2);
    case 'int32':
      return b([-2147483648, 2147483647, 0, -1, 5, 6], (x, v, at) => x.writeInt32LE(v, at), 4);
    case 'uint32':
      return b([0, 4294967295, 1, 2147483648, 5, 6], (x, v, at) => x.writeUInt32LE(v, at), 4);
    case 'int64': {
      const buf = Buffer.alloc(48);
      [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n, 6n].forEach((v, i) =>
        buf.writeBigInt64LE(v, i * 8),
      );
      return buf;
    }
    case 'uint64': {
      const buf = Buffer.alloc(48);
      [0n, 2n ** 64n - 1n, 1n, 2n ** 63n, 2n ** 53n + 1n, 6n].forEach((v, i) =>
        buf.writeBigUInt64LE(v, i * 8),
      );
      return buf;
    }
    case 'bool':
      return Buffer.from([0, 1, 1, 0, 1, 0]);
  }
}

/** Every sample has six elements: use shape [2, 3]. */
export const SAMPLE_SHAPE: readonly number[] = [2, 3];
