import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairOperations, type HistoryEvent } from '../history.js';
import { checkLinearizable } from './linearizable.js';
import { registerModel } from './models.js';
import { SeededRng } from '../../src/shared/effects.js';

type Step = [process: number, type: HistoryEvent['type'], f: string, value: unknown];

/** Builds a history with one time unit per event, in the order given. */
function history(steps: readonly Step[], key = 'k'): HistoryEvent[] {
  return steps.map(([process, type, f, value], i) => ({ process, type, f, key, value, timeNs: i }));
}

function verdict(steps: readonly Step[]): string {
  return checkLinearizable(registerModel, pairOperations(history(steps))).verdict;
}

test('sequential write then read of the value is linearizable', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'a'],
      [0, 'ok', 'write', 'a'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 'a'],
    ]),
    'ok',
  );
});

test('stale read after an acknowledged write is illegal', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'a'],
      [0, 'ok', 'write', 'a'],
      [0, 'invoke', 'write', 'b'],
      [0, 'ok', 'write', 'b'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 'a'],
    ]),
    'illegal',
  );
});

test('a read concurrent with a write may see either value', () => {
  const base: Step[] = [
    [0, 'invoke', 'write', 'a'],
    [0, 'ok', 'write', 'a'],
    [0, 'invoke', 'write', 'b'],
    [1, 'invoke', 'read', null],
  ];
  assert.equal(verdict([...base, [1, 'ok', 'read', 'a'], [0, 'ok', 'write', 'b']]), 'ok');
  assert.equal(verdict([...base, [1, 'ok', 'read', 'b'], [0, 'ok', 'write', 'b']]), 'ok');
});

test('lost write: a later read misses an acknowledged write', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'x'],
      [0, 'ok', 'write', 'x'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    ]),
    'illegal',
  );
});

test('an unknown write may or may not have happened', () => {
  const base: Step[] = [
    [0, 'invoke', 'write', 'a'],
    [0, 'ok', 'write', 'a'],
    [0, 'invoke', 'write', 'b'],
    [0, 'info', 'write', 'b'],
  ];
  assert.equal(verdict([...base, [1, 'invoke', 'read', null], [1, 'ok', 'read', 'a']]), 'ok');
  assert.equal(verdict([...base, [1, 'invoke', 'read', null], [1, 'ok', 'read', 'b']]), 'ok');
});

// Regression (found by the first single-node run): a pending CAS whose expected value never
// held could be placed nowhere, and the search reported the whole key illegal.
test('an unknown cas that could never apply may simply not have happened', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'cas', ['zz', 'b']],
      [0, 'info', 'cas', ['zz', 'b']],
      [1, 'invoke', 'write', 'a'],
      [1, 'ok', 'write', 'a'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 'a'],
    ]),
    'ok',
  );
  // ...but an unknown op does not excuse a stale read of a returned one.
  assert.equal(
    verdict([
      [0, 'invoke', 'cas', ['zz', 'b']],
      [0, 'info', 'cas', ['zz', 'b']],
      [1, 'invoke', 'write', 'a'],
      [1, 'ok', 'write', 'a'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    ]),
    'illegal',
  );
});

test('aborted read: a failed write must not be observed', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'a'],
      [0, 'fail', 'write', 'a'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 'a'],
    ]),
    'illegal',
  );
});

test('split brain: two clients each read their own write back after both acknowledged', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'a'],
      [1, 'invoke', 'write', 'b'],
      [0, 'ok', 'write', 'a'],
      [1, 'ok', 'write', 'b'],
      [0, 'invoke', 'read', null],
      [0, 'ok', 'read', 'a'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 'b'],
    ]),
    'illegal',
  );
});

test('duplicate apply: a value written once reappears after being overwritten', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', 'a'],
      [0, 'ok', 'write', 'a'],
      [1, 'invoke', 'write', 'b'],
      [1, 'ok', 'write', 'b'],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 'b'],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 'a'],
    ]),
    'illegal',
  );
});

test('compare-and-set succeeds only on the expected value', () => {
  assert.equal(
    verdict([
      [0, 'invoke', 'write', '1'],
      [0, 'ok', 'write', '1'],
      [1, 'invoke', 'cas', ['1', '2']],
      [1, 'ok', 'cas', ['1', '2']],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', '2'],
    ]),
    'ok',
  );
  assert.equal(
    verdict([
      [0, 'invoke', 'write', '1'],
      [0, 'ok', 'write', '1'],
      [1, 'invoke', 'cas', ['3', '2']],
      [1, 'ok', 'cas', ['3', '2']],
    ]),
    'illegal',
  );
});

test('illegal results name the operations that could not be placed', () => {
  const result = checkLinearizable(
    registerModel,
    pairOperations(
      history([
        [0, 'invoke', 'write', 'a'],
        [0, 'ok', 'write', 'a'],
        [1, 'invoke', 'read', null],
        [1, 'ok', 'read', 'z'],
      ]),
    ),
  );
  const key = result.keys[0];
  assert.ok(key);
  assert.equal(key.verdict, 'illegal');
  assert.deepEqual(
    key.stuckAt?.map((op) => op.f),
    ['read'],
  );
});

/**
 * Generated histories: simulate a linearizable register with random concurrency (each op takes
 * effect at a random instant inside its interval) — always ok; then corrupt one read — the
 * checker must find it illegal whenever the corrupted value was never written.
 */
test('generated linearizable histories pass and corrupted ones fail', () => {
  const rng = new SeededRng(7);
  for (let round = 0; round < 60; round++) {
    const events = generate(rng, 4, 30);
    assert.equal(
      checkLinearizable(registerModel, pairOperations(events)).verdict,
      'ok',
      `round ${round}`,
    );
    const reads = events.filter((e) => e.type === 'ok' && e.f === 'read');
    const victim = reads[rng.int(reads.length)];
    if (victim === undefined) continue;
    const corrupted = events.map((e) => (e === victim ? { ...e, value: 'never-written' } : e));
    assert.equal(
      checkLinearizable(registerModel, pairOperations(corrupted)).verdict,
      'illegal',
      `round ${round}`,
    );
  }
});

function generate(rng: SeededRng, processes: number, opsPerProcess: number): HistoryEvent[] {
  // Each op: call at t, effect at t + d1, return at t + d1 + d2, times in a shared timeline.
  interface Pending {
    process: number;
    f: string;
    value: string | null;
    call: number;
    effect: number;
    ret: number;
  }
  const ops: Pending[] = [];
  for (let p = 0; p < processes; p++) {
    let t = rng.int(5);
    for (let i = 0; i < opsPerProcess; i++) {
      const call = t;
      const effect = call + 1 + rng.int(10);
      const ret = effect + 1 + rng.int(10);
      const write = rng.float() < 0.5;
      ops.push({
        process: p,
        f: write ? 'write' : 'read',
        value: write ? `v${p}-${i}` : null,
        call,
        effect,
        ret,
      });
      t = ret + 1 + rng.int(3);
    }
  }
  // Apply in effect order to learn what each read saw (ties broken by process id).
  let state: string | null = null;
  for (const op of [...ops].sort((a, b) => a.effect - b.effect || a.process - b.process)) {
    if (op.f === 'write') state = op.value;
    else op.value = state;
  }
  const events: (HistoryEvent & { order: number })[] = [];
  for (const op of ops) {
    events.push({
      process: op.process,
      type: 'invoke',
      f: op.f,
      key: 'k',
      value: op.f === 'write' ? op.value : null,
      timeNs: op.call * 2,
      order: 0,
    });
    events.push({
      process: op.process,
      type: 'ok',
      f: op.f,
      key: 'k',
      value: op.value,
      timeNs: op.ret * 2 + 1,
      order: 1,
    });
  }
  return events.sort((a, b) => a.timeNs - b.timeNs);
}

// Regression: naming the stuck ops of an illegal key used Math.min over a spread of the key's
// remaining ops, which overflows the call stack on a long history.
test('an illegal key with a very long history is reported, not a stack overflow', () => {
  const steps: Step[] = [
    [0, 'invoke', 'write', 'a'],
    [0, 'ok', 'write', 'a'],
    [1, 'invoke', 'read', null],
    [1, 'ok', 'read', 'zz'],
  ];
  for (let i = 0; i < 150_000; i++) steps.push([2, 'invoke', 'read', null], [2, 'ok', 'read', 'a']);
  const result = checkLinearizable(registerModel, pairOperations(history(steps)));
  assert.equal(result.verdict, 'illegal');
  assert.equal(result.keys[0]?.stuckAt?.[0]?.id, 1);
});
