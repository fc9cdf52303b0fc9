/**
 * The consistency harness end to end, as CI runs it: a real 3-node Raft cluster on loopback
 * (peer links through fault proxies), register (linearizability) and set workloads under
 * partition and kill -9 nemeses, all faults healed, final reads: zero anomalies allowed.
 * About 90 s in all. Then counter, bank, list-append and tensor briefly under a leader
 * partition and a leader kill; then the faults that act through the server (membership
 * replacement, crash before a synced write, clock skew) with pauses and leadership transfers.
 * Then a lone `--durability fsync` node under kill -9 must keep every
 * acknowledged write; and the converse, so this test can fail: a lone `--durability memory`
 * node killed with -9 loses acknowledged writes, and the harness must say so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHarness, type RunOptions } from './runner.js';

const bin = fileURLToPath(new URL('../../bin/memlayer.js', import.meta.url));

function options(dir: string, overrides: Partial<RunOptions>): RunOptions {
  return {
    workload: 'register',
    nemeses: ['partition-one', 'kill-one', 'partition-leader', 'kill-leader'],
    nodes: 3,
    concurrency: 5,
    timeLimitMs: 30_000,
    seed: 42,
    outDir: join(dir, overrides.workload ?? 'register'),
    bin,
    faultMs: 3_000,
    healMs: 3_000,
    opDelayMs: 10,
    commandTimeoutMs: 6_000,
    ...overrides,
  };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-jepsen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type TestContext = { after: (fn: () => void) => void; diagnostic: (message: string) => void };

/** Runs the harness in a temporary directory; the run must have no crash and check VALID. */
async function cleanRun(
  t: TestContext,
  overrides: Partial<RunOptions>,
): Promise<{ dir: string } & Awaited<ReturnType<typeof runHarness>>> {
  const dir = tempDir(t);
  const result = await runHarness(options(dir, overrides));
  t.diagnostic(result.report);
  assert.deepEqual(result.summary.crashes, [], result.report);
  assert.equal(result.summary.check.valid, true, result.report);
  return { dir, ...result };
}

for (const workload of ['register', 'set'] as const) {
  test(
    `${workload} on 3 nodes under partitions and kill -9: no anomalies`,
    { timeout: 180_000 },
    async (t) => {
      const { dir, summary } = await cleanRun(t, { workload });
      // The run really ran: faults were injected and healed, and the cluster did work.
      assert.ok(summary.faults >= 3, `only ${summary.faults} faults injected`);
      const history = JSON.parse(readFileSync(join(dir, workload, 'history.json'), 'utf8')) as {
        events: { process: number; type: string; f: string; value: unknown }[];
      };
      const faults = history.events.filter((e) => e.process === -1 && e.type === 'ok');
      assert.ok(
        faults.some((e) => e.f.startsWith('partition')) &&
          faults.some((e) => e.f.startsWith('kill')),
      );
      assert.equal(
        faults.filter((e) => e.f === 'heal').length,
        summary.faults,
        'every fault healed',
      );
      const oks = history.events.filter((e) => e.process >= 0 && e.type === 'ok').length;
      assert.ok(oks > 200, `only ${oks} operations succeeded`);
      // After the heal, a final read from every node (register: of each of its 5 keys).
      const finals = history.events.filter(
        (e) => e.f === 'read' && e.type === 'ok' && e.process >= 100_000,
      );
      assert.equal(finals.length, workload === 'set' ? 3 : 15, 'final reads on every node');
      assert.match(
        readFileSync(join(dir, workload, 'report.html'), 'utf8'),
        /VALID \(no anomalies\)/,
      );
    },
  );
}

// Replicas restored from snapshots must decide WATCH exactly as those that applied the log. A
// snapshot without the WATCH change indexes let replicas diverge: with them left out, this run
// found 100-131 negative balances in each of two tries (in one of two at 24 s).
test(
  'bank on 3 nodes, snapshots every 50 entries, members replaced and leaders killed: no anomalies',
  { timeout: 120_000 },
  async (t) => {
    const { summary, report } = await cleanRun(t, {
      workload: 'bank',
      nemeses: ['member-replace', 'kill-leader'],
      concurrency: 8,
      timeLimitMs: 40_000,
      faultMs: 2_000,
      healMs: 2_000,
      seed: 23,
      env: { MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '50', MEMLAYER_RAFT_TRAILING_ENTRIES: '5' },
    });
    assert.ok(summary.faults >= 2, report);
    assert.match(report, /member-replace: removed node \d+ \(disk wiped\)/, report);
  },
);

// The other workloads, shorter: each checker against a live cluster that loses its leader.
for (const workload of ['counter', 'bank', 'list-append', 'tensor'] as const) {
  test(
    `${workload} on 3 nodes under a leader partition and a leader kill: no anomalies`,
    { timeout: 120_000 },
    async (t) => {
      const { summary, report } = await cleanRun(t, {
        workload,
        nemeses: ['partition-leader', 'kill-leader'],
        timeLimitMs: 16_000,
      });
      assert.ok(summary.faults >= 2, report);
      assert.match(report, /^operations: \d+ \(ok [1-9]\d{1,}/m, report);
    },
  );
}

test(
  'register on 3 nodes under member replacement, clock skew, crash before sync, pauses and transfers: no anomalies',
  { timeout: 180_000 },
  async (t) => {
    const nemeses = [
      'member-replace',
      'crash-before-sync',
      'clock-skew',
      'pause-leader',
      'transfer-leader',
    ] as const;
    const { dir, report } = await cleanRun(t, {
      nemeses,
      timeLimitMs: 36_000,
      faultMs: 3_000,
      healMs: 3_000,
      seed: 11,
    });
    const history = JSON.parse(readFileSync(join(dir, 'register', 'history.json'), 'utf8')) as {
      events: { process: number; type: string; f: string; value: unknown }[];
    };
    const done = history.events.filter((e) => e.process === -1 && e.type === 'ok');
    const said = (f: string): string[] => done.filter((e) => e.f === f).map((e) => String(e.value));
    // Each fault really happened: a member left with its disk and a new one joined; a node
    // died at a synced write; clocks moved.
    assert.ok(
      said('member-replace').some((v) => /^removed node \d+ \(disk wiped\)$/.test(v)),
      report,
    );
    assert.ok(
      said('heal').some((v) => /added node \d+ \(empty disk\)/.test(v)),
      report,
    );
    assert.ok(
      said('crash-before-sync').some((v) => /crashed before a synced write/.test(v)),
      report,
    );
    assert.ok(
      said('clock-skew').some((v) => /^clocks /.test(v)),
      report,
    );
    // The final reads came from the replacement too (a member with a new id).
    const finals = history.events.filter(
      (e) => e.f === 'read' && e.type === 'ok' && e.process >= 100_000,
    );
    assert.equal(finals.length, 15, 'final reads of 5 keys on each of 3 members');
  },
);

test(
  'a lone durable node keeps every acknowledged write across kill -9',
  { timeout: 60_000 },
  async (t) => {
    const dir = tempDir(t);
    const { summary, report } = await runHarness(
      options(dir, {
        workload: 'set',
        nemeses: ['kill-one'],
        nodes: 1,
        timeLimitMs: 6_000,
        faultMs: 1_000,
        healMs: 1_500,
      }),
    );
    assert.equal(summary.check.valid, true, report);
    assert.ok(summary.faults >= 1, report);
    // Enough acknowledged adds that a lost one would show. A 2-core machine running two 5-node
    // clusters besides managed 25 (restarts then take seconds), so the floor is low.
    const details = summary.check.details as { acknowledged: number };
    assert.ok(details.acknowledged >= 10, report);
  },
);

test(
  'the harness reports lost writes: a lone in-memory node killed with -9',
  { timeout: 60_000 },
  async (t) => {
    const dir = tempDir(t);
    const { summary, report } = await runHarness(
      options(dir, {
        workload: 'set',
        nemeses: ['kill-one'],
        nodes: 1,
        durability: 'memory',
        timeLimitMs: 6_000,
        faultMs: 1_000,
        healMs: 1_500,
      }),
    );
    assert.equal(summary.check.valid, false, report);
    const details = summary.check.details as { lost: readonly string[] };
    assert.ok(details.lost.length > 0, report);
    assert.match(report, /RESULT: INVALID/);
    assert.ok(summary.highlight.length > 0, 'the lost adds are highlighted');
  },
);
