// Internal helpers shared by the constructs. Not exported from the package.
import * as crypto from 'crypto';
import { createHash } from 'crypto';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * Throws unless `value` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters),
 * the rule Kubernetes applies to Service names and Istio to subset and Gateway names.
 */
export function assertDnsLabel(prop: string, value: string, what = 'a DNS-1123 label'): void {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(`'${prop}' ("${value}") must be ${what}: at most 63 lowercase letters, digits or '-', `
      + 'starting and ending with a letter or digit (for example "shop-api")');
  }
}

/** Throws unless `value` is a DNS-1123 subdomain (at most 253 characters). */
export function assertDnsSubdomain(prop: string, value: string): void {
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(`'${prop}' ("${value}") must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', `
      + 'at most 253 characters, each part starting and ending with a letter or digit (for example "shop.example.com")');
  }
}

/** Throws unless `value` is a valid Kubernetes label value. */
export function assertLabelValue(prop: string, key: string, value: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new Error(`'${prop}' label "${key}" has the value "${value}", which Kubernetes rejects: a label value is at most 63 characters `
      + "of letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  }
}

/** Throws unless `key` is a valid Kubernetes label key (`[prefix/]name`). */
export function assertLabelKey(prop: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new Error(`'${prop}' has the label key "${key}", which Kubernetes rejects: a key is an optional DNS subdomain prefix and '/', `
      + "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (for example \"app.kubernetes.io/part-of\")");
  }
}

/** Validates every key and value of a label map. */
export function assertLabels(prop: string, labels: { [key: string]: string }): void {
  for (const [k, v] of Object.entries(labels)) {
    assertLabelKey(prop, k);
    assertLabelValue(prop, k, v);
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertIntInRange(prop: string, value: number, min: number, max: number, hint = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${prop}' (${value}) must be an integer between ${min} and ${max}${hint ? `: ${hint}` : ''}`);
  }
}

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

/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort()` does: unlike `localeCompare`, the order does
 * not depend on the locale of the machine that synthesizes (and it is much faster).
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

/** Returns undefined for an empty array or object, so that optional blocks are omitted from the YAML. */
export function undefinedIfEmpty<T>(value: T | undefined): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (typeof value === 'object' && Object.keys(value as object).filter(k => (value as any)[k] !== undefined).length === 0) return undefined;
  return value;
}

let cdk8sModule: typeof import('cdk8s') | undefined;

/** The namespace objects of `scope` land in: the explicit one, else the chart's, else "default". */
export function resolveNamespace(scope: import('constructs').Construct, explicit?: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cdk8sModule = cdk8sModule ?? require('cdk8s') as typeof import('cdk8s'); // resolved once: a require() per call is slow
  const { Chart } = cdk8sModule;
  const ns = explicit ?? Chart.of(scope).namespace ?? 'default';
  assertDnsLabel('namespace', ns, 'a DNS-1123 label (a namespace name)');
  return ns;
}
