import { undefinedIfEmpty } from '../../../src/private/constructs/render';

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
