/**
 * Nemeses: faults injected on a seeded schedule. Each fault is applied for a window, then
 * healed; every fault and heal is recorded in the history (process -1) for the report.
 */
import type { Rng } from '../src/shared/effects.js';
import type { Cluster } from './cluster.js';
import type { Recorder } from './recorder.js';

export type NemesisName =
  | 'partition-one'
  | 'partition-leader'
  | 'partition-halves'
  | 'partition-ring'
  | 'kill-one'
  | 'kill-leader'
  | 'kill-minority'
  | 'pause-one'
  | 'pause-leader'
  | 'transfer-leader';

export const ALL_NEMESES: readonly NemesisName[] = [
  'partition-one',
  'partition-leader',
  'partition-halves',
  'partition-ring',
  'kill-one',
  'kill-leader',
  'kill-minority',
  'pause-one',
  'pause-leader',
  'transfer-leader',
];

export const NEMESIS_PROCESS = -1;

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Applies one fault; returns a description (recorded) of what was done. */
export async function inject(name: NemesisName, cluster: Cluster, rng: Rng): Promise<string> {
  const ids = cluster.ids;
  if (ids.length === 1 && name.startsWith('partition')) return 'no-op: a single node has no links';
  const pick = async (leaderFirst: boolean): Promise<number> => {
    const leader = leaderFirst ? await cluster.leader() : 0;
    return leader > 0 ? leader : (ids[rng.int(ids.length)] ?? 1);
  };
  switch (name) {
    case 'partition-one':
    case 'partition-leader': {
      const victim = await pick(name === 'partition-leader');
      cluster.partition(
        [victim],
        ids.filter((id) => id !== victim),
      );
      return `isolated node ${victim}`;
    }
    case 'partition-halves': {
      const order = shuffle(ids, rng);
      const half = Math.floor(order.length / 2);
      cluster.partition(order.slice(0, half), order.slice(half));
      return `partitioned ${order.slice(0, half).join(',')} | ${order.slice(half).join(',')}`;
    }
    case 'partition-ring': {
      // Each node keeps links to its two ring neighbours only: every node sees a majority
      // (for 5 nodes) but no two nodes agree on which.
      const order = shuffle(ids, rng);
      const n = order.length;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const distance = Math.min(j - i, n - (j - i));
          if (distance > 1) cluster.cutLink(order[i] ?? 0, order[j] ?? 0);
        }
      return `ring ${order.join('-')}`;
    }
    case 'kill-one':
    case 'kill-leader': {
      const victim = await pick(name === 'kill-leader');
      await cluster.kill(victim);
      return `killed node ${victim}`;
    }
    case 'kill-minority': {
      const victims = shuffle(ids, rng).slice(0, Math.floor((ids.length - 1) / 2));
      await Promise.all(victims.map((id) => cluster.kill(id)));
      return `killed nodes ${victims.join(',')}`;
    }
    case 'pause-one':
    case 'pause-leader': {
      const victim = await pick(name === 'pause-leader');
      cluster.pause(victim);
      return `paused node ${victim}`;
    }
    case 'transfer-leader': {
      const leader = await cluster.leader();
      const target =
        shuffle(
          ids.filter((id) => id !== leader),
          rng,
        )[0] ?? 1;
      const spec = cluster.spec(leader > 0 ? leader : target);
      try {
        await fetch(`http://127.0.0.1:${spec.adminPort}/v1/cluster/leader`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: target }),
          signal: AbortSignal.timeout(2000),
        });
      } catch {
        // A failed transfer is a fault like any other.
      }
      return `transfer leadership ${leader} -> ${target}`;
    }
  }
}

/** Runs fault/heal windows until `untilNs`; resolves after the final heal with the fault count. */
export async function runNemesis(
  cluster: Cluster,
  names: readonly NemesisName[],
  rng: Rng,
  recorder: Recorder,
  options: { faultMs: number; healMs: number; untilNs: number },
): Promise<number> {
  let faults = 0;
  // Rounds of a seeded shuffle: every listed nemesis runs once per round, so even a short run
  // covers each of them (a uniform pick could skip one).
  let round: NemesisName[] = [];
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await sleep(options.healMs);
  while (recorder.nowNs() + options.faultMs * 1e6 < options.untilNs && names.length > 0) {
    if (round.length === 0) round = shuffle(names, rng);
    const name = round.shift();
    if (name === undefined) break;
    recorder.record(NEMESIS_PROCESS, 'invoke', name, '', null);
    const what = await inject(name, cluster, rng);
    recorder.record(NEMESIS_PROCESS, 'ok', name, '', what);
    faults++;
    await sleep(options.faultMs);
    recorder.record(NEMESIS_PROCESS, 'invoke', 'heal', '', null);
    cluster.healAll();
    recorder.record(NEMESIS_PROCESS, 'ok', 'heal', '', 'healed');
    await sleep(options.healMs);
  }
  return faults;
}
