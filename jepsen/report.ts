/** Text and HTML reports of a harness run. */
import type { HistoryEvent, Operation } from './history.js';
import { NEMESIS_PROCESS } from './nemesis.js';
import type { CheckSummary } from './workloads/workload.js';

export interface RunSummary {
  readonly workload: string;
  readonly nemeses: readonly string[];
  readonly seed: number;
  readonly nodes: number;
  readonly durationMs: number;
  readonly faults: number;
  readonly check: CheckSummary;
  readonly highlight: readonly number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function textReport(summary: RunSummary, operations: readonly Operation[]): string {
  const clientOps = operations.filter((op) => op.process !== NEMESIS_PROCESS);
  const count = (status: string): number => clientOps.filter((op) => op.status === status).length;
  const latencies = clientOps
    .filter((op) => op.status === 'ok')
    .map((op) => (op.returnNs - op.callNs) / 1e6)
    .sort((a, b) => a - b);
  const lines = [
    `memlayer consistency run: workload=${summary.workload} nodes=${summary.nodes} seed=${summary.seed}`,
    `nemeses: ${summary.nemeses.join(', ') || 'none'}; faults injected: ${summary.faults}; duration ${(summary.durationMs / 1000).toFixed(1)} s`,
    `operations: ${clientOps.length} (ok ${count('ok')}, fail ${count('fail')}, info ${count('info')})`,
    `latency ms: p50 ${percentile(latencies, 50).toFixed(2)}, p99 ${percentile(latencies, 99).toFixed(2)}, max ${percentile(latencies, 100).toFixed(2)}`,
    ...availability(operations),
    ...summary.check.lines,
    `RESULT: ${summary.check.valid === true ? 'VALID (no anomalies)' : summary.check.valid === 'unknown' ? 'UNKNOWN (checker gave up: not a pass)' : 'INVALID (anomalies found)'}`,
  ];
  return lines.join('\n') + '\n';
}

/** Share of client ops that succeeded inside fault windows versus outside them. */
function availability(operations: readonly Operation[]): string[] {
  const windows = operations
    .filter((op) => op.process === NEMESIS_PROCESS && op.f !== 'heal')
    .map((op) => [op.callNs, nextHeal(operations, op.callNs)] as const);
  const inFault = (t: number): boolean => windows.some(([a, b]) => t >= a && t <= b);
  const clientOps = operations.filter((op) => op.process !== NEMESIS_PROCESS);
  const rate = (ops: readonly Operation[]): string =>
    ops.length === 0
      ? 'n/a'
      : `${((100 * ops.filter((o) => o.status === 'ok').length) / ops.length).toFixed(1)}% ok of ${ops.length}`;
  return [
    `availability during faults: ${rate(clientOps.filter((op) => inFault(op.callNs)))}`,
    `availability outside faults: ${rate(clientOps.filter((op) => !inFault(op.callNs)))}`,
  ];
}

function nextHeal(operations: readonly Operation[], afterNs: number): number {
  const heal = operations.find(
    (op) => op.process === NEMESIS_PROCESS && op.f === 'heal' && op.callNs >= afterNs,
  );
  return heal?.callNs ?? Infinity;
}

const COLORS: Record<string, string> = { ok: '#3a7', fail: '#d55', info: '#e9a23b' };

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

/** One SVG lane per process; fault windows shaded; ops of a found anomaly outlined. */
export function htmlReport(
  summary: RunSummary,
  operations: readonly Operation[],
  events: readonly HistoryEvent[],
): string {
  const endNs = Math.max(1, ...events.map((e) => e.timeNs));
  const processes = [
    ...new Set(operations.filter((o) => o.process !== NEMESIS_PROCESS).map((o) => o.process)),
  ].sort((a, b) => a - b);
  const width = 1400;
  const lane = 14;
  const x = (ns: number): number => (Math.min(ns, endNs) / endNs) * width;
  const highlight = new Set(summary.highlight);
  const shades = operations
    .filter((op) => op.process === NEMESIS_PROCESS && op.f !== 'heal')
    .map((op) => {
      const end = nextHeal(operations, op.callNs);
      return `<rect x="${x(op.callNs)}" y="0" width="${Math.max(1, x(end) - x(op.callNs))}" height="${processes.length * lane}" fill="#fdd" ><title>${escapeHtml(`${op.f}: ${String(op.output)}`)}</title></rect>`;
    });
  const bars = operations
    .filter((op) => op.process !== NEMESIS_PROCESS)
    .map((op) => {
      const y = processes.indexOf(op.process) * lane + 2;
      const stroke = highlight.has(op.id) ? ' stroke="#000" stroke-width="2"' : '';
      const title = escapeHtml(
        `#${op.id} p${op.process} ${op.f} ${op.key} ${JSON.stringify(op.input)} -> ${op.status} ${JSON.stringify(op.output ?? op.error ?? null)}`,
      );
      return `<rect x="${x(op.callNs)}" y="${y}" width="${Math.max(1, x(op.returnNs) - x(op.callNs))}" height="${lane - 4}" fill="${COLORS[op.status] ?? '#999'}"${stroke}><title>${title}</title></rect>`;
    });
  const text = escapeHtml(textReport(summary, operations));
  return `<!doctype html><html><head><meta charset="utf-8"><title>memlayer ${escapeHtml(summary.workload)} run</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em}svg{border:1px solid #ccc}</style></head>
<body><h1>memlayer consistency run: ${escapeHtml(summary.workload)}</h1><pre>${text}</pre>
<p>Timeline: one lane per client process; green ok, red fail, orange unknown (info); shaded: fault windows; outlined: operations of an anomaly. Hover for details.</p>
<svg width="${width}" height="${processes.length * lane}" xmlns="http://www.w3.org/2000/svg">${shades.join('')}${bars.join('')}</svg>
<h2>Checker details</h2><pre>${escapeHtml(JSON.stringify(summary.check.details, replacer, 1).slice(0, 200_000))}</pre></body></html>`;
}

function replacer(_key: string, value: unknown): unknown {
  return value === Infinity ? 'Infinity' : value;
}
