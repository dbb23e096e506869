import { findPromqlError, neutralizePlaceholders, promqlWindowSeconds } from '../../src/private/promql';

describe('neutralizePlaceholders', () => {
  test('keeps the length and picks a literal that fits the position', () => {
    const q = 'sum(rate(x{ns="{{args.namespace}}"}[{{args.window}}])) > {{ args.t }}';
    const n = neutralizePlaceholders(q);
    expect(n.length).toBe(q.length);
    expect(n).toBe(`sum(rate(x{ns="${'a'.repeat(18)}"}[${'1m'.padEnd(15)}])) > ${'1'.padEnd(12)}`);
  });

  test('neutralizes the placeholders Argo Rollouts resolves, and only those', () => {
    // {{args.a}b}} is one placeholder (up to the first "}}"); in {{{args.a}}} the tag is "{args.a", not a placeholder
    expect(neutralizePlaceholders('x > {{args.a}b}}')).toBe(`x > ${'1'.padEnd(12)}`);
    expect(neutralizePlaceholders('x > {{{args.a}}}')).toBe('x > {{{args.a}}}');
  });

  test('handles escaped quotes, single quotes, backticks and comments', () => {
    expect(neutralizePlaceholders('x{a="\\"{{args.a}}"}')).toBe(`x{a="\\"${'a'.repeat(10)}"}`);
    expect(neutralizePlaceholders("x{a='{{args.a}}'}")).toBe(`x{a='${'a'.repeat(10)}'}`);
    expect(neutralizePlaceholders('x{a=`{{args.a}}`}')).toBe(`x{a=\`${'a'.repeat(10)}\`}`);
    expect(neutralizePlaceholders('# note "{{args.a}}\nx')).toBe('# note "{{args.a}}\nx');
  });
});

describe('findPromqlError', () => {
  test('accepts valid queries, including the presets\' shapes', () => {
    expect(findPromqlError('(sum(rate(x[2m])) or on() vector(0)) / sum(rate(x[2m])) and on() sum(increase(x[2m])) >= 10')).toBeUndefined();
    expect(findPromqlError('histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="{{args.a}}"}[2m])))')).toBeUndefined();
  });

  test('reports line, column and the text at the error', () => {
    expect(findPromqlError('sum(x)\n  + ')).toEqual({ offset: 11, line: 2, column: 5, near: '' });
    expect(findPromqlError('sum(rate(x{a="b"[2m]))')).toEqual({ offset: 16, line: 1, column: 17, near: '[2m]))' });
  });

  test('a repeated query gives the same answer (each query is parsed once), and callers cannot alter the kept one', () => {
    const bad = 'sum(rate(x[5m])';
    const first = findPromqlError(bad)!;
    const copy = { ...first };
    expect(first.line).toBe(1);
    (first as any).offset = -1;
    expect(findPromqlError(bad)).toEqual(copy);
    expect(findPromqlError('sum(rate(x[5m]))')).toBeUndefined();
    expect(findPromqlError('sum(rate(x[5m]))')).toBeUndefined();
  });

  test('an empty query is an error at the start', () => {
    expect(findPromqlError('   ')).toEqual({ offset: 0, line: 1, column: 1, near: '   ' });
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
