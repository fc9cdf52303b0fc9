/**
 * Glob matching with Redis' `stringmatchlen` semantics (KEYS, SCAN MATCH, ACL key patterns):
 * `*` any run, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges swapped), `\x` a
 * literal x (also inside classes). Redis' quirks are kept on purpose: an unterminated class
 * runs to the end of the pattern, and an empty subject matches only the empty pattern (callers
 * special-case a lone `*`, as Redis' KEYS and SCAN do).
 *
 * Every token other than `*` consumes exactly one byte, so the classic single-backtrack
 * algorithm is exact and runs in O(pattern * subject) time: no exponential blowup on
 * patterns such as `a*a*a*a*b`, and no recursion.
 */

const STAR = 42; // '*'
const QUESTION = 63; // '?'
const OPEN = 91; // '['
const CLOSE = 93; // ']'
const BACKSLASH = 92; // '\\'
const CARET = 94; // '^'
const DASH = 45; // '-'

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const patternLength = pattern.length;
  const subjectLength = subject.length;
  if (subjectLength === 0) return patternLength === 0;
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < subjectLength) {
    if (p < patternLength && pattern.charCodeAt(p) === STAR) {
      while (p + 1 < patternLength && pattern.charCodeAt(p + 1) === STAR) p++;
      if (p + 1 === patternLength) return true;
      starP = p;
      starS = s;
      p++;
      continue;
    }
    const next = p < patternLength ? matchToken(pattern, p, subject.charCodeAt(s), nocase) : -1;
    if (next >= 0) {
      p = next;
      s++;
      continue;
    }
    if (starP < 0) return false;
    // Let the last star absorb one more byte and retry the rest of the pattern from there.
    starS++;
    s = starS;
    p = starP + 1;
  }
  while (p < patternLength && pattern.charCodeAt(p) === STAR) p++;
  return p === patternLength;
}

/**
 * Matches the single-byte token at `p` against byte `c`; returns the index after the token,
 * or -1 if it does not match.
 */
function matchToken(pattern: string, p: number, c: number, nocase: boolean): number {
  const token = pattern.charCodeAt(p);
  if (token === QUESTION) return p + 1;
  if (token === OPEN) return matchClass(pattern, p + 1, c, nocase);
  let at = p;
  if (token === BACKSLASH && p + 1 < pattern.length) at = p + 1;
  return sameByte(pattern.charCodeAt(at), c, nocase) ? at + 1 : -1;
}

/** The body of `[...]` starting at `p` (after the '['), as Redis parses it. */
function matchClass(pattern: string, start: number, c: number, nocase: boolean): number {
  const end = pattern.length;
  let p = start;
  const negate = p < end && pattern.charCodeAt(p) === CARET;
  if (negate) p++;
  let match = false;
  for (;;) {
    if (p >= end) break; // unterminated: the class runs to the end of the pattern
    const ch = pattern.charCodeAt(p);
    if (ch === BACKSLASH && end - p >= 2) {
      p++;
      if (pattern.charCodeAt(p) === c) match = true;
    } else if (ch === CLOSE) {
      p++;
      break;
    } else if (end - p >= 3 && pattern.charCodeAt(p + 1) === DASH) {
      let low = ch;
      let high = pattern.charCodeAt(p + 2);
      if (low > high) [low, high] = [high, low];
      let subject = c;
      if (nocase) {
        low = lower(low);
        high = lower(high);
        subject = lower(subject);
      }
      if (subject >= low && subject <= high) match = true;
      p += 2;
    } else if (sameByte(ch, c, nocase)) {
      match = true;
    }
    if (ch !== CLOSE) p++;
  }
  return match !== negate ? p : -1;
}

function sameByte(a: number, b: number, nocase: boolean): boolean {
  return a === b || (nocase && lower(a) === lower(b));
}

/** C `tolower` in the C locale: ASCII only. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
