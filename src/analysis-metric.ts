import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MetricCondition } from './analysis-condition';
import { argPlaceholders, assertArgName, goDuration } from './private/argo';
import { renderJobTemplate } from './private/constructs/job-template';
import { renderConditions } from './private/metric-providers/conditions';
import { buildDatadog } from './private/metric-providers/datadog';
import { checkMetric, providerModel } from './private/metric-providers/index';
import { renderJob } from './private/metric-providers/job';
import { measurementLimits } from './private/metric-providers/measurement';
import { buildPrometheus } from './private/metric-providers/prometheus';
import { BuiltProvider, ProviderKey } from './private/metric-providers/provider';
import { buildWeb } from './private/metric-providers/web';

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

/** The metric providers of `AnalysisMetric`. */
export enum MetricProvider {
  /** A PromQL query (`AnalysisMetric.prometheus()`, the `IstioMetrics` presets). */
  PROMETHEUS = 'prometheus',
  /** An HTTP request whose JSON answer decides (`AnalysisMetric.web()`). */
  WEB = 'web',
  /** A Kubernetes Job whose completion decides (`AnalysisMetric.job()`, `CanaryTestTraffic`). */
  JOB = 'job',
  /** A Datadog query (`AnalysisMetric.datadog()`, the `DatadogIstioMetrics` presets). */
  DATADOG = 'datadog',
}

/** The HTTP methods of a web metric (Argo Rollouts knows these three). */
export enum WebMetricMethod {
  /** GET, without a body. */
  GET = 'GET',
  /** POST, with `body` or `jsonBody`. */
  POST = 'POST',
  /** PUT, with `body` or `jsonBody`. */
  PUT = 'PUT',
}

/** Properties of `AnalysisMetric.web()`. */
export interface WebMetricProps extends MetricMeasurementOptions {
  /** The metric name, unique within the analysis run. */
  readonly name: string;
  /**
   * The URL to call. `{{args.<name>}}` placeholders are replaced by the controller. Use https for hosts outside the
   * cluster (rule CR318).
   */
  readonly url: string;
  /**
   * When a measurement is successful, failed or inconclusive. `result` is the value `jsonPath` selects in the JSON
   * answer: `MetricCondition.atLeast()` / `atMost()` for a number, `equalTo()` for a string, `isTrue()` for a flag. Each
   * treats a JSON null as inconclusive.
   */
  readonly condition: MetricCondition;
  /**
   * The Kubernetes JSONPath (the dialect of `kubectl -o jsonpath`) of the value in the JSON answer, one `{...}`
   * action, e.g. `{$.status}` or `{$.data.successRate}`. Checked at synth time with the same grammar as Argo Rollouts.
   *
   * @default '{$}' (the whole answer, for an endpoint that answers a bare number)
   */
  readonly jsonPath?: string;
  /**
   * The HTTP method.
   *
   * @default WebMetricMethod.GET
   */
  readonly method?: WebMetricMethod;
  /**
   * Headers without credentials (for example `Accept`). A value that looks like a credential is refused: use
   * `secretHeaders`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
  /**
   * Headers whose values come from Secrets: each value reads an argument declared with
   * `AnalysisTemplateArg.fromSecret()`, e.g. `{ Authorization: 'Bearer {{args.status-token}}' }`. Argo Rollouts
   * resolves the argument in the AnalysisRun; the manifest holds only the placeholder.
   *
   * @default - none
   */
  readonly secretHeaders?: { [name: string]: string };
  /**
   * A text body (POST or PUT only).
   *
   * @default - none
   */
  readonly body?: string;
  /**
   * A JSON body (POST or PUT only); sent with `Content-Type: application/json`.
   *
   * @default - none
   */
  readonly jsonBody?: { [key: string]: any };
  /**
   * Request timeout, whole seconds.
   *
   * @default Duration.seconds(10) (Argo Rollouts' default; not rendered)
   */
  readonly timeout?: Duration;
  /**
   * Skip TLS certificate verification.
   *
   * @default false
   */
  readonly insecure?: boolean;
}

/** Properties of `AnalysisMetric.job()`. */
export interface JobMetricProps extends MetricMeasurementOptions {
  /** The metric name, unique within the analysis run. */
  readonly name: string;
  /**
   * The container that runs the check, written with cdk8s-plus's API. Its image must be pinned by a tag (not
   * `latest`) or a digest; cdk8s-plus runs it as non-root with a read-only root filesystem unless you say otherwise.
   * The check passes when the container exits 0.
   */
  readonly container: kplus.ContainerProps;
  /**
   * How many times a failed pod is retried before the Job (and the measurement) fails.
   *
   * @default 0 (a failed check fails the measurement at once)
   */
  readonly backoffLimit?: number;
  /**
   * The longest the Job may run (`activeDeadlineSeconds`); then it fails, and so does the measurement. It also ends a
   * Job whose pod never starts (an image that cannot be pulled).
   *
   * @default Duration.minutes(5)
   */
  readonly activeDeadline?: Duration;
  /**
   * The service account the Job's pod runs as.
   *
   * @default - the namespace's default account, without a mounted token
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * Labels of the Job's pod (for example `sidecar.istio.io/inject: 'true'`).
   *
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of the Job's pod.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Annotations of the Job object (`provider.job.metadata.annotations`).
   *
   * @default - none
   */
  readonly jobAnnotations?: { [key: string]: string };
  /**
   * Labels of the Job object (`provider.job.metadata.labels`).
   *
   * @default - none
   */
  readonly jobLabels?: { [key: string]: string };
}

/** How Datadog reduces a query's points over the window to one value (the aggregators of the v1.9.1 CRD). */
export enum DatadogAggregator {
  /** The average. */
  AVG = 'avg',
  /** The smallest value. */
  MIN = 'min',
  /** The largest value. */
  MAX = 'max',
  /** The sum (of counts: the total over the window). */
  SUM = 'sum',
  /** The last value (Argo Rollouts' default). */
  LAST = 'last',
  /** A percentile. */
  PERCENTILE = 'percentile',
  /** The mean. */
  MEAN = 'mean',
  /** The L2 norm. */
  L2NORM = 'l2norm',
  /** The area under the curve. */
  AREA = 'area',
}

/** Properties of `AnalysisMetric.datadog()`. */
export interface DatadogMetricProps extends MetricMeasurementOptions {
  /** The metric name, unique within the analysis run. */
  readonly name: string;
  /**
   * When a measurement is successful, failed or inconclusive. `result` is one number, or nil when Datadog has no data
   * for the window; the typed conditions treat nil as inconclusive. A raw condition that turns nil into a success
   * (`default(result, 0) <= 0.01`) is refused (rule CR320).
   */
  readonly condition: MetricCondition;
  /**
   * One Datadog metric query, e.g. `sum:trace.http.request.errors{service:shop}.as_count()`. Give `query` or
   * `queries`.
   *
   * @default - none: `queries` and `formula` are used
   */
  readonly query?: string;
  /**
   * Named queries that `formula` combines, e.g. `{ errors: '...', total: '...' }` with formula `errors / total`.
   * Names start with a lowercase letter. Datadog's `default_zero()` inside a query fills missing points with 0: right
   * for an error count (no errors), wrong for the denominator (no traffic would read as a success rate of 1).
   *
   * @default - none: `query` is used
   */
  readonly queries?: { [name: string]: string };
  /**
   * The formula over `queries` (required with more than one query).
   *
   * @default - none
   */
  readonly formula?: string;
  /**
   * The time window each measurement queries (`interval` of the Datadog provider, not the metric's interval
   * between measurements).
   *
   * @default Duration.minutes(5) (the CRD's default; not rendered)
   */
  readonly window?: Duration;
  /**
   * How the points in the window become one value.
   *
   * @default DatadogAggregator.LAST (Argo Rollouts' default; not rendered)
   */
  readonly aggregator?: DatadogAggregator;
  /**
   * A Secret with the keys `api-key`, `app-key` (and optionally `address`, e.g. `https://api.datadoghq.eu`). In the
   * Argo Rollouts controller's namespace, or in the AnalysisRun's (the Rollout's) with `secretNamespaced`.
   *
   * @default - the controller's DD_API_KEY / DD_APP_KEY / DD_ADDRESS environment, else the Secret "datadog" in its namespace
   */
  readonly secretName?: string;
  /**
   * Read `secretName` from the AnalysisRun's namespace instead of the controller's.
   *
   * @default false
   */
  readonly secretNamespaced?: boolean;
}

const METRIC_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/** What every factory gives the constructor. */
interface MetricParts {
  readonly name: string;
  readonly condition?: MetricCondition;
  readonly options: MetricMeasurementOptions;
  /** Builds the provider block once the name is checked (`where` names the metric in messages). */
  readonly build: (where: string) => BuiltProvider;
}

/**
 * One metric of an analysis template: what is measured (its provider), how often, and the condition that decides each
 * measurement. Build metrics with the factories: `prometheus()`, `web()`, `job()`, `datadog()`, or the presets of
 * `IstioMetrics`, `DatadogIstioMetrics` and `CanaryTestTraffic`.
 *
 * Every provider shares the measurement options (interval, count, limits), the condition model (both conditions, no
 * data inconclusive), the `{{args.x}}` placeholders and the template's dry-run and retention settings.
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
    return AnalysisMetric.ofPrometheus(props, true);
  }

  /**
   * A metric of the presets of `IstioMetrics`, whose queries the library builds: valid PromQL by construction (a test
   * parses every preset with every option), so they are not parsed again.
   * @internal
   */
  public static _fromPreset(props: PrometheusMetricProps): AnalysisMetric {
    return AnalysisMetric.ofPrometheus(props, false);
  }

  /**
   * A web metric: one HTTP request per measurement; the value that `jsonPath` selects in the JSON answer is the
   * result the condition judges. A request error, a non-2xx answer or a path that selects nothing is a measurement
   * error (the Rollout aborts after `consecutiveErrorLimit` + 1 in a row). Caution: Argo Rollouts counts a 2xx answer
   * that is not JSON as successful whatever the condition, so point it at an endpoint that always answers JSON.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/web/
   */
  public static web(props: WebMetricProps): AnalysisMetric {
    return new AnalysisMetric({
      name: props.name,
      condition: props.condition,
      options: props,
      build: where => buildWeb(where, {
        url: props.url,
        method: props.method ?? WebMetricMethod.GET,
        headers: props.headers ?? {},
        secretHeaders: props.secretHeaders ?? {},
        body: props.body,
        jsonBody: props.jsonBody,
        jsonPath: props.jsonPath ?? '{$}',
        timeout: props.timeout,
        insecure: props.insecure,
      }),
    }, 'condition');
  }

  /**
   * A Job metric: each measurement runs a Kubernetes Job with one container; the measurement succeeds when the Job
   * completes and fails when it fails. Conditions do not apply. With an `interval` a `count` is required (rule
   * CR321); the next measurement starts an interval after the previous Job finished.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/job/
   */
  public static job(props: JobMetricProps): AnalysisMetric {
    return new AnalysisMetric({
      name: props.name,
      options: props,
      build: where => {
        const deadline = props.activeDeadline ?? Duration.minutes(5);
        if (deadline.toMilliseconds() < 1000 || deadline.toMilliseconds() % 1000 !== 0) {
          throw new Error(`${where}: 'activeDeadline' (${deadline.toHumanString()}) must be a whole number of seconds, for example Duration.minutes(5)`);
        }
        const backoffLimit = props.backoffLimit ?? 0;
        if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > 10) {
          throw new Error(`${where}: 'backoffLimit' (${backoffLimit}) must be an integer between 0 and 10: it is how many failed pods are retried`);
        }
        const template = renderJobTemplate(where, props);
        return {
          key: 'job',
          block: renderJob({
            template,
            backoffLimit,
            activeDeadlineSeconds: deadline.toSeconds(),
            labels: props.jobLabels ?? {},
            annotations: props.jobAnnotations ?? {},
          }),
          argTexts: [JSON.stringify(template)],
          secretArgs: [],
        };
      },
    }, 'none');
  }

  /**
   * A metric measured with Datadog's API v2 (`/api/v2/query/scalar`): one query, or named queries combined by a
   * formula, over the last `window`. `result` is a number, or nil without data.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/datadog/
   */
  public static datadog(props: DatadogMetricProps): AnalysisMetric {
    return new AnalysisMetric({
      name: props.name,
      condition: props.condition,
      options: props,
      build: where => buildDatadog(where, {
        query: props.query,
        queries: props.queries,
        formula: props.formula,
        window: props.window,
        aggregator: props.aggregator,
        secretName: props.secretName,
        secretNamespaced: props.secretNamespaced,
      }),
    }, 'condition');
  }

  private static ofPrometheus(props: PrometheusMetricProps, parseQuery: boolean): AnalysisMetric {
    return new AnalysisMetric({
      name: props.name,
      condition: props.condition,
      options: props,
      build: where => buildPrometheus(where, {
        query: props.query,
        parseQuery,
        address: props.address ?? AnalysisMetric.DEFAULT_PROMETHEUS_ADDRESS,
        timeout: props.timeout,
        insecure: props.insecure,
        headers: props.headers ?? {},
        authentication: props.authentication && {
          block: props.authentication._toKube(),
          secretArgs: props.authentication._secretArgs,
          sigv4: props.authentication._sigv4,
        },
      }),
    }, 'condition');
  }

  /** The metric name. */
  public readonly name: string;
  /** The provider that measures it. */
  public readonly provider: MetricProvider;
  /**
   * The query (Prometheus: the PromQL query; Datadog: the query, or the named queries one per line), with its
   * `{{args.x}}` placeholders.
   *
   * @default - not a query provider (web, Job)
   */
  public readonly query?: string;
  /**
   * The condition.
   *
   * @default - none: a Job metric's Job decides
   */
  public readonly condition?: MetricCondition;
  /**
   * The address it queries (Prometheus: the base URL; web: the URL).
   *
   * @default - none (Job, Datadog)
   */
  public readonly address?: string;
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
  /**
   * The `successCondition` rendered for this metric's provider.
   *
   * @default - none (a Job metric)
   */
  public readonly successCondition?: string;
  /**
   * The `failureCondition` rendered for this metric's provider.
   *
   * @default - none (a Job metric)
   */
  public readonly failureCondition?: string;
  private readonly options: MetricMeasurementOptions;
  private readonly built: BuiltProvider;

  private constructor(parts: MetricParts, conditions: 'condition' | 'none') {
    const name = parts.name;
    if (typeof name !== 'string' || name.length > 253 || !METRIC_NAME.test(name)) {
      throw new Error(`'name' ("${name}") is not a valid metric name: use letters, digits, '-', '_' or '.', `
        + 'starting and ending with a letter or digit (for example "success-rate")');
    }
    const where = `metric '${name}'`;
    if (conditions === 'condition' && !parts.condition) {
      throw new Error(`${where}: 'condition' is missing: a metric without conditions is always successful; `
        + 'pass e.g. MetricCondition.atLeast(0.99)');
    }
    this.built = parts.build(where);
    const model = providerModel(this.built.key)!;
    const rendered = parts.condition ? renderConditions(parts.condition._spec, model.shape, model.title) : {};
    const limits = measurementLimits(where, parts.options);

    this.options = parts.options;
    this.name = name;
    this.provider = this.built.key as MetricProvider;
    this.query = this.built.query;
    this.address = this.built.address;
    this.condition = parts.condition;
    this.successCondition = rendered.successCondition;
    this.failureCondition = rendered.failureCondition;
    this.interval = parts.options.interval;
    this.count = parts.options.count;
    this.initialDelay = parts.options.initialDelay;
    this.failureLimit = limits.failureLimit;
    this.inconclusiveLimit = limits.inconclusiveLimit;
    this.consecutiveErrorLimit = limits.consecutiveErrorLimit;
    const errors = checkMetric(this._toKube(), { args: [] }).filter(p => p.error);
    if (errors.length > 0) {
      const e = errors[0];
      throw new Error(`${where}: ${e.message}. Fix: ${e.fix} (rule ${e.code}, docs/rules.md#${e.code.toLowerCase()})`);
    }
  }

  /**
   * Whether the metric runs until the analysis is terminated (an interval and no count). Such a metric
   * may be used in background analysis but not in an analysis step.
   */
  public get unbounded(): boolean {
    return this.interval !== undefined && this.count === undefined;
  }

  /**
   * The argument names this metric references with `{{args.<name>}}` (query, address, URL, headers,
   * authentication, Job spec), in order of first use.
   */
  public get argNames(): string[] {
    const names: string[] = [];
    for (const t of this.built.argTexts) for (const n of argPlaceholders(t)) if (!names.includes(n)) names.push(n);
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
   * request fills its own revision-scoped window at once), a Job's own run time, and the controller's
   * reaction time (seconds).
   */
  public timeToAbort(): Duration {
    const delay = this.initialDelay?.toSeconds() ?? 0;
    const interval = this.interval?.toSeconds() ?? 0;
    return Duration.seconds(delay + this.failureLimit * interval);
  }

  /**
   * Names of template arguments that this metric reads from Secrets (authentication, secret headers).
   * @internal
   */
  public get _secretArgNames(): string[] {
    return [...new Set(this.built.secretArgs.map(s => s.arg))];
  }

  /**
   * What each secret argument holds, for messages.
   * @internal
   */
  public _secretArgUse(arg: string): string {
    return this.built.secretArgs.find(s => s.arg === arg)?.what ?? 'a secret';
  }

  /**
   * The `metrics[]` entry of an AnalysisTemplate spec.
   * @internal
   */
  public _toKube(): any {
    const o = this.options;
    const metric: any = { name: this.name };
    if (this.interval !== undefined) metric.interval = goDuration(this.interval);
    if (this.initialDelay !== undefined && this.initialDelay.toSeconds() > 0) metric.initialDelay = goDuration(this.initialDelay);
    if (this.count !== undefined) metric.count = this.count;
    if (o.failureLimit !== undefined) metric.failureLimit = this.failureLimit;
    if (o.inconclusiveLimit !== undefined) metric.inconclusiveLimit = this.inconclusiveLimit;
    if (o.consecutiveErrorLimit !== undefined) metric.consecutiveErrorLimit = this.consecutiveErrorLimit;
    if (this.successCondition !== undefined) metric.successCondition = this.successCondition;
    if (this.failureCondition !== undefined) metric.failureCondition = this.failureCondition;
    metric.provider = { [this.built.key as ProviderKey]: JSON.parse(JSON.stringify(this.built.block)) };
    return metric;
  }
}
