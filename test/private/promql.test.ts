import { Duration } from 'cdk8s';
import { assertArgName, goDuration } from '../../src/private/argo';
import { argPlaceholders, findPromqlError, neutralizePlaceholders, unsupportedPlaceholders } from '../../src/private/promql';

describe('neutralizePlaceholders', () => {
  test('keeps the length and picks a literal that fits the position', () => {
    const q = 'sum(rate(x{ns="{{args.namespace}}"}[{{args.window}}])) > {{ args.t }}';
    const n = neutralizePlaceholders(q);
    expect(n.length).toBe(q.length);
    expect(n).toBe(`sum(rate(x{ns="${'a'.repeat(18)}"}[${'1m'.padEnd(15)}])) > ${'1'.padEnd(12)}`);
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

  test('an empty query is an error at the start', () => {
    expect(findPromqlError('   ')).toEqual({ offset: 0, line: 1, column: 1, near: '   ' });
  });
});

describe('placeholders', () => {
  test('argPlaceholders lists names once, in order, with or without spaces', () => {
    expect(argPlaceholders('{{args.b}} {{ args.a }} {{args.b}}')).toEqual(['b', 'a']);
  });

  test('unsupportedPlaceholders finds tags other than args', () => {
    expect(unsupportedPlaceholders('{{args.a}} {{namespace}} {{ rollout.name }}')).toEqual(['{{namespace}}', '{{ rollout.name }}']);
  });
});

describe('_analysis helpers', () => {
  test('goDuration renders Go duration strings', () => {
    expect(goDuration(Duration.seconds(90))).toBe('90s');
    expect(goDuration(Duration.minutes(2))).toBe('2m');
    expect(goDuration(Duration.hours(3))).toBe('3h');
  });

  test('fails if an argument name is invalid', () => {
    expect(() => assertArgName('p', '-x')).toThrow(/'p' \("-x"\) is not a valid analysis argument name/);
    expect(() => assertArgName('p', 'service-name')).not.toThrow();
  });
});
