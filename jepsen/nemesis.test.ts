import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../src/shared/effects.js';
import type { Cluster } from './cluster.js';
import { inject } from './nemesis.js';

/**
 * What the simple nemeses ask of a cluster, recorded instead of done: the choice of victims and
 * links is the nemesis' own logic; the cuts and kills themselves are tested on real nodes
 * (harness.test.ts, netns.test.ts).
 */
function recordingCluster(ids: readonly number[]): {
  cluster: Cluster;
  cuts: string[];
  killed: number[];
} {
  const cuts: string[] = [];
  const killed: number[] = [];
  const fake = {
    ids: [...ids],
    disk: 'plain',
    leader: () => Promise.resolve(ids[0] ?? 0),
    cutLink: (a: number, b: number) => cuts.push(`${Math.min(a, b)}-${Math.max(a, b)}`),
    kill: (id: number) => {
      killed.push(id);
      return Promise.resolve();
    },
  };
  return { cluster: fake as unknown as Cluster, cuts, killed };
}

test('kill-minority on two nodes kills nobody and says so', async () => {
  const { cluster, killed } = recordingCluster([1, 2]);
  const { what } = await inject('kill-minority', cluster, new SeededRng(1));
  assert.deepEqual(killed, []);
  assert.equal(what, 'no-op: 2 nodes have no minority to kill');
});

test('kill-minority on five nodes kills two distinct nodes', async () => {
  const { cluster, killed } = recordingCluster([1, 2, 3, 4, 5]);
  const { what } = await inject('kill-minority', cluster, new SeededRng(3));
  assert.equal(new Set(killed).size, 2);
  assert.equal(what, `killed nodes ${killed.join(',')}`);
});

test('partition-ring on two or three nodes cuts nothing and says so', async () => {
  for (const ids of [
    [1, 2],
    [1, 2, 3],
  ]) {
    const { cluster, cuts } = recordingCluster(ids);
    const { what } = await inject('partition-ring', cluster, new SeededRng(2));
    assert.deepEqual(cuts, []);
    assert.equal(what, `no-op: a ring of ${ids.length} nodes cuts no link`);
  }
});

test('partition-ring on five nodes leaves each node its two ring neighbours', async () => {
  const { cluster, cuts } = recordingCluster([1, 2, 3, 4, 5]);
  const { what } = await inject('partition-ring', cluster, new SeededRng(4));
  const order = /^ring ([\d-]+)$/.exec(what)?.[1]?.split('-').map(Number) ?? [];
  assert.equal(order.length, 5, what);
  const kept = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const a = order[i] ?? 0;
    const b = order[(i + 1) % 5] ?? 0;
    kept.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }
  // 10 links in all: the 5 between ring neighbours stay, the other 5 are cut.
  assert.equal(cuts.length, 5);
  for (const cut of cuts) assert.ok(!kept.has(cut), `cut ${cut} joins ring neighbours`);
});

test('lose-unsynced on plain disks kills nobody and says why', async () => {
  for (const name of ['lose-unsynced', 'lose-unsynced-all', 'tear-unsynced-all'] as const) {
    const { cluster, killed } = recordingCluster([1, 2, 3]);
    const { what } = await inject(name, cluster, new SeededRng(5));
    assert.deepEqual(killed, []);
    assert.equal(what, 'no-op: plain disks keep unsynced data');
  }
});
