/** Shared by the CLI and the tests: how seeds map to cluster sizes and how a failure prints. */
import type { SimResult } from './sim.js';

/**
 * Mostly 3, 5 and 7 replicas, the sizes people run; every fourth seed one of 1 (the embedded
 * default, whose lone-voter paths the others never take), 2 and 4 (even sizes, where a majority
 * leaves no spare vote). Any 12 consecutive seeds cover all six sizes.
 */
const SIZES = [3, 5, 7, 1, 3, 5, 7, 2, 3, 5, 7, 4] as const;

export function nodesForSeed(seed: number): number {
  return SIZES[seed % SIZES.length] ?? 3;
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
