import { contentHash, stableStringify } from '../../src/private/hash';

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

  test('keys are ordered by UTF-16 code unit, whatever the locale (integer-like keys first, as JavaScript objects keep them)', () => {
    expect(stableStringify({ é: 3, a: 2, Z: 1, 10: 5, 9: 4 })).toEqual('{"9":4,"10":5,"Z":1,"a":2,"é":3}');
  });

  test('undefined array elements are written as null, undefined properties are left out', () => {
    expect(stableStringify([undefined, { b: undefined }])).toEqual('[null,{}]');
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
