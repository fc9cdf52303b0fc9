import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryEvent } from './history.js';
import { pairOperations } from './history.js';
import { classifyError } from './recorder.js';
import { faultWindows, htmlReport, textReport, type RunSummary } from './report.js';

const events: HistoryEvent[] = [
  { process: 0, type: 'invoke', f: 'write', key: 'k<1>', value: 'a', timeNs: 0 },
  { process: 0, type: 'ok', f: 'write', key: 'k<1>', value: 'a', timeNs: 1e9 },
  { process: -1, type: 'invoke', f: 'kill-one', key: '', value: null, timeNs: 2e9 },
  { process: -1, type: 'ok', f: 'kill-one', key: '', value: 'killed node 2', timeNs: 2e9 },
  { process: 1, type: 'invoke', f: 'write', key: 'k<1>', value: 'b', timeNs: 2.5e9 },
  {
    process: 1,
    type: 'info',
    f: 'write',
    key: 'k<1>',
    value: 'b',
    timeNs: 3e9,
    error: 'Command timed out',
  },
  { process: -1, type: 'invoke', f: 'heal', key: '', value: null, timeNs: 4e9 },
  { process: -1, type: 'ok', f: 'heal', key: '', value: 'healed', timeNs: 4e9 },
  { process: 2, type: 'invoke', f: 'read', key: 'k<1>', value: null, timeNs: 5e9 },
  { process: 2, type: 'ok', f: 'read', key: 'k<1>', value: 'zz', timeNs: 6e9 },
];

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    workload: 'register',
    nemeses: ['kill-one'],
    seed: 3,
    nodes: 3,
    durationMs: 6000,
    faults: 1,
    check: { valid: false, lines: ['linearizability: illegal'], details: {} },
    highlight: [4],
    command: 'npm run jepsen -- --seed 3',
    ...overrides,
  };
}

test('fault windows run from injection to the heal that ends them', () => {
  assert.deepEqual(faultWindows(pairOperations(events)), [
    { name: 'kill-one', what: 'killed node 2', startNs: 2e9, endNs: 4e9 },
  ]);
});

test('text report: counts, availability per window, reproduction line, verdict', () => {
  const text = textReport(summary(), pairOperations(events));
  assert.match(text, /operations: 3 \(ok 2, fail 0, info\/unknown 1\)/);
  assert.match(text, /F1 2\.0s\.\.4\.0s kill-one: killed node 2 \(0\.0% answered of 1\)/);
  assert.match(text, /reproduce: npm run jepsen -- --seed 3/);
  assert.match(text, /RESULT: INVALID \(anomalies found\)/);
  const crashed = textReport(
    summary({
      check: { valid: true, lines: [], details: {} },
      crashes: [{ id: 2, code: 1, signal: null }],
    }),
    pairOperations(events),
  );
  assert.match(crashed, /node 2 CRASHED/);
  assert.match(crashed, /RESULT: INVALID \(a node crashed\)/);
});

test('HTML report: escaped, anomaly ops in a table and outlined, faults labelled', () => {
  const html = htmlReport(summary(), pairOperations(events), events);
  assert.ok(!html.includes('k<1>'), 'keys are escaped');
  assert.match(html, /<td>#4<\/td><td>p2<\/td><td>read<\/td><td>k&lt;1&gt;<\/td>/);
  assert.match(html, /stroke="#000"/);
  assert.match(html, /kill-one: killed node 2/);
  assert.match(html, /class="bad">RESULT: INVALID/);
  const clean = htmlReport(
    summary({ check: { valid: true, lines: [], details: {} }, highlight: [] }),
    pairOperations(events),
    events,
  );
  assert.match(clean, /No anomaly/);
  assert.ok(!clean.includes('stroke="#000"'));
});

test('errors that prove nothing ran are failures; anything else on a write is unknown', () => {
  const write = (message: string): string => classifyError(new Error(message), false).type;
  assert.equal(write('CLUSTERDOWN No Raft leader'), 'fail');
  assert.equal(write('TRYAGAIN Raft log is full, retry later'), 'fail');
  assert.equal(write("Stream isn't writeable and enableOfflineQueue options is false"), 'fail');
  assert.equal(
    write('UNKNOWN write outcome unknown (timed out); it may have been applied'),
    'info',
  );
  assert.equal(write('Command timed out'), 'info');
  assert.equal(write('Connection is closed.'), 'info');
  assert.equal(
    classifyError(new Error('Command timed out'), true).type,
    'fail',
    'reads change nothing',
  );
});

// Regression: the first 10-minute run (register, 5 nodes, ~290,000 events) crashed the report
// with "Maximum call stack size exceeded" (Math.max over a spread of every event).
test('HTML report of a long history renders', () => {
  const long: HistoryEvent[] = [];
  for (let i = 0; i < 150_000; i++) {
    long.push({ process: i % 6, type: 'invoke', f: 'read', key: 'k', value: null, timeNs: 2 * i });
    long.push({ process: i % 6, type: 'ok', f: 'read', key: 'k', value: null, timeNs: 2 * i + 1 });
  }
  const html = htmlReport(summary({ highlight: [] }), pairOperations(long), long);
  assert.match(html, /<svg width=/);
});
