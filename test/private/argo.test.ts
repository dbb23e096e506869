// Go durations and {{args.x}} placeholders as Argo Rollouts reads them. The expectations are those of the upstream
// code: Go's time.ParseDuration (src/time/format.go, the cases of its time_test.go), the controller's
// RolloutPause.DurationSeconds (pkg/apis/rollouts/v1alpha1/types.go) and its template resolution
// (utils/template/template.go with valyala/fasttemplate: a tag runs from "{{" to the first "}}", trimmed by
// strings.TrimSpace, and is looked up as "args.<name>").
import { Duration } from 'cdk8s';
import {
  argoPauseSeconds, argoTags, argPlaceholders, assertArgName, goDuration, goDurationError, parseGoDuration, substituteArgs,
} from '../../src/private/argo';

describe('parseGoDuration (time.ParseDuration)', () => {
  test.each<[string, number]>([
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['5s', 5],
    ['30s', 30],
    ['1478s', 1478],
    ['-5s', -5],
    ['+5s', 5],
    ['5.0s', 5],
    ['5.6s', 5.6],
    ['5.s', 5],
    ['.5s', 0.5],
    ['1.004s', 1.004],
    ['100.00100s', 100.001],
    ['10ns', 10e-9],
    ['11us', 11e-6],
    ['12µs', 12e-6], // U+00B5, the micro sign
    ['12μs', 12e-6], // U+03BC, the Greek letter mu
    ['13ms', 0.013],
    ['15m', 900],
    ['16h', 57600],
    ['1h2m', 3720],
    ['3h30m', 12600],
    ['1.5h', 5400],
    ['10.5s4m', 250.5],
    ['-2m3.4s', -123.4],
    ['1h2m3s4ms5us6ns', 3723.004005006],
    ['39h9m14.425s', 140954.425],
    ['0.3333333333333333333h', 1200],
    ['0.100000000000000000000h', 360],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
    expect(goDurationError(text)).toBeUndefined();
  });

  test('the int64 nanosecond limits', () => {
    expect(parseGoDuration('9223372036854775807ns')).toBe(9223372036.854775807);
    expect(parseGoDuration('-9223372036854775808ns')).toBe(-9223372036.854775808);
    expect(parseGoDuration('9223372036854775808ns')).toBeUndefined();
    expect(parseGoDuration('-9223372036854775809ns')).toBeUndefined();
    expect(parseGoDuration('9223372036854775.808us')).toBeUndefined();
  });

  test.each<[string, string]>([
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['+', 'time: invalid duration "+"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['s', 'time: invalid duration "s"'],
    ['3', 'time: missing unit in duration "3"'],
    ['00', 'time: missing unit in duration "00"'],
    ['60', 'time: missing unit in duration "60"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1hm', 'time: unknown unit "hm" in duration "1hm"'],
    ['5 minutes', 'time: unknown unit " minutes" in duration "5 minutes"'],
    [' 2s', 'time: invalid duration " 2s"'], // Go does not trim
    ['2s ', 'time: unknown unit "s " in duration "2s "'],
    ['--1s', 'time: invalid duration "--1s"'],
  ])('Go refuses %j (%s)', (text, error) => {
    expect(parseGoDuration(text)).toBeUndefined();
    expect(goDurationError(text)).toBe(error);
  });
});

describe('goDuration', () => {
  test('whole seconds in the largest exact unit', () => {
    expect([Duration.seconds(90), Duration.minutes(2), Duration.hours(3), Duration.seconds(3600 + 60)].map(goDuration)).toEqual(['90s', '2m', '3h', '61m']);
    expect(parseGoDuration(goDuration(Duration.minutes(61)))).toBe(3660);
  });
});

describe('argoPauseSeconds (RolloutPause.DurationSeconds)', () => {
  test.each<[unknown, number]>([
    [30, 30],
    [0, 0],
    [-5, -5],
    ['45', 45],
    ['+45', 45],
    ['-0', 0],
    ['-5', -5],
    ['2147483647', 2147483647],
    ['2m', 120],
    ['1h30m', 5400],
    ['1500ms', 1], // truncated to whole seconds
    ['500ms', 0],
    ['-500ms', 0], // int32(-0.5) is 0: the controller accepts it
    ['-1m', -60],
  ])('%j is %d seconds', (value, seconds) => {
    expect(argoPauseSeconds(value)).toBe(seconds);
  });

  test.each<unknown>(['', ' 45', '45 ', '5 m', 'soon', '2147483648', 2.5, 2 ** 31, null, {}])('the controller cannot read %j', value => {
    expect(argoPauseSeconds(value)).toBeUndefined();
  });
});

describe('{{args.x}} placeholders (fasttemplate, as the controller resolves them)', () => {
  test.each<[string, string[]]>([
    ['{{args.a}}', ['a']],
    ['{{ args.a }}', ['a']],
    ['{{\targs.a\n}}', ['a']],
    ['{{args.a\u00a0}}', ['a']], // U+00A0 is white space for Go
    ['{{args.a\ufeff}}', ['a\ufeff']], // U+FEFF is not
    ['{{args. a}}', [' a']], // only the ends of the tag are trimmed
    ['{{args.}}', ['']],
    ['{{args.a:b}}', ['a:b']],
    ['{{args.a}b}}', ['a}b']], // the tag ends at the first "}}"
    ['{{{args.a}}}', []], // the tag is "{args.a"
    ['{{ARGS.a}}', []],
    ['{{args.b}} {{ args.a }} {{args.b}}', ['b', 'a']],
  ])('%j names %j', (text, names) => {
    expect(argPlaceholders(text)).toEqual(names);
  });

  test('tags that are not argument placeholders', () => {
    const { tags } = argoTags('{{args.a}} {{namespace}} {{ rollout.name }} {{{args.b}}}');
    expect(tags.filter(t => t.arg === undefined).map(t => t.text)).toEqual(['{{namespace}}', '{{ rollout.name }}', '{{{args.b}}']);
  });

  test('an opening "{{" without "}}" (the controller fails: "Cannot find end tag")', () => {
    expect(argoTags('up{a="{{args.a}}"} + {{args.b')).toEqual({
      tags: [{ start: 6, end: 16, text: '{{args.a}}', arg: 'a' }],
      unclosedAt: 21,
    });
    expect(argoTags('up').unclosedAt).toBeUndefined();
  });

  test('substituteArgs replaces the placeholders that have a value and keeps the rest as written', () => {
    expect(substituteArgs('x={{args.a}} y={{ args.b }} z={{args.c}} {{other}} {{args.a}b}}', { 'a': '1', 'b': '2', 'a}b': '3' }))
      .toBe('x=1 y=2 z={{args.c}} {{other}} 3');
    expect(substituteArgs('{{args.constructor}} {{args.__proto__}}', {})).toBe('{{args.constructor}} {{args.__proto__}}');
    expect(substituteArgs('no placeholder', { a: '1' })).toBe('no placeholder');
  });

  test('fails if an argument name is invalid', () => {
    expect(() => assertArgName('p', '-x')).toThrow(/'p' \("-x"\) is not a valid analysis argument name/);
    expect(() => assertArgName('p', '')).toThrow(/'p' \(""\) is not a valid analysis argument name/);
    expect(() => assertArgName('p', 'service-name')).not.toThrow();
  });
});
