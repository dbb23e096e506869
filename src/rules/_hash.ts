// The library's content hash of a pod template (`contentHash` in ../_util), for CR307, without the key-sorted copy
// when the value is already in canonical form.
import * as crypto from 'crypto';
import { contentHash } from '../_util';

/** Length of the hash in the revision label (`contentHash`'s default). */
const HASH_LENGTH = 10;

/**
 * Exactly `contentHash(value)`.
 *
 * `contentHash` hashes `stableStringify(value)`: `JSON.stringify` of a copy whose object keys are sorted. The
 * manifests cdk8s writes already have sorted keys, and for such a value the copy serializes to the same text as
 * the value itself, so this hashes `JSON.stringify(value)` and skips the copy (a third of the rule engine's time
 * went into it). Any value where the two texts might differ takes `contentHash` itself.
 */
export function templateHash(value: unknown): string {
  if (!isCanonical(value)) return contentHash(value);
  return sha256Hex(JSON.stringify(value)).slice(0, HASH_LENGTH);
}

/** `crypto.hash` (Node 20.12+) skips the Hash object that `createHash` builds; older Node versions use that. */
const oneShot: ((algorithm: string, data: string, encoding: 'hex') => string) | undefined = (crypto as any).hash;

function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Whether `JSON.stringify(value)` is certainly the text `stableStringify(value)` gives: only plain objects (with
 * `Object.prototype`), arrays and primitives, and in every object the keys are in strictly increasing order (then
 * the sorted copy has the same keys in the same order, integer-like keys included). A `__proto__` key is not copied by
 * `stableStringify`, and a function or `toJSON` could serialize differently, so they take the slow path.
 */
export function isCanonical(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined') return true;
  if (type !== 'object') return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.prototype.hasOwnProperty.call(value, 'toJSON')) return false;
    for (let i = 0; i < value.length; i++) {
      if (!isCanonical(value[i])) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  // for-in visits the own keys in Object.keys order (then inherited enumerable ones, normally none): strictly
  // increasing keys in this sequence means strictly increasing own keys, without allocating Object.keys()
  let previous: string | undefined;
  for (const k in value as object) {
    if ((previous !== undefined && !(previous < k)) || k === '__proto__' || !isCanonical((value as any)[k])) return false;
    previous = k;
  }
  return true;
}
