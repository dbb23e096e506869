import { Duration } from 'cdk8s';
import { MetricCondition } from './analysis-condition';
import { argoTags, argPlaceholders, assertArgName, goDuration } from './private/argo';
import { compareCodeUnits } from './private/format';
import { findPromqlError } from './private/promql';

/** Options for `PrometheusAuthentication.sigv4()`. */
export interface PrometheusSigv4Options {
  /**
   * AWS region of the Amazon Managed Prometheus workspace.
   *
   * @default - the controller's default region
   */
  readonly region?: string;
  /**
   * AWS profile.
   *
   * @default - the controller's default credentials
   */
  readonly profile?: string;
  /**
   * IAM role to assume.
   *
   * @default - no role is assumed
   */
  readonly roleArn?: string;
}

/** Options for `PrometheusAuthentication.oauth2()`. */
export interface PrometheusOAuth2Options {
  /** The token endpoint of the OAuth2 client-credentials flow. */
  readonly tokenUrl: string;
  /** The OAuth2 client id. */
  readonly clientId: string;
  /**
   * The name of a template argument that holds the client secret, declared with
   * `AnalysisTemplateArg.fromSecret()`. The secret never appears in the manifest: the template renders
   * `clientSecret: '{{args.<name>}}'`, which the controller resolves from the Secret.
   */
  readonly clientSecretArg: string;
  /**
   * OAuth2 scopes.
   *
   * @default - no scopes
   */
  readonly scopes?: string[];
}

/**
 * How the Argo Rollouts controller authenticates to Prometheus (the methods of the v1.9.1 schema).
 */
export class PrometheusAuthentication {
  /**
   * AWS SigV4 signing, for Amazon Managed Prometheus. Argo Rollouts applies it only when the address
   * contains `aps-workspaces`.
   */
  public static sigv4(options: PrometheusSigv4Options = {}): PrometheusAuthentication {
    const sigv4: any = {};
    if (options.region !== undefined) sigv4.region = options.region;
    if (options.profile !== undefined) sigv4.profile = options.profile;
    if (options.roleArn !== undefined) sigv4.roleArn = options.roleArn;
    return new PrometheusAuthentication({ sigv4 }, [], true);
  }

  /**
   * OAuth2 client-credentials flow.
   */
  public static oauth2(options: PrometheusOAuth2Options): PrometheusAuthentication {
    if (!/^https?:\/\/[^/\s]+/.test(options.tokenUrl ?? '')) {
      throw new Error(`'oauth2.tokenUrl' ("${options.tokenUrl}") must be an http(s) URL, for example "https://auth.example.com/oauth2/token"`);
    }
    if (!options.clientId || options.clientId.trim() === '') {
      throw new Error('\'oauth2.clientId\' is empty: give the OAuth2 client id (Argo Rollouts fails with "missing mandatory parameter in metric for OAuth2 setup")');
    }
    assertArgName('oauth2.clientSecretArg', options.clientSecretArg);
    const oauth2: any = {
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: `{{args.${options.clientSecretArg}}}`,
    };
    if (options.scopes && options.scopes.length > 0) oauth2.scopes = [...options.scopes];
    return new PrometheusAuthentication({ oauth2 }, [options.clientSecretArg], false);
  }

  /** @internal */
  public readonly _secretArgs: string[];
  /** @internal */
  public readonly _sigv4: boolean;
  private readonly rendered: any;

  private constructor(rendered: any, secretArgs: string[], sigv4: boolean) {
    this.rendered = rendered;
    this._secretArgs = secretArgs;
    this._sigv4 = sigv4;
  }

  /** @internal */
  public _toKube(): any {
    return JSON.parse(JSON.stringify(this.rendered));
  }
}

/** Measurement settings common to every metric. */
export interface MetricMeasurementOptions {
  /**
   * Time between two measurements. Without it the metric is measured once (or `count` times is an error).
   *
   * @default - measured once
   */
  readonly interval?: Duration;
  /**
   * How many measurements to take. With an `interval` and no `count`, the metric runs until the analysis
   * is terminated (fine in background analysis, which ends with the rollout; refused in an analysis step).
   *
   * @default - 1 without an interval; unbounded with an interval
   */
  readonly count?: number;
  /**
   * Delay before the first measurement, e.g. to let the canary receive traffic and the query window fill.
   *
   * @default - no delay
   */
  readonly initialDelay?: Duration;
  /**
   * How many failed measurements are tolerated: the metric fails at failed measurement
   * `failureLimit + 1`.
   *
   * @default 0 (Argo Rollouts' default: the first failed measurement fails the metric)
   */
  readonly failureLimit?: number;
  /**
   * How many inconclusive measurements are tolerated: the metric becomes inconclusive (the Rollout
   * pauses) at inconclusive measurement `inconclusiveLimit + 1`.
   *
   * @default 0 (Argo Rollouts' default)
   */
  readonly inconclusiveLimit?: number;
  /**
   * How many consecutive measurement errors (e.g. Prometheus unreachable) are tolerated before the
   * metric errors, which aborts the Rollout like a failure. Errored measurements are retried every 10 s.
   *
   * @default 4 (Argo Rollouts' default)
   */
  readonly consecutiveErrorLimit?: number;
}

/** Connection settings of a Prometheus metric. */
export interface PrometheusConnectionOptions {
  /**
   * The Prometheus base URL.
   *
   * @default 'http://prometheus.istio-system.svc.cluster.local:9090' (Istio's Prometheus addon)
   */
  readonly address?: string;
  /**
   * Query timeout, in whole seconds.
   *
   * @default Duration.seconds(30) (Argo Rollouts' default; not rendered)
   */
  readonly timeout?: Duration;
  /**
   * Skip TLS certificate verification.
   *
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Extra HTTP headers sent with each query (e.g. `X-Scope-OrgID` for Mimir or Cortex). Values may use
   * `{{args.x}}` placeholders, e.g. to read a token from a secret argument.
   *
   * @default - no extra headers
   */
  readonly headers?: { [key: string]: string };
  /**
   * Authentication to Prometheus.
   *
   * @default - none
   */
  readonly authentication?: PrometheusAuthentication;
}

/** Properties of `AnalysisMetric.prometheus()`. */
export interface PrometheusMetricProps extends MetricMeasurementOptions, PrometheusConnectionOptions {
  /**
   * The metric name, unique within the analysis run (across all templates a Rollout step uses).
   */
  readonly name: string;
  /**
   * A PromQL instant query. `{{args.<name>}}` placeholders are replaced by the controller. Checked at
   * synth time with the Prometheus project's grammar.
   */
  readonly query: string;
  /**
   * When a measurement is successful, failed or inconclusive.
   */
  readonly condition: MetricCondition;
}

const METRIC_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * One metric of an analysis template: a query, how often it is measured, and the condition that
 * decides each measurement.
 *
 * @example
 * AnalysisMetric.prometheus({
 *   name: 'success-rate',
 *   query: 'sum(rate(http_requests_total{code!~"5.."}[2m])) / sum(rate(http_requests_total[2m]))',
 *   condition: MetricCondition.atLeast(0.99),
 *   interval: Duration.minutes(1),
 *   failureLimit: 1,
 * });
 */
export class AnalysisMetric {
  /**
   * The Prometheus address used when none is given: the Prometheus of Istio's sample addon
   * (`samples/addons/prometheus.yaml`), installed in `istio-system`.
   */
  public static readonly DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus.istio-system.svc.cluster.local:9090';

  /**
   * A metric measured with the Prometheus provider.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
   */
  public static prometheus(props: PrometheusMetricProps): AnalysisMetric {
    return new AnalysisMetric(props, true);
  }

  /**
   * A metric of the presets of `IstioMetrics`, whose queries the library builds: valid PromQL by construction (a test
   * parses every preset with every option), so they are not parsed again.
   * @internal
   */
  public static _fromPreset(props: PrometheusMetricProps): AnalysisMetric {
    return new AnalysisMetric(props, false);
  }

  /** The metric name. */
  public readonly name: string;
  /** The PromQL query, with its `{{args.x}}` placeholders. */
  public readonly query: string;
  /** The condition. */
  public readonly condition: MetricCondition;
  /** The Prometheus address. */
  public readonly address: string;
  /**
   * Time between measurements.
   *
   * @default - measured once
   */
  public readonly interval?: Duration;
  /**
   * Number of measurements.
   *
   * @default - 1 without an interval, unbounded with one
   */
  public readonly count?: number;
  /**
   * Delay before the first measurement.
   *
   * @default - none
   */
  public readonly initialDelay?: Duration;
  /** Failed measurements tolerated. */
  public readonly failureLimit: number;
  /** Inconclusive measurements tolerated. */
  public readonly inconclusiveLimit: number;
  /** Consecutive errors tolerated. */
  public readonly consecutiveErrorLimit: number;
  private readonly props: PrometheusMetricProps;

  private constructor(props: PrometheusMetricProps, parseQuery: boolean) {
    const name = props.name;
    if (typeof name !== 'string' || name.length > 253 || !METRIC_NAME.test(name)) {
      throw new Error(`'name' ("${name}") is not a valid metric name: use letters, digits, '-', '_' or '.', `
        + 'starting and ending with a letter or digit (for example "success-rate")');
    }
    const where = `metric '${name}'`;
    if (!props.condition) {
      throw new Error(`${where}: 'condition' is missing: a metric without conditions is always successful; `
        + 'pass e.g. MetricCondition.atLeast(0.99)');
    }
    checkQuery(where, props.query, parseQuery);
    const address = props.address ?? AnalysisMetric.DEFAULT_PROMETHEUS_ADDRESS;
    checkConnection(where, props, address);
    const limits = measurementLimits(where, props);

    this.props = props;
    this.name = name;
    this.query = props.query;
    this.condition = props.condition;
    this.address = address;
    this.interval = props.interval;
    this.count = props.count;
    this.initialDelay = props.initialDelay;
    this.failureLimit = limits.failureLimit;
    this.inconclusiveLimit = limits.inconclusiveLimit;
    this.consecutiveErrorLimit = limits.consecutiveErrorLimit;
  }

  /**
   * Whether the metric runs until the analysis is terminated (an interval and no count). Such a metric
   * may be used in background analysis but not in an analysis step.
   */
  public get unbounded(): boolean {
    return this.interval !== undefined && this.count === undefined;
  }

  /**
   * The argument names this metric references with `{{args.<name>}}` (query, address, headers,
   * authentication), in order of first use.
   */
  public get argNames(): string[] {
    const texts = [this.query, this.address, ...Object.values(this.props.headers ?? {}), JSON.stringify(this.props.authentication?._toKube() ?? {})];
    const names: string[] = [];
    for (const t of texts) for (const n of argPlaceholders(t)) if (!names.includes(n)) names.push(n);
    return names;
  }

  /**
   * How long a canary that fails every measurement of this metric keeps running, from the start of the
   * analysis run, until the metric fails (and the Rollout aborts):
   * `initialDelay + failureLimit × interval`. The first measurement is taken after `initialDelay`, and
   * the metric fails at failed measurement `failureLimit + 1`.
   *
   * Not included: the time until the query sees the canary's errors (at most one Prometheus scrape
   * interval plus Istio's stats flush, typically well under 30 s; a canary that is bad from its first
   * request fills its own revision-scoped window at once), and the controller's reaction time (seconds).
   */
  public timeToAbort(): Duration {
    const delay = this.initialDelay?.toSeconds() ?? 0;
    const interval = this.interval?.toSeconds() ?? 0;
    return Duration.seconds(delay + this.failureLimit * interval);
  }

  /**
   * Names of template arguments that this metric's authentication reads from Secrets.
   * @internal
   */
  public get _secretArgNames(): string[] {
    return [...(this.props.authentication?._secretArgs ?? [])];
  }

  /**
   * The `metrics[]` entry of an AnalysisTemplate spec.
   * @internal
   */
  public _toKube(): any {
    const p = this.props;
    const prometheus: any = { address: this.address, query: this.query };
    if (p.timeout !== undefined) prometheus.timeout = p.timeout.toSeconds();
    if (p.insecure) prometheus.insecure = true;
    const headers = Object.entries(p.headers ?? {});
    if (headers.length > 0) {
      prometheus.headers = headers.sort(([a], [b]) => compareCodeUnits(a, b)).map(([key, value]) => ({ key, value: String(value) }));
    }
    if (p.authentication) prometheus.authentication = p.authentication._toKube();
    const metric: any = { name: this.name };
    if (this.interval !== undefined) metric.interval = goDuration(this.interval);
    if (this.initialDelay !== undefined && this.initialDelay.toSeconds() > 0) metric.initialDelay = goDuration(this.initialDelay);
    if (this.count !== undefined) metric.count = this.count;
    if (p.failureLimit !== undefined) metric.failureLimit = this.failureLimit;
    if (p.inconclusiveLimit !== undefined) metric.inconclusiveLimit = this.inconclusiveLimit;
    if (p.consecutiveErrorLimit !== undefined) metric.consecutiveErrorLimit = this.consecutiveErrorLimit;
    if (this.condition.successCondition !== undefined) metric.successCondition = this.condition.successCondition;
    if (this.condition.failureCondition !== undefined) metric.failureCondition = this.condition.failureCondition;
    metric.provider = { prometheus };
    return metric;
  }
}

/** The connection to Prometheus: address, timeout, headers, authentication. */
function checkConnection(where: string, props: PrometheusConnectionOptions, address: string): void {
  checkAddress(where, address);
  if (props.timeout !== undefined) {
    const ms = props.timeout.toMilliseconds();
    if (ms < 1000 || ms % 1000 !== 0) {
      throw new Error(`${where}: 'timeout' (${props.timeout.toHumanString()}) must be a whole number of seconds, at least 1 second, `
        + 'for example Duration.seconds(30): Argo Rollouts takes the Prometheus timeout in seconds');
    }
  }
  for (const [key, value] of Object.entries(props.headers ?? {})) {
    if (!HEADER_NAME.test(key)) {
      throw new Error(`${where}: 'headers' has the key "${key}", which is not a valid HTTP header name (for example "X-Scope-OrgID")`);
    }
    checkPlaceholders(where, `headers.${key}`, String(value));
  }
  if (props.authentication?._sigv4 && argPlaceholders(address).length === 0 && !address.includes('aps-workspaces')) {
    throw new Error(`${where}: 'authentication' is SigV4 but 'address' ("${address}") is not an Amazon Managed Prometheus workspace: `
      + 'Argo Rollouts signs requests only for addresses containing "aps-workspaces"; use the workspace URL or remove the authentication');
  }
}

/** The measurement settings, checked, and the limits with their defaults: a metric that can fail, as Argo Rollouts accepts it. */
function measurementLimits(where: string, props: MetricMeasurementOptions): Pick<AnalysisMetric, 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit'> {
  if (props.interval !== undefined) assertPositiveDuration(where, 'interval', props.interval);
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

const ADDRESS_URL = /^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/;

function checkAddress(where: string, address: string): void {
  if (argPlaceholders(address).length === 0 && !ADDRESS_URL.test(address)) {
    throw new Error(`${where}: 'address' ("${address}") must be an http(s) URL with a host, `
      + 'for example "http://prometheus.monitoring.svc.cluster.local:9090" (Argo Rollouts rejects anything else)');
  }
  checkPlaceholders(where, 'address', address);
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

function checkPlaceholders(where: string, prop: string, text: string): void {
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

function assertPositiveDuration(where: string, prop: string, d: Duration): void {
  const ms = d.toMilliseconds();
  if (ms < 1000 || ms % 1000 !== 0) {
    throw new Error(`${where}: '${prop}' (${d.toHumanString()}) must be a whole number of seconds, at least 1 second, `
      + 'for example Duration.minutes(1)');
  }
}

function assertInt(where: string, prop: string, value: number, min: number, hint: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${where}: '${prop}' (${value}) must be an integer of at least ${min}: ${hint}`);
  }
}
