/**
 * HSCAN / SSCAN / ZSCAN: Redis' scanGenericCommand over one collection, on the shared cursor
 * scan of src/store/scan.ts. Order as in Redis: the cursor is parsed first, then the key is
 * looked up (a missing key answers ["0", []]), then the options.
 */
import { globMatch } from '../../store/glob.js';
import { parseInt64Number } from '../../store/numbers.js';
import { parseScanCursor, scanKeys, type Scannable } from '../../store/scan.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import { isKeyword } from './args.js';

export const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
const COUNT_DEFAULT = 10;

export interface ScanOptions {
  readonly count: number;
  readonly pattern: string | undefined;
  /** HSCAN NOVALUES (Redis 7.4): fields only. */
  readonly noValues: boolean;
}

/**
 * The cursor argument (args[2]) as Redis' parseScanCursorOrReply reads it (strtoul: see
 * parseScanCursor), or the error.
 */
export function parseCursor(args: readonly string[]): number | ErrorReply {
  return parseScanCursor(args[2] as string) ?? INVALID_CURSOR;
}

/** MATCH / COUNT (and NOVALUES where `allowNoValues`) from args[3] on. */
export function parseScanOptions(
  args: readonly string[],
  allowNoValues: boolean,
): ScanOptions | ErrorReply {
  let count = COUNT_DEFAULT;
  let pattern: string | undefined;
  let noValues = false;
  for (let i = 3; i < args.length; i++) {
    const option = args[i] as string;
    if (allowNoValues && isKeyword(option, 'NOVALUES')) {
      noValues = true;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) return SYNTAX;
    i++;
    if (isKeyword(option, 'COUNT')) {
      const parsed = parseInt64Number(value);
      if (parsed === undefined) return NOT_INTEGER;
      if (parsed < 1) return SYNTAX;
      count = parsed;
    } else if (isKeyword(option, 'MATCH')) {
      pattern = value === '*' ? undefined : value;
    } else {
      return SYNTAX;
    }
  }
  return { count, pattern, noValues };
}

/**
 * One page: `[next cursor, items]`, where `emit` appends an element's reply items (the member,
 * or field and value, or member and score).
 */
export function scanPage(
  source: Scannable,
  cursor: number,
  options: ScanOptions,
  emit: (element: string, out: Reply[]) => void,
): Reply {
  const { pattern } = options;
  const page = scanKeys(
    source,
    cursor,
    options.count,
    pattern === undefined ? undefined : (element) => globMatch(pattern, element),
  );
  const items: Reply[] = [];
  for (const element of page.keys) emit(element, items);
  return [String(page.cursor), items];
}

export const EMPTY_SCAN: Reply = Object.freeze(['0', Object.freeze([])]);
