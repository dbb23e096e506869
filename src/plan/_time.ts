// The rollout plan's readers of duration fields: the value as Argo Rollouts reads it, or an error that names the
// field. Not exported from the package.
import { argoPauseSeconds, parseGoDuration } from '../private/argo';

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
 * Reads `pause.duration` the way Argo Rollouts does (`argoPauseSeconds`; the plan reads an experiment's `duration`
 * the same way). Throws for values the controller rejects ("Duration needs to be greater than 0").
 */
export function pauseDurationSeconds(prop: string, owner: string, value: unknown): number {
  const seconds = argoPauseSeconds(value);
  if (seconds === undefined || seconds < 0) {
    throw new Error(`'${prop}' (${JSON.stringify(value)}) of ${owner} must be a non-negative number of seconds or a duration such as "30s", `
      + '"5m" or "1h": Argo Rollouts rejects it ("Duration needs to be greater than 0"); fix the pause step');
  }
  return seconds;
}
