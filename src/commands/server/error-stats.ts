/**
 * INFO errorstats: error replies counted by prefix (`ERR`, `WRONGTYPE`, `NOAUTH`...), as Redis'
 * afterErrorReply / incrementErrorCount count them. The prefix is the error's first word when a
 * space ends it within Redis' 32-character window, otherwise `ERR`.
 *
 * Bounded as Redis bounds it (ERROR_STATS_NUMBER): once 128 prefixes are known, a reply with a
 * new one drops them all for a single `ERRORSTATS_DISABLED` entry and counting by prefix stops
 * until CONFIG RESETSTAT; total_error_replies goes on counting.
 */

/** Redis' ERROR_STATS_NUMBER. */
export const ERROR_PREFIXES_MAX = 128;
const DISABLED = 'ERRORSTATS_DISABLED';
/** Redis looks for the space in the first 32 bytes of `-PREFIX ...`, the '-' included. */
const PREFIX_WINDOW_CHARS = 31;

/** The prefix an error reply's text (without the leading '-') is counted under. */
export function errorPrefix(text: string): string {
  const space = text.indexOf(' ');
  return space > 0 && space < PREFIX_WINDOW_CHARS ? text.slice(0, space) : 'ERR';
}

export class ErrorStats {
  private readonly counts = new Map<string, number>();
  private enabled = true;

  count(text: string): void {
    if (!this.enabled) return;
    const prefix = errorPrefix(text);
    const known = this.counts.get(prefix);
    if (known !== undefined) {
      this.counts.set(prefix, known + 1);
    } else if (this.counts.size >= ERROR_PREFIXES_MAX) {
      this.counts.clear();
      this.counts.set(DISABLED, 1);
      this.enabled = false;
    } else {
      this.counts.set(prefix, 1);
    }
  }

  reset(): void {
    this.counts.clear();
    this.enabled = true;
  }

  /** `errorstat_<PREFIX>` lines in Redis' order (its rax is sorted by prefix bytes). */
  lines(): Array<readonly [string, string]> {
    return [...this.counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([prefix, count]) => [`errorstat_${prefix}`, `count=${count}`] as const);
  }
}
