/**
 * Automatic snapshot rules: Redis' `save` parameter. Each rule is a pair "seconds changes": a
 * background save starts once at least `changes` changes were made and more than `seconds`
 * passed since the last successful save. `save ""` means no rules.
 */

export interface SaveRule {
  readonly seconds: number;
  readonly changes: number;
}

/** Redis' default (redis.conf, 7.0+): after an hour if 1 change, 5 min if 100, 1 min if 10000. */
export const REDIS_DEFAULT_SAVE_RULES: readonly SaveRule[] = Object.freeze([
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
]);

/** Redis' CONFIG SET failure detail for a bad `save` value. */
export const INVALID_SAVE_RULES = 'Invalid save parameters';

/**
 * Parses `"3600 1 300 100"` (whitespace-separated, as Redis splits the argument); an empty or
 * blank value is no rules. Undefined when invalid, as Redis' setConfigSaveOption judges it: an
 * odd count, a non-integer, seconds below 1 or changes below 0.
 */
export function parseSaveRules(text: string): SaveRule[] | undefined {
  const words = text.split(/\s+/).filter((word) => word !== '');
  if (words.length % 2 !== 0) return undefined;
  const rules: SaveRule[] = [];
  for (let i = 0; i < words.length; i += 2) {
    const seconds = parseRuleInteger(words[i] ?? '');
    const changes = parseRuleInteger(words[i + 1] ?? '');
    if (seconds === undefined || changes === undefined || seconds < 1 || changes < 0)
      return undefined;
    rules.push({ seconds, changes });
  }
  return rules;
}

/** strtoll with the whole word consumed: optional sign, digits (leading zeros allowed). */
function parseRuleInteger(word: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(word)) return undefined;
  const value = Number(word);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** As CONFIG GET save prints them: `3600 1 300 100 60 10000`, or '' for none. */
export function formatSaveRules(rules: readonly SaveRule[]): string {
  return rules.map((rule) => `${rule.seconds} ${rule.changes}`).join(' ');
}

/**
 * The first rule that is due (Redis' serverCron test): at least `changes` changes and strictly
 * more than `seconds` whole seconds since the last successful save.
 */
export function dueSaveRule(
  rules: readonly SaveRule[],
  changes: number,
  secondsSinceSave: number,
): SaveRule | undefined {
  for (const rule of rules) {
    if (changes >= rule.changes && secondsSinceSave > rule.seconds) return rule;
  }
  return undefined;
}
