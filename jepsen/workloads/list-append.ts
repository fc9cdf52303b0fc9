/** List-append workload: MULTI/EXEC transactions of RPUSH and LRANGE, checked Elle-style. */
import type { Redis } from 'ioredis';
import { checkListAppend, type MicroOp } from '../checker/list-append.js';
import { classifyError } from '../recorder.js';
import type { Rng } from '../../src/shared/effects.js';
import { recorded, type Workload } from './workload.js';

export function listAppendWorkload(options: { keys: number }): Workload {
  let counter = 0;
  const randomTxn = (rng: Rng): MicroOp[] => {
    const length = 1 + rng.int(4);
    const micro: MicroOp[] = [];
    for (let i = 0; i < length; i++) {
      const key = `la:${rng.int(options.keys)}`;
      micro.push(rng.float() < 0.5 ? ['append', key, String(counter++)] : ['r', key, null]);
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
      const micro: MicroOp[] = [];
      for (let i = 0; i < options.keys; i++) micro.push(['r', `la:${i}`, null]);
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
