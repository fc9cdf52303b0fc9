import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dueSaveRule,
  formatSaveRules,
  parseSaveRules,
  REDIS_DEFAULT_SAVE_RULES,
} from './save-rules.js';
import { applyOption, ConfigError, DEFAULT_OPTIONS, limitsFor, RuntimeConfig } from './config.js';

test('parseSaveRules: pairs of seconds (>= 1) and changes (>= 0), as Redis validates them', () => {
  assert.deepEqual(parseSaveRules('3600 1 300 100 60 10000'), REDIS_DEFAULT_SAVE_RULES);
  assert.deepEqual(parseSaveRules('  10   0 '), [{ seconds: 10, changes: 0 }]);
  assert.deepEqual(parseSaveRules('+5 007'), [{ seconds: 5, changes: 7 }]);
  assert.deepEqual(parseSaveRules(''), []);
  assert.deepEqual(parseSaveRules('   '), []);
  for (const bad of ['1', '1 2 3', '0 1', '-1 1', '1 -1', 'a 1', '1 b', '1.5 1', '1 1x'])
    assert.equal(parseSaveRules(bad), undefined, bad);
});

test('formatSaveRules prints what CONFIG GET save shows and parses back', () => {
  assert.equal(formatSaveRules(REDIS_DEFAULT_SAVE_RULES), '3600 1 300 100 60 10000');
  assert.equal(formatSaveRules([]), '');
  assert.deepEqual(parseSaveRules(formatSaveRules(REDIS_DEFAULT_SAVE_RULES)), [
    ...REDIS_DEFAULT_SAVE_RULES,
  ]);
});

test('dueSaveRule: enough changes and strictly more seconds than the rule', () => {
  const rules = parseSaveRules('3600 1 300 100') ?? [];
  assert.equal(dueSaveRule(rules, 0, 10_000), undefined, 'no change, no save');
  assert.equal(dueSaveRule(rules, 1, 3600), undefined, 'exactly 3600 s is not more');
  assert.deepEqual(dueSaveRule(rules, 1, 3601), { seconds: 3600, changes: 1 });
  assert.deepEqual(dueSaveRule(rules, 100, 301), { seconds: 300, changes: 100 });
  assert.equal(dueSaveRule(rules, 99, 301), undefined);
  assert.equal(dueSaveRule([], 1_000_000, 1_000_000), undefined);
});

test('the save option: flag/config-file value, default by durability and data directory', () => {
  const options = { ...DEFAULT_OPTIONS };
  const limits = limitsFor(options);
  assert.equal(
    new RuntimeConfig({ ...options, durability: 'memory' }, limits, '/data')
      .parameter('save')
      ?.get(),
    '3600 1 300 100 60 10000',
    'in-memory with a data directory: Redis default',
  );
  assert.equal(
    new RuntimeConfig({ ...options, durability: 'memory' }, limits, '').parameter('save')?.get(),
    '',
    'no data directory: no rules',
  );
  assert.equal(
    new RuntimeConfig({ ...options, durability: 'fsync' }, limits, '/data')
      .parameter('save')
      ?.get(),
    '',
    'fsync: the Raft log is the durable copy',
  );
  applyOption(options, 'save', '1 1');
  const config = new RuntimeConfig({ ...options, durability: 'fsync' }, limits, '/data');
  assert.deepEqual(config.saveRules, [{ seconds: 1, changes: 1 }], 'an explicit value wins');
  applyOption(options, 'save', '');
  assert.deepEqual(options.saveRules, []);
  assert.throws(() => applyOption(options, 'save', '1'), ConfigError);
  const parameter = config.parameter('save');
  assert.equal(parameter?.check?.('1 2 3'), 'Invalid save parameters');
  assert.equal(parameter?.check?.('900 1'), undefined);
  parameter?.apply?.('900 1');
  assert.deepEqual(config.saveRules, [{ seconds: 900, changes: 1 }]);
  assert.equal(parameter?.get(), '900 1');
});
