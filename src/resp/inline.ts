/**
 * Splits an inline command line into arguments the way Redis' sdssplitargs does: blanks
 * separate arguments; "double quotes" understand \n \r \t \b \a, \xHH and \<any>; 'single
 * quotes' understand only \'; a closing quote must be followed by a blank or the end of the
 * line. A NUL byte ends the line (sdssplitargs works on a C string).
 *
 * Returns null on unbalanced quotes (`ERR Protocol error: unbalanced quotes in request`).
 * Inline commands are rare (redis-benchmark's inline PING, telnet users), so this favours
 * clarity over speed.
 */

/** C isspace(): space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const ESCAPES: Readonly<Record<number, number>> = {
  110: 10, // \n
  114: 13, // \r
  116: 9, // \t
  98: 8, // \b
  97: 7, // \a
};

/** Reads one argument starting at `start`; returns [bytes, next position] or null. */
function readArg(line: Uint8Array, start: number, end: number): [number[], number] | null {
  const out: number[] = [];
  let i = start;
  let quote = 0; // 0, 34 (") or 39 (')
  for (;;) {
    const c = i < end ? (line[i] ?? 0) : 0;
    const next = i + 1 < end ? (line[i + 1] ?? 0) : 0;
    if (quote === 34) {
      if (c === 0) return null; // unterminated quotes
      if (c === 92 && next === 120 /* \x */) {
        const high = hexValue(i + 2 < end ? (line[i + 2] ?? 0) : 0);
        const low = hexValue(i + 3 < end ? (line[i + 3] ?? 0) : 0);
        if (high >= 0 && low >= 0) {
          out.push(high * 16 + low);
          i += 4;
          continue;
        }
      }
      if (c === 92 && next !== 0) {
        out.push(ESCAPES[next] ?? next);
        i += 2;
        continue;
      }
      if (c === 34) {
        if (next !== 0 && !isSpace(next)) return null; // closing quote must end the argument
        return [out, i + 1];
      }
      out.push(c);
      i++;
    } else if (quote === 39) {
      if (c === 0) return null;
      if (c === 92 && next === 39) {
        out.push(39);
        i += 2;
        continue;
      }
      if (c === 39) {
        if (next !== 0 && !isSpace(next)) return null;
        return [out, i + 1];
      }
      out.push(c);
      i++;
    } else {
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) return [out, i];
      if (c === 34 || c === 39) quote = c;
      else out.push(c);
      i++;
    }
  }
}

export function splitInlineArgs(line: Uint8Array, start: number, end: number): string[] | null {
  // The line is a C string to sdssplitargs: it ends at the first NUL.
  const nul = line.subarray(start, end).indexOf(0);
  const stop = nul < 0 ? end : start + nul;
  const args: string[] = [];
  let i = start;
  for (;;) {
    while (i < stop && isSpace(line[i] ?? 0)) i++;
    if (i >= stop) return args;
    const read = readArg(line, i, stop);
    if (read === null) return null;
    args.push(Buffer.from(read[0]).toString('latin1'));
    i = read[1];
  }
}
