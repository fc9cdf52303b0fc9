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

const STRTOULL = /^([ \t\n\v\f\r]*)([+-]?)([0-9]+)$/;
const UINT64_RANGE = 1n << 64n;

/**
 * C's strtoull in base 10 over a whole string: optional leading white space (only where the
 * caller's Redis code lets it through), a sign, digits, nothing after; '-' negates modulo 2^64
 * ("-1" is 2^64 - 1). Undefined for anything else or past 2^64 - 1 (ERANGE).
 */
export function strtoull(text: string, leadingSpace: boolean): bigint | undefined {
  const match = STRTOULL.exec(text);
  if (match === null || (!leadingSpace && match[1] !== '')) return undefined;
  const value = BigInt(match[3] ?? '');
  if (value >= UINT64_RANGE) return undefined;
  return match[2] === '-' ? (UINT64_RANGE - value) % UINT64_RANGE : value;
}

/** Redis reads an argument as a C string: whatever follows a NUL byte is not seen. */
export function cString(text: string): string {
  const nul = text.indexOf('\x00');
  return nul < 0 ? text : text.slice(0, nul);
}
