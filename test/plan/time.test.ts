import {
  formatCount,
  formatNumber,
  formatSeconds,
  metricDurationSeconds,
  parseGoDuration,
  pauseDurationSeconds,
  promqlWindowSeconds,
} from '../../src/plan/_time';

describe('parseGoDuration', () => {
  test.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1m30s', 90],
    ['1h0m0s', 3600],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['0', 0],
    ['-1s', -1],
    ['+2m', 120],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
  });

  test.each(['5 minutes', '', '60', '1d', 'm'])('"%s" is not a Go duration', text => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('pauseDurationSeconds', () => {
  test('reads integers and integer strings as seconds, other strings as Go durations truncated to seconds', () => {
    expect(pauseDurationSeconds('p', 'Rollout "r"', 30)).toBe(30);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '45')).toBe(45);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '2m')).toBe(120);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '1500ms')).toBe(1); // truncated, as Argo Rollouts does
    expect(pauseDurationSeconds('p', 'Rollout "r"', '500ms')).toBe(0);
  });

  test('fails if the duration is negative', () => {
    expect(() => pauseDurationSeconds('steps[1].pause.duration', 'Rollout "r"', -5))
      .toThrow(/'steps\[1\].pause.duration' \(-5\) of Rollout "r" must be a non-negative number of seconds/);
  });

  test('fails if the duration cannot be parsed', () => {
    expect(() => pauseDurationSeconds('steps[1].pause.duration', 'Rollout "r"', 'soon'))
      .toThrow(/\("soon"\) of Rollout "r" must be .* Argo Rollouts rejects it/);
  });
});

describe('metricDurationSeconds', () => {
  test('reads Go durations; unset is undefined', () => {
    expect(metricDurationSeconds('interval', 'AnalysisTemplate "t"', '1m')).toBe(60);
    expect(metricDurationSeconds('interval', 'AnalysisTemplate "t"', undefined)).toBeUndefined();
  });

  test('fails if the value is not a Go duration', () => {
    // Go durations need a unit, except "0"
    expect(() => metricDurationSeconds('spec.metrics[0].interval', 'AnalysisTemplate "t"', '60'))
      .toThrow(/'spec.metrics\[0\].interval' \("60"\) of AnalysisTemplate "t" must be a non-negative Go duration/);
  });
});

describe('promqlWindowSeconds', () => {
  test.each([
    ['sum(rate(x[5m]))', 300],
    ['sum(rate(x[1h30m]))', 5400],
    ['max_over_time(rate(x[2m])[30m:1m])', 1800], // the longest of range and subquery
    ['rate(x[30s]) / rate(y[2m])', 120],
    ['rate(x[1d])', 86400],
  ])('%s has a %d s window', (query, seconds) => {
    expect(promqlWindowSeconds(query)).toBe(seconds);
  });

  test.each(['sum(x)', 'rate(x[{{args.window}}])', 'up{job="istio"}'])('%s has no window', query => {
    expect(promqlWindowSeconds(query)).toBeUndefined();
  });
});

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

  test('formatSeconds gives the same text when asked again (the texts are kept by value)', () => {
    for (let round = 0; round < 2; round++) {
      expect([0, -0, 90, 0.5, -90, Infinity, NaN, 3725].map(formatSeconds)).toEqual(['0s', '0s', '1m30s', '500ms', '-1m30s', 'unbounded', 'unbounded', '1h2m5s']);
    }
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

describe('duration caches', () => {
  test('parsing a duration again gives the same result, valid or not', () => {
    for (let round = 0; round < 2; round++) {
      expect(parseGoDuration('1m30s')).toBe(90);
      expect(parseGoDuration(' 2h ')).toBe(7200);
      expect(parseGoDuration('5 m')).toBeUndefined();
      expect(pauseDurationSeconds('p', 'Rollout "r"', '1.9s')).toBe(1);
      expect(pauseDurationSeconds('p', 'Rollout "r"', ' 45 ')).toBe(45);
      expect(() => pauseDurationSeconds('p', 'Rollout "r"', '-1m')).toThrow(/'p' \("-1m"\) of Rollout "r" must be a non-negative number/);
      expect(() => pauseDurationSeconds('p', 'Rollout "r"', 'soon')).toThrow(/'p' \("soon"\)/);
    }
  });
});
