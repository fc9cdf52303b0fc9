/** Shared by the CLI and the tests: how seeds map to cluster sizes and how a failure prints. */
import type { SimResult } from './sim.js';

/** 3, 5, 7 replicas in turn, so any run of consecutive seeds covers all three sizes. */
export function nodesForSeed(seed: number): number {
  return [3, 5, 7][seed % 3] ?? 3;
}

export function formatFailure(result: SimResult): string {
  const v = result.violation;
  return [
    `FAILED seed ${result.seed} (${result.nodes} nodes, ${result.steps} steps): ${v?.invariant ?? '?'}`,
    `  ${v?.message ?? ''}`,
    `  replay: ${result.replay}`,
    `  params: ${result.params}`,
    `  trace (earlier milestones, then the last events):`,
    ...result.trace.map((line) => `    ${line}`),
  ].join('\n');
}
