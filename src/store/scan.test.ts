import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../shared/effects.js';
import { parseScanCursor, ScanIndex, scanKeys, SCAN_CALLS_MAX } from './scan.js';

describe('scanKeys', () => {
  it('returns everything in one page when small, with cursor 0', () => {
    const set = new Set(['a', 'b', 'c']);
    const page = scanKeys(set, 0, 10);
    assert.equal(page.cursor, 0);
    assert.deepEqual([...page.keys].sort(), ['a', 'b', 'c']);
    assert.deepEqual(scanKeys(new Map(), 0, 10), { cursor: 0, keys: [] });
  });

  it('returns every element present throughout, despite inserts and deletes between calls', () => {
    const rng = new SeededRng(7);
    for (let round = 0; round < 20; round++) {
      const map = new Map<string, number>();
      for (let i = 0; i < 2000; i++) map.set(`k${i}`, i);
      const stable = new Set<string>();
      for (const key of map.keys()) if (rng.int(3) > 0) stable.add(key);
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      let next = 2000;
      do {
        const page = scanKeys(map, cursor, 1 + rng.int(50));
        for (const key of page.keys) seen.add(key);
        cursor = page.cursor;
        calls++;
        // Churn: delete unstable keys, add new ones, re-add some deleted ones.
        for (let i = 0; i < 50; i++) {
          const victim = `k${rng.int(2000)}`;
          if (!stable.has(victim)) map.delete(victim);
          map.set(`n${next++}`, 0);
        }
      } while (cursor !== 0);
      for (const key of stable) assert.ok(seen.has(key), `missed ${key}`);
      assert.ok(calls <= SCAN_CALLS_MAX + 2, `a full scan took ${calls} calls`);
    }
  });

  it('filters after choosing the batch', () => {
    const set = new Set(Array.from({ length: 300 }, (_, i) => `x${i}`));
    const seen: string[] = [];
    let cursor = 0;
    do {
      const page = scanKeys(set, cursor, 10, (key) => key.endsWith('7'));
      seen.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== 0);
    assert.equal(seen.length, 30);
    assert.ok(seen.every((key) => key.endsWith('7')));
  });

  it('a cursor beyond the hash space ends the scan', () => {
    assert.deepEqual(scanKeys(new Set(['a']), 2 ** 40, 10), { cursor: 0, keys: [] });
  });
});

describe('ScanIndex', () => {
  it('answers exactly the pages scanKeys answers, through inserts and deletes', () => {
    const rng = new SeededRng(99);
    const map = new Map<string, number>();
    let insertions = 0;
    const insert = (key: string): void => {
      if (!map.has(key)) insertions++;
      map.set(key, 0);
    };
    for (let i = 0; i < 3000; i++) insert(`k${i}`);
    const index = new ScanIndex();
    const accept = (key: string): boolean => !key.endsWith('3');
    for (let step = 0; step < 400; step++) {
      const cursor = rng.int(4) === 0 ? 0 : rng.int(2 ** 32);
      const count = 1 + rng.int(100);
      assert.deepEqual(
        index.page(map, insertions, cursor, count, accept),
        scanKeys(map, cursor, count, accept),
      );
      const change = rng.int(10);
      if (change < 3) map.delete(`k${rng.int(4000)}`);
      else if (change < 4) insert(`k${rng.int(4000)}`);
    }
  });

  it('full scans through the index see every stable key', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 5000; i++) map.set(`key:${i}`, i);
    const index = new ScanIndex();
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const page = index.page(map, 1, cursor, 10);
      for (const key of page.keys) seen.add(key);
      cursor = page.cursor;
      calls++;
    } while (cursor !== 0);
    assert.equal(seen.size, 5000);
    assert.ok(calls <= SCAN_CALLS_MAX + 1);
  });
});

describe('parseScanCursor', () => {
  // What redis-server 7.0.15 accepts (SCAN <cursor>, checked by hand over TCP): strtoul syntax.
  it('accepts what strtoul reads whole, as Redis does', () => {
    const accepted: readonly [string, number][] = [
      ['0', 0],
      ['123', 123],
      ['00', 0],
      ['010', 10],
      ['-0', 0],
      ['+5', 5],
      ['', 0],
      ['9007199254740993', 2 ** 53],
      ['9223372036854775808', 2 ** 63],
      ['18446744073709551614', 2 ** 64],
      ['18446744073709551615', 2 ** 64],
      ['-1', 2 ** 64],
      ['-18446744073709551615', 1],
      ['1\x002', 1],
      ['\x00abc', 0],
    ];
    for (const [text, expected] of accepted) {
      assert.equal(parseScanCursor(text), expected, JSON.stringify(text));
    }
  });

  it('rejects what Redis answers with ERR invalid cursor', () => {
    for (const bad of [
      '18446744073709551616',
      '-18446744073709551616',
      '99999999999999999999999',
      '1a',
      ' 1',
      '\t1',
      '\n5',
      '1 ',
      '0x10',
      '1.5',
      '1e3',
      '+',
      '-',
      '  ',
      '+-1',
      '--1',
      '+ 1',
      '- 1',
      'abc',
    ]) {
      assert.equal(parseScanCursor(bad), undefined, JSON.stringify(bad));
    }
  });
});
