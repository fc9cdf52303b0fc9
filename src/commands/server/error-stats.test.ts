import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_PREFIXES_MAX, ErrorStats, errorPrefix } from './error-stats.js';

test('the prefix is the first word, or ERR when no space ends it within 32 bytes', () => {
  assert.equal(errorPrefix('ERR wrong number of arguments'), 'ERR');
  assert.equal(errorPrefix('WRONGTYPE Operation against a key'), 'WRONGTYPE');
  assert.equal(errorPrefix('EXECABORT Transaction discarded'), 'EXECABORT');
  assert.equal(errorPrefix('NOSPACE'), 'ERR');
  assert.equal(errorPrefix(`${'X'.repeat(30)} y`), 'X'.repeat(30));
  assert.equal(errorPrefix(`${'X'.repeat(31)} y`), 'ERR');
});

test('counts per prefix, sorted as Redis lists them; RESETSTAT clears', () => {
  const stats = new ErrorStats();
  for (const text of ['WRONGTYPE a', 'ERR b', 'ERR c', 'NOAUTH d', 'ERR e']) stats.count(text);
  assert.deepEqual(stats.lines(), [
    ['errorstat_ERR', 'count=3'],
    ['errorstat_NOAUTH', 'count=1'],
    ['errorstat_WRONGTYPE', 'count=1'],
  ]);
  stats.reset();
  assert.deepEqual(stats.lines(), []);
});

test('a prefix past the 128th disables counting by prefix until RESETSTAT', () => {
  const stats = new ErrorStats();
  for (let i = 0; i < ERROR_PREFIXES_MAX; i++) stats.count(`E${i} x`);
  assert.equal(stats.lines().length, ERROR_PREFIXES_MAX);
  stats.count('E0 again');
  assert.equal(stats.lines().length, ERROR_PREFIXES_MAX, 'a known prefix still counts');
  stats.count('NEW x');
  assert.deepEqual(stats.lines(), [['errorstat_ERRORSTATS_DISABLED', 'count=1']]);
  stats.count('ERR y');
  assert.deepEqual(stats.lines(), [['errorstat_ERRORSTATS_DISABLED', 'count=1']]);
  stats.reset();
  stats.count('ERR z');
  assert.deepEqual(stats.lines(), [['errorstat_ERR', 'count=1']]);
});
