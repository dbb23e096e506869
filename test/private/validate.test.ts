import { assertIntInRange } from '../../src/private/validate';

describe('assertIntInRange', () => {
  test.each([0, 1, 100])('accepts %j in [0, 100]', (value) => {
    expect(() => assertIntInRange('weight', value, 0, 100)).not.toThrow();
  });

  test.each([-1, 101, 1.5, NaN, Infinity])('fails if the value is outside the range or not an integer (%j)', (value) => {
    expect(() => assertIntInRange('weight', value, 0, 100)).toThrow(/^'weight' \(.*\) must be an integer between 0 and 100$/);
  });

  test('fails if the value is out of range, with the hint appended', () => {
    expect(() => assertIntInRange('weight', 120, 0, 100, 'it is a percentage')).toThrow(/^'weight' \(120\) must be an integer between 0 and 100: it is a percentage$/);
  });
});
