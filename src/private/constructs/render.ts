// Helpers of the constructs' rendering. Not exported from the package.

/** Returns undefined for an empty array or object, so that optional blocks are omitted from the YAML. */
export function undefinedIfEmpty<T>(value: T | undefined): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (typeof value === 'object' && Object.keys(value as object).filter(k => (value as any)[k] !== undefined).length === 0) return undefined;
  return value;
}

/** The object without its undefined fields; undefined when none is left (an optional block then disappears). */
export function compact(obj: { [key: string]: any }): any {
  const out: { [key: string]: any } = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}
