/**
 * Bank workload checker (Jepsen's `bank`): transfers move money between accounts inside
 * MULTI/EXEC; every read of all balances (one transaction) must sum to the initial total and
 * show no negative balance. A run needs a successful final read (after every fault healed):
 * without one the run proves nothing.
 */
import type { Operation } from '../history.js';

export interface BankResult {
  readonly valid: boolean;
  readonly reads: number;
  /** Successful final reads; 0 makes the run invalid. */
  readonly finalReads: number;
  readonly wrongTotal: readonly { readonly opId: number; readonly total: number }[];
  readonly negative: readonly {
    readonly opId: number;
    readonly account: string;
    readonly balance: number;
  }[];
}

/** `read` ops return a record account -> balance. */
export function checkBank(operations: readonly Operation[], expectedTotal: number): BankResult {
  const reads = operations.filter((op) => op.f === 'read' && op.status === 'ok');
  const wrongTotal: { opId: number; total: number }[] = [];
  const negative: { opId: number; account: string; balance: number }[] = [];
  for (const read of reads) {
    const balances = read.output as Record<string, number>;
    let total = 0;
    for (const [account, balance] of Object.entries(balances)) {
      total += balance;
      if (balance < 0) negative.push({ opId: read.id, account, balance });
    }
    if (total !== expectedTotal) wrongTotal.push({ opId: read.id, total });
  }
  const finalReads = reads.filter((op) => op.input === 'final').length;
  return {
    valid: finalReads > 0 && wrongTotal.length === 0 && negative.length === 0,
    reads: reads.length,
    finalReads,
    wrongTotal,
    negative,
  };
}
