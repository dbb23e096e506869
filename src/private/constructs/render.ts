// Helpers of the constructs' rendering. Not exported from the package.

/** Returns undefined for an empty array or object, so that optional blocks are omitted from the YAML. */
export function undefinedIfEmpty<T>(value: T | undefined): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (typeof value === 'object' && Object.keys(value as object).filter(k => (value as any)[k] !== undefined).length === 0) return undefined;
  return value;
}
