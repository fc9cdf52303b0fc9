import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLongDouble, parseInt64, parseLongDouble } from './numbers.js';

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

describe('parseLongDouble / formatLongDouble', () => {
  it('parses strtold syntax', () => {
    assert.equal(parseLongDouble('1.5'), 1.5);
    assert.equal(parseLongDouble('-.5'), -0.5);
    assert.equal(parseLongDouble('5.0e3'), 5000);
    assert.equal(parseLongDouble('+3'), 3);
    assert.equal(parseLongDouble('inf'), Infinity);
    assert.equal(parseLongDouble('-Infinity'), -Infinity);
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1e999', '1e-999', '1..2']) {
      assert.equal(parseLongDouble(bad), undefined, JSON.stringify(bad));
    }
  });

  it('formats in fixed notation without trailing zeros', () => {
    assert.equal(formatLongDouble(10.6), '10.6');
    assert.equal(formatLongDouble(0.1 + 0.2), '0.3');
    assert.equal(formatLongDouble(5200), '5200');
    assert.equal(formatLongDouble(-0), '0');
    assert.equal(formatLongDouble(1e21), '1000000000000000000000');
    assert.equal(formatLongDouble(1.5e-7), '0.00000015');
    assert.equal(formatLongDouble(3.0000000000000004), '3');
    assert.equal(formatLongDouble(1.2345678901234567), '1.2345678901234567');
  });
});
