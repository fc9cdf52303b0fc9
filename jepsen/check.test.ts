import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryEvent } from './history.js';

const check = fileURLToPath(new URL('./check.js', import.meta.url));

/** A valid register history over one key, its final read included. */
const events: HistoryEvent[] = [
  { process: 0, type: 'invoke', f: 'write', key: 'reg:0', value: 'a', timeNs: 0 },
  { process: 0, type: 'ok', f: 'write', key: 'reg:0', value: 'a', timeNs: 10 },
  ...Array.from({ length: 5 }, (_, i): HistoryEvent[] => [
    { process: 100_000, type: 'invoke', f: 'read', key: `reg:${i}`, value: 'final', timeNs: 20 },
    {
      process: 100_000,
      type: 'ok',
      f: 'read',
      key: `reg:${i}`,
      value: i === 0 ? 'a' : null,
      timeNs: 30,
    },
  ]).flat(),
];

function recheck(history: Record<string, unknown>): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-jepsen-check-'));
  try {
    const path = join(dir, 'history.json');
    writeFileSync(path, JSON.stringify({ workload: 'register', nodes: 3, events, ...history }));
    return spawnSync(process.execPath, [check, path], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('jepsen:check reports the crashes the run recorded: INVALID, the node named, exit 1', () => {
  const clean = recheck({});
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /RESULT: VALID/);
  const crashed = recheck({ crashes: [{ id: 2, code: 134, signal: null }] });
  assert.equal(crashed.status, 1, crashed.stdout + crashed.stderr);
  assert.match(crashed.stdout, /node 2 CRASHED \(exit code 134, signal null\)/);
  assert.match(crashed.stdout, /RESULT: INVALID \(a node crashed\)/);
});

test('jepsen:check keeps the network and disk of the run in its header', () => {
  const saved = recheck({ network: 'netns', disk: 'lazyfs' });
  assert.match(saved.stdout, /nodes=3 network=netns disk=lazyfs /);
  // Older histories: the network from the reproduce command, the disk not guessed.
  const older = recheck({ command: 'npm run jepsen -- --seed 1 --net netns' });
  assert.match(older.stdout, /network=netns disk=not recorded /);
});

test('jepsen:check refuses malformed crashes with exit 2', () => {
  for (const crashes of [{ id: 2 }, [{ id: 'two', code: 1, signal: null }], [null]]) {
    const r = recheck({ crashes });
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /crashes must be a list of \{id, code, signal\}/);
  }
});

test('jepsen:check refuses a completion that does not match its invoke, or precedes it, with exit 2', () => {
  const [invoke, done] = events as [HistoryEvent, HistoryEvent, ...HistoryEvent[]];
  const rest = events.slice(2);
  const cases: [HistoryEvent, RegExp][] = [
    [
      { ...done, f: 'read', key: 'reg:1', value: 'zz' },
      /completion ok read "reg:1" does not match its invoke write "reg:0"/,
    ],
    [{ ...done, key: 'reg:1' }, /does not match its invoke write "reg:0"/],
    [{ ...done, timeNs: -5 }, /process 0 at -5 ns: write completed before its invoke at 0 ns/],
  ];
  for (const [completion, message] of cases) {
    const r = recheck({ events: [invoke, completion, ...rest] });
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /malformed history: /);
    assert.match(r.stderr, message);
  }
});
