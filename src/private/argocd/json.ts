// Plain-JSON helpers shared by the Argo CD sync model (src/private/argocd). Values are what JSON.parse returns:
// objects, arrays, strings, numbers, booleans and null.
import { stableStringify } from '../hash';

/** A JSON object (not an array, not null). */
export function isObject(value: any): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A deep copy (JSON round trip: undefined properties are dropped). */
export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Structural equality, key order ignored (as Go's reflect.DeepEqual on decoded JSON, and jq's `==`). */
export function deepEqual(a: any, b: any): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** The JSON type name as jq prints it in errors: "null", "boolean", "number", "string", "array", "object". */
export function jsonType(value: any): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** The value at `path` (object keys and array indexes), or undefined where the path does not exist. */
export function getPath(doc: any, path: ReadonlyArray<string | number>): any {
  let cur = doc;
  for (const p of path) {
    if (typeof p === 'number' ? !Array.isArray(cur) : !isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The API group of an apiVersion ("" for the core group). */
export function apiGroup(apiVersion: any): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The identity of an object in a cluster: group/kind/namespace/name. */
export function objectKey(obj: any): string {
  return `${apiGroup(obj?.apiVersion)}/${obj?.kind}/${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name ?? ''}`;
}
