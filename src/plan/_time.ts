// Internal helpers of the rollout plan: parsing Argo Rollouts / Go / PromQL durations into seconds and
// formatting seconds for people. Not exported from the package.
import { BoundedMemo } from '../private/memo';

const GO_UNITS: { [unit: string]: number } = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PROMQL_UNITS: { [unit: string]: number } = {
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

const GO_DURATIONS = new BoundedMemo<string, number | undefined>(parseGoDurationOnce);
const PAUSE_DURATIONS = new BoundedMemo<string, number | undefined>(pauseStringSeconds);

/**
 * Parses a Go duration string (`time.ParseDuration`: "30s", "1m30s", "1.5h", "500ms") into seconds.
 * Returns undefined when the string is not a Go duration.
 */
export function parseGoDuration(value: string): number | undefined {
  return GO_DURATIONS.get(value);
}

function parseGoDurationOnce(value: string): number | undefined {
  const s = value.trim();
  if (s === '0') return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  let p: RegExpExecArray | null;
  while ((p = part.exec(m[2])) !== null) {
    total += parseFloat(p[1]) * GO_UNITS[p[2]];
  }
  return m[1] === '-' ? -total : total;
}

/**
 * Reads a metric duration field (`interval`, `initialDelay`): a Go duration string.
 * Throws for anything else, naming the field.
 */
export function metricDurationSeconds(prop: string, owner: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (seconds === undefined || seconds < 0) {
    throw new Error(`'${prop}' (${JSON.stringify(value)}) of ${owner} must be a non-negative Go duration such as "30s", "5m" or "1h30m", `
      + 'the format Argo Rollouts reads: fix the metric');
  }
  return seconds;
}

/**
 * Reads `pause.duration` the way Argo Rollouts does (`RolloutPause.DurationSeconds`): an integer, or a
 * string holding an integer, is seconds; any other string is a Go duration truncated to whole seconds.
 * Throws for values the controller rejects ("Duration needs to be greater than 0").
 */
export function pauseDurationSeconds(prop: string, owner: string, value: unknown): number {
  let seconds: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) {
    seconds = value;
  } else if (typeof value === 'string') {
    seconds = PAUSE_DURATIONS.get(value);
  }
  if (seconds === undefined || seconds < 0) {
    throw new Error(`'${prop}' (${JSON.stringify(value)}) of ${owner} must be a non-negative number of seconds or a duration such as "30s", `
      + '"5m" or "1h": Argo Rollouts rejects it ("Duration needs to be greater than 0"); fix the pause step');
  }
  return seconds;
}

/** A string `pause.duration`: an integer is seconds, else a Go duration truncated to whole seconds; undefined if neither. */
function pauseStringSeconds(value: string): number | undefined {
  if (/^[-+]?\d+$/.test(value.trim())) return parseInt(value.trim(), 10);
  const parsed = parseGoDuration(value);
  return parsed === undefined ? undefined : Math.trunc(parsed);
}

/**
 * The longest range or subquery window (`[5m]`, `[1h:30s]`) in a PromQL query, in seconds; undefined when
 * the query has none or still contains unresolved placeholders in a window.
 */
export function promqlWindowSeconds(query: string): number | undefined {
  let max: number | undefined;
  const re = /\[\s*([0-9a-z]+)\s*(?::\s*[0-9a-z]*\s*)?\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    const seconds = parsePromqlDuration(m[1]);
    if (seconds !== undefined && (max === undefined || seconds > max)) max = seconds;
  }
  return max;
}

const PROMQL_DURATIONS = new BoundedMemo<string, number | undefined>(parsePromqlDurationOnce);

function parsePromqlDuration(value: string): number | undefined {
  return PROMQL_DURATIONS.get(value);
}

function parsePromqlDurationOnce(value: string): number | undefined {
  if (!/^(?:\d+(?:ms|s|m|h|d|w|y))+$/.test(value)) return undefined;
  let total = 0;
  const part = /(\d+)(ms|s|m|h|d|w|y)/g;
  let p: RegExpExecArray | null;
  while ((p = part.exec(value)) !== null) {
    total += parseInt(p[1], 10) * PROMQL_UNITS[p[2]];
  }
  return total;
}

/**
 * Formats seconds compactly and deterministically, Go style: 0 → "0s", 90 → "1m30s", 3600 → "1h",
 * 0.5 → "500ms". Infinity → "unbounded".
 */
export function formatSeconds(seconds: number): string {
  return FORMATTED_SECONDS.get(seconds);
}

/** formatSeconds results by value: a plan formats the same few times many times (a Map does not tell -0 from 0, nor does the text). */
const FORMATTED_SECONDS = new BoundedMemo<number, string>(formatSecondsOnce);

function formatSecondsOnce(seconds: number): string {
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
