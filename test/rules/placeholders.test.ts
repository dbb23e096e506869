// CR129 finds placeholders string by string (cached) instead of scanning JSON.stringify(metric); the result must
// always be the full scan's.
import { cachedStringCount, PLACEHOLDER_CACHE_LIMIT, placeholderNames, placeholderNamesByString, scan } from '../../src/rules/_placeholders';
import { CanaryRules } from '../../src/rules/canary-rules';
import { analysisTemplate, canaryManifests, get } from '../support/canary-fixture';

const full = (metric: any) => scan(JSON.stringify(metric ?? {}));

describe('placeholderNames', () => {
  test('the fixture metric takes the fast path and finds what the full scan finds', () => {
    const metric = analysisTemplate().spec.metrics[0];
    expect(placeholderNamesByString(metric)).toEqual(full(metric));
    expect(full(metric).length).toBeGreaterThan(0);
  });

  test.each<[string, any, string[], boolean]>([
    ['a placeholder in a value', { q: 'a {{ args.x }} b {{args.y}}' }, ['x', 'y'], true],
    ['a placeholder in a key', { '{{args.k}}': 1 }, ['k'], true],
    ['a key whose value is not written', { '{{args.k}}': undefined, 'f': () => 1 }, [], true],
    ['quotes and newlines in the string (escaped in JSON)', { q: 'x="{{args.a}}"\n{{args.b}}' }, ['a', 'b'], true],
    ['a newline inside the placeholder (\\n in JSON is not a space)', { q: '{{args.a\n}}' }, ['a\\n'], true],
    ['a tab before the closing braces', { q: '{{args.a\t}}' }, ['a\\t'], true],
    ['a quote inside the name', { q: '{{args.a"b}}' }, ['a\\"b'], true],
    ['a name that runs to the end of its string and on into the JSON text', { a: { q: '{{args.x' } }, ['x"'], false],
    ['a string that ends where the name starts', { a: { q: '{{args.', b: 1 } }, ['","b":1'], false],
    ['a name at the end of a key', { '{{args.x': { y: '}}' } }, ['x":{"y":"'], false],
    ['nested arrays and nulls', { a: [null, ['{{args.n}}', 1, true], undefined] }, ['n'], true],
    ['a brace in the name', { q: '{{args.a}b}}' }, [], true],
    ['overlapping braces', { q: '{{{args.a}}}' }, ['a'], true],
    ['a Unicode space before the braces', { q: '{{args.a\u00a0}}' }, ['a'], true],
    ['a lone surrogate', { q: '{{args.\ud800x}}' }, ['\\ud800x'], true],
    ['a Date (toJSON)', { d: new Date(0), q: '{{args.a}}' }, ['a'], false],
    ['a string metric', '{{args.s}}', ['s'], true],
    ['no metric', undefined, [], true],
  ])('%s', (_name, metric, names, fast) => {
    expect(placeholderNames(metric)).toEqual(names);
    expect(placeholderNames(metric)).toEqual(full(metric));
    expect(placeholderNamesByString(metric) !== undefined).toBe(fast);
  });

  test('random metrics built from placeholder fragments give the full scan\'s result', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647; // Park-Miller
      return seed % n;
    };
    const parts = ['{{', '}}', '}', '{', 'args.', 'args', '.', ' ', '\n', '\t', '"', '\\', 'a', 'b-c', '\u00a0', '\ud83d\ude00', '\ud800', '=', ','];
    const text = () => Array.from({ length: rnd(8) }, () => parts[rnd(parts.length)]).join('');
    const value = (depth: number): any => {
      const r = rnd(depth > 2 ? 3 : 6);
      if (r === 0) return text();
      if (r === 1) return rnd(2) ? null : 3;
      if (r === 2) return undefined;
      if (r === 3) return Array.from({ length: rnd(3) }, () => value(depth + 1));
      const o: any = {};
      for (let i = rnd(4); i > 0; i--) o[text()] = value(depth + 1);
      return o;
    };
    let fast = 0;
    for (let i = 0; i < 20000; i++) {
      const metric = value(0);
      expect(placeholderNames(metric)).toEqual(full(metric));
      if (placeholderNamesByString(metric) !== undefined) fast++;
    }
    expect(fast).toBeGreaterThan(5000); // the fast path is exercised, not only the fallback
  });

  test('the cache stays bounded', () => {
    for (let i = 0; i < PLACEHOLDER_CACHE_LIMIT * 3; i++) placeholderNames({ q: `{{args.a${i}}}` });
    expect(cachedStringCount()).toBeLessThanOrEqual(PLACEHOLDER_CACHE_LIMIT);
  });

  test('CR129 reports a placeholder without argument through either path', () => {
    const m = canaryManifests();
    const metric = get(m, 'AnalysisTemplate', 'shop-success-rate').spec.metrics[0];
    metric.provider.prometheus.query = 'sum(x{a="{{args.missing}}"})';
    metric.provider.prometheus.timeout = { '{{args.x': '}}' }; // also one that needs the full scan
    const messages = CanaryRules.check(m).filter(f => f.code === 'CR129').map(f => f.message);
    expect(messages).toEqual([
      expect.stringContaining('uses {{args.missing}}'),
      expect.stringContaining('uses {{args.x":"}}'),
    ]);
  });
});
