/**
 * The command table: every family's specs in one map keyed by lower-case name. The dispatcher
 * and the state machine look commands up here; COMMAND, COMMAND DOCS and docs/commands.md are
 * generated from it.
 */
import { assert } from '../shared/assert.js';
import type { CommandSpec } from './spec.js';
import { connectionCommands } from './connection/index.js';
import { serverCommands } from './server/index.js';
import { keysCommands } from './keys/index.js';
import { stringsCommands } from './strings/index.js';
import { hashesCommands } from './hashes/index.js';
import { listsCommands } from './lists/index.js';
import { setsCommands } from './sets/index.js';
import { zsetsCommands } from './zsets/index.js';
import { transactionsCommands } from './transactions/index.js';
import { tensorCommands } from './tensor/index.js';
import { streamsCommands } from './streams/index.js';

/**
 * Session handlers are typed against the dispatcher's context (`CommandSpec<Ctx>`); the table
 * stores them without it, and only the dispatcher, which supplies that context, calls them.
 */
export type AnySpec = CommandSpec<never>;

export const allCommands: readonly AnySpec[] = [
  ...connectionCommands,
  ...serverCommands,
  ...keysCommands,
  ...stringsCommands,
  ...hashesCommands,
  ...listsCommands,
  ...setsCommands,
  ...zsetsCommands,
  ...transactionsCommands,
  ...tensorCommands,
  ...streamsCommands,
];

export function buildCommandTable(specs: readonly AnySpec[] = allCommands): Map<string, AnySpec> {
  const table = new Map<string, AnySpec>();
  for (const spec of specs) {
    assert(spec.name === spec.name.toLowerCase(), `command name must be lower-case: ${spec.name}`);
    assert(!table.has(spec.name), `command registered twice: ${spec.name}`);
    table.set(spec.name, spec);
  }
  return table;
}
