import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { EMPTY_SCAN, parseCursor, parseScanOptions, scanPage } from '../collections/scan.js';
import { readHash } from './common.js';

export const hscan = {
  kind: 'data',
  name: 'hscan',
  arity: -3,
  flags: ['readonly'],
  categories: ['@read', '@hash', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Iterates over fields and values of a hash.',
  group: 'hash',
  since: '2.8.0',
  syntax: 'key cursor [MATCH pattern] [COUNT count] [NOVALUES]',
  apply(db, args, env) {
    const cursor = parseCursor(args);
    if (cursor instanceof ErrorReply) return cursor;
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    if (hash === undefined) return EMPTY_SCAN;
    const options = parseScanOptions(args, true);
    if (options instanceof ErrorReply) return options;
    const fields = hash.fields;
    return scanPage(fields, cursor, options, (field, out) => {
      out.push(field);
      if (!options.noValues) out.push(fields.get(field) ?? '');
    });
  },
} as const satisfies DataCommandSpec;
