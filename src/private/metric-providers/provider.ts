// The extension point of analysis metric providers. A provider is one module of this folder that exports a
// `ProviderModel` (what the rules and the rollout plan know of its metrics, read from plain manifests) and a `build`
// function (what `AnalysisMetric`'s factory for it renders and checks from plain input). What every provider shares
// lives next to it: the measurement options (measurement.ts), the conditions (conditions.ts) and the `{{args.x}}`
// placeholders (../argo.ts). Domain modules: they import nothing from the construct files, the rules or the plan.
import { ResultShape } from './conditions';

/** The key of a provider under a metric's `provider:` (Argo Rollouts' field name). */
export type ProviderKey = 'prometheus' | 'web' | 'job' | 'datadog';

/** A problem one provider's checks find in one metric. The rules turn it into a finding; a factory into an error. */
export interface MetricProblem {
  /** The rule code (docs/rules.md). */
  readonly code: string;
  /** Whether the rule is an error (its catalog entry says the same; a test checks both agree). */
  readonly error: boolean;
  /** The field, relative to the metric: `provider.web.jsonPath`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** What a check sees besides the metric: the template's declared arguments (`spec.args`, plain). */
export interface MetricContext {
  readonly args: ReadonlyArray<any>;
}

/** What the rollout plan needs of a metric besides the common fields (interval, count, limits). */
export interface PlanHints {
  /** How far back one measurement looks (a PromQL range, Datadog's `interval`), in seconds. */
  readonly queryWindowSeconds?: number;
  /** The query window depends on an argument without a literal value. */
  readonly queryWindowUnresolved?: boolean;
  /** How long one measurement runs before it has a result (a Job's run time; 0 for a query). */
  readonly measurementSeconds: number;
  /** The measurement's run time is only bounded, not known (a Job without a declared duration). */
  readonly measurementBounded?: boolean;
  /** The measurement needs canary traffic to see anything (a query over request metrics). */
  readonly needsCanaryTraffic: boolean;
  /** The metric generates canary traffic itself (a load test Job). */
  readonly load?: LoadHint;
}

/** Canary traffic a load test Job generates. */
export interface LoadHint {
  readonly requestsPerSecond: number;
  readonly durationSeconds: number;
  /** The header route it goes through. */
  readonly route: string;
}

/** What the rules and the plan know about the metrics of one provider. */
export interface ProviderModel {
  readonly key: ProviderKey;
  /** The provider's name for people: "Prometheus". */
  readonly title: string;
  /** What `result` is when the conditions are evaluated. */
  readonly shape: ResultShape;
  /** The provider's checks of one metric (the `metrics[]` entry, plain JSON). */
  check(metric: any, ctx: MetricContext): MetricProblem[];
  /** The plan's view of one metric; `resolve` substitutes the literal argument values of the run. */
  planHints(metric: any, resolve: (text: string) => string): PlanHints;
}

/** What a provider's `build` gives `AnalysisMetric`: the rendered block and what the template needs to know. */
export interface BuiltProvider {
  readonly key: ProviderKey;
  /** The content of `provider.<key>`. */
  readonly block: any;
  /** The texts that may hold `{{args.x}}` placeholders (query, address, URL, headers, ...). */
  readonly argTexts: string[];
  /** Arguments that must be declared with `AnalysisTemplateArg.fromSecret()`, with what they hold. */
  readonly secretArgs: ReadonlyArray<{ readonly arg: string; readonly what: string }>;
  /** The query (Prometheus, Datadog), for `AnalysisMetric.query`. */
  readonly query?: string;
  /** The address or URL, for `AnalysisMetric.address`. */
  readonly address?: string;
}
