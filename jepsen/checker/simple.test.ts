import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operationsOn, type Operation } from './testing.js';
import { checkSet } from './set.js';
import { checkCounter } from './counter.js';
import { checkBank } from './bank.js';
import { checkTensor } from './tensor.js';
import { registerWorkload } from '../workloads/register.js';
import { counterWorkload } from '../workloads/counter.js';
import { bankWorkload } from '../workloads/bank.js';

const op = operationsOn('k');

test('set: every acknowledged add in the final read is valid; unknown adds may appear', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('add', 'info', 'b', undefined, 2, Infinity),
    op('read', 'ok', 'final', ['a', 'b'], 10, 11),
  ]);
  assert.equal(result.valid, true);
  assert.equal(result.recovered, 1);
});

test('set: a lost acknowledged add and an unexpected element are reported', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('add', 'ok', 'b', undefined, 2, 3),
    op('read', 'ok', 'final', ['a', 'zz'], 10, 11),
  ]);
  assert.equal(result.valid, false);
  assert.deepEqual(result.lost, ['b']);
  assert.deepEqual(result.unexpected, ['zz']);
});

test('set: a read missing an add acknowledged before it began is stale', () => {
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('read', 'ok', null, [], 2, 3),
    op('read', 'ok', 'final', ['a'], 10, 11),
  ]);
  assert.equal(result.staleReads, 1);
  assert.equal(result.valid, false);
});

test('set: a read is stale only for missing adds to the key it read; final reads cover all keys', () => {
  const on = (key: string, o: Operation): Operation => ({ ...o, key });
  const adds = [
    on('s:0', op('add', 'ok', 'a', undefined, 0, 1)),
    on('s:1', op('add', 'ok', 'b', undefined, 2, 3)),
  ];
  const fresh = checkSet([
    ...adds,
    on('s:1', op('read', 'ok', null, ['b'], 4, 5)),
    on('*', op('read', 'ok', 'final', ['a', 'b'], 10, 11)),
  ]);
  assert.equal(fresh.staleReads, 0);
  assert.equal(fresh.valid, true);
  const stale = checkSet([
    ...adds,
    on('s:0', op('read', 'ok', null, [], 4, 5)),
    // A final read on one node that misses `a`, then a complete one on another.
    on('*', op('read', 'ok', 'final', ['b'], 10, 11)),
    on('*', op('read', 'ok', 'final', ['a', 'b'], 12, 13)),
  ]);
  assert.equal(stale.staleReads, 2);
  assert.equal(stale.valid, false);
});

test('set: an add that failed (definitely not done) but is present is reported', () => {
  const result = checkSet([
    op('add', 'fail', 'a', undefined, 0, 1),
    op('read', 'ok', 'final', ['a'], 10, 11),
  ]);
  assert.equal(result.valid, false);
  assert.deepEqual(result.failedPresent, ['a']);
});

test('set: lost adds and stale reads name their operations', () => {
  const op = operationsOn('k', 100);
  const result = checkSet([
    op('add', 'ok', 'a', undefined, 0, 1),
    op('read', 'ok', null, [], 2, 3),
    op('read', 'ok', 'final', [], 10, 11),
  ]);
  assert.deepEqual(result.lostOps, [100]);
  assert.deepEqual(result.staleReadOps, [101, 102]);
});

test('set: without a final read the run proves nothing and is not valid', () => {
  assert.equal(checkSet([op('add', 'ok', 'a', undefined, 0, 1)]).valid, false);
});

test('set: every read, not only the last final one, is checked for unexpected and failed elements', () => {
  const on = (key: string, o: Operation): Operation => ({ ...o, key });
  const adds = [
    on('s:0', op('add', 'ok', 'e1', undefined, 0, 1)),
    on('s:0', op('add', 'fail', 'f1', undefined, 2, 3)),
  ];
  const good = on('*', op('read', 'ok', 'final', ['e1'], 20, 21));
  const cases: [string, Operation[], string][] = [
    // A diverged replica's final read, followed by a good one.
    ['unexpected', [on('*', op('read', 'ok', 'final', ['e1', 'zz'], 10, 11)), good], 'zz'],
    ['failed-but-present', [on('*', op('read', 'ok', 'final', ['e1', 'f1'], 10, 11)), good], 'f1'],
    ['failed-but-present', [on('s:0', op('read', 'ok', null, ['e1', 'f1'], 5, 6)), good], 'f1'],
    ['unexpected', [on('s:0', op('read', 'ok', null, ['e1', 'zz'], 5, 6)), good], 'zz'],
  ];
  assert.equal(checkSet([...adds, good]).valid, true);
  for (const [kind, reads, element] of cases) {
    const result = checkSet([...adds, ...reads]);
    assert.equal(result.valid, false, kind);
    assert.equal(result.anomalies[0]?.kind, kind);
    assert.equal(result.anomalies[0]?.element, element);
    assert.equal(result.anomalies[0]?.ops[0], reads[0]?.id);
  }
});

test('set: every final read must hold every add known to have happened', () => {
  const adds = [
    op('add', 'ok', 'a', undefined, 0, 1),
    op('add', 'info', 'b', undefined, 2, Infinity),
  ];
  // A diverged replica's final read misses an acknowledged add; the last one has it.
  const diverged = checkSet([
    ...adds,
    op('read', 'ok', 'final', [], 10, 11),
    op('read', 'ok', 'final', ['a'], 12, 13),
  ]);
  assert.deepEqual(diverged.lost, ['a']);
  assert.equal(diverged.valid, false);
  // An unknown add that a read saw happened: missing afterwards, it was lost.
  const seenThenLost = checkSet([
    ...adds,
    op('read', 'ok', null, ['a', 'b'], 4, 5),
    op('read', 'ok', 'final', ['a'], 10, 11),
  ]);
  assert.deepEqual(seenThenLost.lost, ['b']);
  assert.equal(seenThenLost.valid, false);
  assert.equal(checkSet([...adds, op('read', 'ok', 'final', ['a'], 10, 11)]).valid, true);
  // An unknown add that commits between two nodes' final reads: the earlier one began before
  // anything showed it had happened, so missing it there is no loss.
  const lateCommit = checkSet([
    ...adds,
    op('read', 'ok', 'final', ['a'], 10, 11),
    op('read', 'ok', 'final', ['a', 'b'], 12, 13),
  ]);
  assert.deepEqual(lateCommit.lost, []);
  assert.equal(lateCommit.valid, true);
});

test('set: a read missing what an earlier read saw, a read from the future and a duplicate are anomalies', () => {
  const final = op('read', 'ok', 'final', ['a'], 50, 51);
  const add = op('add', 'ok', 'a', undefined, 0, 100);
  const unseen = checkSet([
    add,
    op('read', 'ok', null, ['a'], 10, 20),
    op('read', 'ok', null, [], 30, 40),
    final,
  ]);
  assert.equal(unseen.staleReads, 1);
  assert.equal(unseen.valid, false);
  assert.equal(
    checkSet([
      add,
      op('read', 'ok', null, [], 10, 20),
      op('read', 'ok', null, ['a'], 30, 40),
      final,
    ]).valid,
    true,
  );
  const future = checkSet([
    op('read', 'ok', null, ['a'], 0, 5),
    op('add', 'ok', 'a', undefined, 10, 11),
    final,
  ]);
  assert.equal(future.prematureReads, 1);
  assert.equal(future.anomalies[0]?.kind, 'premature');
  assert.equal(future.valid, false);
  const duplicate = checkSet([add, op('read', 'ok', 'final', ['a', 'a'], 200, 201)]);
  assert.equal(duplicate.duplicateReads, 1);
  assert.equal(duplicate.valid, false);
  const malformed = checkSet([add, final, op('read', 'ok', null, 'a', 200, 201)]);
  assert.equal(malformed.malformedReads.length, 1);
  assert.equal(malformed.valid, false);
});

test('set: an element whose add failed once and then succeeded is not failed-but-present', () => {
  const result = checkSet([
    op('add', 'fail', 'a', undefined, 0, 1),
    op('add', 'ok', 'a', undefined, 2, 3),
    op('read', 'ok', 'final', ['a'], 10, 11),
  ]);
  assert.deepEqual(result.failedPresent, []);
  assert.equal(result.valid, true);
});

test('counter: reads inside [acknowledged, attempted] bounds pass, others fail', () => {
  const base = [
    op('add', 'ok', 2, undefined, 0, 1),
    op('add', 'info', 5, undefined, 2, Infinity),
    op('read', 'ok', 'final', 2, 10, 11),
  ];
  assert.equal(checkCounter([...base, op('read', 'ok', null, 2, 3, 4)]).valid, true);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 7, 3, 4)]).valid, true);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 1, 3, 4)]).valid, false);
  assert.equal(checkCounter([...base, op('read', 'ok', null, 8, 3, 4)]).valid, false);
});

test('counter: bounds match a read-by-read recount on random histories, ties at the edges included', () => {
  let seed = 7;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const ops: Operation[] = [];
    for (let i = 0; i < 60; i++) {
      // Coarse times (0..39) so that a read often starts or ends exactly when an add does.
      const call = next(40);
      const ret = call + next(5);
      const kind = next(10);
      if (kind < 6) {
        const status = (['ok', 'ok', 'info', 'fail'] as const)[next(4)] ?? 'ok';
        ops.push(
          op('add', status, 1 + next(3), undefined, call, status === 'info' ? Infinity : ret),
        );
      } else {
        ops.push(op('read', 'ok', null, next(60), call, ret));
      }
    }
    const result = checkCounter(ops);
    // The definition, read by read: acknowledged adds that returned before the read began,
    // and every add not known to have failed that began before the read returned.
    const expected = ops
      .filter((r) => r.f === 'read')
      .flatMap((r) => {
        let lower = 0;
        let upper = 0;
        for (const a of ops) {
          if (a.f !== 'add' || a.status === 'fail') continue;
          if (a.status === 'ok' && a.returnNs < r.callNs) lower += Number(a.input);
          if (a.callNs < r.returnNs) upper += Number(a.input);
        }
        const value = Number(r.output);
        return value >= lower && value <= upper ? [] : [{ read: value, lower, upper, opId: r.id }];
      });
    assert.deepEqual(result.errors, expected, `round ${round}`);
  }
});

test('bank: totals must be constant and balances non-negative', () => {
  assert.equal(checkBank([op('read', 'ok', 'final', { a: 5, b: 5 }, 0, 1)], 10).valid, true);
  const wrong = checkBank([op('read', 'ok', null, { a: 5, b: 4 }, 0, 1)], 10);
  assert.equal(wrong.wrongTotal.length, 1);
  const negative = checkBank([op('read', 'ok', null, { a: 11, b: -1 }, 0, 1)], 10);
  assert.equal(negative.valid, false);
  assert.equal(negative.negative[0]?.account, 'b');
});

test('tensor: final values within acknowledged and unknown adds, per element, are valid', () => {
  const adds = [
    op('add', 'ok', [1, 0, 2], undefined, 0, 1),
    op('add', 'info', [0, 5, 1], undefined, 2, Infinity),
    op('add', 'fail', [9, 9, 9], undefined, 2, 3),
  ];
  const withoutUnknown = checkTensor([...adds, op('read', 'ok', 'final', [1, 0, 2], 10, 11)], 3);
  assert.equal(withoutUnknown.valid, true);
  assert.deepEqual(withoutUnknown.acknowledgedSum, [1, 0, 2]);
  const withUnknown = checkTensor([...adds, op('read', 'ok', 'final', [1, 5, 3], 10, 11)], 3);
  assert.equal(withUnknown.valid, true);
});

test('tensor: a lost add, a failed add applied, a torn read and diverging finals are caught', () => {
  const adds = [
    op('add', 'ok', [1, 0, 2], undefined, 0, 1),
    op('add', 'fail', [9, 9, 9], undefined, 2, 3),
  ];
  const lost = checkTensor([...adds, op('read', 'ok', 'final', [0, 0, 2], 10, 11)], 3);
  assert.equal(lost.valid, false);
  assert.deepEqual(
    lost.errors.map((e) => [e.element, e.read, e.lower, e.upper]),
    [[0, 0, 1, 1]],
  );
  const failedApplied = checkTensor([...adds, op('read', 'ok', 'final', [10, 9, 11], 10, 11)], 3);
  assert.equal(failedApplied.errors.length, 3);
  const torn = checkTensor([...adds, op('read', 'ok', 'final', [1, 0], 10, 11)], 3);
  assert.equal(torn.malformedReads.length, 1);
  assert.equal(torn.valid, false);
  const diverging = checkTensor(
    [
      ...adds,
      op('add', 'info', [1, 1, 1], undefined, 4, Infinity),
      op('read', 'ok', 'final', [1, 0, 2], 10, 11),
      op('read', 'ok', 'final', [2, 1, 3], 12, 13),
    ],
    3,
  );
  assert.equal(diverging.errors.length, 0);
  assert.equal(diverging.divergentFinalReads.length, 1);
  assert.equal(diverging.valid, false);
  assert.equal(checkTensor(adds, 3).valid, false, 'no final read proves nothing');
});

test('tensor: a missing tensor reads as zeros, so it cannot hide a lost add', () => {
  const result = checkTensor(
    [op('add', 'ok', [1, 1], undefined, 0, 1), op('read', 'ok', 'final', null, 10, 11)],
    2,
  );
  assert.equal(result.valid, false);
});

test('register, counter and bank: a run whose final reads all failed (or are missing) is not valid', () => {
  const register = registerWorkload({ keys: 2, timeLimitMs: 1000 });
  const onKey = (key: string, o: Operation): Operation => ({ ...o, key });
  const written = [
    onKey('reg:0', op('write', 'ok', 'a', 'a', 0, 1)),
    onKey('reg:0', op('read', 'ok', null, 'a', 2, 3)),
  ];
  const finals = [
    onKey('reg:0', op('read', 'ok', 'final', 'a', 10, 11)),
    onKey('reg:1', op('read', 'ok', 'final', null, 12, 13)),
  ];
  assert.equal(register.check([...written, ...finals]).valid, true);
  for (const history of [
    [],
    written,
    [...written, ...finals.map((o) => ({ ...o, status: 'fail' as const, output: undefined }))],
    [...written, finals[0] as Operation],
  ]) {
    const r = register.check(history);
    assert.equal(r.valid, false, JSON.stringify(history));
    assert.match(r.lines.join('\n'), /no successful final read of reg:/);
  }
  // Histories recorded before final reads were marked: their final-read clients are
  // processes from 100,000.
  const unmarked = finals.map((o) => ({ ...o, input: null, process: 100_000 }));
  assert.equal(register.check([...written, ...unmarked]).valid, true);

  const counter = counterWorkload();
  const counted = [op('add', 'ok', 2, undefined, 0, 1), op('read', 'ok', null, 2, 2, 3)];
  assert.equal(counter.check([...counted, op('read', 'ok', 'final', 2, 10, 11)]).valid, true);
  for (const history of [
    [],
    counted,
    [...counted, op('read', 'fail', 'final', undefined, 10, 11)],
  ]) {
    const r = counter.check(history);
    assert.equal(r.valid, false);
    assert.match(r.lines.join('\n'), /no successful final read/);
  }

  const bank = bankWorkload();
  const balances = { 'bank:a': 20, 'bank:b': 20, 'bank:c': 20, 'bank:d': 20, 'bank:e': 20 };
  const read = op('read', 'ok', null, balances, 2, 3);
  assert.equal(bank.check([read, op('read', 'ok', 'final', balances, 10, 11)]).valid, true);
  for (const history of [[], [read], [read, op('read', 'fail', 'final', undefined, 10, 11)]]) {
    const r = bank.check(history);
    assert.equal(r.valid, false);
    assert.match(r.lines.join('\n'), /no successful final read/);
  }
});
