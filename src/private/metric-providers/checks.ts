// Checks of a metric (plain manifest) that several providers share: header values that look like secrets given
// inline (CR319), conditions that count "no data" as a success (CR320), an http URL to a host outside the cluster
// (CR318). Not exported from the package.
import { argPlaceholders } from '../argo';
import { Outcome, outcomeIfKnown } from '../expr';
import { ResultShape } from './conditions';
import { MetricContext, MetricProblem } from './provider';

/** Header names that carry credentials, lowercase. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'dd-api-key', 'dd-application-key'];
/** Parts of a header name that say it carries a credential. */
const CREDENTIAL_WORDS = /token|secret|passw|api-?key|app-?key|credential|session/i;
/** Values that look like a credential: a scheme and a token, or a long random-looking string. */
const CREDENTIAL_VALUE = /^(Bearer|Basic|Token|Bot)\s+\S{8,}$|^(?=[A-Za-z0-9+/=_.-]*[0-9])(?=[A-Za-z0-9+/=_.-]*[A-Za-z])[A-Za-z0-9+/=_.-]{24,}$/i;

/** Whether a header name or value looks like it carries a secret. */
export function looksLikeSecret(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADERS.includes(lower) || CREDENTIAL_WORDS.test(lower) || CREDENTIAL_VALUE.test(value.trim());
}

/**
 * CR319: every header value that looks like a secret comes from a Secret: a `{{args.x}}` placeholder of an argument
 * declared with `valueFrom.secretKeyRef` (Argo Rollouts resolves it in the AnalysisRun and masks it), never a literal
 * in the manifest that lands in git.
 */
export function checkSecretHeaders(headers: any, path: string, ctx: MetricContext): MetricProblem[] {
  const problems: MetricProblem[] = [];
  (Array.isArray(headers) ? headers : []).forEach((h: any, i: number) => {
    const name = String(h?.key ?? '');
    const value = String(h?.value ?? '');
    if (!looksLikeSecret(name, value)) return;
    const args = argPlaceholders(value);
    const literal = value.replace(/\{\{[^}]*\}\}/g, '').replace(/^\s*(Bearer|Basic|Token|Bot)\s*/i, '').trim();
    const fromLiteralArg = args.filter(a => ctx.args.some(d => d?.name === a && d?.valueFrom?.secretKeyRef === undefined));
    if (args.length > 0 && literal === '' && fromLiteralArg.length === 0) return;
    const why = args.length === 0 || literal !== ''
      ? `the header ${JSON.stringify(name)} has a value written into the manifest (${JSON.stringify(mask(value))})`
      : `the header ${JSON.stringify(name)} reads argument(s) ${fromLiteralArg.map(a => `'${a}'`).join(', ')}, which the template gives a literal value`;
    problems.push({
      code: 'CR319',
      error: true,
      path: `${path}[${i}].value`,
      message: `${why}: a credential in a manifest ends up in git and in every AnalysisRun`,
      fix: 'declare an argument read from a Secret (AnalysisTemplateArg.fromSecret(\'token\', \'<secret>\', \'<key>\'), rendered as valueFrom.secretKeyRef) and set the header to \'{{args.token}}\' (or \'Bearer {{args.token}}\')',
    });
  });
  return problems;
}

/** A value for a message, with everything after its first four characters masked. */
function mask(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 4, 8))}`;
}

/** What "no data" is for each result shape, as the provider hands it to the conditions. */
const NO_DATA: { readonly [shape in ResultShape]?: { readonly value: null | []; readonly text: string } } = {
  json: { value: null, text: 'a JSON null at the jsonPath' },
  scalar: { value: null, text: 'a query without data (nil)' },
};

/**
 * CR320: a web or Datadog metric has conditions, and its conditions do not count "no data" as a success. Without
 * conditions Argo Rollouts counts every measurement that returns as successful; a condition such as
 * `default(result, 0) <= 0.01` makes a canary that sends no data look healthy.
 */
export function checkNoDataConditions(metric: any, shape: ResultShape, title: string): MetricProblem[] {
  const success = typeof metric?.successCondition === 'string' && metric.successCondition !== '' ? metric.successCondition : undefined;
  const failure = typeof metric?.failureCondition === 'string' && metric.failureCondition !== '' ? metric.failureCondition : undefined;
  const fix = 'use MetricCondition.atLeast() / atMost() (for web metrics also equalTo() / isTrue()), which guard with !isNil(result) and set both conditions, '
    + 'so no data is inconclusive; or write both conditions so that neither holds for nil';
  if (success === undefined && failure === undefined) {
    return [{
      code: 'CR320',
      error: true,
      path: 'successCondition',
      message: `the ${title} metric has neither successCondition nor failureCondition, so Argo Rollouts counts every measurement that returns as successful`,
      fix,
    }];
  }
  const noData = NO_DATA[shape];
  if (!noData || outcomeIfKnown(success, failure, noData.value) !== Outcome.SUCCESSFUL) return [];
  return [{
    code: 'CR320',
    error: true,
    path: success !== undefined ? 'successCondition' : 'failureCondition',
    message: `with ${noData.text} the conditions (successCondition ${JSON.stringify(success ?? '')}, failureCondition ${JSON.stringify(failure ?? '')}) `
      + 'make the measurement successful: a canary that sends no data would pass (default(result, x) is the usual cause)',
    fix,
  }];
}

/** Host names that stay inside the cluster: one-label names (a Service, `localhost`), `*.svc`, `*.cluster.local`. */
const CLUSTER_HOST = /^([a-z0-9-]+|.*\.svc|.*\.cluster\.local)$/i;
const PRIVATE_IP = /^(10\.\d+\.\d+\.\d+|127\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\])$/;

/** The host of an http:// URL that leaves the cluster, or undefined (https, a cluster-local host, or a placeholder). */
export function plainHttpOutsideHost(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const m = /^http:\/\/([^/:?#\s]+)/i.exec(url);
  if (!m || m[1].includes('{{')) return undefined;
  const host = m[1];
  return CLUSTER_HOST.test(host) || PRIVATE_IP.test(host) ? undefined : host;
}

/** CR318: an http:// URL to a host outside the cluster: requests and responses (and any header) travel unencrypted. */
export function checkPlainHttp(url: unknown, path: string, what: string): MetricProblem[] {
  const host = plainHttpOutsideHost(url);
  if (host === undefined) return [];
  return [{
    code: 'CR318',
    error: true,
    path,
    message: `the ${what} ${JSON.stringify(url)} uses http:// to ${JSON.stringify(host)}, a host outside the cluster: the request, its headers and the answer `
      + 'that decides the canary travel unencrypted and can be read or changed on the way',
    fix: `use https://${host}/..., or a cluster-local host (<service>.<namespace>.svc.cluster.local) for in-cluster endpoints`,
  }];
}
