/** Lookups, range parsing and errors shared by the sorted-set commands. */
import type { Keyspace } from '../../store/keyspace.js';
import { SortedSet, type LexBound, type LexRange, type ScoreRange } from '../../store/zset.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply } from '../reply.js';
import { parseLooseDouble } from '../collections/strtod.js';

export const MIN_MAX_NOT_FLOAT = new ErrorReply('ERR min or max is not a float');
export const MIN_MAX_NOT_LEX = new ErrorReply('ERR min or max not valid string range item');
export const SCORE_NAN = new ErrorReply('ERR resulting score is not a number (NaN)');

export function readZSet(
  db: Keyspace,
  key: string,
  nowMs: number,
): SortedSet | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined || value instanceof SortedSet) return value;
  return WRONGTYPE;
}

export function writeZSet(
  db: Keyspace,
  key: string,
  nowMs: number,
): SortedSet | undefined | ErrorReply {
  const value = db.getForWrite(key, nowMs);
  if (value === undefined || value instanceof SortedSet) return value;
  return WRONGTYPE;
}

/**
 * One bound of a score range as Redis' zslParseRange reads it: strtod after an optional '('
 * (exclusive), with only the end pointer and NaN checked, so overflow saturates to ±inf, leading
 * space is skipped and "(" alone is an exclusive 0.
 */
function parseScoreBound(text: string): { value: number; exclusive: boolean } | undefined {
  const exclusive = text.charCodeAt(0) === 40; /* ( */
  const value = parseLooseDouble(exclusive ? text.slice(1) : text);
  return value === undefined ? undefined : { value, exclusive };
}

export function parseScoreRange(minText: string, maxText: string): ScoreRange | undefined {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  if (min === undefined || max === undefined) return undefined;
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

/** Redis zslParseLexRangeItem: `+`, `-`, `(value` or `[value`. */
function parseLexBound(text: string): LexBound | undefined {
  switch (text.charCodeAt(0)) {
    case 43 /* + */:
      return text.length === 1 ? { value: '', exclusive: true, infinite: 1 } : undefined;
    case 45 /* - */:
      return text.length === 1 ? { value: '', exclusive: true, infinite: -1 } : undefined;
    case 40 /* ( */:
      return { value: text.slice(1), exclusive: true, infinite: 0 };
    case 91 /* [ */:
      return { value: text.slice(1), exclusive: false, infinite: 0 };
    default:
      return undefined;
  }
}

export function parseLexRange(minText: string, maxText: string): LexRange | undefined {
  const min = parseLexBound(minText);
  const max = parseLexBound(maxText);
  return min === undefined || max === undefined ? undefined : { min, max };
}

/**
 * A score as Redis 7.2's d2string prints it (ZSCAN sends scores as bulk strings): `inf`,
 * `-inf`, `-0`; integral values within ±2^62 in full; otherwise fpconv_dtoa's shortest
 * round-trip digits, plain for small exponents and `d.ddde+XX` otherwise.
 */
export function formatScore(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (score === 0) return Object.is(score, -0) ? '-0' : '0';
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) return BigInt(score).toString();
  const exponential = Math.abs(score).toExponential();
  const e = exponential.indexOf('e');
  const digits = exponential.slice(0, e).replace('.', '');
  const exponent = Number(exponential.slice(e + 1));
  const n = digits.length;
  const k = exponent - (n - 1);
  const magnitude = Math.abs(exponent);
  let text: string;
  if (k >= 0 && magnitude < n + 7) {
    text = digits + '0'.repeat(k);
  } else if (k < 0 && (k > -7 || magnitude < 4)) {
    const point = n + k;
    text =
      point <= 0
        ? `0.${'0'.repeat(-point)}${digits}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  } else {
    const mantissa = n > 1 ? `${digits.slice(0, 1)}.${digits.slice(1)}` : digits;
    text = `${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  return score < 0 ? `-${text}` : text;
}
