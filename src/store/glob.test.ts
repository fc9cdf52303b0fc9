import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../shared/effects.js';
import { globMatch } from './glob.js';

/**
 * A direct port of Redis' recursive stringmatchlen_impl (util.c), as the oracle for the
 * iterative matcher. Exponential on bad patterns: only run on short inputs.
 */
function redisMatch(pattern: string, subject: string, nocase: boolean): boolean {
  const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
  const skip = { longer: false };
  // `at(s, i)` reads like C: past the end is NUL (0).
  const at = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) : 0);
  const impl = (p: number, pl: number, s: number, sl: number): boolean => {
    while (pl > 0 && sl > 0) {
      const c = at(pattern, p);
      if (c === 42) {
        while (pl > 0 && at(pattern, p + 1) === 42) {
          p++;
          pl--;
        }
        if (pl === 1) return true;
        while (sl > 0) {
          if (impl(p + 1, pl - 1, s, sl)) return true;
          if (skip.longer) return false;
          s++;
          sl--;
        }
        skip.longer = true;
        return false;
      } else if (c === 63) {
        s++;
        sl--;
      } else if (c === 91) {
        p++;
        pl--;
        const not = at(pattern, p) === 94;
        if (not) {
          p++;
          pl--;
        }
        let match = false;
        for (;;) {
          if (at(pattern, p) === 92 && pl >= 2) {
            p++;
            pl--;
            if (at(pattern, p) === at(subject, s)) match = true;
          } else if (at(pattern, p) === 93) {
            break;
          } else if (pl === 0) {
            p--;
            pl++;
            break;
          } else if (pl >= 3 && at(pattern, p + 1) === 45) {
            let start = at(pattern, p);
            let end = at(pattern, p + 2);
            let ch = at(subject, s);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            p += 2;
            pl -= 2;
            if (ch >= start && ch <= end) match = true;
          } else if (
            nocase
              ? lower(at(pattern, p)) === lower(at(subject, s))
              : at(pattern, p) === at(subject, s)
          ) {
            match = true;
          }
          p++;
          pl--;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        sl--;
      } else {
        if (c === 92 && pl >= 2) {
          p++;
          pl--;
        }
        const a = at(pattern, p);
        const b = at(subject, s);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        s++;
        sl--;
      }
      p++;
      pl--;
      if (sl === 0) {
        while (at(pattern, p) === 42) {
          p++;
          pl--;
        }
        break;
      }
    }
    return pl === 0 && sl === 0;
  };
  return impl(0, pattern.length, 0, subject.length);
}

describe('globMatch', () => {
  it('matches Redis examples', () => {
    assert.equal(globMatch('h?llo', 'hello'), true);
    assert.equal(globMatch('h*llo', 'heeeello'), true);
    assert.equal(globMatch('h*llo', 'hllo'), true);
    assert.equal(globMatch('h[ae]llo', 'hallo'), true);
    assert.equal(globMatch('h[ae]llo', 'hillo'), false);
    assert.equal(globMatch('h[^e]llo', 'hallo'), true);
    assert.equal(globMatch('h[^e]llo', 'hello'), false);
    assert.equal(globMatch('h[a-b]llo', 'hbllo'), true);
    assert.equal(globMatch('h[b-a]llo', 'hallo'), true, 'reversed range');
    assert.equal(globMatch('h\\*llo', 'h*llo'), true);
    assert.equal(globMatch('h\\*llo', 'hello'), false);
    assert.equal(globMatch('[\\]]', ']'), true);
    assert.equal(globMatch('*', 'anything'), true);
    assert.equal(globMatch('a*', 'a'), true, 'trailing stars match nothing');
    assert.equal(globMatch('*', ''), false, 'Redis: an empty subject matches only ""');
    assert.equal(globMatch('', ''), true);
    assert.equal(globMatch('[abc', 'b'), true, 'unterminated class runs to the end');
    assert.equal(globMatch('HELLO', 'hello'), false);
    assert.equal(globMatch('HE[L-L]LO', 'hello', true), true);
  });

  it('agrees with a port of Redis stringmatchlen on random inputs', () => {
    const rng = new SeededRng(42);
    const alphabet = 'ab*?[]^-\\A';
    const pick = (length: number): string => {
      let s = '';
      for (let i = 0; i < length; i++) s += alphabet[rng.int(alphabet.length)];
      return s;
    };
    for (let i = 0; i < 20_000; i++) {
      const pattern = pick(rng.int(8));
      const subject = pick(rng.int(8));
      const nocase = rng.int(2) === 1;
      assert.equal(
        globMatch(pattern, subject, nocase),
        redisMatch(pattern, subject, nocase),
        `pattern ${JSON.stringify(pattern)} subject ${JSON.stringify(subject)} nocase ${nocase}`,
      );
    }
  });

  it('stays polynomial on adversarial patterns', () => {
    const pattern = 'a*'.repeat(30) + 'b';
    const subject = 'a'.repeat(5000);
    // Exponential backtracking would not finish; the iterative matcher does ~O(n*m) steps.
    assert.equal(globMatch(pattern, subject), false);
    assert.equal(globMatch(pattern, subject + 'b'), true);
  });
});
