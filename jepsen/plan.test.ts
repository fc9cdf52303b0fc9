import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ALL_NEMESES } from './nemesis.js';
import { planRuns, runName, USAGE, type PlanOptions } from './plan.js';
import { WORKLOADS } from './runner.js';

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

test('the usage names every workload and nemesis', () => {
  for (const name of [...WORKLOADS, ...ALL_NEMESES])
    assert.match(USAGE, new RegExp(`\\b${name}\\b`));
});

test('the CLI answers --help with the usage and a bad option with the usage and exit 2', () => {
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.equal(help.stdout, USAGE);
  for (const args of [['--bogus'], ['--nemesis', 'kill-everything'], ['--durability', 'tape']]) {
    const bad = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    assert.equal(bad.status, 2, args.join(' '));
    assert.ok(bad.stderr.startsWith('jepsen: '), bad.stderr);
    assert.ok(bad.stderr.endsWith(USAGE), bad.stderr);
  }
});

test('run directories: named by workload and nemeses, "all" for every one, never too long', () => {
  assert.equal(runName('register', []), 'register-none');
  assert.equal(runName('set', ['kill-one', 'pause-one']), 'set-kill-one+pause-one');
  assert.equal(runName('bank', [...ALL_NEMESES]), 'bank-all');
  const most = ALL_NEMESES.slice(1);
  const others = ALL_NEMESES.slice(0, -1);
  for (const w of WORKLOADS) {
    for (const set of [most, others]) {
      const name = runName(w, set);
      assert.ok(Buffer.byteLength(name) <= 120, name);
      assert.ok(name.startsWith(`${w}-${set[0] ?? ''}+`), name);
    }
    assert.notEqual(runName(w, most), runName(w, others));
  }
});
