/** Majority arithmetic over a voter set (etcd's quorum package, majority only). */
import type { NodeId } from '../shared/brand.js';

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The highest index acknowledged by a majority of `voters`, given each voter's match index.
 * Raft §5.3: an entry is replicated on a majority once a majority's match reaches it.
 */
export function quorumIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  const n = voters.length;
  if (n === 0) return 0; // no voters: nothing can be committed
  // Insertion sort (descending) into a reused scratch array: called on every acknowledgement,
  // with a handful of voters, so no allocation and no comparator calls.
  const m = scratch;
  for (let i = 0; i < n; i++) {
    const v = matchOf(voters[i] as NodeId);
    let j = i;
    while (j > 0 && (m[j - 1] as number) < v) {
      m[j] = m[j - 1] as number;
      j--;
    }
    m[j] = v;
  }
  return m[Math.floor(n / 2)] as number;
}

const scratch: number[] = [];

/** Election outcome (Raft §5.2): won with a majority of grants, lost with a majority of rejects. */
export function voteResult(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const majority = Math.floor(voters.length / 2) + 1;
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  if (granted >= majority) return 'won';
  if (rejected >= majority) return 'lost';
  return 'pending';
}

/** True when a majority of voters (the leader counts itself) was heard from recently. */
export function quorumActive(
  voters: readonly NodeId[],
  isActive: (id: NodeId) => boolean,
): boolean {
  let active = 0;
  for (const id of voters) if (isActive(id)) active++;
  return active >= Math.floor(voters.length / 2) + 1;
}
