/**
 * The reference for the library's stable JSON: `JSON.stringify` of a complete copy with the keys of every object
 * sorted and undefined properties dropped, as `stableStringify` was first written (the library's version skips
 * the copy for values already in that form; tests compare both).
 */
export function sortedCopyJson(value: unknown): string {
  const copy = (x: any): any => {
    if (Array.isArray(x)) return x.map(copy);
    if (x && typeof x === 'object') {
      const out: any = {};
      for (const k of Object.keys(x).sort()) if (x[k] !== undefined) out[k] = copy(x[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(copy(value));
}
