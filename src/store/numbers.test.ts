import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInt64 } from './numbers.js';

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
