import { ConditionSpec, renderConditions } from './private/metric-providers/conditions';

/**
 * Which series of an instant-vector result a condition looks at.
 */
export enum ResultSeries {
  /**
   * Only the first series (`result[0]`). Right for queries that aggregate to one series, such as
   * `sum(...)` or `histogram_quantile(q, sum by (le) (...))`.
   */
  FIRST = 'first',
  /**
   * Every series (`all(result, ...)` for success, `any(result, ...)` for failure). Right for queries
   * that return one series per group, such as `sum by (destination_workload) (...)`.
   */
  ALL = 'all',
}

/** Options for the threshold conditions of `MetricCondition`. */
export interface ThresholdConditionOptions {
  /**
   * Which series of the result the condition looks at.
   *
   * @default ResultSeries.FIRST
   */
  readonly series?: ResultSeries;
}

/** Raw Argo Rollouts conditions, for `MetricCondition.expressions()`. */
export interface MetricConditionExpressions {
  /**
   * An expr expression that marks a measurement successful when true.
   *
   * @default - no success condition: the measurement is successful unless `failureCondition` is true
   */
  readonly successCondition?: string;
  /**
   * An expr expression that marks a measurement failed when true.
   *
   * @default - no failure condition: the measurement fails unless `successCondition` is true
   */
  readonly failureCondition?: string;
}

/**
 * When a measurement of a metric is successful, failed or inconclusive: a typed model that renders
 * Argo Rollouts' `successCondition` and `failureCondition` (expressions of the expr language, evaluated
 * against `result`, the query's result; for a Prometheus instant vector, a list of numbers, one per series).
 *
 * Argo Rollouts' outcome rules for one measurement:
 * - neither condition set: Successful;
 * - only `successCondition`: Failed whenever it is false;
 * - only `failureCondition`: Successful whenever it is false;
 * - both set: Failed when `failureCondition` is true (failure wins), Successful when only
 *   `successCondition` is true, **Inconclusive when neither is true**;
 * - the expression cannot be evaluated (for example `result[0]` on an empty result): Error.
 *
 * So an "I don't know" outcome needs both conditions. Every threshold condition built here sets both,
 * and each guards against an empty result (`len(result) > 0`) and NaN (`!isNaN(...)`): a query that
 * returns no data (no canary traffic yet, a crashed canary that gets none) or NaN (0/0) is
 * **Inconclusive**, which pauses the Rollout, and never Successful. Contrast the guard of the upstream
 * docs, `len(result) == 0 || result[0] >= 0.95`, which passes a canary that gets no traffic at all.
 *
 * `+Inf` is not guarded: a p99 in the `+Inf` histogram bucket fails an `atMost()` condition, as it should.
 *
 * The expressions use only this subset of expr: number literals, `result`, `result[0]`, `len()`,
 * `isNaN()`, `all()` / `any()` with a `{...}` predicate on `#`, `!`, `&&`, and the comparisons
 * `<`, `<=`, `>`, `>=`; plus the literal `false`.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class MetricCondition {
  /**
   * Successful when the value is at least `min`, failed when it is below `min`, inconclusive when the
   * result is empty or NaN. For success rates (`MetricCondition.atLeast(0.99)`).
   *
   * @param min the lowest healthy value
   */
  public static atLeast(min: number, options: ThresholdConditionOptions = {}): MetricCondition {
    assertFinite('atLeast', min);
    const n = formatNumber(min);
    return MetricCondition.threshold('>=', '<', n, options, false, `at least ${n}`);
  }

  /**
   * Successful when the value is at most `max`, failed when it is above `max`, inconclusive when the
   * result is empty or NaN. For latencies and error rates (`MetricCondition.atMost(500)`).
   *
   * @param max the highest healthy value
   */
  public static atMost(max: number, options: ThresholdConditionOptions = {}): MetricCondition {
    assertFinite('atMost', max);
    const n = formatNumber(max);
    return MetricCondition.threshold('<=', '>', n, options, false, `at most ${n}`);
  }

  /**
   * Successful when the value is at least `min`; **inconclusive** (never failed) below `min`, or when
   * the result is empty or NaN. For traffic floors: too little traffic means "don't know yet", not
   * "unhealthy".
   *
   * @param min the lowest value that counts as enough
   */
  public static inconclusiveBelow(min: number, options: ThresholdConditionOptions = {}): MetricCondition {
    assertFinite('inconclusiveBelow', min);
    const n = formatNumber(min);
    return MetricCondition.threshold('>=', '<', n, options, true, `at least ${n}, else inconclusive`);
  }

  /**
   * Raw expr expressions, for conditions the typed factories do not cover. Nothing guards them: make
   * sure an empty or NaN result cannot count as success (set both conditions so that it is inconclusive).
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#handling-metric-results
   */
  public static expressions(expressions: MetricConditionExpressions): MetricCondition {
    const success = expressions.successCondition;
    const failure = expressions.failureCondition;
    if ((success === undefined || success.trim() === '') && (failure === undefined || failure.trim() === '')) {
      throw new Error('\'successCondition\' and \'failureCondition\' are both empty: a metric without conditions is always successful; '
        + 'set at least one (both, for an inconclusive outcome), or use MetricCondition.atLeast() / atMost()');
    }
    for (const [prop, value] of [['successCondition', success], ['failureCondition', failure]] as const) {
      if (value !== undefined && value.trim() === '') {
        throw new Error(`'${prop}' is an empty string: omit it, or give an expr expression such as "len(result) > 0 && result[0] >= 0.99"`);
      }
    }
    return new MetricCondition({ kind: 'expressions', successCondition: success, failureCondition: failure }, CUSTOM);
  }

  /**
   * Successful when the value (a string, a number or a bool) equals `expected`, failed when it is another value,
   * inconclusive when there is none (JSON null). For web metrics whose JSONPath selects a status, e.g.
   * `MetricCondition.equalTo('UP')` with `jsonPath: '{$.status}'`. Not for Prometheus or Datadog, whose results are
   * numbers.
   *
   * @param expected the healthy value, compared as a string
   */
  public static equalTo(expected: string): MetricCondition {
    if (typeof expected !== 'string') {
      throw new Error(`'MetricCondition.equalTo' value (${JSON.stringify(expected)}) must be a string, for example MetricCondition.equalTo('UP'); `
        + 'use MetricCondition.isTrue() for a JSON true');
    }
    return new MetricCondition({ kind: 'equals', literal: JSON.stringify(expected) }, `equal to ${JSON.stringify(expected)}`);
  }

  /**
   * Successful when the value is the JSON `true`, failed when it is `false`, inconclusive when there is none. For web
   * metrics whose JSONPath selects a flag, e.g. `{$.healthy}`.
   */
  public static isTrue(): MetricCondition {
    return new MetricCondition({ kind: 'equals', literal: 'true' }, 'is true');
  }

  private static threshold(ok: string, bad: string, value: string, options: ThresholdConditionOptions, inconclusiveBelow: boolean,
    description: string): MetricCondition {
    const series = options.series ?? ResultSeries.FIRST;
    const allSeries = series === ResultSeries.ALL;
    return new MetricCondition({ kind: 'threshold', ok, bad, value, allSeries, inconclusiveBelow }, allSeries && !inconclusiveBelow ? `every series ${description}` : description);
  }

  /**
   * The `successCondition` rendered for a Prometheus metric (an instant vector); other providers render the same
   * condition for their own result (see `AnalysisMetric.successCondition`).
   *
   * @default - none, or the condition does not apply to Prometheus (`equalTo()`, `isTrue()`)
   */
  public readonly successCondition?: string;
  /**
   * The `failureCondition` rendered for a Prometheus metric.
   *
   * @default - none, or the condition does not apply to Prometheus (`equalTo()`, `isTrue()`)
   */
  public readonly failureCondition?: string;
  /** A short description for people, e.g. "at least 0.99". */
  public readonly description: string;
  /** Whether an empty, nil or NaN result is inconclusive: true for the typed factories, false for `expressions()`. */
  public readonly guardsNoData: boolean;
  private readonly spec: ConditionSpec;

  private constructor(spec: ConditionSpec, description: string) {
    this.spec = spec;
    this.description = description;
    this.guardsNoData = spec.kind !== 'expressions';
    const prometheus = spec.kind === 'equals' ? {} : renderConditions(spec, 'vector', 'Prometheus');
    this.successCondition = prometheus.successCondition;
    this.failureCondition = prometheus.failureCondition;
  }

  /**
   * The typed condition, for the provider that renders it for its result shape.
   * @internal
   */
  public get _spec(): ConditionSpec {
    return this.spec;
  }
}

const CUSTOM = 'custom expressions';

function assertFinite(factory: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`'MetricCondition.${factory}' threshold (${value}) must be a finite number, for example MetricCondition.${factory}(0.99)`);
  }
}

/** Renders a number as an expr literal without exponent notation. */
function formatNumber(value: number): string {
  const s = String(value);
  if (!/e/i.test(s)) return s;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}
