import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../shared/effects.js';
import {
  CRC32_INIT,
  crc32,
  crc32c,
  crc32Combine,
  crc32Final,
  crc32Update,
  crc32UpdateTable,
} from './crc32.js';

/** Bit-at-a-time CRC-32 (or another reflected polynomial), the definition tables must match. */
function reference(bytes: Uint8Array, poly = 0xedb88320): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('has the standard check value and matches the bitwise definition', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    const rng = new SeededRng(10);
    const bytes = new Uint8Array(64);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    for (let start = 0; start < 9; start++)
      for (let end = start; end <= bytes.length; end += 7)
        assert.equal(crc32c(bytes, start, end), reference(bytes.subarray(start, end), 0x82f63b78));
  });
});

describe('crc32', () => {
  it('has the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it('matches the bitwise definition at every length and split', () => {
    const rng = new SeededRng(8);
    const bytes = new Uint8Array(100);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    for (let length = 0; length <= bytes.length; length++) {
      const part = bytes.subarray(0, length);
      assert.equal(crc32(part), reference(part), `length ${length}`);
      const split = rng.int(length + 1);
      const running = crc32Update(crc32Update(CRC32_INIT, part, 0, split), part, split, length);
      assert.equal(crc32Final(running), reference(part));
    }
  });

  it('the portable table path agrees with the one in use at every length and split', () => {
    const rng = new SeededRng(9);
    const bytes = new Uint8Array(300);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    for (let length = 0; length <= bytes.length; length += 7) {
      const part = bytes.subarray(0, length);
      assert.equal(crc32Final(crc32UpdateTable(CRC32_INIT, part)), reference(part));
      const split = rng.int(length + 1);
      const a = crc32UpdateTable(crc32UpdateTable(CRC32_INIT, part, 0, split), part, split, length);
      const b = crc32Update(crc32Update(CRC32_INIT, part, 0, split), part, split, length);
      assert.equal(a, b, `length ${length} split ${split}`);
    }
  });

  it('combines the CRCs of two pieces into the CRC of both, at any lengths', () => {
    const rng = new SeededRng(11);
    const bytes = new Uint8Array(3000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    for (let round = 0; round < 200; round++) {
      const end = rng.int(bytes.length + 1);
      const split = rng.int(end + 1);
      const a = bytes.subarray(0, split);
      const b = bytes.subarray(split, end);
      assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(bytes.subarray(0, end)));
    }
    assert.equal(crc32Combine(0x12345678, 0, 0), 0x12345678, 'an empty second piece');
    // Lengths past 2^32 bytes, against the same operator applied in two steps.
    const big = 2 ** 33 + 5;
    const viaHalves = crc32Combine(crc32Combine(0xdeadbeef, 0, 2 ** 32), 0, 2 ** 32 + 5);
    assert.equal(crc32Combine(0xdeadbeef, 0, big), viaHalves);
  });
});
