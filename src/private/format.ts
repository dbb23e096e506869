// Deterministic text: the one string order of the library. Not exported from the package.

/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort()` does: unlike `localeCompare`, the order does
 * not depend on the locale of the machine that synthesizes (and it is much faster).
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
