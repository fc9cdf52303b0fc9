/** Set workload: SADD unique elements, occasional SMEMBERS, and final reads after healing. */
import { checkSet } from '../checker/set.js';
import { classifyError } from '../recorder.js';
import { recorded, type Workload } from './workload.js';

const KEY = 'jepsen:set';

export function setWorkload(): Workload {
  let counter = 0;
  return {
    name: 'set',
    async step(client, process, rng, recorder) {
      if (rng.float() < 0.9) {
        const element = `${process}-${counter++}`;
        await recorded(
          recorder,
          process,
          'add',
          KEY,
          element,
          false,
          () => client.sadd(KEY, element),
          classifyError,
        );
      } else {
        await recorded(
          recorder,
          process,
          'read',
          KEY,
          null,
          true,
          () => client.smembers(KEY),
          classifyError,
        );
      }
    },
    async final(client, process, recorder) {
      await recorded(
        recorder,
        process,
        'read',
        KEY,
        'final',
        true,
        () => client.smembers(KEY),
        classifyError,
      );
    },
    check(operations) {
      const r = checkSet(operations);
      return {
        valid: r.valid,
        lines: [
          `set: ${r.acknowledged} acknowledged adds, ${r.attempted} attempted, ${r.recovered} unknown but present`,
          `set: lost ${r.lost.length}, unexpected ${r.unexpected.length}, failed-but-present ${r.failedPresent.length}, stale reads ${r.staleReads}, final reads ${r.finalReads}`,
          ...(r.lost.length > 0 ? [`set: lost elements ${r.lost.slice(0, 20).join(', ')}`] : []),
        ],
        details: r,
      };
    },
  };
}
