import { contentHash, stableStringify } from '../../src/private/hash';
import { sortedCopyJson } from '../support/sorted-json';

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
