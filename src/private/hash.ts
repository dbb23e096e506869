// Stable JSON and content hashes. Not exported from the package.
import * as crypto from 'crypto';
import { createHash } from 'crypto';

/** JSON with object keys sorted at every level: the same data always gives the same string. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(isCanonical(value) ? value : sortKeys(value));
}

/**
 * Whether `JSON.stringify(value)` already is the text `stableStringify` gives: plain objects with their keys in
 * increasing order (as cdk8s renders them), plain arrays, primitives. Walks without
 * allocating; the first object out of order ends it.
 */
function isCanonical(value: unknown): boolean {
  // primitives, functions and undefined serialize the same way in both (undefined properties are left out)
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    if (!isPlainArray(value)) return false;
    for (let i = 0; i < value.length; i++) {
      if (!isCanonical(value[i])) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const k in value as object) { // own keys in Object.keys order (plain objects inherit no enumerable key)
    if ((previous !== undefined && !(previous < k)) || k === '__proto__' || !isCanonical((value as any)[k])) return false;
    previous = k;
  }
  return true;
}

/**
 * `value` with the keys of every object sorted and undefined properties dropped. Parts that are already in
 * that form (plain objects with sorted keys, as cdk8s renders them) are returned as they are, not copied.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    // an array with its own toJSON or another prototype could serialize differently: always copied
    let out: unknown[] | undefined = isPlainArray(value) ? undefined : [];
    for (let i = 0; i < value.length; i++) {
      const v = sortKeys(value[i]);
      if (v !== value[i] && !out) out = value.slice(0, i);
      if (out) out.push(v);
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as { [k: string]: unknown };
  const keys = Object.keys(obj);
  const proto = Object.getPrototypeOf(obj);
  const plainObject = proto === Object.prototype || proto === null; // others may serialize differently (toJSON)
  let sorted: unknown[] | undefined = plainObject ? undefined : []; // the values in key order, once a copy is needed
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]];
    const s = v === undefined ? undefined : sortKeys(v);
    // an own "__proto__" key is not copied (assigning it sets the prototype): that object is always copied
    if (!sorted && (v === undefined || s !== v || keys[i] === '__proto__' || (i > 0 && !(keys[i - 1] < keys[i])))) {
      sorted = keys.slice(0, i).map(k => obj[k]);
    }
    if (sorted) sorted.push(s);
  }
  if (!sorted) return obj;
  const values = sorted;
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const out: { [k: string]: unknown } = {};
  for (const i of order) {
    if (values[i] !== undefined) out[keys[i]] = values[i];
  }
  return out;
}

function isPlainArray(value: unknown[]): boolean {
  return Object.getPrototypeOf(value) === Array.prototype && !Object.prototype.hasOwnProperty.call(value, 'toJSON');
}

/** Short, stable content hash (hex) of any JSON-like value. */
export function contentHash(value: unknown, length = 10): string {
  return sha256Hex(stableStringify(value)).slice(0, length);
}

/** `crypto.hash` (Node 20.12 and later) hashes a string without building a Hash object; else `createHash`. */
const oneShotHash: ((algorithm: string, data: string, encoding: 'hex') => string) | undefined = (crypto as any).hash;

function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}
