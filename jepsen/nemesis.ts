/**
 * Nemeses: faults injected on a seeded schedule. Each fault is applied for a window, then
 * healed; every fault and heal is recorded in the history (process -1) for the report.
 *
 * Beyond the network and the processes, three act through the server itself: the REST admin
 * API (leadership transfer; membership: remove a member, then bring in a replacement with an
 * empty disk under a new id) and the test hooks (src/admin/test-hooks.ts: skew a node's wall
 * clock; crash a node just before its next synced log write, losing what was not durable).
 * Three act on the disks (`lose-unsynced`, `-all`, `tear-unsynced-all`): on lazyfs disks they
 * kill nodes and drop every byte their files had not fsynced, as a power loss would, or (torn)
 * keep a random prefix of it, as a power loss in the middle of writeback would.
 */
import type { Rng } from '../src/shared/effects.js';
import type { Cluster } from './cluster.js';
import type { Recorder } from './recorder.js';

export type NemesisName =
  | 'partition-one'
  | 'partition-leader'
  | 'partition-halves'
  | 'partition-ring'
  | 'partition-oneway'
  | 'kill-one'
  | 'kill-leader'
  | 'kill-minority'
  | 'pause-one'
  | 'pause-leader'
  | 'transfer-leader'
  | 'member-replace'
  | 'clock-skew'
  | 'crash-before-sync'
  | 'lose-unsynced'
  | 'lose-unsynced-all'
  | 'tear-unsynced-all';

export const ALL_NEMESES: readonly NemesisName[] = [
  'partition-one',
  'partition-leader',
  'partition-halves',
  'partition-ring',
  'partition-oneway',
  'kill-one',
  'kill-leader',
  'kill-minority',
  'pause-one',
  'pause-leader',
  'transfer-leader',
  'member-replace',
  'clock-skew',
  'crash-before-sync',
  'lose-unsynced',
  'lose-unsynced-all',
  'tear-unsynced-all',
];

/** Nemeses that need disks able to lose unsynced data (jepsen/lazyfs.ts). */
export const DISK_NEMESES: readonly NemesisName[] = [
  'lose-unsynced',
  'lose-unsynced-all',
  'tear-unsynced-all',
];

/** Largest wall-clock skew the clock nemesis gives a node, either way. */
const SKEW_MAX_MS = 5 * 60_000;
/** How long an armed crash hook may wait for the node's next write before a plain kill. */
const CRASH_WAIT_MS = 2_000;
/** How long a membership change keeps being retried (a leader may be moving). */
const MEMBERSHIP_RETRY_MS = 10_000;

export const NEMESIS_PROCESS = -1;

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a fault did, and the fault-specific part of its heal (run before the common heal). */
export interface Injected {
  readonly what: string;
  readonly heal?: () => Promise<string>;
}

interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One admin API call to node `id`; status 0 when it does not answer. */
async function admin(
  cluster: Cluster,
  id: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminAnswer> {
  try {
    const { host, adminPort } = cluster.spec(id);
    const response = await fetch(`http://${host}:${adminPort}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, body: {} };
  }
}

/** Sends a membership change to whoever leads, retrying while leaders move; the last answer. */
async function atLeader(
  cluster: Cluster,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminAnswer> {
  const deadline = Date.now() + MEMBERSHIP_RETRY_MS;
  let last: AdminAnswer = { status: 0, body: {} };
  while (Date.now() < deadline) {
    const leader = await cluster.leader();
    if (leader > 0) {
      last = await admin(cluster, leader, method, path, body);
      // 421 not the leader, 503 none known, 409 a change still applying: ask again.
      if (![0, 409, 421, 503].includes(last.status)) return last;
    }
    await sleep(250);
  }
  return last;
}

/** Whether the leader's membership lists `id`. */
async function isMember(cluster: Cluster, id: number): Promise<boolean | undefined> {
  const leader = await cluster.leader();
  if (leader === 0) return undefined;
  const view = await admin(cluster, leader, 'GET', '/v1/cluster');
  const members = view.body['members'];
  if (view.status !== 200 || !Array.isArray(members)) return undefined;
  return members.some((m) => (m as { id?: unknown }).id === id);
}

/**
 * Removes a member (any, the leader included), then retires it: killed, disk wiped, id never
 * used again. The heal brings a replacement in under a fresh id: it starts empty with
 * `--join`, is added as a learner, and the leader promotes it once it has caught up.
 */
async function replaceMember(cluster: Cluster, rng: Rng): Promise<Injected> {
  // Never below three members: a failed add earlier may have left the cluster one short.
  if (cluster.ids.length < 3) return { what: 'no-op: fewer than three members' };
  const spare = cluster.takeSpare();
  if (spare === undefined) return { what: 'no-op: no spare node id left' };
  const victim = shuffle(cluster.ids, rng)[0] ?? 1;
  const removed = await atLeader(cluster, 'DELETE', `/v1/cluster/members/${victim}`);
  if (removed.status !== 200 && (await isMember(cluster, victim)) !== false) {
    // Not removed (or not known to be): leave the node alone and keep the spare for later.
    cluster.returnSpare(spare);
    return { what: `remove ${victim} failed (HTTP ${removed.status})` };
  }
  await cluster.retire(victim);
  return {
    what: `removed node ${victim} (disk wiped)`,
    heal: async () => {
      cluster.startJoiner(spare);
      return addMember(cluster, spare);
    },
  };
}

async function addMember(cluster: Cluster, id: number): Promise<string> {
  const { host, peerPort } = cluster.spec(id);
  const peerAddress = `${host}:${peerPort}`;
  const added = await atLeader(cluster, 'POST', '/v1/cluster/members', { id, peerAddress });
  if (added.status === 201 || (await isMember(cluster, id)) === true) {
    cluster.admit(id);
    return `added node ${id} (empty disk)`;
  }
  await cluster.retire(id);
  return `adding node ${id} failed (HTTP ${added.status})`;
}

/** Applies one fault; returns what was done (recorded) and any heal of its own. */
export async function inject(name: NemesisName, cluster: Cluster, rng: Rng): Promise<Injected> {
  const what = await injectSimple(name, cluster, rng);
  return typeof what === 'string' ? { what } : what;
}

async function injectSimple(
  name: NemesisName,
  cluster: Cluster,
  rng: Rng,
): Promise<string | Injected> {
  const ids = cluster.ids;
  if (ids.length === 1 && (name.startsWith('partition') || name === 'member-replace'))
    return 'no-op: a single node has no peers';
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
      // In a ring of three or fewer every node neighbours every other: nothing to cut.
      if (n <= 3) return `no-op: a ring of ${n} nodes cuts no link`;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const distance = Math.min(j - i, n - (j - i));
          if (distance > 1) cluster.cutLink(order[i] ?? 0, order[j] ?? 0);
        }
      return `ring ${order.join('-')}`;
    }
    case 'partition-oneway': {
      // One direction only: a node (the leader half the time) that cannot send to the others
      // but hears them, or hears nothing but still reaches them.
      const victim = await pick(rng.int(2) === 0);
      const mute = rng.int(2) === 0;
      for (const other of ids.filter((id) => id !== victim)) {
        if (mute) cluster.cutOneWay(victim, other);
        else cluster.cutOneWay(other, victim);
      }
      return mute
        ? `node ${victim} cannot send to the others (hears them)`
        : `node ${victim} cannot hear the others (reaches them)`;
    }
    case 'kill-one':
    case 'kill-leader': {
      const victim = await pick(name === 'kill-leader');
      await cluster.kill(victim);
      return `killed node ${victim}`;
    }
    case 'kill-minority': {
      const victims = shuffle(ids, rng).slice(0, Math.floor((ids.length - 1) / 2));
      if (victims.length === 0) return `no-op: ${ids.length} nodes have no minority to kill`;
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
        await fetch(`http://${spec.host}:${spec.adminPort}/v1/cluster/leader`, {
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
    case 'member-replace':
      return replaceMember(cluster, rng);
    case 'clock-skew': {
      // Every member gets its own offset: some ahead, some behind, by up to SKEW_MAX_MS.
      const offsets = ids.map((id) => [id, rng.int(2 * SKEW_MAX_MS + 1) - SKEW_MAX_MS] as const);
      await Promise.all(
        offsets.map(([id, offsetMs]) => admin(cluster, id, 'PUT', '/v1/debug/clock', { offsetMs })),
      );
      return {
        what: `clocks ${offsets.map(([id, ms]) => `${id}:${ms > 0 ? '+' : ''}${ms}ms`).join(' ')}`,
        heal: async () => {
          await Promise.all(
            cluster.ids.map((id) => admin(cluster, id, 'PUT', '/v1/debug/clock', { offsetMs: 0 })),
          );
          return 'clocks reset';
        },
      };
    }
    case 'lose-unsynced':
    case 'lose-unsynced-all':
    case 'tear-unsynced-all': {
      if (cluster.disk !== 'lazyfs') return 'no-op: plain disks keep unsynced data';
      const victims = name === 'lose-unsynced' ? [await pick(rng.int(2) === 0)] : ids;
      const torn = name === 'tear-unsynced-all';
      await Promise.all(victims.map((id) => cluster.kill(id)));
      const lost = victims.map((id) => {
        const u = cluster.loseUnsynced(id, torn ? { tearSeed: rng.int(2 ** 31) } : {});
        return `${id}: ${u?.bytes ?? 0} B in ${u?.files ?? 0} files, ${u?.names ?? 0} name changes`;
      });
      return `killed ${victims.length === 1 ? 'node' : 'nodes'} ${victims.join(',')}, unsynced data ${torn ? 'torn' : 'lost'} (${lost.join('; ')})`;
    }
    case 'crash-before-sync': {
      const victim = await pick(rng.int(2) === 0);
      cluster.expectExit(victim);
      const armed = await admin(cluster, victim, 'POST', '/v1/debug/crash-before-sync');
      if (armed.status !== 200) return `node ${victim} could not be armed (HTTP ${armed.status})`;
      const deadline = Date.now() + CRASH_WAIT_MS;
      while (cluster.running(victim) && Date.now() < deadline) await sleep(20);
      if (!cluster.running(victim)) return `node ${victim} crashed before a synced write`;
      // No write came (an idle follower, say): a plain crash instead, so the window is alike.
      await cluster.kill(victim);
      return `node ${victim} armed but idle; killed`;
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
  await sleep(options.healMs);
  while (recorder.nowNs() + options.faultMs * 1e6 < options.untilNs && names.length > 0) {
    if (round.length === 0) round = shuffle(names, rng);
    const name = round.shift();
    if (name === undefined) break;
    recorder.record(NEMESIS_PROCESS, 'invoke', name, '', null);
    const injected = await inject(name, cluster, rng);
    recorder.record(NEMESIS_PROCESS, 'ok', name, '', injected.what);
    faults++;
    await sleep(options.faultMs);
    recorder.record(NEMESIS_PROCESS, 'invoke', 'heal', '', null);
    cluster.healAll();
    const extra = injected.heal === undefined ? '' : `; ${await injected.heal()}`;
    recorder.record(NEMESIS_PROCESS, 'ok', 'heal', '', `healed${extra}`);
    await sleep(options.healMs);
  }
  return faults;
}
