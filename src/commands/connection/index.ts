/** The connection command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';

export const connectionCommands: readonly CommandSpec<never>[] = [];
