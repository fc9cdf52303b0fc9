/** The transactions command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { discard } from './discard.js';
import { exec } from './exec.js';
import { multi } from './multi.js';
import { unwatch } from './unwatch.js';
import { watch } from './watch.js';

export const transactionsCommands: readonly CommandSpec<never>[] = [
  discard,
  exec,
  multi,
  unwatch,
  watch,
];
