/**
 * Number parsing and formatting with Redis' exact rules (util.c string2ll, string2ld,
 * ld2string), shared by every command family. Pure; no allocation on the common paths.
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;
/** Decimal digits of a number that parse exactly as a double without BigInt. */
const SAFE_DIGITS = 15;

/**
 * Redis `string2ll`: an optional '-', then digits without leading zeros ("0" alone is fine),
 * nothing else (no '+', no spaces), within int64. Returns a number when the value is a safe
 * integer, a bigint beyond 2^53 (still within int64), undefined when invalid.
 */
export function parseInt64(text: string): number | bigint | undefined {
  const length = text.length;
  if (length === 0 || length > 20) return undefined;
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45) {
    if (length === 1) return undefined;
    negative = true;
    i = 1;
  }
  const first = text.charCodeAt(i) - 48;
  if (first === 0) return length === 1 ? 0 : undefined;
  if (first < 1 || first > 9) return undefined;
  let value = first;
  for (i++; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (length - (negative ? 1 : 0) <= SAFE_DIGITS) return negative ? -value : value;
  const big = BigInt(text);
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/**
 * Like parseInt64 but answers a plain number (exact below 2^53, nearest double beyond): for
 * arguments whose magnitude only matters against bounds (TTLs, offsets, counts).
 */
export function parseInt64Number(text: string): number | undefined {
  const value = parseInt64(text);
  return typeof value === 'bigint' ? Number(value) : value;
}

/** `value` as int64 text; a number here is always a safe integer. */
export function int64ToReply(value: bigint): number | bigint {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
/** Redis MAX_LONG_DOUBLE_CHARS. */
const FLOAT_CHARS_MAX = 5 * 1024;

/**
 * Redis `string2ld` (INCRBYFLOAT, HINCRBYFLOAT): strtold syntax, no leading space, no trailing
 * garbage, not NaN; overflow and underflow are errors; "inf" is accepted. We compute in doubles
 * where Redis uses long doubles.
 */
export function parseLongDouble(text: string): number | undefined {
  if (text.length === 0 || text.length >= FLOAT_CHARS_MAX) return undefined;
  if (DECIMAL.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) return undefined; // ERANGE overflow
    if (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ''))) return undefined; // underflow
    return value;
  }
  const infinity = INFINITY.exec(text);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/**
 * Redis' human-friendly long double text (`%.17Lf` with trailing zeros removed): fixed
 * notation, never an exponent. Redis computes in 80-bit long doubles, which hide the last-digit
 * error of decimal sums such as 0.1 + 0.2; we print a 15-digit rounding when it is within two
 * ulps of the double so that such sums read as Redis prints them ("0.3").
 */
export function formatLongDouble(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : value > 0 ? 'inf' : '-inf';
  let v = value;
  const rounded = Number(value.toPrecision(15));
  if (Math.abs(rounded - value) <= Math.abs(value) * 2 * Number.EPSILON) v = rounded;
  const text = String(v);
  if (!text.includes('e')) return text;
  if (Math.abs(v) >= 1) return BigInt(v).toString();
  const fixed = v.toFixed(17).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}
