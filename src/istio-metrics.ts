import { ApiObjectMetadata, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryArgs } from './analysis-arg';
import { MetricCondition } from './analysis-condition';
import { AnalysisMetric, PrometheusAuthentication } from './analysis-metric';
import { AnalysisTemplate } from './analysis-template';
import { goDuration } from './private/argo';

/**
 * How the Istio presets tell the canary's traffic apart from the stable pods' traffic. In subset mode
 * both share the Service and the workload name, so `destination_service` or `destination_workload`
 * alone would measure mostly stable traffic.
 */
export enum CanaryIsolation {
  /**
   * By `destination_canonical_revision`, which Istio takes from the pod label
   * `service.istio.io/canonical-revision`. The library sets that label to
   * `<version>-<10-hex content hash of the pod template>`, so it changes on every pod template change,
   * also a config-only one with the same image tag. Works with Istio's standard telemetry everywhere.
   * The Rollout passes the value as the `canary-revision` argument.
   */
  CANONICAL_REVISION = 'canonical-revision',
  /**
   * By `rollouts_pod_template_hash`, the canary ReplicaSet's `rollouts-pod-template-hash` pod label.
   * Istio does not report it: it is on the series only where Prometheus copies the scraped pod's
   * labels onto its series (a `labelmap` of `__meta_kubernetes_pod_label_(.+)`, as Istio's sample
   * Prometheus config has; many setups, including the Prometheus Operator's defaults, do not). Only with
   * `IstioReporter.DESTINATION`, where the scraped pod is the destination. The Rollout passes the hashes
   * with `podTemplateHashValue`.
   */
  POD_TEMPLATE_HASH = 'pod-template-hash',
}

/**
 * Which Istio proxy's report the presets count (the `reporter` label).
 */
export enum IstioReporter {
  /**
   * The server-side proxy of the canary pod. Counts every request the canary handled, once, whoever
   * the caller (also callers outside the mesh), and sees every retry attempt. Misses requests that never
   * reached the pod (a client-side `503 UH`): a canary that gets no traffic at all then yields no data,
   * which is inconclusive, never healthy. The default.
   */
  DESTINATION = 'destination',
  /**
   * The client-side proxies (and gateways). Also counts requests that failed before reaching the canary
   * (connection failures), but misses callers without a sidecar, and client retries to another pod can
   * hide canary errors.
   */
  SOURCE = 'source',
}

/** Options shared by the Istio presets. */
export interface IstioMetricOptions {
  /**
   * The metric name.
   *
   * @default - per preset: 'success-rate', 'latency-p99', 'error-rate-vs-stable', 'canary-traffic'
   */
  readonly name?: string;
  /**
   * The range of `rate()` / `increase()`: how much history each measurement looks at. At least 30 s,
   * so it holds two samples at Istio's 15 s scrape interval.
   *
   * @default Duration.minutes(2)
   */
  readonly window?: Duration;
  /**
   * Time between measurements.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Number of measurements. Omitted, the metric runs until the rollout ends: right for background
   * analysis. Analysis steps need a count.
   *
   * @default - unbounded (background analysis)
   */
  readonly count?: number;
  /**
   * Delay before the first measurement, so that the canary receives traffic and the window holds
   * samples.
   *
   * @default Duration.minutes(1)
   */
  readonly initialDelay?: Duration;
  /**
   * Failed measurements tolerated; the metric fails (and the Rollout aborts) at failed measurement
   * `failureLimit + 1`. With the defaults a bad canary is aborted after
   * `initialDelay + failureLimit × interval` = 1 m + 1 × 1 m = 2 minutes (see `timeToAbort()`).
   *
   * @default 1
   */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated before the metric becomes inconclusive and the Rollout pauses.
   * Keep 0 in background analysis: a background run that ends with the rollout counts as successful
   * unless a limit was exceeded, so tolerated "no data" measurements could let a canary through unmeasured.
   *
   * @default 0
   */
  readonly inconclusiveLimit?: number;
  /**
   * Consecutive query errors tolerated (errors abort the Rollout like failures).
   *
   * @default 4 (Argo Rollouts' default; not rendered)
   */
  readonly consecutiveErrorLimit?: number;
  /**
   * The traffic floor: fewer canary requests than this within `window` makes the measurement
   * inconclusive (the query returns no data), never healthy. 0 disables the floor (a canary without any
   * request is still inconclusive).
   *
   * @default 10
   */
  readonly minimumRequests?: number;
  /**
   * How the canary's traffic is told apart.
   *
   * @default CanaryIsolation.CANONICAL_REVISION
   */
  readonly isolation?: CanaryIsolation;
  /**
   * Which proxy's reports to count.
   *
   * @default IstioReporter.DESTINATION
   */
  readonly reporter?: IstioReporter;
  /**
   * The Prometheus base URL.
   *
   * @default 'http://prometheus.istio-system.svc.cluster.local:9090' (Istio's Prometheus addon)
   */
  readonly address?: string;
  /**
   * Query timeout, whole seconds.
   *
   * @default Duration.seconds(30) (Argo Rollouts' default; not rendered)
   */
  readonly timeout?: Duration;
  /**
   * Skip TLS verification.
   *
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Extra HTTP headers.
   *
   * @default - none
   */
  readonly headers?: { [key: string]: string };
  /**
   * Authentication to Prometheus.
   *
   * @default - none
   */
  readonly authentication?: PrometheusAuthentication;
}

/** Options for `IstioMetrics.successRate()`. */
export interface IstioSuccessRateOptions extends IstioMetricOptions {
  /**
   * The lowest healthy share of non-5xx responses of the canary, between 0 and 1.
   *
   * @default 0.99
   */
  readonly minSuccessRate?: number;
}

/** Options for `IstioMetrics.latency()`. */
export interface IstioLatencyOptions extends IstioMetricOptions {
  /**
   * The percentile, above 0 and below 100 (e.g. 99 or 99.9).
   *
   * @default 99
   */
  readonly percentile?: number;
  /**
   * The highest healthy latency at that percentile. Istio's histogram has buckets at
   * 0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms, ...: thresholds between buckets are
   * interpolated.
   *
   * @default Duration.millis(500)
   */
  readonly maxLatency?: Duration;
}

/** Options for `IstioMetrics.errorRateVsStable()`. */
export interface IstioErrorRateComparisonOptions extends IstioMetricOptions {
  /**
   * How much higher than the stable pods' 5xx rate the canary's may be, as an absolute difference of
   * ratios (0.01 = one percentage point).
   *
   * @default 0.01
   */
  readonly maxDifference?: number;
}

/** Options for `IstioMetrics.successRateTemplate()`. */
export interface IstioSuccessRateTemplateOptions extends IstioSuccessRateOptions {
  /**
   * Metadata of the template.
   *
   * @default - generated name; sync wave -2
   */
  readonly templateMetadata?: ApiObjectMetadata;
}

const REQUESTS = 'istio_requests_total';
/** The enums' values, for the option checks. */
const REPORTERS: string[] = Object.values(IstioReporter);
const ISOLATIONS: string[] = Object.values(CanaryIsolation);
const DURATION_BUCKETS = 'istio_request_duration_milliseconds_bucket';

/**
 * Prometheus metrics on Istio's standard telemetry that measure **only the canary**: every query filters
 * on the Service (`destination_service_namespace`, `destination_service_name`) and on the canary's
 * revision (`destination_canonical_revision`, see `CanaryIsolation`), with values the Rollout passes as
 * the well-known arguments of `CanaryArgs`.
 *
 * No data is never healthy: each preset returns no data when the canary had fewer than
 * `minimumRequests` requests in the window, and its condition treats an empty or NaN result as
 * inconclusive (the Rollout pauses).
 *
 * @example
 * new AnalysisTemplate(this, 'canary-health', {
 *   metrics: [
 *     IstioMetrics.successRate({ minSuccessRate: 0.995 }),
 *     IstioMetrics.latency({ percentile: 99, maxLatency: Duration.millis(300) }),
 *   ],
 * });
 */
export class IstioMetrics {
  /**
   * The canary's share of non-5xx responses must be at least `minSuccessRate` (default 0.99).
   */
  public static successRate(options: IstioSuccessRateOptions = {}): AnalysisMetric {
    const min = options.minSuccessRate ?? 0.99;
    if (typeof min !== 'number' || !(min > 0 && min <= 1)) {
      throw new Error(`'minSuccessRate' (${min}) must be a ratio above 0 and at most 1, for example 0.99 for 99 %`);
    }
    const q = new QueryParts(options);
    const query = [
      '(',
      `  sum(rate(${REQUESTS}{${q.canary},response_code!~"5.."}[${q.window}]))`,
      '  or on() vector(0)',
      ')',
      '/',
      `sum(rate(${REQUESTS}{${q.canary}}[${q.window}]))`,
      ...q.floor(),
    ].join('\n');
    return q.metric(options.name ?? 'success-rate', query, MetricCondition.atLeast(min));
  }

  /**
   * The canary's latency at `percentile` (default p99), from Istio's request duration histogram, must
   * be at most `maxLatency` (default 500 ms).
   */
  public static latency(options: IstioLatencyOptions = {}): AnalysisMetric {
    const percentile = options.percentile ?? 99;
    if (typeof percentile !== 'number' || !(percentile > 0 && percentile < 100)) {
      throw new Error(`'percentile' (${percentile}) must be above 0 and below 100, for example 99 for p99`);
    }
    const maxMs = (options.maxLatency ?? Duration.millis(500)).toMilliseconds();
    if (!(maxMs > 0)) {
      throw new Error(`'maxLatency' (${maxMs} ms) must be above 0, for example Duration.millis(500)`);
    }
    const q = new QueryParts(options);
    const quantile = Number((percentile / 100).toFixed(6));
    const query = [
      `histogram_quantile(${quantile}, sum by (le) (rate(${DURATION_BUCKETS}{${q.canary}}[${q.window}])))`,
      ...q.floor(),
    ].join('\n');
    return q.metric(options.name ?? `latency-p${percentile}`, query, MetricCondition.atMost(maxMs));
  }

  /**
   * The canary's 5xx rate may exceed the stable pods' 5xx rate of the same Service by at most
   * `maxDifference` (default 0.01, one percentage point). Errors that the stable pods share (a failing
   * dependency) do not fail the canary. When the stable pods get no traffic (the last step), the
   * canary's rate is compared with 0.
   */
  public static errorRateVsStable(options: IstioErrorRateComparisonOptions = {}): AnalysisMetric {
    const max = options.maxDifference ?? 0.01;
    if (typeof max !== 'number' || !(max >= 0 && max < 1)) {
      throw new Error(`'maxDifference' (${max}) must be a ratio of at least 0 and below 1, for example 0.01 for one percentage point`);
    }
    const q = new QueryParts(options);
    const query = [
      '(',
      `  (sum(rate(${REQUESTS}{${q.canary},response_code=~"5.."}[${q.window}])) or on() vector(0))`,
      '  /',
      `  sum(rate(${REQUESTS}{${q.canary}}[${q.window}]))`,
      ')',
      '-',
      '(',
      '  (',
      `    (sum(rate(${REQUESTS}{${q.stable},response_code=~"5.."}[${q.window}])) or on() vector(0))`,
      '    /',
      `    sum(rate(${REQUESTS}{${q.stable}}[${q.window}]))`,
      '  )',
      '  or on() vector(0)',
      ')',
      ...q.floor(),
    ].join('\n');
    return q.metric(options.name ?? 'error-rate-vs-stable', query, MetricCondition.atMost(max));
  }

  /**
   * A traffic floor on its own: successful when the canary had at least `minimumRequests` requests
   * (default 10) within the window; otherwise inconclusive, never failed. Add it next to metrics of
   * your own whose queries lack a floor.
   */
  public static trafficFloor(options: IstioMetricOptions = {}): AnalysisMetric {
    const q = new QueryParts(options);
    const query = `sum(increase(${REQUESTS}{${q.canary}}[${q.window}]))`;
    return q.metric(options.name ?? 'canary-traffic', query, MetricCondition.inconclusiveBelow(q.minimumRequests));
  }

  /**
   * The label matchers that select the canary's requests to the Service, for queries of your own on
   * Istio metrics, e.g. `istio_requests_total{${IstioMetrics.canaryMatchers()}}`.
   */
  public static canaryMatchers(options: IstioMetricOptions = {}): string {
    return new QueryParts(options).canary;
  }

  /**
   * The label matchers that select the stable pods' requests to the Service.
   */
  public static stableMatchers(options: IstioMetricOptions = {}): string {
    return new QueryParts(options).stable;
  }

  /**
   * An AnalysisTemplate with the success-rate preset: what `CanaryService` uses for its default
   * background analysis.
   */
  public static successRateTemplate(scope: Construct, id: string, options: IstioSuccessRateTemplateOptions = {}): AnalysisTemplate {
    return new AnalysisTemplate(scope, id, {
      metadata: options.templateMetadata,
      metrics: [IstioMetrics.successRate(options)],
    });
  }

  private constructor() {}
}

/** Builds the common parts of the preset queries. */
class QueryParts {
  public readonly canary: string;
  public readonly stable: string;
  public readonly window: string;
  public readonly minimumRequests: number;

  constructor(private readonly options: IstioMetricOptions) {
    const reporter = options.reporter ?? IstioReporter.DESTINATION;
    const isolation = options.isolation ?? CanaryIsolation.CANONICAL_REVISION;
    if (!REPORTERS.includes(reporter)) {
      throw new Error(`'reporter' ("${reporter}") must be IstioReporter.DESTINATION or IstioReporter.SOURCE`);
    }
    if (!ISOLATIONS.includes(isolation)) {
      throw new Error(`'isolation' ("${isolation}") must be CanaryIsolation.CANONICAL_REVISION or CanaryIsolation.POD_TEMPLATE_HASH`);
    }
    if (isolation === CanaryIsolation.POD_TEMPLATE_HASH && reporter !== IstioReporter.DESTINATION) {
      throw new Error('\'isolation\' CanaryIsolation.POD_TEMPLATE_HASH needs \'reporter\' IstioReporter.DESTINATION: the pod label '
        + 'rollouts_pod_template_hash that Prometheus copies onto a series belongs to the scraped pod, which is the canary only on '
        + 'destination reports; use CanaryIsolation.CANONICAL_REVISION with source reports');
    }
    const window = options.window ?? Duration.minutes(2);
    const ms = window.toMilliseconds();
    if (ms < 30_000 || ms % 1000 !== 0) {
      throw new Error(`'window' (${window.toHumanString()}) must be a whole number of seconds, at least 30 seconds, `
        + 'so that rate() sees two samples at Istio\'s 15 s scrape interval; for example Duration.minutes(2)');
    }
    const min = options.minimumRequests ?? 10;
    if (typeof min !== 'number' || !Number.isFinite(min) || min < 0) {
      throw new Error(`'minimumRequests' (${min}) must be a number of at least 0 (0 disables the traffic floor), for example 10`);
    }
    this.minimumRequests = min;
    this.window = goDuration(window); // a whole-second duration reads the same in PromQL
    const matchers = matchersOf(reporter, isolation);
    this.canary = matchers.canary;
    this.stable = matchers.stable;
  }

  /** `and on() sum(increase(...)) >= N`: no data below the traffic floor. */
  public floor(): string[] {
    if (this.minimumRequests <= 0) return [];
    return ['and on()', `sum(increase(${REQUESTS}{${this.canary}}[${this.window}])) >= ${this.minimumRequests}`];
  }

  public metric(name: string, query: string, condition: MetricCondition): AnalysisMetric {
    const o = this.options;
    return AnalysisMetric._fromPreset({
      name,
      query,
      condition,
      address: o.address,
      timeout: o.timeout,
      insecure: o.insecure,
      headers: o.headers,
      authentication: o.authentication,
      interval: o.interval ?? Duration.minutes(1),
      count: o.count,
      initialDelay: o.initialDelay ?? Duration.minutes(1),
      failureLimit: o.failureLimit ?? 1,
      inconclusiveLimit: o.inconclusiveLimit ?? 0,
      consecutiveErrorLimit: o.consecutiveErrorLimit,
    });
  }
}

/** The label matchers of the canary's and of the stable pods' requests to the Service. */
function matchersOf(reporter: string, isolation: string): { readonly canary: string; readonly stable: string } {
  const base = `reporter="${reporter}",`
    + `destination_service_namespace="{{args.${CanaryArgs.NAMESPACE}}}",`
    + `destination_service_name="{{args.${CanaryArgs.SERVICE_NAME}}}"`;
  return isolation === CanaryIsolation.CANONICAL_REVISION ? {
    canary: `${base},destination_canonical_revision="{{args.${CanaryArgs.CANARY_REVISION}}}"`,
    stable: `${base},destination_canonical_revision!="{{args.${CanaryArgs.CANARY_REVISION}}}"`,
  } : {
    canary: `${base},rollouts_pod_template_hash="{{args.${CanaryArgs.CANARY_POD_TEMPLATE_HASH}}}"`,
    stable: `${base},rollouts_pod_template_hash="{{args.${CanaryArgs.STABLE_POD_TEMPLATE_HASH}}}"`,
  };
}
