/**
 * Argument helpers shared by the collection families. Number parsing and formatting live in
 * src/store/numbers.ts (Redis string2ll / string2ld / ld2string rules).
 */

/** ASCII case-insensitive equality with an upper-case keyword, without allocating. */
export function isKeyword(arg: string, upper: string): boolean {
  if (arg.length !== upper.length) return false;
  for (let i = 0; i < upper.length; i++) {
    const c = arg.charCodeAt(i);
    if ((c >= 97 && c <= 122 ? c - 32 : c) !== upper.charCodeAt(i)) return false;
  }
  return true;
}
