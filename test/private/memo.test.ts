import { BoundedMemo } from '../../src/private/memo';

describe('BoundedMemo', () => {
  test('computes each key once, undefined results included', () => {
    // GIVEN
    const calls: string[] = [];
    const memo = new BoundedMemo<string, number | undefined>(k => {
      calls.push(k);
      return k === 'none' ? undefined : k.length;
    });

    // WHEN
    const results = ['ab', 'none', 'ab', 'none', 'abc'].map(k => memo.get(k));

    // THEN
    expect(results).toEqual([2, undefined, 2, undefined, 3]);
    expect(calls).toEqual(['ab', 'none', 'abc']);
    expect(memo.size).toBe(3);
  });

  test('is emptied when full, and computes again what it no longer holds', () => {
    // GIVEN
    const calls: string[] = [];
    const memo = new BoundedMemo<string, string>(k => {
      calls.push(k);
      return k.toUpperCase();
    }, 2);

    // WHEN
    const results = ['a', 'b', 'c', 'a', 'c'].map(k => memo.get(k));

    // THEN: 'c' finds the memo full (a, b) and empties it
    expect(results).toEqual(['A', 'B', 'C', 'A', 'C']);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    expect(memo.size).toBe(2);
  });

  test('takes the function from the call when the constructor has none', () => {
    // GIVEN
    const memo = new BoundedMemo<string, number>();
    let calls = 0;
    const compute = (k: string) => {
      calls++;
      return k.length;
    };

    // WHEN
    const results = [memo.get('abc', compute), memo.get('abc', compute), memo.get('de', compute)];

    // THEN
    expect(results).toEqual([3, 3, 2]);
    expect(calls).toBe(2);
  });
});

test('a computation that throws is not kept', () => {
  const memo = new BoundedMemo<string, number>(() => {
    throw new Error('bad');
  });
  expect(() => memo.get('x')).toThrow('bad');
  expect(memo.size).toBe(0);
});
