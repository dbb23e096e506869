// What every metric shares, whatever its provider: the measurement options (interval, count, initial delay, limits),
// checked as Argo Rollouts accepts them (utils/analysis/factory.go ValidateMetric), and the `{{args.x}}` placeholders
// of its texts. Not exported from the package.
import { Duration } from 'cdk8s';
import { argoTags, argPlaceholders, assertArgName } from '../argo';

/** The measurement options of a metric, as the factories receive them. */
export interface MeasurementInput {
  readonly interval?: Duration;
  readonly count?: number;
  readonly initialDelay?: Duration;
  readonly failureLimit?: number;
  readonly inconclusiveLimit?: number;
  readonly consecutiveErrorLimit?: number;
}

/** The limits with their defaults. */
export interface MeasurementLimits {
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
}

/** The measurement settings, checked, and the limits with their defaults: a metric that can fail, as Argo Rollouts accepts it. */
export function measurementLimits(where: string, props: MeasurementInput): MeasurementLimits {
  if (props.interval !== undefined) assertWholeSeconds(where, 'interval', props.interval);
  if (props.initialDelay !== undefined && props.initialDelay.toMilliseconds() % 1000 !== 0) {
    throw new Error(`${where}: 'initialDelay' (${props.initialDelay.toHumanString()}) must be a whole number of seconds, `
      + 'for example Duration.minutes(1)');
  }
  if (props.count !== undefined) assertInt(where, 'count', props.count, 1, 'use at least 1, or omit it');
  if (props.count !== undefined && props.count > 1 && props.interval === undefined) {
    throw new Error(`${where}: 'count' (${props.count}) needs an 'interval' between the measurements: `
      + 'set interval, e.g. Duration.minutes(1), or use count 1');
  }
  const failureLimit = props.failureLimit ?? 0;
  const inconclusiveLimit = props.inconclusiveLimit ?? 0;
  const consecutiveErrorLimit = props.consecutiveErrorLimit ?? 4;
  assertInt(where, 'failureLimit', failureLimit, 0, 'it is the number of failed measurements tolerated');
  assertInt(where, 'inconclusiveLimit', inconclusiveLimit, 0, 'it is the number of inconclusive measurements tolerated');
  assertInt(where, 'consecutiveErrorLimit', consecutiveErrorLimit, 0, 'it is the number of consecutive errors tolerated');
  const count = props.count ?? (props.interval === undefined ? 1 : undefined);
  if (count !== undefined && count <= failureLimit) {
    throw new Error(`${where}: 'count' (${count}) ${count < failureLimit ? 'is below' : 'equals'} 'failureLimit' (${failureLimit}): the metric could never fail. `
      + `It fails at failed measurement failureLimit + 1; raise count to at least ${failureLimit + 1} or lower failureLimit`);
  }
  if (count !== undefined && count < inconclusiveLimit) {
    throw new Error(`${where}: 'count' (${count}) is below 'inconclusiveLimit' (${inconclusiveLimit}), which Argo Rollouts rejects; `
      + 'raise count or lower inconclusiveLimit');
  }
  return { failureLimit, inconclusiveLimit, consecutiveErrorLimit };
}

/** Throws unless the text's `{{...}}` placeholders are closed, `{{args.<name>}}` only, with valid names. */
export function checkPlaceholders(where: string, prop: string, text: string): void {
  const { tags, unclosedAt: unclosed } = argoTags(text);
  if (unclosed !== undefined) {
    throw new Error(`${where}: '${prop}' opens a placeholder with "{{" at offset ${unclosed} and never closes it with "}}": Argo Rollouts `
      + 'fails the analysis ("Cannot find end tag"). Close the placeholder ({{args.<name>}}) or remove the braces');
  }
  const bad = tags.filter(t => t.arg === undefined).map(t => t.text);
  if (bad.length > 0) {
    throw new Error(`${where}: '${prop}' uses ${bad.map(b => `"${b}"`).join(', ')}, which Argo Rollouts cannot resolve: `
      + 'only {{args.<name>}} placeholders are supported');
  }
  for (const tag of tags) assertArgName(`${prop} placeholder {{args.${tag.arg}}}`, tag.arg!);
}

/** Throws unless `d` is a whole number of seconds, at least one. */
export function assertWholeSeconds(where: string, prop: string, d: Duration): void {
  const ms = d.toMilliseconds();
  if (ms < 1000 || ms % 1000 !== 0) {
    throw new Error(`${where}: '${prop}' (${d.toHumanString()}) must be a whole number of seconds, at least 1 second, `
      + 'for example Duration.minutes(1)');
  }
}

/** Throws unless `value` is an integer of at least `min`. */
export function assertInt(where: string, prop: string, value: number, min: number, hint: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${where}: '${prop}' (${value}) must be an integer of at least ${min}: ${hint}`);
  }
}

/** Header names as HTTP allows them (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws unless the text is an http(s) URL with a host (or its host comes from a placeholder). */
export function checkHttpUrl(where: string, prop: string, url: string, example: string): void {
  if (typeof url !== 'string' || (argPlaceholders(url).length === 0 && !HTTP_URL.test(url))) {
    throw new Error(`${where}: '${prop}' ("${url}") must be an http(s) URL with a host, for example "${example}" (Argo Rollouts rejects anything else)`);
  }
  checkPlaceholders(where, prop, url);
}

const HTTP_URL = /^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/;
