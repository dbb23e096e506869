import { formatCount, formatNumber, formatSeconds } from '../../src/private/format';

describe('formatting', () => {
  test.each([
    [0, '0s'],
    [0.5, '500ms'],
    [30, '30s'],
    [90, '1m30s'],
    [120, '2m'],
    [3600, '1h'],
    [3725, '1h2m5s'],
    [18.75, '18.75s'],
    [Infinity, 'unbounded'],
  ])('formatSeconds(%d) is %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  test('formatSeconds of zero, negative and non-finite values', () => {
    expect([0, -0, -90, NaN].map(formatSeconds)).toEqual(['0s', '0s', '-1m30s', 'unbounded']);
  });

  test('formatNumber and formatCount do not depend on the locale', () => {
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(10)).toBe('10');
    expect(formatNumber(33.333)).toBe('33.3');
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
  });

  test('formatNumber prints integers as toFixed does, exponents included', () => {
    expect([formatNumber(0), formatNumber(-0), formatNumber(100), formatNumber(-40, 2), formatNumber(2 ** 53 - 1)])
      .toEqual(['0', '0', '100', '-40', '9007199254740991']);
    // beyond the safe integers toFixed writes an exponent, whose trailing zeros are cut like decimals
    expect([formatNumber(1e21), formatNumber(1.5e300)]).toEqual(['1e+21', '1.5e+3']);
    expect(formatNumber(12.25, 2)).toBe('12.25');
  });
});
