// Generic checks of input values, shared by the constructs and the plan. Not exported from the package.

/** Throws unless `value` is an integer in [min, max]. */
export function assertIntInRange(prop: string, value: number, min: number, max: number, hint = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${prop}' (${value}) must be an integer between ${min} and ${max}${hint ? `: ${hint}` : ''}`);
  }
}
