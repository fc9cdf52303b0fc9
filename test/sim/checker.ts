/**
 * The safety invariants, checked incrementally as the simulator observes each effect (a write
 * reaching a disk, an entry applied, a leader observed, a read served), so that "after every
 * step" costs little more than the step itself.
 *
 * The exact rules (Raft paper §5.2–§5.4, Figure 3):
 * - electionSafety: at most one node is ever observed as leader of a given term (across
 *   crashes and restarts: the record is global and never forgotten).
 * - logMatching: whenever any node writes entry (index, term) to its log, every other entry ever
 *   written with the same (index, term) carries the same data and follows an entry of the same
 *   term; by induction two logs that agree on (index, term) agree on the whole prefix.
 * - leaderCompleteness: an entry committed in term C is in the log of every leader of a term
 *   above C. We learn of a commit from some node in term K >= C, so we check it against
 *   leaders of terms above K: no such leader may write a different entry at that index, and
 *   when a node is first seen leading term T its log holds every entry known committed before
 *   term T, with the same term.
 * - stateMachineSafety: every apply of index i, on any replica and any incarnation, applies the
 *   same (term, type, data); applies are contiguous; snapshots taken at the same index hold
 *   byte-identical state.
 * - durability: after every crash, every committed entry is still on the durable disk (log or
 *   snapshot) of at least a quorum of the smallest voter set seen in the run. Entries commit
 *   only once a quorum has fsynced them, and fsynced data survives our crashes, so a smaller
 *   count means something acknowledged a write it had not made durable.
 * - linearizability (reads): a read invoked after write W was acknowledged (W applied on the
 *   node the client proposed through) must be served from a read point (ReadState.index) at or
 *   above W's log index, for any key; and the value it returns must come from a write whose
 *   index is at least that of every write to the same key acknowledged, and of every value of
 *   that key returned by a read completed, before the read was invoked. Acknowledged writes are
 *   committed by construction (they were applied), so both bounds lie in the global commit
 *   order.
 */
import {
  snapshotBytes,
  type Entry,
  type LogIndex,
  type NodeId,
  type RaftStorage,
  type Snapshot,
} from '../../src/raft/types.js';

export type InvariantName =
  | 'electionSafety'
  | 'logMatching'
  | 'leaderCompleteness'
  | 'stateMachineSafety'
  | 'durability'
  | 'linearizability'
  | 'readyContract'
  | 'coreError'
  | 'liveness';

export class Violation extends Error {
  override readonly name = 'Violation';
  constructor(
    readonly invariant: InvariantName,
    message: string,
  ) {
    super(`${invariant}: ${message}`);
  }
}

interface LoggedEntry {
  readonly node: NodeId;
  readonly print: string;
  /** Term of the entry before it in that node's log; -1 when unknown (compacted). */
  readonly prevTerm: number;
}

interface CommittedEntry {
  readonly term: number;
  readonly print: string;
  readonly node: NodeId;
  /**
   * An upper bound on the term in which the entry was committed: the term of the first node
   * seen reporting it committed. Leader completeness binds leaders of later terms only, and an
   * entry of term t may be committed by a leader of a much later term.
   */
  knownAtTerm: number;
}

export interface ReadBounds {
  /** Highest log index of any write acknowledged before the read was invoked. */
  readonly indexMin: number;
  /** Highest index of a value of this key acknowledged or read before the read was invoked. */
  readonly keyIndexMin: number;
}

export function entryPrint(entry: Entry): string {
  const d = entry.data;
  return `${entry.type}:${Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1')}`;
}

export class Checker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly logged = new Map<number, Map<number, LoggedEntry>>();
  private readonly committed = new Map<number, CommittedEntry>();
  /** knownAtTerm -> highest index known committed at that term. */
  private readonly committedByTerm = new Map<number, number>();
  private readonly snapshots = new Map<number, { node: NodeId; print: string }>();
  private readonly keyIndexMax = new Map<string, number>();
  private ackedIndexMax = 0;
  maxCommitted = 0;
  leaderTerms = 0;

  onLeader(node: NodeId, term: number): void {
    const known = this.leaders.get(term);
    if (known === undefined) {
      this.leaders.set(term, node);
      this.leaderTerms++;
    } else if (known !== node) {
      throw new Violation('electionSafety', `two leaders in term ${term}: n${known} and n${node}`);
    }
  }

  leaderOf(term: number): NodeId | undefined {
    return this.leaders.get(term);
  }

  /** `entries` were just written to `node`'s log (`storage` already holds them). */
  onLogWrite(node: NodeId, entries: readonly Entry[], storage: RaftStorage): void {
    let prevTerm = termOrUnknown(storage, (entries[0]?.index ?? 0) - 1);
    for (const entry of entries) {
      this.checkLogged(node, entry, prevTerm);
      prevTerm = entry.term;
    }
  }

  private checkLogged(node: NodeId, entry: Entry, prevTerm: number): void {
    const print = entryPrint(entry);
    let byTerm = this.logged.get(entry.index);
    if (byTerm === undefined) {
      byTerm = new Map();
      this.logged.set(entry.index, byTerm);
    }
    const other = byTerm.get(entry.term);
    if (other === undefined) {
      byTerm.set(entry.term, { node, print, prevTerm });
    } else if (other.print !== print) {
      throw new Violation(
        'logMatching',
        `entry (index ${entry.index}, term ${entry.term}) differs: n${other.node} has ${clip(other.print)}, n${node} has ${clip(print)}`,
      );
    } else if (other.prevTerm >= 0 && prevTerm >= 0 && other.prevTerm !== prevTerm) {
      throw new Violation(
        'logMatching',
        `entry (index ${entry.index}, term ${entry.term}) follows term ${other.prevTerm} on n${other.node} but term ${prevTerm} on n${node}`,
      );
    }
    const committed = this.committed.get(entry.index);
    if (
      committed !== undefined &&
      entry.term > committed.knownAtTerm &&
      entry.term !== committed.term
    ) {
      throw new Violation(
        'leaderCompleteness',
        `n${node} wrote (index ${entry.index}, term ${entry.term}) where (index ${entry.index}, term ${committed.term}) was committed by term ${committed.knownAtTerm}: the leader of term ${entry.term} lacked a committed entry`,
      );
    }
  }

  /** `entry` is known committed by a node whose term is `knownAtTerm` (see CommittedEntry). */
  onCommitted(node: NodeId, entry: Entry, knownAtTerm: number): void {
    const print = entryPrint(entry);
    const known = this.committed.get(entry.index);
    if (known !== undefined) {
      if (known.term !== entry.term || known.print !== print) {
        throw new Violation(
          'stateMachineSafety',
          `index ${entry.index} committed as (term ${known.term}, ${clip(known.print)}) on n${known.node} but (term ${entry.term}, ${clip(print)}) on n${node}`,
        );
      }
      if (knownAtTerm < known.knownAtTerm) {
        known.knownAtTerm = knownAtTerm;
        this.noteCommitTerm(entry.index, knownAtTerm);
      }
      return;
    }
    this.committed.set(entry.index, { term: entry.term, print, node, knownAtTerm });
    this.noteCommitTerm(entry.index, knownAtTerm);
    if (entry.index > this.maxCommitted) this.maxCommitted = entry.index;
    const logged = this.logged.get(entry.index);
    if (logged === undefined) return;
    for (const [term, other] of logged) {
      if (term > knownAtTerm && term !== entry.term) {
        throw new Violation(
          'leaderCompleteness',
          `index ${entry.index} committed (term ${entry.term}) by term ${knownAtTerm}, but n${other.node} holds a term-${term} entry there`,
        );
      }
    }
  }

  private noteCommitTerm(index: number, knownAtTerm: number): void {
    if (index > (this.committedByTerm.get(knownAtTerm) ?? 0))
      this.committedByTerm.set(knownAtTerm, index);
  }

  /** Highest index known committed by a node of a term below `term`. */
  private committedBefore(term: number): number {
    let max = 0;
    for (const [known, index] of this.committedByTerm) if (known < term && index > max) max = index;
    return max;
  }

  committedTerm(index: number): number | undefined {
    return this.committed.get(index)?.term;
  }

  /** A node is newly seen leading `term`: its log must hold every entry committed before. */
  onLeaderLog(node: NodeId, term: number, storage: RaftStorage): void {
    const last = storage.lastIndex();
    const required = this.committedBefore(term);
    if (last < required) {
      throw new Violation(
        'leaderCompleteness',
        `leader n${node} of term ${term} has last index ${last} < index ${required} committed before its term`,
      );
    }
    for (let i = storage.firstIndex(); i <= required; i++) {
      const known = this.committed.get(i);
      if (known === undefined || known.knownAtTerm >= term) continue;
      const held = storage.term(i as LogIndex);
      if (held !== known.term) {
        throw new Violation(
          'leaderCompleteness',
          `leader n${node} of term ${term} holds term ${held} at index ${i}, committed with term ${known.term} by term ${known.knownAtTerm}`,
        );
      }
    }
  }

  onSnapshot(node: NodeId, snapshot: Snapshot, knownAtTerm: number): void {
    const { index, term } = snapshot.meta;
    const known = this.committed.get(index);
    if (known !== undefined && known.term !== term) {
      throw new Violation(
        'stateMachineSafety',
        `n${node} snapshot at index ${index} has term ${term}, committed term is ${known.term}`,
      );
    }
    if (index > this.maxCommitted) this.maxCommitted = index;
    this.noteCommitTerm(index, knownAtTerm);
    const d = snapshotBytes(snapshot.data);
    const print = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
    const other = this.snapshots.get(index);
    if (other === undefined) this.snapshots.set(index, { node, print });
    else if (other.print !== print) {
      throw new Violation(
        'stateMachineSafety',
        `snapshots at index ${index} differ between n${other.node} and n${node}`,
      );
    }
  }

  /**
   * Every committed entry must be on the durable disks of at least `quorum` nodes. `disks`
   * lists every node that ever existed (a removed node's disk still holds what it held).
   */
  checkDurable(disks: readonly { node: NodeId; storage: RaftStorage }[], quorum: number): void {
    for (const [index, known] of this.committed) {
      let holders = 0;
      for (const { storage } of disks) {
        if (holdsDurably(storage, index, known.term)) holders++;
        if (holders >= quorum) break;
      }
      if (holders < quorum) {
        throw new Violation(
          'durability',
          `committed index ${index} (term ${known.term}) is durable on ${holders} disks, fewer than a quorum of ${quorum}`,
        );
      }
    }
  }

  readBounds(key: string): ReadBounds {
    return { indexMin: this.ackedIndexMax, keyIndexMin: this.keyIndexMax.get(key) ?? 0 };
  }

  onWriteAcked(key: string, index: number): void {
    if (index > this.ackedIndexMax) this.ackedIndexMax = index;
    if (index > (this.keyIndexMax.get(key) ?? 0)) this.keyIndexMax.set(key, index);
  }

  onReadServed(
    node: NodeId,
    key: string,
    bounds: ReadBounds,
    readIndex: number,
    valueIndex: number,
  ): void {
    if (readIndex < bounds.indexMin) {
      throw new Violation(
        'linearizability',
        `stale read of ${key} on n${node}: read point ${readIndex} is below index ${bounds.indexMin} of a write acknowledged before the read began`,
      );
    }
    if (valueIndex < bounds.keyIndexMin) {
      throw new Violation(
        'linearizability',
        `stale read of ${key} on n${node}: value written at index ${valueIndex}, but index ${bounds.keyIndexMin} was acknowledged or read before the read began`,
      );
    }
    if (valueIndex > (this.keyIndexMax.get(key) ?? 0)) this.keyIndexMax.set(key, valueIndex);
  }
}

function holdsDurably(storage: RaftStorage, index: number, term: number): boolean {
  if (storage.snapshot().meta.index >= index) return true;
  if (index < storage.firstIndex() || index > storage.lastIndex()) return false;
  return storage.term(index as LogIndex) === term;
}

function termOrUnknown(storage: RaftStorage, index: number): number {
  if (index < storage.firstIndex() - 1 || index > storage.lastIndex()) return -1;
  return storage.term(index as LogIndex);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
