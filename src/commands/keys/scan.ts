import { globMatch } from '../../store/glob.js';
import type { Keyspace } from '../../store/keyspace.js';
import { parseScanCursor, ScanIndex } from '../../store/scan.js';
import { typeName } from '../../store/values.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';
import { is } from './args.js';
import { parseInt64Number } from '../../store/numbers.js';

export const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
const COUNT_DEFAULT = 10;

/**
 * One hash-sorted index per keyspace, so that a SCAN call costs O(page + log n) while no key
 * is inserted, instead of hashing every key. A cache only: pages are identical without it.
 */
const indexes = new WeakMap<Keyspace, ScanIndex>();

function indexOf(db: Keyspace): ScanIndex {
  let index = indexes.get(db);
  if (index === undefined) {
    index = new ScanIndex();
    indexes.set(db, index);
  }
  return index;
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor contract (every key present
 * for the whole scan is returned at least once) is src/store/scan.ts's.
 */
export const scan = {
  kind: 'data',
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  categories: ['@keyspace', '@read', '@slow'],
  keys: NO_KEYS,
  tips: ['nondeterministic_output', 'request_policy:special'],
  summary: 'Iterates over the key names in the database.',
  group: 'generic',
  since: '2.8.0',
  syntax: 'cursor [MATCH pattern] [COUNT count] [TYPE type]',
  apply(db, args, env) {
    const cursor = parseScanCursor(args[1] as string);
    if (cursor === undefined) return INVALID_CURSOR;
    let count = COUNT_DEFAULT;
    let pattern: string | undefined;
    let wantedType: string | undefined;
    for (let i = 2; i < args.length; i += 2) {
      const option = args[i];
      const value = args[i + 1];
      if (value === undefined) return SYNTAX;
      if (is(option, 'COUNT')) {
        const parsed = parseInt64Number(value);
        if (parsed === undefined) return NOT_INTEGER;
        if (parsed < 1) return SYNTAX;
        count = parsed;
      } else if (is(option, 'MATCH')) {
        pattern = value === '*' ? undefined : value;
      } else if (is(option, 'TYPE')) {
        wantedType = value.toLowerCase();
      } else {
        return SYNTAX;
      }
    }
    const page = indexOf(db).page(db.data, db.insertions, cursor, count, (key) => {
      if (pattern !== undefined && !globMatch(pattern, key)) return false;
      const value = db.get(key, env.nowMs);
      return (
        value !== undefined &&
        (wantedType === undefined || typeName(value).toLowerCase() === wantedType)
      );
    });
    return [String(page.cursor), page.keys];
  },
} as const satisfies DataCommandSpec;
