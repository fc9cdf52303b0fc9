import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemlayerError } from '../shared/errors.js';
import { SeededRng } from '../shared/effects.js';
import { decodeEntries, decodeEntry, encodeEntry, encodeEntryGroup } from './entry.js';
import type { EntryPayload } from './entry.js';

function payload(): EntryPayload {
  return {
    nowMs: 1_700_000_000_123.5,
    request: {
      commands: [
        ['SET', 'k\x00\xff', 'v'.repeat(300)],
        ['INCR', 'n'],
        ['DEL', ''],
      ],
      write: true,
      transaction: true,
      watch: { keys: ['k\x00\xff', 'other'], index: 2 ** 40 + 3 },
      clientId: 123456789,
      sequence: 2 ** 52,
    },
  };
}

/** One command outside a transaction, proposed at time 5. */
function single(command: string[], write: boolean, clientId = 0, sequence = 0): EntryPayload {
  return {
    nowMs: 5,
    request: {
      commands: [command],
      write,
      transaction: false,
      watch: undefined,
      clientId,
      sequence,
    },
  };
}

function expectCorrupt(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MemlayerError, `not a MemlayerError: ${String(error)}`);
    assert.equal(error.code, 'ERR_ENTRY_CORRUPT');
    return true;
  });
}

describe('entry codec', () => {
  it('round-trips a transaction with WATCH and a client session', () => {
    const p = payload();
    assert.deepEqual(decodeEntry(encodeEntry(p)), p);
  });

  it('round-trips a single command without WATCH', () => {
    const p = single(['GET', 'k'], false);
    const bytes = encodeEntry(p);
    assert.equal(bytes.length, 1 + 8 + 1 + 1 + 1 + 1 + 1 + 4 + 2, 'compact');
    assert.deepEqual(decodeEntry(bytes), p);
  });

  it('rejects every truncation and trailing bytes', () => {
    const bytes = encodeEntry(payload());
    for (let length = 0; length < bytes.length; length++) {
      expectCorrupt(() => decodeEntry(bytes.subarray(0, length)));
    }
    expectCorrupt(() => decodeEntry(Buffer.concat([bytes, Buffer.from([0])])));
  });

  it('rejects unknown versions and flags', () => {
    const bytes = Buffer.from(encodeEntry(payload()));
    const version = Buffer.from(bytes);
    version[0] = 9;
    expectCorrupt(() => decodeEntry(version));
    const flags = Buffer.from(bytes);
    flags[9] = 0x80;
    expectCorrupt(() => decodeEntry(flags));
  });

  it('never throws anything but ERR_ENTRY_CORRUPT on mutated input (fuzz)', () => {
    const rng = new SeededRng(11);
    const base = encodeEntry(payload());
    let decoded = 0;
    for (let round = 0; round < 5000; round++) {
      const bytes = Uint8Array.from(base);
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips; f++) bytes[rng.int(bytes.length)] = rng.int(256);
      const length = rng.int(4) === 0 ? rng.int(bytes.length) : bytes.length;
      try {
        const entry = decodeEntry(bytes.subarray(0, length));
        decoded++;
        assert.ok(entry.request.commands.every((command) => command.length > 0));
      } catch (error) {
        assert.ok(error instanceof MemlayerError, `threw ${String(error)}`);
        assert.equal(error.code, 'ERR_ENTRY_CORRUPT');
      }
    }
    assert.ok(decoded > 0 && decoded < 5000);
  });

  it('rejects random garbage without huge allocations', () => {
    const rng = new SeededRng(5);
    for (let round = 0; round < 2000; round++) {
      const bytes = new Uint8Array(rng.int(64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      bytes[0] = 1;
      try {
        decodeEntry(bytes);
      } catch (error) {
        assert.ok(error instanceof MemlayerError);
      }
    }
  });

  it('a group entry holds several requests, each with its own time and session', () => {
    const one = single(['INCR', 'n'], true, 7, 1);
    const group = encodeEntryGroup([encodeEntry(payload()), encodeEntry(one)]);
    assert.deepEqual(decodeEntries(group), [payload(), one]);
    // A plain entry is a list of one.
    assert.deepEqual(decodeEntries(encodeEntry(one)), [one]);
  });

  it('rejects corrupt groups: truncated, trailing bytes, fewer than two, nested, bad parts', () => {
    const part = encodeEntry(payload());
    const group = Buffer.from(encodeEntryGroup([part, part]));
    for (let length = 1; length < group.length; length++)
      expectCorrupt(() => decodeEntries(group.subarray(0, length)));
    expectCorrupt(() => decodeEntries(Buffer.concat([group, Buffer.from([0])])));
    // version 2 with a count of 1, then one part
    const single = Buffer.concat([Buffer.from([2, 1, part.length & 0x7f, part.length >> 7]), part]);
    expectCorrupt(() => decodeEntries(single));
    const nested = Buffer.from(encodeEntryGroup([group, group]));
    expectCorrupt(() => decodeEntries(nested));
    const badPart = Buffer.from(group);
    badPart[4] = 9; // the first part's version byte
    expectCorrupt(() => decodeEntries(badPart));
    assert.throws(() => encodeEntryGroup([part]), /at least two/);
  });
});
