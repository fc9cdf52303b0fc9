/**
 * Tensor workload: concurrent TENSOR.ADD accumulations into one int32 vector, and whole-vector
 * reads (TENSOR.GET key VALUES). Each add first stores its delta under a key of its own
 * (TENSOR.SET, never reused, so a delayed apply of it writes the same bytes), then runs
 * `TENSOR.ADD acc acc delta`: one atomic state-machine step. Only the ADD is in the history;
 * an add whose delta could not be stored is not attempted. Checked per element as a counter,
 * and each read as a sum of whole adds.
 */
import type { Redis } from 'ioredis';
import { checkTensor } from '../checker/tensor.js';
import { classifyError } from '../recorder.js';
import { recorded, type Workload } from './workload.js';

export const TENSOR_KEY = 'jepsen:tensor';
const ELEMENTS = 8;
const DTYPE = 'int32';

/**
 * Parses TENSOR.GET's reply: bare VALUES is one array of numbers (docs/tensors.md); the map
 * form (RESP2 flat [dtype, d, shape, s, values, [...]]) is accepted too. nil: no such key.
 */
export function parseTensorValues(reply: unknown): number[] | null {
  if (reply === null) return null;
  if (!Array.isArray(reply))
    throw new Error(`TENSOR.GET: unexpected reply ${JSON.stringify(reply)}`);
  const at = reply.findIndex((item) => item === 'values');
  const values: unknown = at < 0 ? reply : reply[at + 1];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' && typeof v !== 'string'))
    throw new Error(`TENSOR.GET: no values in ${JSON.stringify(reply)}`);
  return values.map((v) => Number(v));
}

async function readTensor(client: Redis): Promise<number[] | null> {
  return parseTensorValues(await client.call('TENSOR.GET', TENSOR_KEY, 'VALUES'));
}

export function tensorWorkload(): Workload {
  let counter = 0;
  return {
    name: 'tensor',
    async setup(client) {
      await client.call('TENSOR.SET', TENSOR_KEY, DTYPE, String(ELEMENTS));
    },
    async step(client, process, rng, recorder) {
      if (rng.float() < 0.35) {
        await recorded(
          recorder,
          process,
          'read',
          TENSOR_KEY,
          null,
          true,
          () => readTensor(client),
          classifyError,
        );
        return;
      }
      const delta = Array.from({ length: ELEMENTS }, () => rng.int(5));
      const deltaKey = `${TENSOR_KEY}:d:${process}-${counter++}`;
      try {
        await client.call(
          'TENSOR.SET',
          deltaKey,
          DTYPE,
          String(ELEMENTS),
          'VALUES',
          ...delta.map(String),
        );
      } catch {
        return; // no delta stored (or unknown): this add is simply not attempted
      }
      await recorded(
        recorder,
        process,
        'add',
        TENSOR_KEY,
        delta,
        false,
        async () => {
          await client.call('TENSOR.ADD', TENSOR_KEY, TENSOR_KEY, deltaKey);
          return delta;
        },
        classifyError,
      );
    },
    async final(client, process, recorder) {
      await recorded(
        recorder,
        process,
        'read',
        TENSOR_KEY,
        'final',
        true,
        () => readTensor(client),
        classifyError,
      );
    },
    check(operations) {
      const r = checkTensor(operations, ELEMENTS);
      return {
        valid: r.valid,
        lines: [
          `tensor: ${r.acknowledgedAdds} acknowledged adds, ${r.unknownAdds} unknown, ${r.reads} reads (${r.finalReads} final)`,
          `tensor: acknowledged sum [${r.acknowledgedSum.join(',')}], final [${r.finalValues?.join(',') ?? 'none'}]`,
          `tensor: ${r.errors.length} element reads out of bounds, ${r.malformedReads.length} malformed, ${r.divergentFinalReads.length} divergent final reads, ${r.unexplainedReads.length} reads no subset of whole adds explains`,
          ...(r.unexplainedReads.length > 0
            ? [`tensor: unexplained reads #${r.unexplainedReads.slice(0, 20).join(', #')}`]
            : []),
          ...(r.boundsOnlyReads > 0
            ? [
                `tensor: ${r.boundsOnlyReads} reads had too many possible adds to search: checked per element only (a partly applied add could pass there)`,
              ]
            : []),
          ...(r.finalValues === undefined
            ? [
                'tensor: no successful final read: lost adds cannot be told, so the run proves nothing',
              ]
            : []),
        ],
        details: r,
      };
    },
  };
}
