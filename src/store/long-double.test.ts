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

  // Replies of redis-server 7.0.15 (INCRBYFLOAT on a missing key), checked by hand over TCP:
  // strtold also reads C99 hexadecimal floats, exactly.
  const HEXADECIMAL: readonly [string, string][] = [
    ['0x10', '16'],
    ['-0x10', '-16'],
    ['+0x1', '1'],
    ['0x1p-2', '0.25'],
    ['0X1.8P1', '3'],
    ['0x1P+2', '4'],
    ['0x.8', '0.5'],
    ['0x8.', '8'],
    ['-0X.1', '-0.0625'],
    ['0xABCdef', '11259375'],
    ['0x1e', '30'],
    ['0x1e1', '481'],
    ['0x10p-4', '1'],
    ['0x1.2345p4', '18.204345703125'],
    ['0x123456789abcdef0123p-10', '5247073869855161280.5'],
    ['0x000000000000000000000001p0', '1'],
    ['0x1.fffffffffffffffep0', '2'],
    ['0x1.fffffffffffffffffp0', '2'],
    ['0x0', '0'],
    ['-0x0', '0'],
    ['0x0p99999', '0'],
    ['0x0p-99999', '0'],
    ['0x1p-1074', '0'],
  ];

  it('reads hexadecimal floats as strtold does', () => {
    for (const [increment, expected] of HEXADECIMAL) {
      assert.deepEqual(addLongDoubleText(null, increment), { ok: true, text: expected }, increment);
    }
    // A stored hexadecimal value is read the same way (Redis: SET k 0x10, INCRBYFLOAT k 1).
    assert.deepEqual(addLongDoubleText('0x10', '1'), { ok: true, text: '17' });
    assert.deepEqual(addLongDoubleText('17', '0x1p-2'), { ok: true, text: '17.25' });
    // The largest power of two; one more binary digit overflows (Redis: not a valid float).
    assert.deepEqual(addLongDoubleText(null, '0x1p16383'), {
      ok: true,
      text: (2n ** 16383n).toString(),
    });
    for (const bad of ['0x1p16384', '0x1.ffffffffffffffffp16383', '0x1p99999']) {
      assert.deepEqual(addLongDoubleText(null, bad), { ok: false, error: 'increment' }, bad);
    }
  });

  it('accepts subnormals and rejects what rounds to zero, as strtold/string2ld', () => {
    // 2^-16445 is the smallest subnormal; 2^-16446 is a tie that rounds to even (zero).
    for (const tiny of [
      '0x1p-16445',
      '0x1.8p-16446',
      '0x1.0000001p-16446',
      '0x1p-16382',
      '0x1p-16383',
      '1e-4940',
      '1e-4950',
      '2e-4951',
      '1.9e-4951',
    ]) {
      assert.deepEqual(addLongDoubleText(null, tiny), { ok: true, text: '0' }, tiny);
    }
    for (const zero of ['0x1p-16446', '0x1p-99999', '1.8e-4951', '1e-4951', '1e-5000']) {
      assert.deepEqual(addLongDoubleText(null, zero), { ok: false, error: 'increment' }, zero);
    }
  });

  it('rejects the hexadecimal and other forms Redis rejects', () => {
    for (const bad of [
      '0x',
      '0X',
      '0x.',
      '0x.p1',
      '0xp1',
      '0x1p',
      '0x1P',
      '0x1p+',
      '0x1p-',
      '0x1p1.5',
      '0xg',
      '0x1g',
      'x1',
      '1e+',
      '1e1.5',
      '1.5e',
      '1x',
      '\t1',
      '\n1',
      '\v1',
      '\f1',
      '\r1',
      '1\t',
      '- 1',
      '-',
      '+',
      '-.',
      '1\x002',
      '\x001',
      '0x1p1\x00z',
      'NaN',
      '-nan',
      'nan(123)',
      'nanx',
      'in',
      'infinit',
      'infx',
    ]) {
      assert.deepEqual(addLongDoubleText(null, bad), { ok: false, error: 'increment' }, bad);
      assert.deepEqual(addLongDoubleText(bad, '1'), { ok: false, error: 'value' }, bad);
    }
    for (const infinite of ['+inf', 'INF', 'Infinity', '-INFINITY']) {
      assert.deepEqual(
        addLongDoubleText(null, infinite),
        { ok: false, error: 'nan-or-infinity' },
        infinite,
      );
    }
  });
});
