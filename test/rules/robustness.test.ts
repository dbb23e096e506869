import { CanaryRules } from '../../src/rules/canary-rules';
import { canaryManifests } from '../support/canary-fixture';

/** Every path (as a list of keys) to a value inside the manifests. */
function paths(value: any, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object') return [prefix, ...Object.keys(value).flatMap(k => paths(value[k], [...prefix, k]))];
  return [prefix];
}

function setAt(root: any, path: Array<string | number>, replacement: any): void {
  let cur = root;
  for (const k of path.slice(0, -1)) cur = cur[k];
  cur[path[path.length - 1]] = replacement;
}

describe('robustness', () => {
  const all = paths(canaryManifests()).filter(p => p.length > 1);

  test.each([['null', null], ['a string', 'x'], ['a number', 7], ['an empty array', []], ['an empty object', {}], ['undefined', undefined]])(
    'never throws when any field is replaced by %s', (_name, replacement) => {
      let runs = 0;
      for (const p of all) {
        const m = canaryManifests();
        setAt(m, p, structuredClone(replacement));
        expect(() => CanaryRules.check(m)).not.toThrow();
        runs++;
      }
      expect(runs).toBeGreaterThan(100);
    });

  test('an empty or missing manifest list gives no finding', () => {
    expect(CanaryRules.check([])).toEqual([]);
    expect(CanaryRules.check(undefined as any)).toEqual([]);
  });
});
