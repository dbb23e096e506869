// Plain-JSON helpers shared by the Argo CD sync model (src/private/argocd). Values are what JSON.parse returns:
// objects, arrays, strings, numbers, booleans and null. The model never changes a value it was given: functions
// return a new value where something changes, and may return their input (or parts of it) where nothing does.

/** A JSON object (not an array, not null). */
export function isObject(value: any): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A deep copy, as a JSON round trip makes it: undefined object properties are dropped, undefined array elements
 * become null.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : copy(value);
}

function copy(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : copy(value[i]);
    return out;
  }
  const out: any = {};
  for (const k of Object.keys(value)) {
    if (value[k] !== undefined) out[k] = copy(value[k]);
  }
  return out;
}

/**
 * Structural equality, key order ignored (as Go's reflect.DeepEqual on decoded JSON, and jq's `==`); an undefined
 * property counts as absent, as it would after a JSON round trip.
 */
export function deepEqual(a: any, b: any): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!deepEqual(a[i] ?? null, b[i] ?? null)) return false;
    }
    return true;
  }
  let count = 0;
  for (const k of Object.keys(a)) {
    if (a[k] === undefined) continue;
    if (b[k] === undefined || !deepEqual(a[k], b[k])) return false;
    count++;
  }
  for (const k of Object.keys(b)) {
    if (b[k] !== undefined) count--;
  }
  return count === 0;
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

/** Whether a manifest is an Argo CD Application (`argoproj.io`, kind Application). */
export function isApplicationManifest(m: any): boolean {
  return m?.kind === 'Application' && apiGroup(m?.apiVersion) === 'argoproj.io';
}

/** The identity of an object in a cluster: group/kind/namespace/name. */
export function objectKey(obj: any): string {
  return `${apiGroup(obj?.apiVersion)}/${obj?.kind}/${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name ?? ''}`;
}
