/**
 * Text and HTML reports of a harness run. The text report is what CI prints; the HTML page
 * adds a timeline (one lane per client process, fault windows as labelled bands, the ops of
 * an anomaly outlined) and, on failure, the ops of the anomaly as a table.
 */
import type { HistoryEvent, Operation } from './history.js';
import { NEMESIS_PROCESS } from './nemesis.js';
import type { CheckSummary } from './workloads/workload.js';

export interface NodeCrash {
  readonly id: number;
  readonly code: number | null;
  readonly signal: string | null;
}

export interface RunSummary {
  readonly workload: string;
  readonly nemeses: readonly string[];
  readonly seed: number;
  readonly nodes: number;
  /** How the nodes were joined and partitioned (absent: 'proxy'). */
  readonly network?: string;
  /** 'lazyfs' when the disks could lose unsynced data (absent: 'plain'). */
  readonly disk?: string;
  readonly durationMs: number;
  readonly faults: number;
  readonly check: CheckSummary;
  readonly highlight: readonly number[];
  /** The command line that reproduces the run. */
  readonly command?: string;
  /** Server processes that died without the harness killing them. */
  readonly crashes?: readonly NodeCrash[];
  /** Client workers: process p ran on worker p mod concurrency (one timeline lane each). */
  readonly concurrency?: number;
}

/** A fault window: from the nemesis' injection to the heal that ended it. */
export interface FaultWindow {
  readonly name: string;
  readonly what: string;
  readonly startNs: number;
  readonly endNs: number;
}

/** Errors that say the node did not answer (down, leaderless, timed out), as opposed to a
 * workload's own definite failure (a CAS that found another value). */
const UNAVAILABLE =
  /^(CLUSTERDOWN|TRYAGAIN|TIMEOUT|UNKNOWN|Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries)/;

export function isAnswered(op: Operation): boolean {
  return op.status === 'ok' || (op.status === 'fail' && !UNAVAILABLE.test(op.error ?? ''));
}

export function faultWindows(operations: readonly Operation[]): FaultWindow[] {
  const nemesis = operations.filter((op) => op.process === NEMESIS_PROCESS);
  return nemesis
    .filter((op) => op.f !== 'heal')
    .map((op) => ({
      name: op.f,
      what: String(op.output ?? op.error ?? ''),
      startNs: op.callNs,
      endNs: nemesis.find((h) => h.f === 'heal' && h.callNs >= op.callNs)?.returnNs ?? Infinity,
    }));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const seconds = (ns: number): string => (ns === Infinity ? 'end' : `${(ns / 1e9).toFixed(1)}s`);

function verdictLine(summary: RunSummary): string {
  if ((summary.crashes?.length ?? 0) > 0) return 'RESULT: INVALID (a node crashed)';
  const v = summary.check.valid;
  if (v === true) return 'RESULT: VALID (no anomalies)';
  if (v === 'unknown') return 'RESULT: UNKNOWN (checker gave up: not a pass)';
  return 'RESULT: INVALID (anomalies found)';
}

export function textReport(summary: RunSummary, operations: readonly Operation[]): string {
  const clientOps = operations.filter((op) => op.process !== NEMESIS_PROCESS);
  const count = (status: string): number => clientOps.filter((op) => op.status === status).length;
  const latencies = clientOps
    .filter((op) => op.status === 'ok')
    .map((op) => (op.returnNs - op.callNs) / 1e6)
    .sort((a, b) => a - b);
  const byF = new Map<string, number>();
  for (const op of clientOps) byF.set(op.f, (byF.get(op.f) ?? 0) + 1);
  const windows = faultWindows(operations);
  const lines = [
    `memlayer consistency run: workload=${summary.workload} nodes=${summary.nodes} network=${summary.network ?? 'proxy'} disk=${summary.disk ?? 'plain'} seed=${summary.seed}`,
    ...(summary.command === undefined ? [] : [`reproduce: ${summary.command}`]),
    `nemeses: ${summary.nemeses.join(', ') || 'none'}; faults injected: ${summary.faults}; duration ${(summary.durationMs / 1000).toFixed(1)} s`,
    `operations: ${clientOps.length} (ok ${count('ok')}, fail ${count('fail')}, info/unknown ${count('info')}); by kind: ${[...byF].map(([f, n]) => `${f} ${n}`).join(', ')}`,
    `latency ms (ok ops): p50 ${percentile(latencies, 50).toFixed(2)}, p95 ${percentile(latencies, 95).toFixed(2)}, p99 ${percentile(latencies, 99).toFixed(2)}, max ${percentile(latencies, 100).toFixed(2)}`,
    ...availability(clientOps, windows),
    ...windows.map(
      (w, i) =>
        `  F${i + 1} ${seconds(w.startNs)}..${seconds(w.endNs)} ${w.name}: ${w.what} (${rate(clientOps.filter((op) => op.callNs >= w.startNs && op.callNs <= w.endNs))})`,
    ),
    ...(summary.crashes ?? []).map(
      (c) =>
        `node ${c.id} CRASHED (exit code ${String(c.code)}, signal ${String(c.signal)}): see logs/n${c.id}.log`,
    ),
    ...summary.check.lines,
    verdictLine(summary),
  ];
  return lines.join('\n') + '\n';
}

function rate(ops: readonly Operation[]): string {
  if (ops.length === 0) return 'no ops';
  return `${((100 * ops.filter(isAnswered).length) / ops.length).toFixed(1)}% answered of ${ops.length}`;
}

/** Share of client ops the cluster answered inside fault windows versus outside them. */
function availability(clientOps: readonly Operation[], windows: readonly FaultWindow[]): string[] {
  const inFault = (t: number): boolean => windows.some((w) => t >= w.startNs && t <= w.endNs);
  return [
    `availability during faults: ${rate(clientOps.filter((op) => inFault(op.callNs)))}`,
    `availability outside faults: ${rate(clientOps.filter((op) => !inFault(op.callNs)))}`,
  ];
}

const COLORS = { ok: '#3a7d44', fail: '#c0392b', info: '#e69b00' } as const;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

function describe(op: Operation): string {
  const result = op.status === 'ok' ? JSON.stringify(op.output ?? null) : (op.error ?? op.status);
  return `#${op.id} p${op.process} ${op.f} ${op.key} ${JSON.stringify(op.input)} -> ${op.status} ${result}`;
}

interface Geometry {
  readonly width: number;
  readonly left: number;
  readonly lane: number;
  readonly top: number;
  readonly endNs: number;
}

function x(g: Geometry, ns: number): number {
  return g.left + (Math.min(ns, g.endNs) / g.endNs) * g.width;
}

/** Time ticks and fault bands above the lanes, shaded through them. */
function faultBands(g: Geometry, windows: readonly FaultWindow[], height: number): string[] {
  const out: string[] = [];
  const tickS = Math.max(1, Math.ceil(g.endNs / 1e9 / 20));
  for (let s = 0; s * 1e9 <= g.endNs; s += tickS)
    out.push(
      `<line x1="${x(g, s * 1e9)}" y1="${g.top - 4}" x2="${x(g, s * 1e9)}" y2="${g.top + height}" stroke="#eee"/><text x="${x(g, s * 1e9)}" y="12" font-size="10" text-anchor="middle">${s}s</text>`,
    );
  windows.forEach((w, i) => {
    const x0 = x(g, w.startNs);
    const width = Math.max(2, x(g, w.endNs) - x0);
    const label = escapeHtml(`${w.name}: ${w.what}`);
    out.push(
      `<rect x="${x0}" y="${g.top}" width="${width}" height="${height}" fill="#f9d6d5" opacity="0.6"><title>${label} (${seconds(w.startNs)}..${seconds(w.endNs)})</title></rect>`,
      `<text x="${x0 + 1}" y="${24 + (i % 2) * 10}" font-size="9" fill="#a33">F${i + 1}<title>${label}</title></text>`,
    );
  });
  return out;
}

/** One SVG lane per process; fault windows shaded; ops of a found anomaly outlined. */
export function htmlReport(
  summary: RunSummary,
  operations: readonly Operation[],
  events: readonly HistoryEvent[],
): string {
  const clientOps = operations.filter((o) => o.process !== NEMESIS_PROCESS);
  // One lane per worker (a worker continues as process p + concurrency after an unknown
  // outcome); the final reads (processes from 100000) get lanes of their own.
  const workers = summary.concurrency;
  const laneKey = (p: number): number =>
    workers !== undefined && workers > 0 && p < 100_000 ? p % workers : p;
  const processes = [...new Set(clientOps.map((o) => laneKey(o.process)))].sort((a, b) => a - b);
  const g: Geometry = {
    width: 1300,
    left: 50,
    lane: 12,
    top: 40,
    // A loop, not Math.max(...spread): a long run's history overflows the call stack.
    endNs: events.reduce((max, e) => Math.max(max, e.timeNs), 1),
  };
  const height = processes.length * g.lane;
  const highlight = new Set(summary.highlight);
  const laneOf = new Map(processes.map((p, i) => [p, i]));
  const labels = processes.map(
    (p, i) =>
      `<text x="${g.left - 4}" y="${g.top + i * g.lane + g.lane - 3}" font-size="9" text-anchor="end">${p >= 100_000 ? 'final' : workers === undefined ? `p${p}` : `w${p}`}</text>`,
  );
  const bars = clientOps.map((op) => {
    const y = g.top + (laneOf.get(laneKey(op.process)) ?? 0) * g.lane + 1;
    const stroke = highlight.has(op.id) ? ' stroke="#000" stroke-width="2"' : '';
    return `<rect x="${x(g, op.callNs)}" y="${y}" width="${Math.max(1, x(g, op.returnNs) - x(g, op.callNs))}" height="${g.lane - 2}" fill="${COLORS[op.status]}"${stroke}><title>${escapeHtml(describe(op))}</title></rect>`;
  });
  const anomalyOps = clientOps.filter((op) => highlight.has(op.id));
  const anomalyTable =
    anomalyOps.length === 0
      ? '<p>No anomaly: nothing to highlight.</p>'
      : `<p>The operations below are those the checker could not explain (outlined in black on the timeline).</p><table><tr><th>op</th><th>process</th><th>kind</th><th>key</th><th>input</th><th>status</th><th>result / error</th><th>call</th><th>return</th></tr>${anomalyOps
          .slice(0, 500)
          .map(
            (op) =>
              `<tr><td>#${op.id}</td><td>p${op.process}</td><td>${escapeHtml(op.f)}</td><td>${escapeHtml(op.key)}</td><td>${escapeHtml(JSON.stringify(op.input))}</td><td class="${op.status}">${op.status}</td><td>${escapeHtml(op.status === 'ok' ? JSON.stringify(op.output ?? null) : (op.error ?? ''))}</td><td>${seconds(op.callNs)}</td><td>${seconds(op.returnNs)}</td></tr>`,
          )
          .join('')}</table>`;
  const text = escapeHtml(textReport(summary, operations));
  const verdict = verdictLine(summary);
  const verdictClass = verdict.includes('VALID (no') ? 'good' : 'bad';
  return `<!doctype html><html><head><meta charset="utf-8"><title>memlayer ${escapeHtml(summary.workload)} run</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1450px}pre{background:#f6f6f6;padding:1em;overflow-x:auto}
svg{border:1px solid #ccc;background:#fff}.good{color:#3a7d44}.bad{color:#c0392b}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}td.ok{color:#3a7d44}td.fail{color:#c0392b}td.info{color:#e69b00}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}</style></head>
<body><h1>memlayer consistency run: ${escapeHtml(summary.workload)}, ${summary.nodes} node(s)</h1>
<h2 class="${verdictClass}">${escapeHtml(verdict)}</h2>
<h2>Summary</h2><pre>${text}</pre>
<h2>Timeline</h2>
<p class="legend">One lane per client worker (w0, w1, ...; after an unknown outcome a worker goes on as a new process, as in Jepsen) and one per final read; x is time since the run began; F1, F2, ... are the fault windows listed in the summary.
<span style="background:${COLORS.ok}"></span>ok <span style="background:${COLORS.fail}"></span>failed (did not happen)
<span style="background:${COLORS.info}"></span>unknown outcome (runs to the end) <span style="background:#f9d6d5"></span>fault window
<span style="border:2px solid #000"></span>op of an anomaly. Hover a bar for the operation.</p>
<svg width="${g.left + g.width + 10}" height="${g.top + height + 10}" xmlns="http://www.w3.org/2000/svg">${faultBands(g, faultWindows(operations), height).join('')}${labels.join('')}${bars.join('')}</svg>
<h2>Anomaly</h2>${anomalyTable}
<h2>Checker details</h2><pre>${escapeHtml(JSON.stringify(summary.check.details, replacer, 1).slice(0, 200_000))}</pre></body></html>`;
}

function replacer(_key: string, value: unknown): unknown {
  return value === Infinity ? 'Infinity' : value;
}
