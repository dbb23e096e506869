// Deterministic text: the one string order of the library, and numbers and times for people (the rollout plan).
// Independent of the locale of the machine that synthesizes. Not exported from the package.

/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort()` does: unlike `localeCompare`, the order does
 * not depend on the locale of the machine that synthesizes (and it is much faster).
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Formats seconds compactly and deterministically, Go style: 0 → "0s", 90 → "1m30s", 3600 → "1h",
 * 0.5 → "500ms". Infinity → "unbounded".
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unbounded';
  const ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  let out = sign;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  return out;
}

/** A number with at most `digits` decimals and no trailing zeros ("12.5", "10"). */
export function formatNumber(value: number, digits = 1): string {
  // fast path: a safe integer prints as toFixed prints it, without the zero decimals (String(-0) is "0" as well);
  // larger integers keep the slow path, where toFixed may switch to an exponent
  if (Number.isSafeInteger(value)) return String(value);
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** An integer with thousands separators ("12,345"), independent of the locale. */
export function formatCount(value: number): string {
  const n = Math.round(value);
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
