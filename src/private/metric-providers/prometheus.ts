// The Prometheus provider (argo-rollouts metricproviders/prometheus/prometheus.go): a PromQL instant query whose
// result is a vector of numbers, one per series. Not exported from the package.
import { Duration } from 'cdk8s';
import { argPlaceholders } from '../argo';
import { compareCodeUnits } from '../format';
import { findPromqlError, promqlWindowSeconds } from '../promql';
import { checkSecretHeaders } from './checks';
import { checkHttpUrl, checkPlaceholders, HEADER_NAME } from './measurement';
import { BuiltProvider, MetricContext, MetricProblem, PlanHints, ProviderModel } from './provider';

/** What `AnalysisMetric.prometheus()` hands the provider. */
export interface PrometheusInput {
  readonly query: string;
  /** Parse the query with the PromQL grammar (the presets' queries are valid by construction). */
  readonly parseQuery: boolean;
  readonly address: string;
  readonly timeout?: Duration;
  readonly insecure?: boolean;
  readonly headers: { readonly [key: string]: string };
  readonly authentication?: { readonly block: any; readonly secretArgs: string[]; readonly sigv4: boolean };
}

/** Checks and renders `provider.prometheus`. */
export function buildPrometheus(where: string, p: PrometheusInput): BuiltProvider {
  checkQuery(where, p.query, p.parseQuery);
  checkHttpUrl(where, 'address', p.address, 'http://prometheus.monitoring.svc.cluster.local:9090');
  if (p.timeout !== undefined) {
    const ms = p.timeout.toMilliseconds();
    if (ms < 1000 || ms % 1000 !== 0) {
      throw new Error(`${where}: 'timeout' (${p.timeout.toHumanString()}) must be a whole number of seconds, at least 1 second, `
        + 'for example Duration.seconds(30): Argo Rollouts takes the Prometheus timeout in seconds');
    }
  }
  for (const [key, value] of Object.entries(p.headers)) {
    if (!HEADER_NAME.test(key)) {
      throw new Error(`${where}: 'headers' has the key "${key}", which is not a valid HTTP header name (for example "X-Scope-OrgID")`);
    }
    checkPlaceholders(where, `headers.${key}`, String(value));
  }
  if (p.authentication?.sigv4 && argPlaceholders(p.address).length === 0 && !p.address.includes('aps-workspaces')) {
    throw new Error(`${where}: 'authentication' is SigV4 but 'address' ("${p.address}") is not an Amazon Managed Prometheus workspace: `
      + 'Argo Rollouts signs requests only for addresses containing "aps-workspaces"; use the workspace URL or remove the authentication');
  }
  const block: any = { address: p.address, query: p.query };
  if (p.timeout !== undefined) block.timeout = p.timeout.toSeconds();
  if (p.insecure) block.insecure = true;
  const headers = Object.entries(p.headers);
  if (headers.length > 0) {
    block.headers = headers.sort(([a], [b]) => compareCodeUnits(a, b)).map(([key, value]) => ({ key, value: String(value) }));
  }
  if (p.authentication) block.authentication = p.authentication.block;
  return {
    key: 'prometheus',
    block,
    argTexts: [p.query, p.address, ...Object.values(p.headers), JSON.stringify(p.authentication?.block ?? {})],
    secretArgs: (p.authentication?.secretArgs ?? []).map(arg => ({ arg, what: 'its OAuth2 client secret' })),
    query: p.query,
    address: p.address,
  };
}

function checkQuery(where: string, query: string, parse: boolean): void {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new Error(`${where}: 'query' is empty: give a PromQL instant query`);
  }
  checkPlaceholders(where, 'query', query);
  const err = parse ? findPromqlError(query) : undefined;
  if (err) {
    const near = err.near === '' ? 'at the end of the query' : `near "${err.near}"`;
    throw new Error(`${where}: 'query' is not valid PromQL: syntax error at line ${err.line}, column ${err.column} (${near}). `
      + `Query: ${query.replace(/\s+/g, ' ').trim()}`);
  }
}

export const PROMETHEUS: ProviderModel = {
  key: 'prometheus',
  title: 'Prometheus',
  shape: 'vector',
  check(metric: any, ctx: MetricContext): MetricProblem[] {
    return checkSecretHeaders(metric?.provider?.prometheus?.headers, 'provider.prometheus.headers', ctx);
  },
  planHints(metric: any, resolve: (text: string) => string): PlanHints {
    const query = metric?.provider?.prometheus?.query;
    const resolved = typeof query === 'string' ? resolve(query) : undefined;
    return {
      queryWindowSeconds: resolved === undefined ? undefined : promqlWindowSeconds(resolved),
      queryWindowUnresolved: resolved !== undefined && /\[[^\]]*\{\{[^\]]*\]/.test(resolved),
      measurementSeconds: 0,
      needsCanaryTraffic: true,
    };
  },
};
