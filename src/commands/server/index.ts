/** The server command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { bgsave } from './bgsave.js';
import { command } from './command.js';
import { config } from './config.js';
import { info } from './info.js';
import { lastsave } from './lastsave.js';
import { save } from './save.js';
import { shutdown } from './shutdown.js';
import { time } from './time.js';

export const serverCommands: readonly CommandSpec<never>[] = [
  bgsave,
  command,
  config,
  info,
  lastsave,
  save,
  shutdown,
  time,
];
