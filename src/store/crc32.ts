/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table-driven, incremental:
 * `crc32Update(crc32Update(CRC32_INIT, a), b)` then `crc32Final` equals the CRC of a ++ b.
 * Used to checksum snapshots (STYLE.md rule 7: checksum before a write, verify after a read).
 */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

export const CRC32_INIT = 0xffffffff;

/** Folds `bytes[start, end)` into a running (not yet finalised) CRC. */
export function crc32Update(
  crc: number,
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  let c = crc;
  for (let i = start; i < end; i++) {
    c = (TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return c >>> 0;
}

export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of a whole buffer. */
export function crc32(bytes: Uint8Array): number {
  return crc32Final(crc32Update(CRC32_INIT, bytes));
}
