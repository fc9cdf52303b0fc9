/**
 * C `strtod` as glibc implements it, and the two ways Redis checks its result, so that sorted-set
 * scores and score ranges accept exactly what Redis accepts: leading white space (ranges only),
 * a sign, decimal or hexadecimal (`0x1.8p1`) numbers, `inf`/`infinity`, and for ranges even an
 * empty string (strtod converts nothing and returns 0, and Redis only checks the end pointer).
 */

export interface Strtod {
  /** The converted value (0 when nothing was converted). */
  readonly value: number;
  /** Characters consumed; 0 when nothing was converted. */
  readonly end: number;
  /** errno == ERANGE: overflow (±Infinity) or underflow to zero. */
  readonly erange: boolean;
}

/** C isspace() in the C locale. */
const SPACE = /^[ \t\n\v\f\r]*/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const INFINITY = /^([+-]?)inf(?:inity)?/i;
const NAN = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?/i;

export function strtod(text: string): Strtod {
  const lead = SPACE.exec(text)?.[0].length ?? 0;
  const body = text.slice(lead);
  const hex = HEX.exec(body);
  if (hex !== null) return finish(lead + hex[0].length, hexValue(hex));
  const decimal = DECIMAL.exec(body);
  if (decimal !== null) {
    const value = Number(decimal[0]);
    const underflow = value === 0 && /[1-9]/.test(decimal[0].replace(/[eE].*$/, ''));
    return { value, end: lead + decimal[0].length, erange: !Number.isFinite(value) || underflow };
  }
  const infinity = INFINITY.exec(body);
  if (infinity !== null) {
    const value = infinity[1] === '-' ? -Infinity : Infinity;
    return { value, end: lead + infinity[0].length, erange: false };
  }
  const nan = NAN.exec(body);
  if (nan !== null) return { value: NaN, end: lead + nan[0].length, erange: false };
  return { value: 0, end: 0, erange: false };
}

function hexValue(match: RegExpExecArray): { value: number; erange: boolean } {
  const [, sign = '', digits = '', exponentText = '0'] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  const mantissa = BigInt(`0x${whole + fraction || '0'}`);
  const exponent = Number(exponentText) - 4 * fraction.length;
  let value = Number(mantissa) * 2 ** exponent;
  // 2 ** exponent alone over- or underflows before the product does when the mantissa is long.
  if (!Number.isFinite(value) || (value === 0 && mantissa !== 0n)) {
    value =
      Number(mantissa) * 2 ** Math.trunc(exponent / 2) * 2 ** (exponent - Math.trunc(exponent / 2));
  }
  const signed = sign === '-' ? -value : value;
  return { value: signed, erange: !Number.isFinite(value) || (value === 0 && mantissa !== 0n) };
}

function finish(end: number, parsed: { value: number; erange: boolean }): Strtod {
  return { value: parsed.value, end, erange: parsed.erange };
}

/**
 * Redis getDoubleFromObject (ZADD and ZINCRBY scores, ZRANGESTORE...): not empty, no leading
 * space, the whole text converted, no overflow or underflow to zero, not NaN.
 */
export function parseStrictDouble(text: string): number | undefined {
  if (text.length === 0 || SPACE.exec(text)?.[0] !== '') return undefined;
  const parsed = strtod(text);
  if (parsed.end !== text.length || Number.isNaN(parsed.value)) return undefined;
  if (parsed.erange && (parsed.value === 0 || !Number.isFinite(parsed.value))) return undefined;
  return parsed.value;
}

/**
 * Redis zslParseRange on one bound after its optional '(': strtod, the end pointer at the end
 * and not NaN, nothing else (so " 1", "1e999" = inf, "" = 0 and "1\0x" = 1 are all accepted).
 */
export function parseLooseDouble(whole: string): number | undefined {
  // The argument is read as a C string: it ends at the first NUL byte.
  const nul = whole.indexOf('\x00');
  const text = nul < 0 ? whole : whole.slice(0, nul);
  const parsed = strtod(text);
  if (parsed.end !== text.length && !(parsed.end === 0 && text.length === 0)) return undefined;
  return Number.isNaN(parsed.value) ? undefined : parsed.value;
}
