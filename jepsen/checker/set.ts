/**
 * Set workload checker (Jepsen's `set-full`, simplified): clients add unique elements to a
 * grow-only set; the final reads (after all faults healed) must contain every add that is
 * known to have happened. Every successful read, intermediate or final, is checked:
 *   lost        an element known present (acknowledged, or seen by a read) that some final
 *               read misses: each final read is a replica's state, and a diverged one loses data
 *   unexpected  an element in a read that no one ever tried to add (to that read's key; a final
 *               read covers every key)
 *   failedPresent  an element all of whose adds failed (definitely not done) that a read shows:
 *                  MISSION promise 2 says a failure must mean nothing happened
 *   stale       a read that misses an element of its key known present before the read began:
 *               acknowledged before, or seen by a read that returned before (the set only grows)
 *   premature   a read that shows an element before any add of it was invoked
 *   duplicate   a read that shows an element twice (not a set)
 *   malformed   a read whose result is not a list of strings
 *   recovered   add with unknown outcome that is present (fine: it happened)
 */
import type { Operation } from '../history.js';

export type SetAnomalyKind =
  'unexpected' | 'failed-but-present' | 'premature' | 'duplicate' | 'malformed';

/** A read that shows what it cannot: `ops` are the read and, where there is one, the add. */
export interface SetAnomaly {
  readonly kind: SetAnomalyKind;
  readonly element?: string;
  readonly ops: readonly number[];
}

export interface SetResult {
  readonly valid: boolean;
  readonly attempted: number;
  readonly acknowledged: number;
  readonly lost: readonly string[];
  readonly unexpected: readonly string[];
  readonly recovered: number;
  readonly staleReads: number;
  readonly finalReads: number;
  readonly failedPresent: readonly string[];
  readonly prematureReads: number;
  readonly duplicateReads: number;
  /** Op ids of the reads whose result is not a list of strings. */
  readonly malformedReads: readonly number[];
  /** Op ids of the lost adds and of the stale reads (for the report's highlight). */
  readonly lostOps: readonly number[];
  readonly staleReadOps: readonly number[];
  /** The reads (and adds) of the other anomalies, at most ANOMALIES_MAX of them. */
  readonly anomalies: readonly SetAnomaly[];
}

/** The key under which the final reads' elements are indexed (they cover every key). */
const ALL_KEYS = '\u0000all';

/** Anomalies kept in the details: a broken run can show one per read. */
const ANOMALIES_MAX = 1000;

/** What the adds say about one element. */
interface ElementAdds {
  readonly keys: Set<string>;
  readonly ops: Operation[];
  /** The earliest invocation of an add of it: no read may show it before. */
  callNs: number;
  /** Some add of it did not fail: it may be present. */
  attempted: boolean;
  /** From when it is known present: an add of it acknowledged, or a read that saw it returned. */
  presentSinceNs: number;
}

interface Read {
  readonly op: Operation;
  readonly final: boolean;
  readonly members: readonly string[];
  readonly set: ReadonlySet<string>;
}

/** `add` ops carry the element as input; `read` ops return the members (string[]). */
export function checkSet(operations: readonly Operation[]): SetResult {
  const adds = operations.filter((op) => op.f === 'add');
  const elements = indexAdds(adds);
  const okReads = operations.filter((op) => op.f === 'read' && op.status === 'ok');
  const malformed = okReads.filter((op) => !isMembers(op.output));
  const reads: Read[] = okReads.filter((op) => isMembers(op.output)).map(toRead);
  const finals = reads.filter((r) => r.final);
  const anomalies = [
    ...malformed.map((op): SetAnomaly => ({ kind: 'malformed', ops: [op.id] })),
    ...reads.flatMap((read) => readAnomalies(read, elements)),
  ];
  markSeen(reads, elements);
  const known = knownPresentByKey(elements);
  const staleReadOps = reads.filter((read) => misses(read, known)).map((r) => r.op.id);
  const lost = [...elements]
    // Missing from a final read that began after the element was known present (acknowledged
    // or seen): an unknown add an old leader logged may commit between two nodes' final reads.
    .filter(([e, adds]) => finals.some((r) => !r.set.has(e) && adds.presentSinceNs < r.op.callNs))
    .map(([e]) => e);
  const lostSet = new Set(lost);
  const lostOps = adds
    .filter((op) => op.status !== 'fail' && lostSet.has(String(op.input)))
    .map((op) => op.id);
  const count = (kind: SetAnomalyKind): SetAnomaly[] => anomalies.filter((a) => a.kind === kind);
  const elementsOf = (kind: SetAnomalyKind): string[] => [
    ...new Set(count(kind).map((a) => a.element ?? '')),
  ];
  const lastFinal = finals[finals.length - 1];
  const recovered = adds.filter(
    (op) => op.status === 'info' && lastFinal?.set.has(String(op.input)) === true,
  ).length;
  return {
    valid:
      finals.length > 0 && lost.length === 0 && staleReadOps.length === 0 && anomalies.length === 0,
    attempted: [...elements.values()].filter((e) => e.attempted).length,
    acknowledged: adds.filter((op) => op.status === 'ok').length,
    lost,
    unexpected: elementsOf('unexpected'),
    recovered,
    staleReads: staleReadOps.length,
    finalReads: finals.length,
    failedPresent: elementsOf('failed-but-present'),
    prematureReads: new Set(count('premature').map((a) => a.ops[0])).size,
    duplicateReads: new Set(count('duplicate').map((a) => a.ops[0])).size,
    malformedReads: malformed.map((op) => op.id),
    lostOps,
    staleReadOps,
    anomalies: anomalies.slice(0, ANOMALIES_MAX),
  };
}

function isMembers(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function toRead(op: Operation): Read {
  const members = op.output as string[];
  return { op, final: op.input === 'final', members, set: new Set(members) };
}

function indexAdds(adds: readonly Operation[]): Map<string, ElementAdds> {
  const elements = new Map<string, ElementAdds>();
  for (const add of adds) {
    const element = String(add.input);
    let entry = elements.get(element);
    if (entry === undefined) {
      entry = {
        keys: new Set(),
        ops: [],
        callNs: Infinity,
        attempted: false,
        presentSinceNs: Infinity,
      };
      elements.set(element, entry);
    }
    entry.keys.add(add.key);
    entry.ops.push(add);
    entry.callNs = Math.min(entry.callNs, add.callNs);
    if (add.status !== 'fail') entry.attempted = true;
    if (add.status === 'ok') entry.presentSinceNs = Math.min(entry.presentSinceNs, add.returnNs);
  }
  return elements;
}

/** What one read shows that no history of adds explains. */
function readAnomalies(read: Read, elements: ReadonlyMap<string, ElementAdds>): SetAnomaly[] {
  const out: SetAnomaly[] = [];
  const id = read.op.id;
  if (read.set.size !== read.members.length) {
    const seen = new Set<string>();
    const twice = read.members.find((e) => seen.size === seen.add(e).size);
    out.push({ kind: 'duplicate', element: twice ?? '', ops: [id] });
  }
  for (const element of read.set) {
    const adds = elements.get(element);
    // A final read covers every key; any other read, the key it read.
    if (adds === undefined || (!read.final && !adds.keys.has(read.op.key)))
      out.push({ kind: 'unexpected', element, ops: [id] });
    else if (!adds.attempted)
      out.push({ kind: 'failed-but-present', element, ops: [id, ...adds.ops.map((o) => o.id)] });
    else if (read.op.returnNs < adds.callNs)
      out.push({ kind: 'premature', element, ops: [id, ...adds.ops.map((o) => o.id)] });
  }
  return out;
}

/** A read that saw an element makes it known present from the read's return on. */
function markSeen(reads: readonly Read[], elements: Map<string, ElementAdds>): void {
  for (const read of reads)
    for (const element of read.set) {
      const adds = elements.get(element);
      if (adds !== undefined) adds.presentSinceNs = Math.min(adds.presentSinceNs, read.op.returnNs);
    }
}

/**
 * Per key (and ALL_KEYS for the final reads, which cover every key), the elements in order of the
 * time they became known present: a read checks only the prefix known before it began.
 */
function knownPresentByKey(
  elements: ReadonlyMap<string, ElementAdds>,
): Map<string, [sinceNs: number, element: string][]> {
  const byKey = new Map<string, [number, string][]>([[ALL_KEYS, []]]);
  for (const [element, adds] of elements) {
    if (adds.presentSinceNs === Infinity) continue;
    const entry: [number, string] = [adds.presentSinceNs, element];
    for (const key of [ALL_KEYS, ...adds.keys]) {
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [entry]);
      else list.push(entry);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => a[0] - b[0]);
  return byKey;
}

/** True if the read misses an element of its key known present before it began. */
function misses(read: Read, known: ReadonlyMap<string, readonly [number, string][]>): boolean {
  for (const [sinceNs, element] of known.get(read.final ? ALL_KEYS : read.op.key) ?? []) {
    if (sinceNs >= read.op.callNs) return false;
    if (!read.set.has(element)) return true;
  }
  return false;
}
