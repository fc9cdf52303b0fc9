/** Counter workload: INCRBY with positive amounts and GET reads bounded by the adds around them. */
import { checkCounter } from '../checker/counter.js';
import { classifyError } from '../recorder.js';
import { recorded, type Workload } from './workload.js';

const KEY = 'jepsen:counter';
const NO_FINAL_READ =
  'counter: no successful final read: nothing was checked after the heal, so the run proves nothing';

export function counterWorkload(): Workload {
  return {
    name: 'counter',
    async step(client, process, rng, recorder) {
      if (rng.float() < 0.6) {
        const amount = 1 + rng.int(5);
        await recorded(
          recorder,
          process,
          'add',
          KEY,
          amount,
          false,
          () => client.incrby(KEY, amount),
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
          async () => Number((await client.get(KEY)) ?? 0),
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
        async () => Number((await client.get(KEY)) ?? 0),
        classifyError,
      );
    },
    check(operations) {
      const r = checkCounter(operations);
      return {
        valid: r.valid,
        lines: [
          `counter: ${r.reads} reads (${r.finalReads} final), ${r.errors.length} out of bounds`,
          ...r.errors
            .slice(0, 10)
            .map((e) => `counter: read #${e.opId} saw ${e.read}, outside [${e.lower}, ${e.upper}]`),
          ...(r.finalReads === 0 ? [NO_FINAL_READ] : []),
        ],
        details: r,
      };
    },
  };
}
