import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../history.js';
import { checkListAppend, type MicroOp } from './list-append.js';

let nextId = 0;
function txn(
  status: Operation['status'],
  micro: MicroOp[],
  callNs: number,
  returnNs: number,
): Operation {
  const input = micro.map((m) => (m[0] === 'r' ? (['r', m[1], null] as const) : m));
  return {
    id: nextId++,
    process: nextId,
    f: 'txn',
    key: '',
    input,
    output: status === 'ok' ? micro : undefined,
    status,
    callNs,
    returnNs,
  };
}

test('a serial history of appends and reads has no anomaly', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 1),
    txn(
      'ok',
      [
        ['r', 'x', ['1']],
        ['append', 'x', '2'],
      ],
      2,
      3,
    ),
    txn('ok', [['r', 'x', ['1', '2']]], 4, 5),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
  assert.equal(result.valid, true);
});

test('G0: write cycle — two transactions append to two keys in opposite orders', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['append', 'x', '2'],
        ['append', 'y', '2'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', ['1', '2']],
        ['r', 'y', ['2', '1']],
      ],
      20,
      21,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('G0'), result.anomalyTypes.join());
});

test('G1a: reading an append of a failed transaction', () => {
  const result = checkListAppend([
    txn('fail', [['append', 'x', '1']], 0, 1),
    txn('ok', [['r', 'x', ['1']]], 2, 3),
  ]);
  assert.ok(result.anomalyTypes.includes('G1a'));
});

test('G1b: reading an intermediate state of another transaction', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'x', '2'],
      ],
      0,
      10,
    ),
    txn('ok', [['r', 'x', ['1']]], 0, 10),
  ]);
  assert.ok(result.anomalyTypes.includes('G1b'));
});

test('G-single: read skew across two keys', () => {
  // T1 appends to x and y atomically; T2 sees T1's y but not T1's x.
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'x', '1'],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', []],
        ['r', 'y', ['1']],
      ],
      0,
      10,
    ),
    txn('ok', [['r', 'x', ['1']]], 20, 21),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single'), result.anomalyTypes.join());
});

test("G2: write skew — each transaction misses the other one's append", () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['r', 'x', []],
        ['append', 'y', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'y', []],
        ['append', 'x', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'x', ['1']],
        ['r', 'y', ['1']],
      ],
      20,
      21,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('G2'), result.anomalyTypes.join());
});

test('stale read: a transaction that began after an append completed misses it', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 1),
    txn('ok', [['r', 'x', []]], 5, 6),
    txn('ok', [['r', 'x', ['1']]], 7, 8),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single-realtime'), result.anomalyTypes.join());
});

test('incompatible orders and duplicated elements are reported', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'x', '1']], 0, 10),
    txn('ok', [['append', 'x', '2']], 0, 10),
    txn('ok', [['r', 'x', ['1', '2']]], 11, 12),
    txn('ok', [['r', 'x', ['2', '1']]], 13, 14),
    txn('ok', [['r', 'x', ['1', '1']]], 15, 16),
  ]);
  assert.ok(result.anomalyTypes.includes('incompatible-order'));
  assert.ok(result.anomalyTypes.includes('duplicate-elements'));
});

test('an unknown-outcome append that was read counts as committed', () => {
  const result = checkListAppend([
    txn('info', [['append', 'x', '1']], 0, Infinity),
    txn('ok', [['r', 'x', ['1']]], 2, 3),
  ]);
  assert.equal(result.valid, true);
});

/**
 * Deterministic pseudo-random numbers for generated histories: a 32-bit LCG, high bits only
 * (its low bits repeat with short periods).
 */
function lcg(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 16) % n;
  };
}

/** `count` serial one-append transactions on keys of their own, starting at `fromNs`. */
function fillers(count: number, fromNs: number): Operation[] {
  return Array.from({ length: count }, (_, i) =>
    txn('ok', [['append', `filler:${i % 100}`, String(i)]], fromNs + 2 * i, fromNs + 2 * i + 1),
  );
}

for (const fillerCount of [5_990, 6_000, 20_000]) {
  test(`a stale read is found among ${fillerCount} unrelated transactions`, () => {
    const result = checkListAppend([
      txn('ok', [['append', 'a', '1']], 0, 10),
      txn('ok', [['r', 'a', []]], 20, 30),
      ...fillers(fillerCount, 100),
      txn('ok', [['r', 'a', ['1']]], 100 + 2 * fillerCount, 101 + 2 * fillerCount),
    ]);
    assert.deepEqual(result.anomalyTypes, ['G-single-realtime']);
  });
}

test('a read that saw an append and a later read that lost it, past 6,000 transactions', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['r', 'a', ['1']]], 20, 30),
    ...fillers(6_000, 100),
    txn('ok', [['r', 'a', []]], 20_000, 20_001),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single-realtime'), result.anomalyTypes.join());
});

test('real time: an unknown transaction follows what completed before its invocation', () => {
  // T1 appended and returned before the unknown T2 began; a read saw T2's append before T1's.
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('info', [['append', 'b', '2']], 20, Infinity),
    txn(
      'ok',
      [
        ['r', 'b', ['2']],
        ['r', 'a', []],
      ],
      30,
      40,
    ),
    txn('ok', [['r', 'a', ['1']]], 50, 60),
  ]);
  assert.ok(result.anomalyTypes.includes('G-single-realtime'), result.anomalyTypes.join());
});

test('real time: an unknown transaction may take effect long after it was invoked', () => {
  // The unknown append to a is invoked first but applied after the read that missed it.
  const result = checkListAppend([
    txn('info', [['append', 'a', '1']], 0, Infinity),
    txn('ok', [['r', 'a', []]], 10, 20),
    txn('ok', [['r', 'a', ['1']]], 30, 40),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
});

test('real time: transactions that overlap, or touch at one instant, are concurrent', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['r', 'a', []]], 10, 20),
    txn('ok', [['append', 'b', '1']], 30, 50),
    txn('ok', [['r', 'b', []]], 40, 60),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['r', 'b', ['1']],
      ],
      70,
      80,
    ),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
});

/**
 * A strictly serializable history: each transaction takes effect at one instant inside its
 * interval, on `concurrency` processes. Some outcomes are unknown (a few of those never take
 * effect); keys retire after 32 appends, as in the workload; a final read covers every key.
 */
function serializableHistory(count: number, concurrency: number, seed: number): Operation[] {
  const random = lcg(seed);
  const cursorNs = new Array<number>(concurrency).fill(0);
  const state = new Map<string, string[]>();
  const planned: { op: Operation; micro: MicroOp[]; atNs: number; applied: boolean }[] = [];
  let value = 0;
  let nextKey = 8;
  const active = Array.from({ length: 8 }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const process = i % concurrency;
    const callNs = (cursorNs[process] ?? 0) + 1 + random(5);
    const returnNs = callNs + 1 + random(40);
    cursorNs[process] = returnNs;
    const micro: MicroOp[] = [];
    for (let m = 1 + random(4); m > 0; m--) {
      const slot = random(active.length);
      const key = `k${active[slot] ?? 0}`;
      if (random(2) === 0) micro.push(['r', key, null]);
      else {
        micro.push(['append', key, String(value++)]);
        if (value % 32 === 0) active[slot] = nextKey++;
      }
    }
    const unknown = random(20) === 0;
    const status = unknown ? 'info' : 'ok';
    const op = txn(status, micro, callNs, unknown ? Infinity : returnNs);
    const atNs = callNs + (returnNs - callNs) * ((1 + random(999)) / 1000);
    planned.push({ op, micro, atNs, applied: !unknown || random(2) === 0 });
  }
  const history: Operation[] = [];
  for (const { op, micro, applied } of [...planned].sort((a, b) => a.atNs - b.atNs)) {
    if (!applied) {
      history.push(op);
      continue;
    }
    const output = micro.map((m): MicroOp => {
      const list = state.get(m[1]) ?? [];
      if (m[0] === 'r') return ['r', m[1], [...list]];
      state.set(m[1], [...list, m[2]]);
      return m;
    });
    history.push(op.status === 'ok' ? { ...op, output } : op);
  }
  const endNs = Math.max(...cursorNs) + 1_000;
  const keys = Array.from({ length: nextKey }, (_, k) => `k${k}`);
  const final = keys.map((k): MicroOp => ['r', k, [...(state.get(k) ?? [])]]);
  history.push(txn('ok', final, endNs, endNs + 10));
  return history.sort((a, b) => a.id - b.id);
}

test('a generated strictly serializable history of 20,000 transactions is valid', () => {
  const history = serializableHistory(20_000, 10, 7);
  const startedMs = performance.now();
  const result = checkListAppend(history);
  const elapsedMs = performance.now() - startedMs;
  assert.deepEqual(result.anomalyTypes, []);
  assert.equal(result.transactions, 20_001);
  assert.ok(elapsedMs < 20_000, `took ${Math.round(elapsedMs)} ms`);
});

test('the generated history with one read made stale is invalid', () => {
  const history = serializableHistory(20_000, 10, 7);
  // Drop the last element of a late single-key read whose last appender returned before it began.
  const byId = new Map(history.map((op) => [op.id, op]));
  const writerOf = new Map<string, Operation>();
  for (const op of history)
    for (const m of op.input as MicroOp[]) if (m[0] === 'append') writerOf.set(m[2], op);
  const victim = history.slice(15_000).find((op) => {
    const out = op.output as MicroOp[] | undefined;
    if (out?.length !== 1 || out[0]?.[0] !== 'r') return false;
    const last = out[0][2]?.at(-1);
    const w = last === undefined ? undefined : writerOf.get(last);
    return w !== undefined && w.returnNs < op.callNs;
  });
  assert.ok(victim, 'no suitable read');
  const read = (victim.output as MicroOp[])[0] as MicroOp;
  const stale: Operation = { ...victim, output: [['r', read[1], (read[2] ?? []).slice(0, -1)]] };
  byId.set(victim.id, stale);
  const result = checkListAppend([...byId.values()]);
  assert.ok(
    result.anomalyTypes.some((t) => t.endsWith('-realtime')),
    result.anomalyTypes.join(),
  );
});

test('lost append: an acknowledged append that no read saw is missing from the final read', () => {
  const append = txn('ok', [['append', 'a', '1']], 0, 10);
  const final = txn('ok', [['r', 'a', []]], 20, 30);
  const result = checkListAppend([append, final]);
  assert.deepEqual(result.anomalyTypes, ['lost-append']);
  assert.deepEqual(result.anomalies[0]?.ops, [append.id, final.id]);
  assert.match(result.anomalies[0]?.detail ?? '', /append of 1 to a, acknowledged/);
});

test('lost append: the final read holds a later append but not an earlier one', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['append', 'a', '2']], 20, 30),
    txn('ok', [['r', 'a', ['2']]], 40, 50),
  ]);
  assert.ok(result.anomalyTypes.includes('lost-append'), result.anomalyTypes.join());
  assert.equal(result.anomalies.filter((a) => a.type === 'lost-append').length, 1);
  assert.match(result.anomalies.find((a) => a.type === 'lost-append')?.detail ?? '', /of 1 to a/);
});

test('lost append: reads that began last together are all checked; a value is named once', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'a', '1'],
        ['append', 'b', '1'],
      ],
      0,
      10,
    ),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['r', 'b', []],
      ],
      20,
      30,
    ),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['r', 'b', []],
      ],
      20,
      35,
    ),
  ]);
  assert.deepEqual(result.anomalyTypes, ['lost-append']);
  assert.equal(result.anomalies.length, 1);
  assert.match(result.anomalies[0]?.detail ?? '', /of 1 to b/);
});

test('a final read missing a value that a later final read holds is a stale read, not a loss', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['r', 'a', []]], 20, 30),
    txn('ok', [['r', 'a', ['1']]], 40, 50),
  ]);
  assert.deepEqual(result.anomalyTypes, ['G-single-realtime']);
});

test('lost append: an unknown append that a read saw must be in the final read', () => {
  const result = checkListAppend([
    txn('info', [['append', 'a', '1']], 0, Infinity),
    txn('ok', [['r', 'a', ['1']]], 10, 20),
    txn('ok', [['r', 'a', []]], 30, 40),
  ]);
  assert.ok(result.anomalyTypes.includes('lost-append'), result.anomalyTypes.join());
  assert.match(result.anomalies.find((a) => a.type === 'lost-append')?.detail ?? '', /, read/);
});

test('no lost append: unknown appends nobody read, failed appends, appends not yet acknowledged', () => {
  const result = checkListAppend([
    txn('info', [['append', 'a', '1']], 0, Infinity),
    txn('fail', [['append', 'a', '2']], 0, 5),
    txn('ok', [['append', 'b', '1']], 0, 100),
    txn(
      'ok',
      [
        ['r', 'a', []],
        ['r', 'b', []],
      ],
      10,
      20,
    ),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
});

test('internal: an acknowledged transaction that does not see its own append', () => {
  const result = checkListAppend([
    txn(
      'ok',
      [
        ['append', 'a', '1'],
        ['r', 'a', []],
      ],
      0,
      10,
    ),
    txn('ok', [['r', 'a', ['1']]], 20, 30),
  ]);
  assert.ok(result.anomalyTypes.includes('internal'), result.anomalyTypes.join());
  assert.match(
    result.anomalies.find((a) => a.type === 'internal')?.detail ?? '',
    /read a as \[\] where .* ends with \[1\]/,
  );
});

test('internal: two reads of one key in one transaction disagree', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['r', 'a', []],
      ],
      20,
      30,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('internal'), result.anomalyTypes.join());
});

test('internal: a read after a read and an append must be exactly the two', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['append', 'a', '3']], 0, 10),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['append', 'a', '2'],
        ['r', 'a', ['1', '3', '2']],
      ],
      20,
      30,
    ),
  ]);
  assert.ok(result.anomalyTypes.includes('internal'), result.anomalyTypes.join());
});

test('internal: reads that follow the transaction’s own operations are consistent', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '0']], 0, 10),
    txn(
      'ok',
      [
        ['append', 'a', '1'],
        ['append', 'a', '2'],
        ['r', 'a', ['0', '1', '2']],
        ['append', 'a', '3'],
        ['r', 'a', ['0', '1', '2', '3']],
        ['r', 'b', null],
      ],
      20,
      30,
    ),
    txn(
      'ok',
      [
        ['r', 'a', ['0', '1', '2', '3']],
        ['r', 'b', []],
      ],
      40,
      50,
    ),
  ]);
  assert.deepEqual(result.anomalyTypes, []);
});

test('never-appended: a read of a value no transaction appended', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'a', '1']], 0, 10),
    txn('ok', [['r', 'a', ['1', 'zz']]], 20, 30),
    txn('ok', [['r', 'a', ['1', 'zz']]], 40, 50),
  ]);
  assert.deepEqual(result.anomalyTypes, ['never-appended']);
  assert.equal(result.anomalies.length, 1);
  assert.match(result.anomalies[0]?.detail ?? '', /read zz of a, which no transaction appended/);
});

test('never-appended: a value appended to another key does not count', () => {
  const result = checkListAppend([
    txn('ok', [['append', 'b', '1']], 0, 10),
    txn(
      'ok',
      [
        ['r', 'a', ['1']],
        ['r', 'b', ['1']],
      ],
      20,
      30,
    ),
  ]);
  assert.deepEqual(result.anomalyTypes, ['never-appended']);
});
