import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_NEMESES } from './nemesis.js';
import { planRuns, type PlanOptions } from './plan.js';

const none: PlanOptions = {
  long: false,
  workload: undefined,
  nemesis: undefined,
  nodes: undefined,
  timeLimit: undefined,
  parallel: undefined,
};

test('a plain run: one register run with the default nemeses, 3 nodes, 60 s', () => {
  const plan = planRuns(none);
  assert.deepEqual(plan.runs, [{ workload: 'register', nemeses: ['partition-one', 'kill-one'] }]);
  assert.equal(plan.nodes, 3);
  assert.equal(plan.timeLimitS, 60);
  assert.equal(plan.parallel, 1);
});

test('--long alone: every nemesis with each of register, set and tensor, alone, 10 min, 5 nodes', () => {
  const plan = planRuns({ ...none, long: true });
  assert.equal(plan.runs.length, 3 * ALL_NEMESES.length);
  for (const w of ['register', 'set', 'tensor'] as const)
    assert.deepEqual(
      plan.runs.filter((r) => r.workload === w).map((r) => r.nemeses),
      ALL_NEMESES.map((n) => [n]),
    );
  assert.equal(plan.nodes, 5);
  assert.equal(plan.timeLimitS, 600);
});

test('--long with --nemesis and --workload runs just those pairs; --parallel is read', () => {
  const plan = planRuns({
    ...none,
    long: true,
    workload: 'bank',
    nemesis: 'pause-one,clock-skew',
    parallel: '2',
  });
  assert.deepEqual(plan.runs, [
    { workload: 'bank', nemeses: ['pause-one'] },
    { workload: 'bank', nemeses: ['clock-skew'] },
  ]);
  assert.equal(plan.parallel, 2);
});

test('bad options are refused with the option named', () => {
  assert.throws(() => planRuns({ ...none, nemesis: 'partition-everything' }), /unknown nemesis/);
  assert.throws(() => planRuns({ ...none, workload: 'queue' }), /unknown workload/);
  assert.throws(() => planRuns({ ...none, parallel: '0' }), /--parallel/);
  assert.throws(() => planRuns({ ...none, parallel: '1.5' }), /--parallel/);
  assert.throws(() => planRuns({ ...none, nodes: 'x' }), /--nodes/);
});
