/**
 * Exact emulation of the x87 80-bit `long double` arithmetic Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: strtold parsing (decimal and C99 hexadecimal floats, correctly rounded to a
 * 64-bit mantissa, subnormals included), one correctly rounded addition, and `%.17Lf` printing
 * with trailing zeros removed (util.c ld2string in human-friendly mode). Doubles cannot
 * reproduce Redis' replies (e.g. 0.1 + 0.2 is "0.3" in Redis, and 123456789.123456789 prints as
 * "123456789.12345678899873747"), so we compute with BigInt: a value is
 * sign * mantissa * 2^exponent with a mantissa below 2^64. Not on a hot path.
 */

/**
 * sign * mantissa * 2^exponent; mantissa is 0 or in [2^63, 2^64), except for subnormals (the
 * exponent at its floor, a mantissa below 2^63).
 */
interface LongDouble {
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

const MANTISSA_BITS = 64;
/** Largest finite magnitude is just under 2^16384. */
const EXPONENT_TOP = 16384;
/** The smallest subnormal is 2^-16445: no value has a finer last bit (x87 extended format). */
const EXPONENT_FLOOR = -16445;
/** Redis MAX_LONG_DOUBLE_CHARS. */
const TEXT_CHARS_MAX = 5 * 1024;
/** Decimal exponents beyond these are out of range whatever the digits (ERANGE). */
const DECIMAL_EXPONENT_MAX = 4934;
const DECIMAL_EXPONENT_MIN = -4952;

/** Exponent texts longer than this (leading zeros aside) are out of range for any digits. */
const EXPONENT_DIGITS_MAX = 6;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** C99 hexadecimal float: `0x`, hex digits with an optional point, an optional `p` exponent. */
const HEXADECIMAL = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;

export type LongDoubleSum =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: 'value' | 'increment' | 'nan-or-infinity' };

/**
 * `value + increment` as Redis' INCRBYFLOAT computes and prints it. `value` null means a missing
 * key (0). Errors name what was not a valid float, or that the sum is not finite.
 */
export function addLongDoubleText(value: string | null, increment: string): LongDoubleSum {
  const a = value === null ? ZERO : parseLongDoubleExact(value);
  if (a === undefined) return { ok: false, error: 'value' };
  const b = parseLongDoubleExact(increment);
  if (b === undefined) return { ok: false, error: 'increment' };
  if (a === INFINITE || b === INFINITE) return { ok: false, error: 'nan-or-infinity' };
  const sum = add(a, b);
  if (sum === INFINITE) return { ok: false, error: 'nan-or-infinity' };
  return { ok: true, text: formatFixed17(sum) };
}

const ZERO: LongDouble = { negative: false, mantissa: 0n, exponent: 0 };
const INFINITE = Symbol('infinite');
type Parsed = LongDouble | typeof INFINITE;

/**
 * What Redis' string2ld accepts: the whole text is one strtold number (decimal, hexadecimal or
 * infinity; no leading space, nothing after it, no NUL), not NaN, and neither overflowing nor
 * underflowing to zero (a subnormal result is fine). Undefined if invalid.
 */
export function parseLongDoubleExact(text: string): Parsed | undefined {
  if (text.length === 0 || text.length >= TEXT_CHARS_MAX) return undefined;
  if (INFINITY.test(text)) return INFINITE;
  const hexadecimal = HEXADECIMAL.exec(text);
  if (hexadecimal !== null) return parseHexadecimal(hexadecimal);
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  if (whole.length === 0 && fraction.length === 0) return undefined;
  if (exponentText.replace(/^[+-]?0*/, '').length > EXPONENT_DIGITS_MAX) {
    return /[1-9]/.test(whole + fraction) ? undefined : ZERO;
  }
  const digits = BigInt(whole + fraction);
  if (digits === 0n) return ZERO;
  const decimalExponent = Number(exponentText) - fraction.length;
  const magnitude = decimalExponent + (whole + fraction).replace(/^0+/, '').length;
  if (magnitude > DECIMAL_EXPONENT_MAX || magnitude < DECIMAL_EXPONENT_MIN) return undefined;
  const rounded =
    decimalExponent >= 0
      ? round(digits * 10n ** BigInt(decimalExponent), 1n, 0)
      : round(digits, 10n ** BigInt(-decimalExponent), 0);
  return finite(rounded, sign === '-');
}

/** `0x` digits `.` digits `p` exponent: the digits times 2^(exponent - 4 per fraction digit). */
function parseHexadecimal(match: RegExpExecArray): Parsed | undefined {
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  // strtold reads "0x" with no digit as "0" followed by garbage ("x...").
  if (whole.length === 0 && fraction.length === 0) return undefined;
  const digits = BigInt(`0x${whole}${fraction}`);
  if (digits === 0n) return ZERO;
  if (exponentText.replace(/^[+-]?0*/, '').length > EXPONENT_DIGITS_MAX) return undefined;
  const exponent = Number(exponentText) - 4 * fraction.length;
  // The value lies in [2^(top - 1), 2^top): decide overflow and certain underflow before
  // building numbers of millions of bits.
  const top = bitLength(digits) + exponent;
  if (top > EXPONENT_TOP || top <= EXPONENT_FLOOR - 1) return undefined;
  return finite(round(digits, 1n, exponent), sign === '-');
}

/** strtold's ERANGE cases that string2ld rejects: overflow, and underflow to zero. */
function finite(rounded: Parsed, negative: boolean): LongDouble | undefined {
  if (rounded === INFINITE || rounded.mantissa === 0n) return undefined;
  return { ...rounded, negative };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * numerator / denominator * 2^exponent, rounded to nearest (ties to even) with a 64-bit
 * mantissa, or to a multiple of 2^EXPONENT_FLOOR below the normal range (a subnormal, possibly
 * zero); positive inputs.
 */
function round(numerator: bigint, denominator: bigint, exponent: number): Parsed {
  if (numerator === 0n) return ZERO;
  // numerator / denominator * 2^shift lies in [2^63, 2^65): at most one correction below.
  let shift = MANTISSA_BITS - (bitLength(numerator) - bitLength(denominator));
  let [quotient, remainder, divisor] = divide(numerator, denominator, shift);
  if (quotient >= 1n << 64n) {
    shift--;
    [quotient, remainder, divisor] = divide(numerator, denominator, shift);
  }
  if (exponent - shift < EXPONENT_FLOOR) {
    // Subnormal: the last bit is worth 2^EXPONENT_FLOOR, fewer than 64 bits remain.
    shift = exponent - EXPONENT_FLOOR;
    [quotient, remainder, divisor] = divide(numerator, denominator, shift);
  }
  if (remainder * 2n > divisor || (remainder * 2n === divisor && (quotient & 1n) === 1n)) {
    quotient++;
  }
  let resultExponent = exponent - shift;
  if (quotient === 1n << 64n) {
    quotient >>= 1n;
    resultExponent++;
  }
  if (resultExponent + MANTISSA_BITS > EXPONENT_TOP) return INFINITE;
  return { negative: false, mantissa: quotient, exponent: resultExponent };
}

/** floor(numerator / denominator * 2^shift), its remainder and the divisor used. */
function divide(numerator: bigint, denominator: bigint, shift: number): [bigint, bigint, bigint] {
  const scaled = shift >= 0 ? numerator << BigInt(shift) : numerator;
  const divisor = shift >= 0 ? denominator : denominator << BigInt(-shift);
  const quotient = scaled / divisor;
  return [quotient, scaled - quotient * divisor, divisor];
}

function add(a: LongDouble, b: LongDouble): Parsed {
  const exponent = Math.min(a.exponent, b.exponent);
  const aValue = a.mantissa << BigInt(a.exponent - exponent);
  const bValue = b.mantissa << BigInt(b.exponent - exponent);
  const sum = (a.negative ? -aValue : aValue) + (b.negative ? -bValue : bValue);
  if (sum === 0n) return ZERO;
  const rounded = round(sum < 0n ? -sum : sum, 1n, exponent);
  if (rounded === INFINITE) return INFINITE;
  return { ...rounded, negative: sum < 0n };
}

/** `%.17Lf` (exact value rounded half to even at 17 decimals), trailing zeros removed. */
function formatFixed17(value: LongDouble): string {
  const scale = 10n ** 17n;
  let units: bigint;
  if (value.exponent >= 0) {
    units = (value.mantissa << BigInt(value.exponent)) * scale;
  } else {
    const numerator = value.mantissa * scale;
    const denominator = 1n << BigInt(-value.exponent);
    units = numerator / denominator;
    const remainder = numerator - units * denominator;
    if (remainder * 2n > denominator || (remainder * 2n === denominator && (units & 1n) === 1n)) {
      units++;
    }
  }
  const digits = units.toString().padStart(18, '0');
  const whole = digits.slice(0, -17);
  const fraction = digits.slice(-17).replace(/0+$/, '');
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return value.negative && text !== '0' ? `-${text}` : text;
}
