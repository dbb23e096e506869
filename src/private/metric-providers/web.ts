// The web provider (argo-rollouts metricproviders/webmetric/webmetric.go): one HTTP request per measurement; a 2xx
// JSON answer is reduced to the value its `jsonPath` selects (k8s.io/client-go/util/jsonpath), which the conditions
// see as `result`. Not exported from the package.
//
// What a measurement is, upstream:
// - a request error, a non-2xx answer, a path that selects nothing ("Could not find JSONPath in body") or no value:
//   an Error (after consecutiveErrorLimit + 1 in a row the run errors and the Rollout aborts);
// - a 2xx answer whose body is not JSON: Successful, whatever the conditions (the provider returns before it
//   evaluates them). Nothing in the manifest can guard against it: point the metric at an endpoint that answers JSON;
// - a JSON null at the path: nil, which the typed conditions treat as inconclusive.
import { Duration } from 'cdk8s';
import { argPlaceholders } from '../argo';
import { compareCodeUnits } from '../format';
import { webJsonPathProblem } from '../jsonpath';
import { checkNoDataConditions, checkPlainHttp, checkSecretHeaders, looksLikeSecret } from './checks';
import { checkHttpUrl, checkPlaceholders, HEADER_NAME } from './measurement';
import { BuiltProvider, MetricContext, MetricProblem, PlanHints, ProviderModel } from './provider';

/** The methods Argo Rollouts' web provider knows (WebMetricMethod). */
export const WEB_METHODS = ['GET', 'POST', 'PUT'];

/** What `AnalysisMetric.web()` hands the provider. */
export interface WebInput {
  readonly url: string;
  readonly method: string;
  /** Plain headers (no credentials). */
  readonly headers: { readonly [key: string]: string };
  /** Headers whose values read `{{args.x}}` arguments declared from Secrets. */
  readonly secretHeaders: { readonly [key: string]: string };
  readonly body?: string;
  readonly jsonBody?: any;
  readonly jsonPath: string;
  readonly timeout?: Duration;
  readonly insecure?: boolean;
}

/** Checks the props that have no manifest rule, and renders `provider.web`. */
export function buildWeb(where: string, p: WebInput): BuiltProvider {
  checkHttpUrl(where, 'url', p.url, 'https://status.example.com/api/health');
  if (!WEB_METHODS.includes(p.method)) {
    throw new Error(`${where}: 'method' ("${p.method}") must be one of ${WEB_METHODS.join(', ')} (Argo Rollouts' web provider knows no other)`);
  }
  if (p.timeout !== undefined && (p.timeout.toMilliseconds() < 1000 || p.timeout.toMilliseconds() % 1000 !== 0)) {
    throw new Error(`${where}: 'timeout' (${p.timeout.toHumanString()}) must be a whole number of seconds, at least 1 second (Argo Rollouts' timeoutSeconds)`);
  }
  checkPlaceholders(where, 'jsonPath', p.jsonPath);
  if (p.body !== undefined) checkPlaceholders(where, 'body', p.body);
  const headers = checkHeaders(where, p);
  const block: any = { url: p.url, method: p.method };
  if (headers.length > 0) block.headers = headers;
  if (p.body !== undefined) block.body = p.body;
  if (p.jsonBody !== undefined) block.jsonBody = JSON.parse(JSON.stringify(p.jsonBody));
  if (p.timeout !== undefined) block.timeoutSeconds = p.timeout.toSeconds();
  block.jsonPath = p.jsonPath;
  if (p.insecure) block.insecure = true;
  const secretArgs = Object.entries(p.secretHeaders).flatMap(([key, value]) => argPlaceholders(value).map(arg => ({ arg, what: `the header ${key}` })));
  return {
    key: 'web',
    block,
    argTexts: [p.url, p.jsonPath, p.body ?? '', JSON.stringify(p.jsonBody ?? {}), ...headers.map(h => h.value)],
    secretArgs,
    address: p.url,
  };
}

/** The headers, sorted by name: plain ones must not look like credentials, secret ones must read arguments. */
function checkHeaders(where: string, p: WebInput): Array<{ key: string; value: string }> {
  const all = [...Object.entries(p.headers), ...Object.entries(p.secretHeaders)];
  const seen = new Set<string>();
  for (const [key, value] of all) {
    if (!HEADER_NAME.test(key)) throw new Error(`${where}: header "${key}" is not a valid HTTP header name (for example "Accept")`);
    if (seen.has(key.toLowerCase())) throw new Error(`${where}: header "${key}" is given twice ('headers' and 'secretHeaders'): give it once`);
    seen.add(key.toLowerCase());
    checkPlaceholders(where, `headers.${key}`, String(value));
  }
  for (const [key, value] of Object.entries(p.secretHeaders)) {
    if (argPlaceholders(value).length === 0) {
      throw new Error(`${where}: 'secretHeaders.${key}' ("${value.length > 4 ? `${value.slice(0, 4)}…` : value}") reads no argument: a secret header's value must be `
        + 'a placeholder such as \'{{args.token}}\' or \'Bearer {{args.token}}\' of an argument declared with AnalysisTemplateArg.fromSecret(); never the secret itself');
    }
  }
  for (const [key, value] of Object.entries(p.headers)) {
    if (looksLikeSecret(key, value)) {
      throw new Error(`${where}: 'headers.${key}' looks like a credential given inline (rule CR319): a value in the manifest ends up in git. `
        + 'Move it to \'secretHeaders\' as \'{{args.<name>}}\' and declare AnalysisTemplateArg.fromSecret(\'<name>\', \'<secret>\', \'<key>\')');
    }
  }
  return all.sort(([a], [b]) => compareCodeUnits(a, b)).map(([key, value]) => ({ key, value: String(value) }));
}

/** CR140: the jsonPath parses as Kubernetes JSONPath and selects one value. */
function checkJsonPath(web: any): MetricProblem[] {
  const path = web?.jsonPath;
  if (path === undefined || path === null) return [];
  const problem = typeof path === 'string' ? webJsonPathProblem(path) : 'is not a string';
  if (problem === undefined) return [];
  return [{
    code: 'CR140',
    error: true,
    path: 'provider.web.jsonPath',
    message: `'jsonPath' ${JSON.stringify(path)} ${problem}; Argo Rollouts fails every measurement of a path that does not parse`,
    fix: 'write one {...} action in the Kubernetes JSONPath dialect (as kubectl -o jsonpath reads it), for example "{$.status}" or "{$.data[0].value}"',
  }];
}

/** CR141: a body goes only with POST or PUT, and only one of body and jsonBody (webmetric.go Run). */
function checkBody(web: any): MetricProblem[] {
  const method = web?.method || 'GET';
  const hasBody = typeof web?.body === 'string' && web.body !== '';
  const hasJson = web?.jsonBody !== undefined && web?.jsonBody !== null;
  if (hasBody && hasJson) {
    return [{ code: 'CR141', error: true, path: 'provider.web.body', message: "both 'body' and 'jsonBody' are set (\"use either Body or JSONBody; both cannot exists for WebMetric payload\")", fix: 'keep one of them' }];
  }
  if ((hasBody || hasJson) && method === 'GET') {
    return [{
      code: 'CR141',
      error: true,
      path: 'provider.web.method',
      message: `the request has a body but method ${JSON.stringify(method)} ("Body/JSONBody can only be used with POST or PUT WebMetric Method types"): every measurement errors`,
      fix: "set 'method' to POST or PUT, or remove the body",
    }];
  }
  return [];
}

export const WEB: ProviderModel = {
  key: 'web',
  title: 'web',
  shape: 'json',
  check(metric: any, ctx: MetricContext): MetricProblem[] {
    const web = metric?.provider?.web;
    return [
      ...checkJsonPath(web),
      ...checkBody(web),
      ...checkPlainHttp(web?.url, 'provider.web.url', 'web metric URL'),
      ...checkSecretHeaders(web?.headers, 'provider.web.headers', ctx),
      ...checkNoDataConditions(metric, 'json', 'web'),
    ];
  },
  planHints(): PlanHints {
    return { measurementSeconds: 0, needsCanaryTraffic: false };
  },
};
