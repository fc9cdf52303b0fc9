/**
 * `npm run jepsen:check -- path/to/history.json [--html out.html]`: re-checks a recorded
 * history (exit 0 valid, 1 anomalies or inconclusive, 2 bad input) and optionally renders the
 * HTML report again (e.g. after a checker fix). The node crashes the run recorded count as
 * they did in the run: a crash makes the verdict INVALID whatever the checker says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pairOperations, type HistoryEvent } from './history.js';
import { htmlReport, textReport, type NodeCrash, type RunSummary } from './report.js';
import { highlightIds, recheck, WORKLOADS, type WorkloadName } from './runner.js';

interface SavedHistory {
  workload: string;
  nemeses?: string[];
  seed?: number;
  nodes?: number;
  concurrency?: number;
  durationMs?: number;
  faults?: number;
  command?: string;
  network?: string;
  disk?: string;
  crashes?: unknown;
  events: HistoryEvent[];
}

function fail(message: string): never {
  process.stderr.write(`jepsen:check: ${message}\n`);
  process.exit(2);
}

const [path, flag, htmlPath] = process.argv.slice(2);
if (path === undefined || (flag !== undefined && (flag !== '--html' || htmlPath === undefined)))
  fail('usage: npm run jepsen:check -- history.json [--html out.html]');
let saved: SavedHistory;
try {
  saved = JSON.parse(readFileSync(path, 'utf8')) as SavedHistory;
} catch (error) {
  fail(`cannot read ${path}: ${String(error)}`);
}
if (!WORKLOADS.includes(saved.workload as WorkloadName))
  fail(`unknown workload in history: ${String(saved.workload)}`);
if (!Array.isArray(saved.events)) fail('history has no events array');
const crashes = parseCrashes(saved.crashes);
let check;
try {
  check = recheck(saved.workload as WorkloadName, saved.events);
} catch (error) {
  fail(`malformed history: ${String(error)}`);
}
const summary: RunSummary = {
  workload: saved.workload,
  nemeses: saved.nemeses ?? [],
  seed: saved.seed ?? 0,
  nodes: saved.nodes ?? 0,
  durationMs: saved.durationMs ?? 0,
  faults: saved.faults ?? 0,
  // Histories written before the runner saved these: the network is in the reproduce command;
  // the disk is not, and is shown as not recorded rather than guessed.
  network: saved.network ?? (saved.command?.includes('--net netns') === true ? 'netns' : 'proxy'),
  disk: saved.disk ?? 'not recorded',
  check,
  highlight: highlightIds(check),
  crashes,
  ...(saved.command === undefined ? {} : { command: saved.command }),
  ...(saved.concurrency === undefined ? {} : { concurrency: saved.concurrency }),
};
const operations = pairOperations(saved.events);
process.stdout.write(textReport(summary, operations));
if (htmlPath !== undefined) writeFileSync(htmlPath, htmlReport(summary, operations, saved.events));
process.exit(check.valid === true && crashes.length === 0 ? 0 : 1);

/** The run's node crashes (absent in histories written before they were saved: none). */
function parseCrashes(value: unknown): NodeCrash[] {
  if (value === undefined) return [];
  const isCrash = (c: unknown): c is NodeCrash => {
    if (typeof c !== 'object' || c === null) return false;
    const { id, code, signal } = c as Record<string, unknown>;
    return (
      Number.isInteger(id) &&
      (code === null || typeof code === 'number') &&
      (signal === null || typeof signal === 'string')
    );
  };
  if (!Array.isArray(value) || !value.every(isCrash))
    fail(`crashes must be a list of {id, code, signal}, got ${JSON.stringify(value)}`);
  return value;
}
