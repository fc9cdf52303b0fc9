/** The simulator's command line: bad options refused before any run, sizes 1 to 7 accepted. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./cli.js', import.meta.url));

function sim(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('sim cli: a cluster size outside 1 to 7, or not a number, is refused with exit 2', () => {
  for (const [value, message] of [
    ['8', /--nodes must be from 1 to 7, got 8/],
    ['0', /--nodes wants an integer >= 1, got 0/],
    ['two', /--nodes wants an integer >= 1, got two/],
    ['1.5', /--nodes wants an integer >= 1, got 1.5/],
  ] as const) {
    const { status, out } = sim('--nodes', value);
    assert.equal(status, 2, out);
    assert.match(out, message);
    assert.doesNotMatch(out, /seeds from/, 'no run started');
  }
  const missing = sim('--nodes');
  assert.equal(missing.status, 2);
  assert.match(missing.out, /--nodes needs a value/);
});

test('sim cli: an unknown mutation is refused with the known ones, the new one among them', () => {
  const { status, out } = sim('--mutation', 'nope');
  assert.equal(status, 2);
  assert.match(out, /unknown mutation nope; one of .*loneVoterReadsAtOnce/);
});

test('sim cli: one node runs, and the lone-voter mutation fails it with a replay command', () => {
  const clean = sim('--nodes', '1', '--seed', '5', '--steps', '4000');
  assert.equal(clean.status, 0, clean.out);
  assert.match(clean.out, /ok: 1 seeds from 5, 0 failing/);
  const broken = sim('--nodes', '1', '--seed', '5', '--mutation', 'loneVoterReadsAtOnce');
  assert.equal(broken.status, 1, broken.out);
  assert.match(broken.out, /FAILED seed 5 \(1 nodes, 4000 steps\): linearizability/);
  assert.match(
    broken.out,
    /replay: npm run sim -- --seed 5 --nodes 1 --steps 4000 --mutation loneVoterReadsAtOnce/,
  );
});
