import { clone, deepEqual } from '../../../src/private/argocd/json';
import { stableStringify } from '../../../src/private/hash';

/** A small deterministic generator of JSON-like values (with undefined properties, as in-memory manifests have). */
function values(seed: number, count: number): any[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  const value = (depth: number): any => {
    const r = rnd(depth > 2 ? 5 : 8);
    switch (r) {
      case 0: return null;
      case 1: return rnd(3);
      case 2: return ['a', 'b', ''][rnd(3)];
      case 3: return rnd(2) === 0;
      case 4: return undefined;
      case 5: case 6: {
        const o: any = {};
        for (let i = 0; i < rnd(4); i++) o[['x', 'y', 'z', 'w'][rnd(4)]] = value(depth + 1);
        return o;
      }
      default: return Array.from({ length: rnd(3) }, () => value(depth + 1));
    }
  };
  return Array.from({ length: count }, () => value(0));
}

describe('JSON helpers of the sync model', () => {
  const all = values(7, 400);

  test('deepEqual agrees with comparing the stable JSON texts (key order ignored, undefined properties absent)', () => {
    let equalPairs = 0;
    for (let i = 0; i < all.length; i++) {
      for (const j of [i, (i * 7 + 3) % all.length, (i + 1) % all.length]) {
        const a = all[i];
        const b = all[j];
        if (a === undefined || b === undefined) continue;
        const expected = stableStringify(a) === stableStringify(b);
        if (expected) equalPairs++;
        expect([i, j, deepEqual(a, b)]).toEqual([i, j, expected]);
      }
    }
    expect(equalPairs).toBeGreaterThan(all.length / 2); // the comparison saw equal and unequal pairs
  });

  test('deepEqual ignores key order and treats undefined as absent', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2, d: undefined }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({}, [])).toBe(false);
    expect(deepEqual(0, false)).toBe(false);
  });

  test('clone gives what a JSON round trip gives, and a copy that shares nothing', () => {
    for (const v of all.filter(x => x !== undefined)) {
      const c = clone(v);
      expect(JSON.stringify(c)).toEqual(JSON.stringify(v));
      expect(c).toEqual(JSON.parse(JSON.stringify(v)));
    }
    const o = { a: { b: [1, { c: 2 }] } };
    const c = clone(o);
    c.a.b.push(3);
    (c.a.b[1] as any).c = 9;
    expect(o).toEqual({ a: { b: [1, { c: 2 }] } });
    expect(clone([undefined, 1])).toEqual([null, 1]);
  });
});
