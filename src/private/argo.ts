// Argo Rollouts as the controller reads its manifests: Go durations (`time.ParseDuration`, the pause duration) and the
// `{{args.<name>}}` placeholders of analysis metrics. One definition each, shared by the constructs, the rules and the
// rollout plan. Not exported from the package.
import { Duration } from 'cdk8s';

// -------------------------------------------------------------------------------------------------
// Go durations

/**
 * A whole-second Duration as the shortest Go duration string ("90s", "2m", "1h"), the form Argo Rollouts and Argo CD
 * read (`time.ParseDuration`). PromQL reads the same text for a range (`[2m]`). Throws for a fraction of a second
 * (`Duration.toSeconds()`): callers check whole seconds first, with their own message.
 */
export function goDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** Nanoseconds per unit, as Go's `time` package spells the units (`unitMap` in src/time/format.go). */
const NANOSECONDS: { readonly [unit: string]: bigint } = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5, the micro sign
  μs: 1_000n, // U+03BC, the Greek letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** 2^63: a Go Duration is an int64 of nanoseconds. */
const LIMIT = 2n ** 63n;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Go's `time.ParseDuration` (src/time/format.go), step by step: an optional sign, then one or more numbers, each with
 * an optional fraction and a unit ("300ms", "-1.5h", "2h45m", ".5s", "1.s"); "0", "+0" and "-0" alone need no unit.
 * No spaces anywhere. The value is an int64 of nanoseconds (fractions truncated as Go truncates them).
 * @returns the nanoseconds, or Go's error message
 */
function scanGoDuration(text: string): bigint | { readonly error: string } {
  const invalid = { error: `time: invalid duration ${JSON.stringify(text)}` };
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid;
    const whole = leadingInt(s);
    if (whole === undefined) return invalid;
    s = s.slice(whole.length);
    let fraction = { value: 0n, scale: 1, length: 0 };
    if (s[0] === '.') {
      fraction = leadingFraction(s.slice(1));
      s = s.slice(1 + fraction.length);
    }
    if (whole.length === 0 && fraction.length === 0) return invalid; // "." or ".s"
    let unitLength = 0;
    while (unitLength < s.length && s[unitLength] !== '.' && !isDigit(s[unitLength])) unitLength++;
    if (unitLength === 0) return { error: `time: missing unit in duration ${JSON.stringify(text)}` };
    const unitName = s.slice(0, unitLength);
    s = s.slice(unitLength);
    const unit = NANOSECONDS[unitName];
    if (unit === undefined) return { error: `time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}` };
    if (whole.value > LIMIT / unit) return invalid;
    let value = whole.value * unit;
    if (fraction.value > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), in float64 and truncated
      value += BigInt(Math.trunc(Number(fraction.value) * (Number(unit) / fraction.scale)));
      if (value > LIMIT) return invalid;
    }
    total += value;
    if (total > LIMIT) return invalid;
  }
  if (negative) return -total;
  return total > LIMIT - 1n ? invalid : total;
}

/** The leading digits of `s` as an integer (Go's `leadingInt`); undefined when it overflows 2^63. */
function leadingInt(s: string): { value: bigint; length: number } | undefined {
  let value = 0n;
  let i = 0;
  for (; isDigit(s[i]); i++) {
    if (value > LIMIT / 10n) return undefined;
    value = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (value > LIMIT) return undefined;
  }
  return { value, length: i };
}

/** The leading digits of a fraction (Go's `leadingFraction`): digits beyond int64 precision are skipped, not an error. */
function leadingFraction(s: string): { value: bigint; scale: number; length: number } {
  let value = 0n;
  let scale = 1;
  let overflow = false;
  let i = 0;
  for (; isDigit(s[i]); i++) {
    if (overflow) continue;
    const next = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (value > (LIMIT - 1n) / 10n || next > LIMIT) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  return { value, scale, length: i };
}

/** A Go duration string in seconds (`time.ParseDuration`), or undefined when Go refuses it. */
export function parseGoDuration(text: string): number | undefined {
  const nanoseconds = scanGoDuration(text);
  return typeof nanoseconds === 'bigint' ? Number(nanoseconds) / 1e9 : undefined;
}

/**
 * A Go duration string in nanoseconds (`time.ParseDuration`), or undefined when Go refuses it. Istio reads its
 * durations the same way (the legacy `jsonpb` decoder of `google.protobuf.Duration`).
 */
export function goDurationNanoseconds(text: string): bigint | undefined {
  const nanoseconds = scanGoDuration(text);
  return typeof nanoseconds === 'bigint' ? nanoseconds : undefined;
}

/** Why Go's `time.ParseDuration` refuses `text` (its error message), or undefined when it parses. */
export function goDurationError(text: string): string | undefined {
  const nanoseconds = scanGoDuration(text);
  return typeof nanoseconds === 'bigint' ? undefined : nanoseconds.error;
}

const isInt32 = (n: number) => n >= -(2 ** 31) && n < 2 ** 31;

/**
 * A canary step's `pause.duration` in whole seconds, as the controller reads it (`RolloutPause.DurationSeconds`,
 * pkg/apis/rollouts/v1alpha1/types.go): a number is seconds; a string is seconds when it is a decimal int32
 * (`strconv.ParseInt(s, 10, 32)`: optional sign, digits only), otherwise a Go duration truncated to whole seconds
 * ("1500ms" → 1, "-500ms" → 0). Undefined when the controller cannot read it (it then gives -1, which validation
 * refuses like any negative value with "Duration needs to be greater than 0"); also for a number that is not an
 * integer, which the controller cannot decode into its int-or-string at all.
 */
export function argoPauseSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && isInt32(value) ? value + 0 : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^[-+]?[0-9]+$/.test(value) && isInt32(Number(value))) return Number(value) + 0; // (+ 0: "-0" is 0)
  const seconds = parseGoDuration(value);
  // int32(d.Seconds()): a value out of the int32 range has no defined conversion (on amd64 it becomes negative)
  if (seconds === undefined || !isInt32(Math.trunc(seconds))) return undefined;
  return Math.trunc(seconds) + 0;
}

// -------------------------------------------------------------------------------------------------
// {{args.<name>}} placeholders

/**
 * One `{{...}}` tag of a text, as Argo Rollouts finds them (utils/template/template.go, with valyala/fasttemplate):
 * from each `{{` to the first `}}` after it, left to right; the text between, trimmed of Go's white space
 * (`strings.TrimSpace`), is looked up as `args.<name>`. So `{{ args.a }}` names "a", `{{args.a:b}}` names "a:b",
 * `{{args.}}` names "" and `{{args.a}b}}` names "a}b"; any other tag (`{{namespace}}`) is never resolved, and the
 * controller fails the analysis with "failed to resolve {{...}}".
 */
export interface ArgoTag {
  /** Offset of the opening `{{`. */
  readonly start: number;
  /** Offset just after the closing `}}`. */
  readonly end: number;
  /** The whole tag, braces included. */
  readonly text: string;
  /**
   * The argument name, for an `args.` tag.
   * @default - not an argument placeholder
   */
  readonly arg?: string;
}

/** The tags of a text, and where an opening `{{` has no closing `}}` (the controller then fails: "Cannot find end tag"). */
export interface ArgoTags {
  readonly tags: ArgoTag[];
  /**
   * Offset of the first `{{` without a closing `}}`.
   * @default - every tag is closed
   */
  readonly unclosedAt?: number;
}

/** Go's `unicode.IsSpace`, which `strings.TrimSpace` trims. */
const GO_SPACE = '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function goTrimSpace(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && GO_SPACE.includes(s[from])) from++;
  while (to > from && GO_SPACE.includes(s[to - 1])) to--;
  return s.slice(from, to);
}

/** The `{{...}}` tags of `text`, as the controller splits them (see `ArgoTag`). */
export function argoTags(text: string): ArgoTags {
  const tags: ArgoTag[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start < 0) return { tags };
    const close = text.indexOf('}}', start + 2);
    if (close < 0) return { tags, unclosedAt: start };
    const inner = goTrimSpace(text.slice(start + 2, close));
    const end = close + 2;
    tags.push({ start, end, text: text.slice(start, end), arg: inner.startsWith('args.') ? inner.slice('args.'.length) : undefined });
    from = end;
  }
}

/** The argument names `text` references through `{{args.<name>}}`, each once, in order of first use. */
export function argPlaceholders(text: string): string[] {
  const names: string[] = [];
  for (const tag of argoTags(text).tags) {
    if (tag.arg !== undefined && !names.includes(tag.arg)) names.push(tag.arg);
  }
  return names;
}

/**
 * `text` with each `{{args.<name>}}` replaced by the value of the argument, as the controller resolves it; a placeholder
 * without a value, and any other tag, is kept as written.
 */
export function substituteArgs(text: string, args: { readonly [name: string]: string }): string {
  let out = '';
  let from = 0;
  for (const tag of argoTags(text).tags) {
    if (tag.arg === undefined || !Object.prototype.hasOwnProperty.call(args, tag.arg)) continue;
    out += text.slice(from, tag.start) + args[tag.arg];
    from = tag.end;
  }
  return out + text.slice(from);
}

const ARG_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Throws unless `name` is usable as an analysis argument name inside `{{args.<name>}}`. */
export function assertArgName(prop: string, name: string): void {
  if (typeof name !== 'string' || name.length > 253 || !ARG_NAME.test(name)) {
    throw new Error(`'${prop}' ("${name}") is not a valid analysis argument name: use letters, digits, '-', '_' or '.', `
      + 'starting and ending with a letter or digit (for example "service-name"); it is referenced as {{args.<name>}}');
  }
}

// -------------------------------------------------------------------------------------------------
// Revision history

/** How many old ReplicaSets the controller keeps when `revisionHistoryLimit` is not set (utils/defaults DefaultRevisionHistoryLimit). */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
