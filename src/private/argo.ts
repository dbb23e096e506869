// Internal helpers of the analysis constructs. Not exported from the package.
import { Duration } from 'cdk8s';

const ARG_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Throws unless `name` is usable as an analysis argument name inside `{{args.<name>}}`. */
export function assertArgName(prop: string, name: string): void {
  if (typeof name !== 'string' || name.length > 253 || !ARG_NAME.test(name)) {
    throw new Error(`'${prop}' ("${name}") is not a valid analysis argument name: use letters, digits, '-', '_' or '.', `
      + 'starting and ending with a letter or digit (for example "service-name"); it is referenced as {{args.<name>}}');
  }
}

/** Renders a whole-second Duration as a Go duration string ("90s", "2m", "1h"). */
export function goDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
