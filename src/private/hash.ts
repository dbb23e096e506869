// Stable JSON and content hashes: the same data gives the same text and hash on any machine. Not exported from the
// package.
import { createHash } from 'crypto';

/**
 * JSON with the keys of every object sorted (by UTF-16 code unit, as `Array.prototype.sort()` orders them) and
 * undefined properties dropped: a sorted copy, then `JSON.stringify`.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortedCopy(value));
}

function sortedCopy(value: any): any {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const k of Object.keys(value).sort()) {
    if (value[k] !== undefined) out[k] = sortedCopy(value[k]);
  }
  return out;
}

/** Short, stable content hash (hex) of any JSON-like value. */
export function contentHash(value: unknown, length = 10): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, length);
}
