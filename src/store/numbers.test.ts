import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cString, parseInt64, strtoull } from './numbers.js';

describe('parseInt64', () => {
  it('accepts Redis integers', () => {
    assert.equal(parseInt64('0'), 0);
    assert.equal(parseInt64('-1'), -1);
    assert.equal(parseInt64('123456789012345'), 123456789012345);
    assert.equal(parseInt64('9007199254740991'), 9007199254740991);
    assert.equal(parseInt64('9007199254740993'), 9007199254740993n);
    assert.equal(parseInt64('9223372036854775807'), 9223372036854775807n);
    assert.equal(parseInt64('-9223372036854775808'), -9223372036854775808n);
  });

  it('rejects everything else', () => {
    for (const bad of [
      '',
      '-',
      '+1',
      '01',
      '-0',
      '1a',
      ' 1',
      '1 ',
      '1.0',
      '9223372036854775808',
      '-9223372036854775809',
      '1e3',
    ]) {
      assert.equal(parseInt64(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('strtoull / cString', () => {
  it('reads C strtoull over a whole string, white space only where allowed', () => {
    assert.equal(strtoull('18446744073709551615', false), 18446744073709551615n);
    assert.equal(strtoull('-1', false), 18446744073709551615n);
    assert.equal(strtoull('+5', false), 5n);
    assert.equal(strtoull('-0', false), 0n);
    assert.equal(strtoull(' 7', true), 7n);
    for (const bad of [' 7', '18446744073709551616', '1a', '', '+', '1 ', '0x10'])
      assert.equal(strtoull(bad, false), undefined, JSON.stringify(bad));
    assert.equal(cString('12\x003'), '12');
    assert.equal(cString('12'), '12');
  });
});
