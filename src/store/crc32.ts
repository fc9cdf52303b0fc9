/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table-driven with slicing-by-8 (eight
 * bytes per step), incremental: `crc32Update(crc32Update(CRC32_INIT, a), b)` then `crc32Final`
 * equals the CRC of a ++ b. Used to checksum snapshots (STYLE.md rule 7: checksum before a
 * write, verify after a read).
 */
import zlib from 'node:zlib';

/**
 * Node >= 20.15 has a native (SIMD) CRC-32 that is ~5x faster than the table below; it takes
 * and returns the finalised CRC, hence the XORs.
 */
const nativeCrc32: ((data: Uint8Array, value: number) => number) | undefined = (
  zlib as { crc32?: (data: Uint8Array, value: number) => number }
).crc32;

/** CRC-32 (IEEE 802.3) and CRC-32C (Castagnoli), reflected. */
const POLY = 0xedb88320;
const CASTAGNOLI_POLY = 0x82f63b78;

const TABLES = buildTables(POLY);

/** TABLES[k * 256 + n]: the CRC of byte n followed by k zero bytes (reflected `poly`). */
function buildTables(poly: number): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n] ?? 0;
    for (let k = 1; k < 8; k++) {
      c = (tables[c & 0xff] ?? 0) ^ (c >>> 8);
      tables[k * 256 + n] = c >>> 0;
    }
  }
  return tables;
}

export const CRC32_INIT = 0xffffffff;

/** Folds `bytes[start, end)` into a running (not yet finalised) CRC. */
export function crc32Update(
  crc: number,
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  if (nativeCrc32 !== undefined) {
    const part = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
    return (nativeCrc32(part, (crc ^ 0xffffffff) >>> 0) ^ 0xffffffff) >>> 0;
  }
  return crc32UpdateTable(crc, bytes, start, end);
}

/** The portable slicing-by-8 path (exported for the test that pins it to the native one). */
export function crc32UpdateTable(
  crc: number,
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  t: Uint32Array = TABLES,
): number {
  let c = crc;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low =
      c ^
      ((bytes[i] ?? 0) |
        ((bytes[i + 1] ?? 0) << 8) |
        ((bytes[i + 2] ?? 0) << 16) |
        ((bytes[i + 3] ?? 0) << 24));
    c =
      (t[7 * 256 + (low & 0xff)] ?? 0) ^
      (t[6 * 256 + ((low >>> 8) & 0xff)] ?? 0) ^
      (t[5 * 256 + ((low >>> 16) & 0xff)] ?? 0) ^
      (t[4 * 256 + (low >>> 24)] ?? 0) ^
      (t[3 * 256 + (bytes[i + 4] ?? 0)] ?? 0) ^
      (t[2 * 256 + (bytes[i + 5] ?? 0)] ?? 0) ^
      (t[256 + (bytes[i + 6] ?? 0)] ?? 0) ^
      (t[bytes[i + 7] ?? 0] ?? 0);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return c >>> 0;
}

export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of a whole buffer. */
export function crc32(bytes: Uint8Array): number {
  return crc32Final(crc32Update(CRC32_INIT, bytes));
}

/** CRC-32C (Castagnoli) tables, built on first use: only LevelDB's log checks need them. */
let castagnoli: Uint32Array | undefined;

/** CRC-32C (Castagnoli, reflected 0x82F63B78) of `bytes[start, end)`: what LevelDB stores. */
export function crc32c(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  castagnoli ??= buildTables(CASTAGNOLI_POLY);
  return crc32Final(crc32UpdateTable(CRC32_INIT, bytes, start, end, castagnoli));
}

/** a(x) * b(x) mod P(x), both reflected as CRC-32 holds them. */
function multiplyModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  let bb = b >>> 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= bb;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    bb = bb & 1 ? (bb >>> 1) ^ POLY : bb >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) mod P(x). */
const X2N = ((): Uint32Array => {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  for (let k = 0; k < 32; k++) {
    table[k] = p;
    p = multiplyModP(p, p);
  }
  return table;
})();

/** x^(8 * bytes) mod P(x): the operator that moves a CRC past `bytes` zero bytes. */
function shiftOperator(bytes: number): number {
  let p = 0x80000000; // x^0
  let k = 3; // 8 = 2^3
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++)
    if (n % 2 === 1) p = multiplyModP(X2N[k % 32] ?? 0, p);
  return p;
}

/**
 * The CRC-32 of a ++ b from crc32(a), crc32(b) and b's length, in microseconds whatever the
 * lengths (zlib's crc32_combine): a checksum over several pieces needs each byte read once.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(shiftOperator(lengthB), crcA) ^ crcB) >>> 0;
}
