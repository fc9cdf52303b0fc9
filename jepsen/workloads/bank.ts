/**
 * Bank workload: transfers between accounts with WATCH + MULTI/EXEC (no overdraft), and reads
 * of all balances in one MULTI/EXEC. The total must never change.
 */
import type { Redis } from 'ioredis';
import { checkBank } from '../checker/bank.js';
import { classifyError } from '../recorder.js';
import { DefiniteFailure, recorded, type Workload } from './workload.js';

const ACCOUNTS = ['bank:a', 'bank:b', 'bank:c', 'bank:d', 'bank:e'];
const INITIAL = 20;

export function bankWorkload(): Workload {
  return {
    name: 'bank',
    setup: setupBank,
    async step(client, process, rng, recorder) {
      if (rng.float() < 0.5) {
        await recorded(
          recorder,
          process,
          'read',
          'bank',
          null,
          true,
          () => readAll(client),
          classifyError,
        );
        return;
      }
      const from = ACCOUNTS[rng.int(ACCOUNTS.length)] ?? 'bank:a';
      const to = ACCOUNTS[rng.int(ACCOUNTS.length)] ?? 'bank:b';
      const amount = 1 + rng.int(5);
      if (from === to) return;
      await recorded(
        recorder,
        process,
        'transfer',
        'bank',
        { from, to, amount },
        false,
        () => transfer(client, from, to, amount),
        classifyError,
      );
    },
    async final(client, process, recorder) {
      await recorded(
        recorder,
        process,
        'read',
        'bank',
        'final',
        true,
        () => readAll(client),
        classifyError,
      );
    },
    check(operations) {
      const r = checkBank(operations, INITIAL * ACCOUNTS.length);
      return {
        valid: r.valid,
        lines: [
          `bank: ${r.reads} reads (${r.finalReads} final), ${r.wrongTotal.length} wrong totals, ${r.negative.length} negative balances`,
          ...r.wrongTotal
            .slice(0, 10)
            .map(
              (e) => `bank: read #${e.opId} totals ${e.total}, not ${INITIAL * ACCOUNTS.length}`,
            ),
          ...r.negative
            .slice(0, 10)
            .map((e) => `bank: read #${e.opId} shows ${e.account} at ${e.balance}`),
          ...(r.finalReads === 0
            ? [
                'bank: no successful final read: nothing was checked after the heal, so the run proves nothing',
              ]
            : []),
        ],
        details: r,
      };
    },
  };
}

/** Creates the accounts once (SETNX, so a rerun against the same cluster keeps its money). */
export async function setupBank(client: Redis): Promise<void> {
  for (const account of ACCOUNTS) await client.setnx(account, INITIAL);
}

async function readAll(client: Redis): Promise<Record<string, number>> {
  const chain = client.multi();
  for (const account of ACCOUNTS) chain.get(account);
  const replies = await chain.exec();
  if (replies === null) throw new Error('read transaction aborted');
  const balances: Record<string, number> = {};
  ACCOUNTS.forEach((account, i) => {
    const [error, value] = replies[i] ?? [new Error('missing reply'), null];
    if (error) throw error;
    balances[account] = Number(value ?? 0);
  });
  return balances;
}

async function transfer(client: Redis, from: string, to: string, amount: number): Promise<unknown> {
  await client.watch(from, to);
  const balance = Number((await client.get(from)) ?? 0);
  if (balance < amount) {
    await client.unwatch();
    throw new DefiniteFailure('insufficient funds');
  }
  const result = await client.multi().decrby(from, amount).incrby(to, amount).exec();
  if (result === null) throw new DefiniteFailure('transfer aborted by WATCH');
  return { from, to, amount };
}
