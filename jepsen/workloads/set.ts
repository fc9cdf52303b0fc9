/**
 * Set workload: SADD unique elements, occasional SMEMBERS, and final reads after healing.
 * Elements go to a new key every KEY_ELEMENTS adds (as Elle rotates list-append keys): reads
 * of one ever-growing set made a 10-minute history quadratic in size (every read recorded
 * every element, over 512 MB of JSON). A read reads the key being filled; the final read takes
 * the union of every key used, in one SUNION.
 */
import { checkSet } from '../checker/set.js';
import { classifyError } from '../recorder.js';
import { recorded, type Workload } from './workload.js';

const KEY_PREFIX = 'jepsen:set:';
/** Adds per key before the next key takes over. */
export const KEY_ELEMENTS = 512;
/** The final read's `key` in the history: every key used. */
export const ALL_KEYS = '*';

export function setWorkload(): Workload {
  let counter = 0;
  const keyOf = (n: number): string => `${KEY_PREFIX}${Math.floor(n / KEY_ELEMENTS)}`;
  return {
    name: 'set',
    async step(client, process, rng, recorder) {
      if (rng.float() < 0.9) {
        const n = counter++;
        const element = `${process}-${n}`;
        const key = keyOf(n);
        await recorded(
          recorder,
          process,
          'add',
          key,
          element,
          false,
          () => client.sadd(key, element),
          classifyError,
        );
      } else {
        const key = keyOf(counter);
        await recorded(
          recorder,
          process,
          'read',
          key,
          null,
          true,
          () => client.smembers(key),
          classifyError,
        );
      }
    },
    async final(client, process, recorder) {
      const keys = Array.from({ length: Math.floor(counter / KEY_ELEMENTS) + 1 }, (_, k) =>
        keyOf(k * KEY_ELEMENTS),
      );
      await recorded(
        recorder,
        process,
        'read',
        ALL_KEYS,
        'final',
        true,
        () => client.sunion(...keys),
        classifyError,
      );
    },
    check(operations) {
      const r = checkSet(operations);
      return {
        valid: r.valid,
        lines: [
          `set: ${r.acknowledged} acknowledged adds, ${r.attempted} attempted, ${r.recovered} unknown but present`,
          `set: lost ${r.lost.length}, unexpected ${r.unexpected.length}, failed-but-present ${r.failedPresent.length}, stale reads ${r.staleReads}, premature reads ${r.prematureReads}, duplicate reads ${r.duplicateReads}, malformed reads ${r.malformedReads.length}, final reads ${r.finalReads}`,
          ...(r.lost.length > 0 ? [`set: lost elements ${r.lost.slice(0, 20).join(', ')}`] : []),
          ...r.anomalies
            .slice(0, 20)
            .map((a) => `set: ${a.kind} ${a.element ?? ''} in read #${a.ops[0] ?? '?'}`),
          ...(r.finalReads === 0
            ? ['set: no successful final read: lost adds cannot be told, so the run proves nothing']
            : []),
        ],
        details: r,
      };
    },
  };
}
