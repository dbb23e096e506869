import { Duration } from 'cdk8s';
import { CanaryArgs } from './analysis-arg';
import { MetricCondition } from './analysis-condition';
import { AnalysisMetric, DatadogAggregator } from './analysis-metric';
import { IstioReporter } from './istio-metrics';

/** Options shared by the Datadog Istio presets. */
export interface DatadogIstioMetricOptions {
  /**
   * The metric name.
   *
   * @default - per preset: 'datadog-success-rate', 'datadog-canary-traffic'
   */
  readonly name?: string;
  /**
   * The Datadog metric that counts Istio requests. The Agent's Istio check (OpenMetrics V1 mode, Istio 1.5+) reports
   * Istio's `istio_requests_total` as `istio.mesh.request.count.total`; check the name your Agent reports.
   *
   * @default 'istio.mesh.request.count.total'
   */
  readonly requestCountMetric?: string;
  /**
   * The window each measurement queries. Datadog needs a minute or two to ingest points, so keep it well above that.
   *
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * Time between measurements.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Number of measurements.
   *
   * @default - unbounded (background analysis)
   */
  readonly count?: number;
  /**
   * Delay before the first measurement.
   *
   * @default Duration.minutes(2)
   */
  readonly initialDelay?: Duration;
  /**
   * Failed measurements tolerated.
   *
   * @default 1
   */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated.
   *
   * @default 0
   */
  readonly inconclusiveLimit?: number;
  /**
   * Which proxy's reports to count (the `reporter` tag).
   *
   * @default IstioReporter.DESTINATION
   */
  readonly reporter?: IstioReporter;
  /**
   * The Secret with the Datadog keys (see `DatadogMetricProps.secretName`).
   *
   * @default - the controller's environment, else the Secret "datadog" in its namespace
   */
  readonly secretName?: string;
  /**
   * Read `secretName` from the AnalysisRun's namespace.
   *
   * @default false
   */
  readonly secretNamespaced?: boolean;
}

/** Options of `DatadogIstioMetrics.successRate()`. */
export interface DatadogIstioSuccessRateOptions extends DatadogIstioMetricOptions {
  /**
   * The lowest healthy share of non-5xx responses of the canary, above 0 and at most 1.
   *
   * @default 0.99
   */
  readonly minSuccessRate?: number;
}

/** Options of `DatadogIstioMetrics.trafficFloor()`. */
export interface DatadogIstioTrafficFloorOptions extends DatadogIstioMetricOptions {
  /**
   * Fewer canary requests than this within the window is inconclusive (never failed).
   *
   * @default 10
   */
  readonly minimumRequests?: number;
}

/**
 * Datadog metrics on the Istio integration's request count that measure **only the canary**: the queries filter on
 * the tags `destination_service_namespace`, `destination_service_name` and `destination_canonical_revision`, which
 * the Agent's Istio check keeps from Istio's standard labels, with the values the Rollout passes (`CanaryArgs`).
 *
 * Where they cannot isolate the canary, said plainly:
 * - when the Agent drops `destination_canonical_revision` (Datadog's Istio README suggests `exclude_labels` with
 *   it, to save cardinality), the queries find no data and every measurement is inconclusive: the release pauses; the
 *   library cannot see the Agent's configuration;
 * - Datadog lowercases tag values: a revision whose version has capital letters (from an image tag such as
 *   `2.0.0-RC1`) may not match; set a lowercase `version`;
 * - no latency preset: Istio's duration histogram becomes percentiles in Datadog only with the Agent's distribution
 *   settings, which the library cannot rely on.
 *
 * No data is never healthy: the error count alone is `default_zero()` (no 5xx is 0 errors), the total is not, so a
 * canary without requests gives no value, which the conditions treat as inconclusive.
 */
export class DatadogIstioMetrics {
  /**
   * The canary's share of non-5xx responses over the window must be at least `minSuccessRate` (default 0.99): queries
   * `errors` (5xx) and `total`, formula `1 - errors / total`, both summed over the window.
   */
  public static successRate(options: DatadogIstioSuccessRateOptions = {}): AnalysisMetric {
    const min = options.minSuccessRate ?? 0.99;
    if (typeof min !== 'number' || !(min > 0 && min <= 1)) {
      throw new Error(`'minSuccessRate' (${min}) must be a ratio above 0 and at most 1, for example 0.99 for 99 %`);
    }
    const count = countQuery(options);
    return metric(options, options.name ?? 'datadog-success-rate', MetricCondition.atLeast(min), {
      queries: { errors: `default_zero(${count(',response_code:5*')})`, total: count('') },
      formula: '1 - errors / total',
    });
  }

  /**
   * A traffic floor: successful when the canary had at least `minimumRequests` requests (default 10) within the
   * window; otherwise inconclusive, never failed. Add it next to `successRate()`, whose formula has no floor of its own:
   * with a handful of requests, one error fails it.
   */
  public static trafficFloor(options: DatadogIstioTrafficFloorOptions = {}): AnalysisMetric {
    const min = options.minimumRequests ?? 10;
    if (typeof min !== 'number' || !Number.isFinite(min) || min < 0) {
      throw new Error(`'minimumRequests' (${min}) must be a number of at least 0, for example 10`);
    }
    return metric(options, options.name ?? 'datadog-canary-traffic', MetricCondition.inconclusiveBelow(min), { query: countQuery(options)('') });
  }

  /**
   * The tag filter that selects the canary's requests to the Service, for queries of your own.
   */
  public static canaryTags(options: DatadogIstioMetricOptions = {}): string {
    const reporter = options.reporter ?? IstioReporter.DESTINATION;
    if (reporter !== IstioReporter.DESTINATION && reporter !== IstioReporter.SOURCE) {
      throw new Error(`'reporter' ("${reporter}") must be IstioReporter.DESTINATION or IstioReporter.SOURCE`);
    }
    return `reporter:${reporter},destination_service_namespace:{{args.${CanaryArgs.NAMESPACE}}},`
      + `destination_service_name:{{args.${CanaryArgs.SERVICE_NAME}}},destination_canonical_revision:{{args.${CanaryArgs.CANARY_REVISION}}}`;
  }

  private constructor() {}
}

/** The request count query of the canary, with extra tags. */
function countQuery(options: DatadogIstioMetricOptions): (extra: string) => string {
  const name = options.requestCountMetric ?? 'istio.mesh.request.count.total';
  if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(name)) {
    throw new Error(`'requestCountMetric' ("${name}") must be a Datadog metric name (letters, digits, '_' and '.'), for example "istio.mesh.request.count.total"`);
  }
  const tags = DatadogIstioMetrics.canaryTags(options);
  return extra => `sum:${name}{${tags}${extra}}.as_count()`;
}

function metric(options: DatadogIstioMetricOptions, name: string, condition: MetricCondition,
  query: { query?: string; queries?: { [name: string]: string }; formula?: string }): AnalysisMetric {
  return AnalysisMetric.datadog({
    name,
    condition,
    ...query,
    aggregator: DatadogAggregator.SUM,
    window: options.window ?? Duration.minutes(5),
    interval: options.interval ?? Duration.minutes(1),
    count: options.count,
    initialDelay: options.initialDelay ?? Duration.minutes(2),
    failureLimit: options.failureLimit ?? 1,
    inconclusiveLimit: options.inconclusiveLimit ?? 0,
    secretName: options.secretName,
    secretNamespaced: options.secretNamespaced,
  });
}
