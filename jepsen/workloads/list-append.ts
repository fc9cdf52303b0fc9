/** List-append workload: MULTI/EXEC transactions of RPUSH and LRANGE, checked Elle-style. */
import type { Redis } from 'ioredis';
import { checkListAppend, type MicroOp } from '../checker/list-append.js';
import { classifyError } from '../recorder.js';
import type { Rng } from '../../src/shared/effects.js';
import { recorded, type Workload } from './workload.js';

/** Appends a key takes before it is retired (Elle's max-writes-per-key; its default is 16). */
const WRITES_PER_KEY_DEFAULT = 32;

/**
 * `keys` keys are in use at a time; a key that has taken `writesPerKey` appends is retired and
 * a fresh one takes its place. Without rotation the lists grow for the whole run and every
 * read records a whole list: a 10-minute run filled the harness' 4 GB heap with them.
 */
export function listAppendWorkload(options: { keys: number; writesPerKey?: number }): Workload {
  const writesPerKey = options.writesPerKey ?? WRITES_PER_KEY_DEFAULT;
  let counter = 0;
  const active = Array.from({ length: options.keys }, (_, i) => i);
  const appends = new Map<number, number>();
  let nextKey = options.keys;
  const randomTxn = (rng: Rng): MicroOp[] => {
    const length = 1 + rng.int(4);
    const micro: MicroOp[] = [];
    for (let i = 0; i < length; i++) {
      const slot = rng.int(active.length);
      const id = active[slot] ?? 0;
      const key = `la:${id}`;
      if (rng.float() < 0.5) {
        micro.push(['append', key, String(counter++)]);
        const count = (appends.get(id) ?? 0) + 1;
        appends.set(id, count);
        if (count >= writesPerKey) active[slot] = nextKey++;
      } else {
        micro.push(['r', key, null]);
      }
    }
    return micro;
  };
  return {
    name: 'list-append',
    async step(client, process, rng, recorder) {
      const micro = randomTxn(rng);
      const readOnly = micro.every((m) => m[0] === 'r');
      await recorded(
        recorder,
        process,
        'txn',
        '',
        micro,
        readOnly,
        () => run(client, micro),
        classifyError,
      );
    },
    async final(client, process, recorder) {
      // Every key ever used, retired ones included.
      const micro: MicroOp[] = [];
      for (let i = 0; i < nextKey; i++) micro.push(['r', `la:${i}`, null]);
      await recorded(
        recorder,
        process,
        'txn',
        '',
        micro,
        true,
        () => run(client, micro),
        classifyError,
      );
    },
    check(operations) {
      const r = checkListAppend(operations);
      return {
        valid: r.valid,
        lines: [
          `list-append: ${r.transactions} transactions, anomalies: ${r.anomalyTypes.join(', ') || 'none'}`,
        ],
        details: r,
      };
    },
  };
}

async function run(client: Redis, micro: readonly MicroOp[]): Promise<MicroOp[]> {
  const chain = client.multi();
  for (const m of micro) {
    if (m[0] === 'append') chain.rpush(m[1], m[2]);
    else chain.lrange(m[1], 0, -1);
  }
  const replies = await chain.exec();
  if (replies === null) throw new Error('transaction aborted');
  return micro.map((m, i) => {
    const [error, value] = replies[i] ?? [new Error('missing reply'), null];
    if (error) throw error;
    return m[0] === 'r' ? (['r', m[1], value as string[]] as const) : m;
  });
}
