/** Snapshot codec for string values: the bytes themselves (latin1 chars). */
export function encodeString(value: string): Uint8Array {
  return Buffer.from(value, 'latin1');
}

export function decodeString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
