/** The connection command family: one file per command, each exporting its spec. */
import type { CommandSpec } from '../spec.js';
import { auth } from './auth.js';
import { client } from './client.js';
import { echo } from './echo.js';
import { hello } from './hello.js';
import { ping } from './ping.js';
import { quit } from './quit.js';
import { readonly } from './readonly.js';
import { readwrite } from './readwrite.js';
import { reset } from './reset.js';
import { select } from './select.js';
import { seq } from './seq.js';

export const connectionCommands: readonly CommandSpec<never>[] = [
  auth,
  client,
  echo,
  hello,
  ping,
  quit,
  readonly,
  readwrite,
  reset,
  select,
  seq,
];
