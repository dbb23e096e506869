import { MetricCondition, ResultSeries } from '../src/analysis-condition';
import { Outcome, outcome } from './support/expr-eval';

function decide(c: MetricCondition, result: number[]): Outcome {
  return outcome(c.successCondition, c.failureCondition, result);
}

describe('MetricCondition.atLeast', () => {
  test('renders both conditions, each guarding empty and NaN', () => {
    // WHEN
    const c = MetricCondition.atLeast(0.99);
    // THEN
    expect(c.successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99');
    expect(c.failureCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] < 0.99');
    expect(c.guardsNoData).toBe(true);
    expect(c.description).toBe('at least 0.99');
  });

  test.each([
    [[0.995], Outcome.SUCCESSFUL],
    [[0.99], Outcome.SUCCESSFUL],
    [[0.95], Outcome.FAILED],
    [[], Outcome.INCONCLUSIVE],
    [[NaN], Outcome.INCONCLUSIVE],
    [[0.95, 1], Outcome.FAILED],
  ])('result %p is %s', (result, expected) => {
    expect(decide(MetricCondition.atLeast(0.99), result)).toBe(expected);
  });

  test('every series, with ResultSeries.ALL', () => {
    const c = MetricCondition.atLeast(0.99, { series: ResultSeries.ALL });
    expect(c.successCondition).toBe('len(result) > 0 && all(result, {!isNaN(#) && # >= 0.99})');
    expect(c.failureCondition).toBe('any(result, {!isNaN(#) && # < 0.99})');
    expect(decide(c, [1, 0.999])).toBe(Outcome.SUCCESSFUL);
    expect(decide(c, [1, 0.9])).toBe(Outcome.FAILED);
    expect(decide(c, [1, NaN])).toBe(Outcome.INCONCLUSIVE);
    expect(decide(c, [])).toBe(Outcome.INCONCLUSIVE);
  });

  test('renders small and negative thresholds without exponent notation', () => {
    expect(MetricCondition.atLeast(0.0000001).successCondition).toContain('>= 0.0000001');
    expect(MetricCondition.atLeast(-0.5).successCondition).toContain('>= -0.5');
    expect(decide(MetricCondition.atLeast(-0.5), [-0.4])).toBe(Outcome.SUCCESSFUL);
  });

  test('fails if the threshold is not a finite number', () => {
    expect(() => MetricCondition.atLeast(NaN)).toThrow(/'MetricCondition.atLeast' threshold \(NaN\) must be a finite number/);
    expect(() => MetricCondition.atLeast(Infinity)).toThrow(/must be a finite number/);
  });
});

describe('MetricCondition.atMost', () => {
  test.each([
    [[120], Outcome.SUCCESSFUL],
    [[500], Outcome.SUCCESSFUL],
    [[3000], Outcome.FAILED],
    [[Infinity], Outcome.FAILED],
    [[], Outcome.INCONCLUSIVE],
    [[NaN], Outcome.INCONCLUSIVE],
  ])('result %p is %s', (result, expected) => {
    expect(decide(MetricCondition.atMost(500), result)).toBe(expected);
  });

  test('renders <= and >', () => {
    const c = MetricCondition.atMost(500);
    expect(c.successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] <= 500');
    expect(c.failureCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] > 500');
  });

  test('fails if the threshold is not a finite number', () => {
    expect(() => MetricCondition.atMost(-Infinity)).toThrow(/'MetricCondition.atMost' threshold \(-Infinity\) must be a finite number/);
  });
});

describe('MetricCondition.inconclusiveBelow', () => {
  test('never fails: below the floor or without data it is inconclusive', () => {
    const c = MetricCondition.inconclusiveBelow(10);
    expect(c.failureCondition).toBe('false');
    expect(decide(c, [25])).toBe(Outcome.SUCCESSFUL);
    expect(decide(c, [3])).toBe(Outcome.INCONCLUSIVE);
    expect(decide(c, [])).toBe(Outcome.INCONCLUSIVE);
    expect(decide(c, [NaN])).toBe(Outcome.INCONCLUSIVE);
  });

  test('fails if the threshold is not a finite number', () => {
    expect(() => MetricCondition.inconclusiveBelow(NaN)).toThrow(/'MetricCondition.inconclusiveBelow' threshold \(NaN\) must be a finite number/);
  });
});

describe('MetricCondition.expressions', () => {
  test('passes raw expressions through and says it does not guard no-data', () => {
    const c = MetricCondition.expressions({ successCondition: 'result[0] >= 0.9' });
    expect(c.successCondition).toBe('result[0] >= 0.9');
    expect(c.failureCondition).toBeUndefined();
    expect(c.guardsNoData).toBe(false);
    // an unguarded result[0] on an empty result is an evaluation error
    expect(decide(c, [])).toBe(Outcome.ERROR);
  });

  test('fails if both expressions are missing', () => {
    expect(() => MetricCondition.expressions({})).toThrow(/'successCondition' and 'failureCondition' are both empty/);
  });

  test('fails if an expression is an empty string', () => {
    expect(() => MetricCondition.expressions({ successCondition: 'true', failureCondition: ' ' }))
      .toThrow(/'failureCondition' is an empty string/);
  });
});

describe('Argo outcome rules (expr-eval support)', () => {
  test('neither condition: Successful; only success: Failed when false; only failure: Successful when false', () => {
    expect(outcome(undefined, undefined, [])).toBe(Outcome.SUCCESSFUL);
    expect(outcome('len(result) > 0', undefined, [])).toBe(Outcome.FAILED);
    expect(outcome(undefined, 'len(result) > 0', [])).toBe(Outcome.SUCCESSFUL);
  });

  test('both: failure wins', () => {
    expect(outcome('true', 'true', [])).toBe(Outcome.FAILED);
    expect(outcome('false', 'false', [])).toBe(Outcome.INCONCLUSIVE);
  });

  test('fails if a condition uses syntax outside the documented subset', () => {
    expect(() => outcome('result[0] + 1 > 2', undefined, [1])).toThrow(/unsupported syntax|unexpected/);
    expect(() => outcome('asFloat(result) > 1', undefined, [1])).toThrow(/unsupported function 'asFloat'/);
  });
});
