import { Chart, Testing } from 'cdk8s';
import {
  assertDnsLabel, assertDnsSubdomain, assertIntInRange, assertLabelKey, assertLabels, assertLabelValue,
  contentHash, resolveNamespace, stableStringify, undefinedIfEmpty,
} from '../src/_util';
import { sortedCopyJson } from './support/sorted-json';

describe('assertDnsLabel', () => {
  test.each(['a', 'shop', 'shop-api', '0abc', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(() => assertDnsLabel('name', value)).not.toThrow();
  });

  test.each(['', 'Shop', 'shop_api', '-shop', 'shop-', 'shop.api', 'a'.repeat(64)])('fails if the value is not a DNS-1123 label (%j)', (value) => {
    expect(() => assertDnsLabel('name', value)).toThrow(/^'name' \(".*"\) must be a DNS-1123 label: at most 63 lowercase letters, digits or '-'/);
  });

  test('fails if the value is not a DNS-1123 label, naming the caller\'s rule', () => {
    expect(() => assertDnsLabel('stableSubsetName', 'Stable', 'a DNS-1123 label (Istio subset names)'))
      .toThrow(/'stableSubsetName' \("Stable"\) must be a DNS-1123 label \(Istio subset names\)/);
  });
});

describe('assertDnsSubdomain', () => {
  test.each(['example.com', 'shop.example.com', 'a', 'a-b.c-d'])('accepts %j', (value) => {
    expect(() => assertDnsSubdomain('host', value)).not.toThrow();
  });

  test.each(['Example.com', 'shop..example.com', '.example.com', 'example.com.', 'shop_1.example.com', `${'a'.repeat(63)}.`.repeat(4) + 'com'])(
    'fails if the value is not a DNS-1123 subdomain (%j)', (value) => {
      expect(() => assertDnsSubdomain('host', value)).toThrow(/^'host' \(".*"\) must be a DNS-1123 subdomain: .*for example "shop.example.com"/);
    });
});

describe('assertLabelValue', () => {
  test.each(['', 'v1', '1.4.2', 'release_2024-01', 'A'.repeat(63)])('accepts %j', (value) => {
    expect(() => assertLabelValue('labels', 'k', value)).not.toThrow();
  });

  test.each(['-v1', 'v1-', 'v1.', 'a b', 'a/b', 'a:b', 'a'.repeat(64)])('fails if a label value Kubernetes would reject is given (%j)', (value) => {
    expect(() => assertLabelValue('labels', 'team', value))
      .toThrow(/^'labels' label "team" has the value ".*", which Kubernetes rejects: a label value is at most 63 characters/);
  });
});

describe('assertLabelKey', () => {
  test.each(['app', 'app.kubernetes.io/name', 'a_b.c-d', 'example.com/x'])('accepts %j', (key) => {
    expect(() => assertLabelKey('labels', key)).not.toThrow();
  });

  test.each(['', '-app', 'app-', 'Example.com/x', '/app', 'a/b/c', `example.com/${'a'.repeat(64)}`, `${'a'.repeat(254)}/x`])(
    'fails if a label key Kubernetes would reject is given (%j)', (key) => {
      expect(() => assertLabelKey('selector', key)).toThrow(/^'selector' has the label key ".*", which Kubernetes rejects: a key is an optional DNS subdomain prefix/);
    });
});

describe('assertLabels', () => {
  test('accepts a valid map', () => {
    expect(() => assertLabels('labels', { 'app': 'shop', 'app.kubernetes.io/part-of': 'store' })).not.toThrow();
  });

  test('fails if a key of the map is invalid', () => {
    expect(() => assertLabels('labels', { 'bad key': 'x' })).toThrow(/'labels' has the label key "bad key"/);
  });

  test('fails if a value of the map is invalid', () => {
    expect(() => assertLabels('labels', { app: 'bad value' })).toThrow(/'labels' label "app" has the value "bad value"/);
  });
});

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

describe('stableStringify and contentHash', () => {
  test('key order does not matter, undefined values are dropped, array order matters', () => {
    // GIVEN
    const a = { b: 1, a: { d: [1, 2], c: 'x' }, z: undefined };
    const b = { a: { c: 'x', d: [1, 2] }, b: 1 };
    // THEN
    expect(stableStringify(a)).toEqual('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(stableStringify(a)).toEqual(stableStringify(b));
    expect(stableStringify({ d: [2, 1] })).not.toEqual(stableStringify({ d: [1, 2] }));
  });

  test('gives the same string as sorting a full copy, for random data (sorted or not, with undefined and numeric keys)', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const KEYS = ['a', 'b', 'c', 'B', '10', '9', 'x-y', 'é', ''];
    const gen = (depth: number): any => {
      const kind = depth > 3 ? rnd(4) : rnd(7);
      if (kind === 0) return rnd(100);
      if (kind === 1) return `s${rnd(5)}`;
      if (kind === 2) return rnd(2) === 0 ? null : undefined;
      if (kind === 3) return rnd(2) === 0;
      if (kind === 4) return Array.from({ length: rnd(4) }, () => gen(depth + 1));
      const keys = KEYS.filter(() => rnd(2) === 0);
      if (rnd(2) === 0) keys.sort(); // already sorted objects are common (cdk8s output)
      const o: any = {};
      for (const k of keys) o[k] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 500; i++) {
      const v = gen(0);
      expect(stableStringify(v)).toEqual(sortedCopyJson(v));
    }
  });

  test('does not read toJSON of class instances (they are written as their own properties, sorted)', () => {
    class Custom {
      public readonly a = 1;
      public toJSON() {
        return 'custom';
      }
    }
    expect(stableStringify({ x: new Custom() })).toEqual('{"x":{"a":1}}');
  });

  test('contentHash is short hex, stable, and sensitive to content', () => {
    expect(contentHash({ a: 1, b: 2 })).toMatch(/^[0-9a-f]{10}$/);
    expect(contentHash({ a: 1, b: 2 })).toEqual(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1, b: 2 })).not.toEqual(contentHash({ a: 1, b: 3 }));
    expect(contentHash('x', 16)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('undefinedIfEmpty', () => {
  test('empty arrays and objects (also objects of undefined values) become undefined', () => {
    expect(undefinedIfEmpty([])).toBeUndefined();
    expect(undefinedIfEmpty({})).toBeUndefined();
    expect(undefinedIfEmpty({ a: undefined })).toBeUndefined();
    expect(undefinedIfEmpty(undefined)).toBeUndefined();
    expect(undefinedIfEmpty(null as any)).toBeUndefined();
  });

  test('non-empty values are returned as they are', () => {
    const arr = [0];
    const obj = { a: '' };
    expect(undefinedIfEmpty(arr)).toBe(arr);
    expect(undefinedIfEmpty(obj)).toBe(obj);
    expect(undefinedIfEmpty('')).toEqual('');
    expect(undefinedIfEmpty(0)).toEqual(0);
  });
});

describe('resolveNamespace', () => {
  test('explicit namespace, else the chart namespace, else "default"', () => {
    // GIVEN
    const app = Testing.app();
    const withNs = new Chart(app, 'with', { namespace: 'shop' });
    const without = new Chart(app, 'without');
    // THEN
    expect(resolveNamespace(withNs, 'other')).toEqual('other');
    expect(resolveNamespace(withNs)).toEqual('shop');
    expect(resolveNamespace(without)).toEqual('default');
  });

  test('fails if the namespace is not a DNS-1123 label', () => {
    const chart = Testing.chart();
    expect(() => resolveNamespace(chart, 'Shop')).toThrow(/'namespace' \("Shop"\) must be a DNS-1123 label \(a namespace name\)/);
  });
});
