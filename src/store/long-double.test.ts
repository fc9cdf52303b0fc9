import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addLongDoubleText } from './long-double.js';

/** Replies of redis-server 7.0.15 to INCRBYFLOAT (value, increment), recorded by hand. */
const REDIS: readonly [string | null, string, string][] = [
  ['10.50', '0.1', '10.6'],
  ['10.6', '-5', '5.6'],
  ['5.0e3', '2.0e2', '5200'],
  [null, '0.1', '0.1'],
  ['0.1', '0.2', '0.3'],
  [null, '1e21', '1000000000000000000000'],
  [null, '0.0000001', '0.0000001'],
  ['-1.5', '1.5', '0'],
  [null, '3.0000000000000004', '3.0000000000000004'],
  [null, '1.2345678901234567', '1.2345678901234567'],
  [null, '1e-20', '0'],
  [null, '123456789.123456789', '123456789.12345678899873747'],
  ['0.1', '0.7', '0.8'],
  ['1.1', '2.2', '3.3'],
  ['3.3', '3.3', '6.6'],
  [null, '.5', '0.5'],
  [null, '5.', '5'],
  [null, '+3', '3'],
  [null, '-0', '0'],
];

describe('addLongDoubleText', () => {
  it('answers what Redis answers', () => {
    for (const [value, increment, expected] of REDIS) {
      assert.deepEqual(
        addLongDoubleText(value, increment),
        { ok: true, text: expected },
        `${value} + ${increment}`,
      );
    }
  });

  it('rejects what strtold/string2ld reject', () => {
    for (const bad of [
      '',
      ' 1',
      '1 ',
      'abc',
      'nan',
      '1..2',
      '.',
      'e5',
      '1e',
      '1e99999',
      '1e-99999',
    ]) {
      assert.deepEqual(addLongDoubleText(null, bad), { ok: false, error: 'increment' }, bad);
      assert.deepEqual(addLongDoubleText(bad, '1'), { ok: false, error: 'value' }, bad);
    }
  });

  it('accepts values beyond double range, as long doubles do, and reports infinities', () => {
    // The nearest long double to 1e400, printed exactly (as redis-server 7.0.15 does).
    const big = addLongDoubleText(null, '1e400');
    assert.ok(big.ok);
    assert.equal(big.text.length, 401);
    assert.ok(big.text.startsWith('1000000000000000000028188068394758651458'));
    assert.deepEqual(addLongDoubleText(null, 'inf'), { ok: false, error: 'nan-or-infinity' });
    assert.deepEqual(addLongDoubleText('-Infinity', '1'), { ok: false, error: 'nan-or-infinity' });
    assert.deepEqual(addLongDoubleText('1e4932', '1e4932'), {
      ok: false,
      error: 'nan-or-infinity',
    });
  });
});
