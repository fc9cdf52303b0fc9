/** `npm run jepsen:check -- path/to/history.json`: re-checks a recorded history. */
import { readFileSync } from 'node:fs';
import type { HistoryEvent } from './history.js';
import { recheck, WORKLOADS, type WorkloadName } from './runner.js';

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: npm run jepsen:check -- history.json\n');
  process.exit(2);
}
const saved = JSON.parse(readFileSync(path, 'utf8')) as {
  workload: string;
  events: HistoryEvent[];
};
if (!WORKLOADS.includes(saved.workload as WorkloadName)) {
  process.stderr.write(`unknown workload in history: ${saved.workload}\n`);
  process.exit(2);
}
const events = saved.events.map((e) => ({ ...e, timeNs: e.timeNs }));
const result = recheck(saved.workload as WorkloadName, events);
process.stdout.write(
  `${result.lines.join('\n')}\nRESULT: ${result.valid === true ? 'VALID' : result.valid === 'unknown' ? 'UNKNOWN' : 'INVALID'}\n`,
);
process.exit(result.valid === true ? 0 : 1);
