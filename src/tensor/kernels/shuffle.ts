/**
 * Byte shuffle (the Blosc/HDF5 filter): byte k of every element goes to plane k, so the
 * slowly-varying exponent bytes of a float tensor sit together and compress far better.
 * Bytes past the last whole element are copied unchanged at the end. Pure.
 */

export function shuffle(source: Uint8Array, elementBytes: number, target: Uint8Array): void {
  const count = Math.floor(source.length / elementBytes);
  for (let b = 0; b < elementBytes; b++) {
    const plane = b * count;
    for (let i = 0; i < count; i++) target[plane + i] = source[i * elementBytes + b] ?? 0;
  }
  copyTail(source, target, count * elementBytes);
}

export function unshuffle(source: Uint8Array, elementBytes: number, target: Uint8Array): void {
  const count = Math.floor(source.length / elementBytes);
  for (let b = 0; b < elementBytes; b++) {
    const plane = b * count;
    for (let i = 0; i < count; i++) target[i * elementBytes + b] = source[plane + i] ?? 0;
  }
  copyTail(source, target, count * elementBytes);
}

function copyTail(source: Uint8Array, target: Uint8Array, from: number): void {
  for (let i = from; i < source.length; i++) target[i] = source[i] ?? 0;
}
