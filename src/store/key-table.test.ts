import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../shared/effects.js';
import { KeyTable, keyHash, MAX_CHUNK, type TableCapture } from './key-table.js';
import { HashValue, SetValue, type Value } from './values.js';

/** Every byte 0-255 can appear in keys and values (latin1 strings). */
function randomBytes(rng: SeededRng, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(rng.int(256));
  return text;
}

function sortedEntries(table: KeyTable): [string, Value][] {
  return [...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sortedMap(map: Map<string, Value>): [string, Value][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function withCapture(table: KeyTable): KeyTable {
  table.capture();
  return table;
}

describe('KeyTable', () => {
  it('keyHash is FNV-1a as an int32 (the WATCH buckets depend on it)', () => {
    assert.equal(keyHash(''), 0x811c9dc5 | 0);
    assert.equal(keyHash('a'), 0xe40c292c | 0);
    assert.equal(keyHash('foobar'), 0xbf9cf968 | 0);
  });

  it('behaves as a Map under random sets, overwrites and deletes', () => {
    const rng = new SeededRng(7);
    const table = new KeyTable();
    const model = new Map<string, Value>();
    const keys = Array.from({ length: 600 }, (_, i) =>
      i === 0 ? '' : i % 7 === 0 ? randomBytes(rng, 1 + rng.int(40)) : `key:${i}`,
    );
    keys.push('k'.repeat(MAX_CHUNK + 10)); // a key whose record needs a buffer of its own
    for (let step = 0; step < 30_000; step++) {
      const key = keys[rng.int(keys.length)] as string;
      const roll = rng.int(10);
      if (roll < 5) {
        // Lengths that stay in a class, change class, go to and come back from big records.
        const length = [0, 1, 7, 8, 100, 255, 256, 1000, MAX_CHUNK + 1][rng.int(9)] as number;
        const value = randomBytes(rng, length);
        assert.equal(table.set(key, value), !model.has(key));
        model.set(key, value);
      } else if (roll < 6) {
        const value = new HashValue();
        value.fields.set('f', String(step));
        assert.equal(table.set(key, value), !model.has(key));
        model.set(key, value);
      } else if (roll < 9) {
        assert.equal(table.delete(key), model.delete(key));
      } else {
        assert.equal(table.has(key), model.has(key));
      }
      const probe = keys[rng.int(keys.length)] as string;
      assert.equal(table.get(probe), model.get(probe));
      assert.equal(table.size, model.size);
    }
    assert.deepEqual(sortedEntries(table), sortedMap(model));
    assert.deepEqual([...table.keys()].sort(), [...model.keys()].sort());
  });

  it('finds every key of one long probe run, through deletes anywhere in it', () => {
    // One hash for all: every key lands in the same run, and every delete shifts the rest back.
    const table = new KeyTable();
    const same = 12345;
    const keys = Array.from({ length: 40 }, (_, i) => `c${i}`);
    for (const key of keys) table.set(key, `v${key}`, same);
    for (const key of keys) assert.equal(table.get(key, same), `v${key}`);
    const rng = new SeededRng(3);
    const left = new Set(keys);
    while (left.size > 0) {
      const victim = [...left][rng.int(left.size)] as string;
      assert.equal(table.delete(victim, same), true);
      assert.equal(table.delete(victim, same), false);
      left.delete(victim);
      for (const key of keys)
        assert.equal(table.get(key, same), left.has(key) ? `v${key}` : undefined);
    }
    assert.equal(table.size, 0);
  });

  it('grows and shrinks with the number of keys', () => {
    const table = new KeyTable();
    for (let i = 0; i < 50_000; i++) table.set(`k${i}`, String(i));
    for (let i = 0; i < 50_000; i += 2) table.delete(`k${i}`);
    assert.equal(table.size, 25_000);
    for (let i = 0; i < 50_000; i++)
      assert.equal(table.get(`k${i}`), i % 2 === 0 ? undefined : String(i));
    for (let i = 1; i < 50_000; i += 2) table.delete(`k${i}`);
    assert.equal(table.size, 0);
    assert.deepEqual([...table.keys()], []);
    table.set('again', 'yes');
    assert.deepEqual([...table], [['again', 'yes']]);
  });

  it('stays a Map while resizes are under way, growing and shrinking', () => {
    // A resize moves the slots a few per operation: each phase below crosses several resizes
    // and does everything meanwhile (lookups of moved and unmoved keys, overwrites, deletes
    // and re-inserts of both, misses), so most steps run against a table mid-resize.
    const rng = new SeededRng(19);
    const table = new KeyTable();
    const model = new Map<string, Value>();
    const hash = new HashValue();
    hash.fields.set('f', 'v');
    const check = (key: string): void => {
      assert.equal(table.get(key), model.get(key));
      assert.equal(table.has(key), model.has(key));
    };
    for (const [target, range] of [
      [6000, 20_000],
      [300, 20_000],
      [5000, 20_000],
      [10, 20_000],
      [3000, 12_000],
    ] as const) {
      const growing = model.size < target;
      while (growing ? model.size < target : model.size > target) {
        // Mostly toward the target, some the other way; overwrites, deletes of present keys
        // (moved or not yet) and of absent ones.
        const insert = rng.int(10) < (growing ? 8 : 2);
        const key =
          !insert && model.size > 0 && rng.int(4) !== 0
            ? ([...model.keys()][rng.int(model.size)] as string)
            : `k${rng.int(range)}`;
        if (insert) {
          const value = rng.int(20) === 0 ? hash : randomBytes(rng, rng.int(40));
          assert.equal(table.set(key, value), !model.has(key));
          model.set(key, value);
        } else {
          assert.equal(table.delete(key), model.delete(key));
        }
        check(key);
        check(`k${rng.int(range)}`);
        assert.equal(table.size, model.size);
      }
      assert.deepEqual(sortedEntries(table), sortedMap(model));
    }
    for (const key of [...model.keys()]) {
      assert.equal(table.delete(key), model.delete(key));
      check(key);
    }
    assert.equal(table.size, 0);
    assert.deepEqual([...table], []);
  });

  it('holds more entries than one chunk of ids, and captures across chunks', () => {
    const table = new KeyTable();
    const count = 150_000; // ids span three chunks of 65,536
    for (let i = 0; i < count; i++) table.set(`k${i}`, `v${i}`);
    const set = new SetValue();
    set.members.add('m');
    table.set('k70001', set);
    const capture = table.capture();
    const before = readCapture(capture);
    for (let i = 0; i < count; i += 3) table.delete(`k${i}`);
    for (let i = 1; i < count; i += 3) table.set(`k${i}`, `changed ${i}`);
    for (let i = 0; i < 70_000; i++) table.set(`n${i}`, 'new'); // a fourth chunk
    assert.deepEqual(readCapture(capture), before);
    table.release(capture);
    assert.equal(table.size, count - count / 3 + 70_000);
    for (let i = 0; i < count; i++) {
      const expected =
        i % 3 === 0 ? undefined : i % 3 === 1 ? `changed ${i}` : i === 70_001 ? set : `v${i}`;
      assert.equal(table.get(`k${i}`), expected);
    }
    assert.equal(table.get('n69999'), 'new');
  });

  it('reuses the chunks of deleted records', () => {
    const table = new KeyTable();
    for (let i = 0; i < 1000; i++) table.set(`k${i}`, 'x'.repeat(100));
    const held = table.arenaBytes;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) table.delete(`k${i}`);
      for (let i = 0; i < 1000; i++) table.set(`k${i}`, 'y'.repeat(100));
    }
    assert.equal(table.arenaBytes, held);
  });

  /** What a capture holds, read the way the snapshot writer reads it. */
  function readCapture(capture: TableCapture): [string, Value][] {
    const out = new Map<string, Value>();
    for (let id = 0; id < capture.span; id++) {
      if (!capture.load(id)) continue;
      const keyEnd = capture.offset + capture.keyLength;
      const key = capture.page.toString('latin1', capture.offset, keyEnd);
      const value =
        capture.valueLength < 0
          ? (capture.object as Value)
          : capture.page.toString('latin1', keyEnd, keyEnd + capture.valueLength);
      out.set(key, value);
    }
    assert.equal(out.size, capture.count);
    return sortedMap(out);
  }

  it('keeps captured records unchanged until released', () => {
    const table = new KeyTable();
    const set = new SetValue();
    set.members.add('m');
    table.set('a', 'one');
    table.set('b', 'two');
    table.set('c', set);
    table.set('d', 'three');
    table.set('big', 'z'.repeat(MAX_CHUNK + 1));
    table.delete('d'); // a free id and a free chunk before the capture
    const capture = table.capture();
    assert.deepEqual(capture.collections, [set]);
    const before = readCapture(capture);
    // Same-class overwrites, deletes, a collection replaced by a string, new keys that would
    // take freed ids and chunks, enough of them to grow the entry arrays.
    table.set('a', 'ONE');
    table.delete('b');
    table.set('c', 'now a string');
    table.delete('big');
    for (let i = 0; i < 100; i++) table.set(`n${i}`, 'two');
    table.set('b', 'two again');
    table.set('big', 'y'.repeat(MAX_CHUNK + 1));
    assert.deepEqual(readCapture(capture), before);
    table.clear();
    table.set('a', 'after clear');
    assert.deepEqual(readCapture(capture), before);
    table.release(capture);
    assert.equal(table.get('a'), 'after clear');
    table.set('a', 'AFTER CLEAR');
    assert.equal(table.get('a'), 'AFTER CLEAR');
  });

  it('adopts another table whole, leaving both usable and apart, and keeps a capture intact', () => {
    const rng = new SeededRng(11);
    const live = new KeyTable();
    for (let i = 0; i < 300; i++) live.set(`old${i}`, randomBytes(rng, rng.int(300)));
    const capture = live.capture();
    const captured = readCapture(capture);
    const decoded = new KeyTable();
    const model = new Map<string, Value>();
    const set = new SetValue();
    set.members.add('m');
    decoded.set('coll', set);
    model.set('coll', set);
    for (let i = 0; i < 500; i++) {
      const value = randomBytes(rng, [0, 9, 200, MAX_CHUNK + 1][i % 4] as number);
      decoded.set(`k${i}`, value);
      model.set(`k${i}`, value);
    }
    // Deletes leave free chunks and ids: the adopting table must take its free lists along.
    for (let i = 0; i < 500; i += 3) {
      decoded.delete(`k${i}`);
      model.delete(`k${i}`);
    }
    live.adopt(decoded);
    assert.deepEqual(sortedEntries(live), sortedMap(model));
    assert.equal(live.size, model.size);
    assert.equal(decoded.size, 0);
    assert.deepEqual([...decoded], []);
    assert.deepEqual(readCapture(capture), captured);
    live.release(capture);
    // Both go on independently: writes to one never show in the other.
    for (let i = 0; i < 400; i++) {
      const value = randomBytes(rng, rng.int(300));
      live.set(`new${i}`, value);
      model.set(`new${i}`, value);
      decoded.set(`other${i}`, 'x');
      if (i % 2 === 0) {
        live.delete(`k${i + 1}`);
        model.delete(`k${i + 1}`);
      }
    }
    assert.deepEqual(sortedEntries(live), sortedMap(model));
    assert.equal(decoded.size, 400);
    assert.equal(decoded.get('other7'), 'x');
    assert.equal(live.get('other7'), undefined);
    assert.throws(() => live.adopt(withCapture(decoded)), /captured table/);
  });

  it('adopts a table in the middle of a resize', () => {
    // The 769th key grows 1,024 slots to 2,048, which takes 32 operations to move: the decoded
    // table is handed over with most of its keys still in the old slots. The adopting table
    // has been through that same resize itself, to the end: it must take over the decoded
    // table's progress, not keep its own.
    const decoded = new KeyTable();
    for (let i = 0; i < 770; i++) decoded.set(`k${i}`, `v${i}`);
    const live = new KeyTable();
    for (let i = 0; i < 800; i++) live.set(`gone${i}`, 'x');
    live.adopt(decoded);
    assert.equal(live.size, 770);
    for (let i = 0; i < 770; i++) assert.equal(live.get(`k${i}`), `v${i}`);
    for (let i = 0; i < 770; i += 2) assert.equal(live.delete(`k${i}`), true);
    for (let i = 0; i < 770; i++)
      assert.equal(live.get(`k${i}`), i % 2 === 0 ? undefined : `v${i}`);
    assert.equal(live.get('gone1'), undefined);
    decoded.set('k1', 'apart');
    assert.equal(live.get('k1'), 'v1');
  });

  it('keeps one long probe run whole through resizes, deletes and reused ids', () => {
    // One hash for all: every key is in one run that crosses the point up to which a resize
    // has moved the slots; deletes leave marks in the old slots and free ids that new keys
    // take while old slots still name them.
    const same = 777;
    const table = new KeyTable();
    const model = new Map<string, string>();
    const rng = new SeededRng(23);
    for (let step = 0; step < 6000; step++) {
      const key = `c${rng.int(400)}`;
      if (rng.int(3) === 0) {
        assert.equal(table.delete(key, same), model.delete(key));
      } else {
        const value = `v${step}`;
        assert.equal(table.set(key, value, same), !model.has(key));
        model.set(key, value);
      }
      const probe = `c${rng.int(400)}`;
      assert.equal(table.get(probe, same), model.get(probe));
      assert.equal(table.size, model.size);
    }
    assert.deepEqual(sortedEntries(table), sortedMap(model));
  });

  it('can be cleared or captured in the middle of a resize', () => {
    const table = new KeyTable();
    for (let i = 0; i < 770; i++) table.set(`k${i}`, `v${i}`); // a resize under way
    table.clear();
    assert.equal(table.get('k5'), undefined);
    for (let i = 0; i < 770; i++) table.set(`n${i}`, `w${i}`); // the same resize again
    const model = new Map<string, Value>([...table]);
    const capture = table.capture();
    const atCapture = sortedMap(model);
    // Deletes of moved and unmoved keys, overwrites, and new keys that would take their ids.
    for (let i = 0; i < 770; i += 2) {
      table.delete(`n${i}`);
      model.delete(`n${i}`);
    }
    for (let i = 1; i < 770; i += 4) {
      table.set(`n${i}`, 'changed');
      model.set(`n${i}`, 'changed');
    }
    for (let i = 0; i < 500; i++) {
      table.set(`m${i}`, 'new');
      model.set(`m${i}`, 'new');
    }
    assert.deepEqual(readCapture(capture), atCapture);
    table.release(capture);
    assert.deepEqual(sortedEntries(table), sortedMap(model));
    for (const key of model.keys()) assert.equal(table.get(key), model.get(key));
  });

  it('serves every capture from its own moment', () => {
    const rng = new SeededRng(5);
    const table = new KeyTable();
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const model = new Map<string, Value>();
    const churn = (): void => {
      for (let step = 0; step < 2000; step++) {
        const key = keys[rng.int(keys.length)] as string;
        if (rng.int(3) === 0) {
          table.delete(key);
          model.delete(key);
        } else {
          const value = randomBytes(rng, rng.int(300));
          table.set(key, value);
          model.set(key, value);
        }
      }
    };
    churn();
    const first = table.capture();
    const atFirst = sortedMap(model);
    churn();
    const second = table.capture();
    const atSecond = sortedMap(model);
    churn();
    assert.deepEqual(readCapture(first), atFirst);
    assert.deepEqual(readCapture(second), atSecond);
    table.release(first);
    churn();
    assert.deepEqual(readCapture(second), atSecond);
    table.release(second);
    table.release(second); // twice: no effect
    churn(); // chunks and ids freed during the captures are in use again
    assert.deepEqual(sortedEntries(table), sortedMap(model));
  });

  it('randomKey picks only live keys, and each of them', () => {
    const table = new KeyTable();
    const rng = new SeededRng(11);
    assert.equal(table.randomKey(rng), undefined);
    for (let i = 0; i < 200; i++) table.set(`k${i}`, 'v');
    for (let i = 0; i < 195; i++) table.delete(`k${i}`);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const key = table.randomKey(rng);
      assert.ok(key !== undefined && table.has(key));
      seen.add(key);
    }
    assert.equal(seen.size, 5);
  });
});
