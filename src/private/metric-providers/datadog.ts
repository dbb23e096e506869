// The Datadog provider (argo-rollouts metricproviders/datadog/datadog.go, finders.go), API v2: a scalar query
// (`/api/v2/query/scalar`) over the last `interval`, one query or several combined by a formula, reduced by
// `aggregator` (default "last"). `result` is the first value of the first column: a number, or nil when Datadog
// returns no data. Credentials: `secretRef.name` (a Secret with keys api-key, app-key and optionally address) in the
// controller's namespace, or with `secretRef.namespaced` in the AnalysisRun's namespace; without secretRef, the
// controller's DD_API_KEY / DD_APP_KEY / DD_ADDRESS environment, then the Secret "datadog" in its namespace.
// Not exported from the package.
import { Duration } from 'cdk8s';
import { goDuration, parseGoDuration } from '../argo';
import { compareCodeUnits } from '../format';
import { checkNoDataConditions } from './checks';
import { checkPlaceholders } from './measurement';
import { BuiltProvider, MetricContext, MetricProblem, PlanHints, ProviderModel } from './provider';

/** The aggregators of the v1.9.1 CRD (`provider.datadog.aggregator` enum). */
export const DATADOG_AGGREGATORS = ['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area'];
/** The CRD's default `interval`. */
const DEFAULT_WINDOW_SECONDS = 300;
const QUERY_NAME = /^[a-z][a-z0-9_]*$/;

/** What `AnalysisMetric.datadog()` hands the provider. */
export interface DatadogInput {
  readonly query?: string;
  readonly queries?: { readonly [name: string]: string };
  readonly formula?: string;
  readonly window?: Duration;
  readonly aggregator?: string;
  readonly secretName?: string;
  readonly secretNamespaced?: boolean;
}

/** Checks the props and renders `provider.datadog` (always `apiVersion: v2`: the CRD defaults to v1). */
export function buildDatadog(where: string, p: DatadogInput): BuiltProvider {
  const named = Object.entries(p.queries ?? {}).sort(([a], [b]) => compareCodeUnits(a, b));
  if ((p.query === undefined) === (named.length === 0)) {
    throw new Error(`${where}: give exactly one of 'query' and 'queries' (received ${p.query === undefined ? 'neither' : 'both'}): `
      + "one query, or several named queries combined by a 'formula'");
  }
  if (p.query !== undefined && p.query.trim() === '') throw new Error(`${where}: 'query' is empty: give a Datadog metric query`);
  for (const [name, q] of named) {
    if (!QUERY_NAME.test(name)) {
      throw new Error(`${where}: query name "${name}" must start with a lowercase letter and hold lowercase letters, digits and '_' (a formula refers to it), for example "errors"`);
    }
    if (typeof q !== 'string' || q.trim() === '') throw new Error(`${where}: query "${name}" is empty`);
  }
  for (const [prop, text] of [['query', p.query ?? ''], ['formula', p.formula ?? ''], ...named.map(([n, q]) => [`queries.${n}`, q])]) {
    checkPlaceholders(where, prop, text);
  }
  if (p.aggregator !== undefined && !DATADOG_AGGREGATORS.includes(p.aggregator)) {
    throw new Error(`${where}: 'aggregator' ("${p.aggregator}") must be one of ${DATADOG_AGGREGATORS.join(', ')}`);
  }
  if (p.window !== undefined && (p.window.toMilliseconds() < 1000 || p.window.toMilliseconds() % 1000 !== 0)) {
    throw new Error(`${where}: 'window' (${p.window.toHumanString()}) must be a whole number of seconds, for example Duration.minutes(5)`);
  }
  if (p.secretNamespaced && p.secretName === undefined) {
    throw new Error(`${where}: 'secretNamespaced' needs 'secretName' ("secret name is required for namespaced credentials")`);
  }
  const block: any = { apiVersion: 'v2' };
  if (p.window !== undefined) block.interval = goDuration(p.window);
  if (p.query !== undefined) block.query = p.query;
  if (named.length > 0) block.queries = Object.fromEntries(named);
  if (p.formula !== undefined) block.formula = p.formula;
  if (p.aggregator !== undefined) block.aggregator = p.aggregator;
  if (p.secretName !== undefined) block.secretRef = { name: p.secretName, ...(p.secretNamespaced ? { namespaced: true } : {}) };
  const texts = [p.query ?? '', p.formula ?? '', ...named.map(([, q]) => q)];
  return { key: 'datadog', block, argTexts: texts, secretArgs: [], query: p.query ?? named.map(([n, q]) => `${n}: ${q}`).join('\n') };
}

/** CR142: the query fields as the provider validates them (datadog.go validateIncomingProps). */
function checkQueryShape(dd: any): MetricProblem[] {
  const query = typeof dd?.query === 'string' && dd.query !== '' ? dd.query : undefined;
  const queries = dd?.queries && typeof dd.queries === 'object' ? Object.keys(dd.queries) : [];
  const formula = typeof dd?.formula === 'string' && dd.formula !== '' ? dd.formula : undefined;
  const v1 = (dd?.apiVersion ?? 'v1') === 'v1';
  const problem = (path: string, message: string, fix: string): MetricProblem[] => [{ code: 'CR142', error: true, path: `provider.datadog.${path}`, message, fix }];
  if (query === undefined && queries.length === 0) return problem('query', 'neither query nor queries is set ("Must have either a query or queries")', "set 'query', or 'queries' and a 'formula'");
  if (query !== undefined && queries.length > 0) return problem('queries', 'both query and queries are set ("Cannot have both a query and queries")', 'keep one of them');
  if (v1 && query === undefined) return problem('apiVersion', 'queries need API v2 ("API Version v1 only supports using the query parameter")', "set 'apiVersion: v2'");
  if (formula !== undefined && queries.length === 0) return problem('formula', 'a formula without queries ("Formula are only valid when queries are set")', "name the queries under 'queries'");
  if (formula === undefined && queries.length > 1) {
    return problem('formula', `${queries.length} queries without a formula ("When multiple queries are provided you must include a formula")`, "add a 'formula' that combines them");
  }
  if (v1 && dd?.aggregator !== undefined) return problem('aggregator', 'an aggregator with API v1 ("Aggregator is not supported in v1")', "set 'apiVersion: v2' or remove 'aggregator'");
  if (typeof dd?.interval === 'string' && !dd.interval.includes('{{') && parseGoDuration(dd.interval) === undefined) {
    return problem('interval', `'interval' ${JSON.stringify(dd.interval)} is not a Go duration, so every measurement errors`, 'write it as "5m" or "300s"');
  }
  return [];
}

/** CR143: API v2 is set: without apiVersion the CRD defaults to v1, which Datadog is retiring (the controller logs a warning per measurement). */
function checkApiVersion(dd: any): MetricProblem[] {
  if (dd?.apiVersion === 'v2') return [];
  return [{
    code: 'CR143',
    error: false,
    path: 'provider.datadog.apiVersion',
    message: `the Datadog metric uses API ${dd?.apiVersion === undefined ? 'v1 (the CRD default, as apiVersion is not set)' : JSON.stringify(dd.apiVersion)}: `
      + 'Datadog is retiring v1 ("Datadog will soon deprecate their API v1"), and v1 supports neither queries, formulas nor aggregators',
    fix: "set 'apiVersion: v2' (AnalysisMetric.datadog() always does)",
  }];
}

export const DATADOG: ProviderModel = {
  key: 'datadog',
  title: 'Datadog',
  shape: 'scalar',
  check(metric: any, _ctx: MetricContext): MetricProblem[] {
    const dd = metric?.provider?.datadog;
    return [...checkQueryShape(dd), ...checkApiVersion(dd), ...checkNoDataConditions(metric, 'scalar', 'Datadog')];
  },
  planHints(metric: any, resolve: (text: string) => string): PlanHints {
    const interval = metric?.provider?.datadog?.interval;
    const resolved = typeof interval === 'string' ? resolve(interval) : undefined;
    return {
      queryWindowSeconds: resolved === undefined ? DEFAULT_WINDOW_SECONDS : parseGoDuration(resolved),
      queryWindowUnresolved: resolved !== undefined && resolved.includes('{{'),
      measurementSeconds: 0,
      needsCanaryTraffic: true,
    };
  },
};
