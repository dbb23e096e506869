import { ApiObject, ApiObjectMetadata, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryArgs } from './analysis-arg';
import { AnalysisMetric } from './analysis-metric';
import { argPlaceholders, assertArgName } from './private/argo';
import { atConstructPath, withConstructPath, withPathOfChild } from './private/constructs/construct-path';
import { PREREQUISITES_ANNOTATIONS } from './private/constructs/wave-annotations';
import { ANALYSIS_TEMPLATE, CLUSTER_ANALYSIS_TEMPLATE } from './private/gvk';
import { attachAppRules } from './private/synth/app-rules';
import { addValidationOnce } from './private/synth/context';

/**
 * An argument declared by an analysis template, as the Rollout wiring sees it. An argument with
 * neither `defaultValue` nor `fromSecret` is required: the Rollout must supply it.
 */
export interface AnalysisArgDeclaration {
  /** The argument name. */
  readonly name: string;
  /**
   * The template's default value, which a value supplied by the Rollout overrides.
   *
   * @default - no default
   */
  readonly defaultValue?: string;
  /**
   * Whether the value is read from a Secret (in the namespace of the AnalysisRun).
   *
   * @default false
   */
  readonly fromSecret?: boolean;
}

/**
 * An AnalysisTemplate or ClusterAnalysisTemplate, as a Rollout references it.
 */
export interface IAnalysisTemplate {
  /** The object name (`metadata.name`), which the Rollout uses in `templateName`. */
  readonly templateName: string;
  /** True for a ClusterAnalysisTemplate (the Rollout sets `clusterScope: true`). */
  readonly clusterScope: boolean;
  /** The names of the template's metrics. */
  readonly metricNames: string[];
  /** Metrics with an interval and no count, which run until the analysis is terminated. */
  readonly unboundedMetricNames: string[];
  /** The declared arguments. */
  readonly argDeclarations: AnalysisArgDeclaration[];
}

/**
 * An argument declaration of a template (`spec.args[]`).
 */
export class AnalysisTemplateArg {
  /**
   * An argument that the Rollout must supply.
   *
   * @param name the argument name, used in queries as `{{args.<name>}}`
   */
  public static required(name: string): AnalysisTemplateArg {
    assertArgName('AnalysisTemplateArg.required name', name);
    return new AnalysisTemplateArg({ name }, { name });
  }

  /**
   * An argument with a default value, which the Rollout may override.
   *
   * @param name the argument name
   * @param value the default value
   */
  public static withDefault(name: string, value: string): AnalysisTemplateArg {
    assertArgName('AnalysisTemplateArg.withDefault name', name);
    if (typeof value !== 'string') {
      throw new Error(`'AnalysisTemplateArg.withDefault' value for "${name}" (${JSON.stringify(value)}) must be a string; convert numbers with String(n)`);
    }
    return new AnalysisTemplateArg({ name, value }, { name, defaultValue: value });
  }

  /**
   * An argument read from a key of a Secret in the namespace where the AnalysisRun runs (the Rollout's).
   * Its value is masked in the AnalysisRun.
   *
   * @param name the argument name
   * @param secretName the Secret name
   * @param key the key in the Secret
   */
  public static fromSecret(name: string, secretName: string, key: string): AnalysisTemplateArg {
    assertArgName('AnalysisTemplateArg.fromSecret name', name);
    if (!secretName || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(secretName)) {
      throw new Error(`'secretName' for analysis argument "${name}" ("${secretName}") must be a Kubernetes object name (lowercase letters, digits, '-', '.')`);
    }
    if (!key || !/^[-._A-Za-z0-9]+$/.test(key)) {
      throw new Error(`'key' for analysis argument "${name}" ("${key}") must be a Secret data key (letters, digits, '-', '_', '.')`);
    }
    return new AnalysisTemplateArg({ name, valueFrom: { secretKeyRef: { name: secretName, key } } }, { name, fromSecret: true });
  }

  /** The argument name. */
  public readonly name: string;
  /** The declaration, as the Rollout wiring sees it. */
  public readonly declaration: AnalysisArgDeclaration;
  private readonly rendered: any;

  private constructor(rendered: any, declaration: AnalysisArgDeclaration) {
    this.name = rendered.name;
    this.rendered = rendered;
    this.declaration = declaration;
  }

  /** @internal */
  public _toKube(): any {
    return JSON.parse(JSON.stringify(this.rendered));
  }
}

/** How many measurements to keep for a metric (`spec.measurementRetention[]`). */
export interface MetricMeasurementRetention {
  /** The metric name (a metric of this template). */
  readonly metricName: string;
  /** How many measurements to keep in the AnalysisRun status. Argo Rollouts keeps 10 by default. */
  readonly limit: number;
}

/** Properties of `AnalysisTemplate` and `ClusterAnalysisTemplate`. */
export interface AnalysisTemplateProps {
  /**
   * Metadata; `name` sets the object name.
   *
   * @default - a name generated from the construct path; the Argo CD sync-wave annotation `-2`
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The metrics. More can be added with `addMetric()`.
   *
   * @default - none; at least one is needed before synth
   */
  readonly metrics?: AnalysisMetric[];
  /**
   * Argument declarations. The well-known arguments of `CanaryArgs` (namespace, service-name,
   * canary-revision, pod template hashes) are declared automatically, as required arguments the Rollout
   * supplies, when a metric uses them and they are not declared here. Any other `{{args.x}}` placeholder
   * must be declared.
   *
   * @default - only the well-known arguments the metrics use
   */
  readonly args?: AnalysisTemplateArg[];
  /**
   * Names of metrics (of this template) that are evaluated but never change the analysis outcome: for
   * trying a new metric out.
   *
   * @default - no metric is a dry run
   */
  readonly dryRunMetrics?: string[];
  /**
   * How many measurements to keep, per metric.
   *
   * @default - Argo Rollouts keeps 10 measurements per metric
   */
  readonly measurementRetention?: MetricMeasurementRetention[];
}

/**
 * Shared implementation of the two template kinds.
 */
class TemplateSpec {
  public readonly metrics: AnalysisMetric[] = [];
  public readonly args: AnalysisTemplateArg[] = [];
  public readonly dryRun: string[] = [];
  public readonly retention: MetricMeasurementRetention[] = [];

  public addMetric(metric: AnalysisMetric): void {
    if (!metric || typeof (metric as any)._toKube !== 'function') {
      throw new Error('\'metrics\' contains something that is not an AnalysisMetric: build metrics with AnalysisMetric.prometheus(), web(), job(), datadog() or the presets');
    }
    if (this.metrics.some(m => m.name === metric.name)) {
      throw new Error(`metric name '${metric.name}' is used twice in this template: metric names must be unique within an analysis run; `
        + 'give one of them another \'name\'');
    }
    this.metrics.push(metric);
  }

  public addArg(arg: AnalysisTemplateArg): void {
    if (this.args.some(a => a.name === arg.name)) {
      throw new Error(`argument '${arg.name}' is declared twice in this template: declare each argument once`);
    }
    this.args.push(arg);
  }

  public addDryRun(metricName: string): void {
    if (typeof metricName !== 'string' || metricName === '') {
      throw new Error(`'dryRunMetrics' contains ${JSON.stringify(metricName)}: give the name of a metric of this template`);
    }
    if (!this.dryRun.includes(metricName)) this.dryRun.push(metricName);
  }

  public addRetention(r: MetricMeasurementRetention): void {
    if (!Number.isInteger(r.limit) || r.limit < 1 || r.limit > 1000) {
      throw new Error(`'measurementRetention' limit for metric '${r.metricName}' (${r.limit}) must be an integer between 1 and 1000`);
    }
    if (this.retention.some(x => x.metricName === r.metricName)) {
      throw new Error(`'measurementRetention' names metric '${r.metricName}' twice: give one limit per metric`);
    }
    this.retention.push({ metricName: r.metricName, limit: r.limit });
  }

  /** The arguments a metric reads a secret from (a secret header, an OAuth2 client secret) that are declared, but not from a Secret. */
  public secretArgsNotFromSecret(m: AnalysisMetric): string[] {
    const declared = this.declarations();
    return m._secretArgNames.filter(name => {
      const arg = declared.find(a => a.name === name);
      return arg !== undefined && !arg.declaration.fromSecret;
    });
  }

  /**
   * Whether the template's own check reports the header of a rule finding at `path` (CR319 on
   * `spec.metrics[i].provider.<provider>.headers[j].value`): the header reads an argument it reports.
   */
  public reportsSecretHeader(path: string): boolean {
    const at = /^spec\.metrics\[(\d+)\]\.provider\.(\w+)\.headers\[(\d+)\]\.value$/.exec(path);
    const metric = at ? this.metrics[Number(at[1])] : undefined;
    if (!at || !metric) return false;
    const value = metric._toKube().provider?.[at[2]]?.headers?.[Number(at[3])]?.value;
    const reported = this.secretArgsNotFromSecret(metric);
    return typeof value === 'string' && argPlaceholders(value).some(a => reported.includes(a));
  }

  /** Declared arguments plus the well-known ones the metrics use, in a stable order. */
  public declarations(): AnalysisTemplateArg[] {
    const out = [...this.args];
    for (const m of this.metrics) {
      for (const name of m.argNames) {
        if (CanaryArgs.isWellKnown(name) && !out.some(a => a.name === name)) out.push(AnalysisTemplateArg.required(name));
      }
    }
    return out;
  }

  /**
   * What Argo Rollouts would refuse that the template knows best: an OAuth2 client secret read from an argument that
   * is not declared from a Secret, and dry-run or measurement-retention names that are no metric of the template (the
   * rules leave those of the library's templates to this check, see `_ownsRuleFinding`). A template without metrics
   * (CR131) and a placeholder of an undeclared argument (CR129) are the rules' to report.
   */
  public validate(kind: string): string[] {
    const errors: string[] = [];
    for (const m of this.metrics) {
      for (const name of this.secretArgsNotFromSecret(m)) {
        errors.push(`metric '${m.name}' reads ${m._secretArgUse(name)} from argument '${name}', which is not declared with `
          + 'AnalysisTemplateArg.fromSecret(): declare it from a Secret so the secret stays out of the manifest');
      }
    }
    const names = this.metrics.map(m => m.name);
    for (const d of this.dryRun) {
      if (!names.includes(d)) {
        errors.push(`'dryRunMetrics' names '${d}', which is not a metric of this ${kind} (metrics: ${names.join(', ') || 'none'})`);
      }
    }
    for (const r of this.retention) {
      if (!names.includes(r.metricName)) {
        errors.push(`'measurementRetention' names '${r.metricName}', which is not a metric of this ${kind} (metrics: ${names.join(', ') || 'none'})`);
      }
    }
    return errors;
  }

  public toKube(): any {
    const spec: any = {};
    const args = this.declarations();
    if (args.length > 0) spec.args = args.map(a => a._toKube());
    spec.metrics = this.metrics.map(m => m._toKube());
    if (this.dryRun.length > 0) spec.dryRun = this.dryRun.map(metricName => ({ metricName: exactRegexp(metricName) }));
    if (this.retention.length > 0) {
      spec.measurementRetention = this.retention.map(r => ({ metricName: exactRegexp(r.metricName), limit: r.limit }));
    }
    return spec;
  }

  public init(props: AnalysisTemplateProps): void {
    for (const a of props.args ?? []) this.addArg(a);
    for (const m of props.metrics ?? []) this.addMetric(m);
    for (const d of props.dryRunMetrics ?? []) this.addDryRun(d);
    for (const r of props.measurementRetention ?? []) this.addRetention(r);
  }
}

/** Argo matches dryRun and measurementRetention names as unanchored Go regexps: anchor and escape. */
function exactRegexp(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}


function metadataWithWave(metadata: ApiObjectMetadata | undefined): ApiObjectMetadata {
  return { ...metadata, annotations: { ...PREREQUISITES_ANNOTATIONS, ...metadata?.annotations } };
}

/**
 * What `AnalysisTemplate` and `ClusterAnalysisTemplate` share: metrics, argument declarations, dry-run
 * metrics and measurement retention.
 */
export abstract class AnalysisTemplateBase extends Construct implements IAnalysisTemplate {
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  /** The object name. */
  public readonly templateName: string;
  /** True for a ClusterAnalysisTemplate. */
  public abstract readonly clusterScope: boolean;
  private readonly spec = new TemplateSpec();

  protected constructor(scope: Construct, id: string, props: AnalysisTemplateProps, kind: string) {
    super(scope, id);
    try {
      attachAppRules(this);
      this.spec.init(props);
      // a plain ApiObject with the AnalysisTemplate GVK (src/private/gvk.ts), not the generated class: its toJson would drop int-or-string fields
      // (count, failureLimit, ...) given as numbers
      this.apiObject = new ApiObject(this, 'Resource', {
        apiVersion: ANALYSIS_TEMPLATE.apiVersion,
        kind,
        metadata: metadataWithWave(props.metadata),
        spec: Lazy.any({ produce: () => this._toKube() }),
      });
      this.templateName = this.apiObject.name;
      addValidationOnce(this, () => this.spec.validate(kind));
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /**
   * Whether a rule finding about this template's object is already reported by the template's own check: dry-run and
   * measurement-retention names that are no metric of the template (CR128 on the template's patterns), and a secret
   * header that reads an argument not declared from a Secret (CR319 on that header).
   *
   * @internal
   */
  public _ownsRuleFinding(code: string, path: string): boolean {
    if (code === 'CR319') return this.spec.reportsSecretHeader(path);
    return code === 'CR128' && (path.startsWith('spec.dryRun[') || path.startsWith('spec.measurementRetention['));
  }

  /** The names of the metrics. */
  public get metricNames(): string[] {
    return this.spec.metrics.map(m => m.name);
  }

  /** The metrics with an interval and no count. */
  public get unboundedMetricNames(): string[] {
    return this.spec.metrics.filter(m => m.unbounded).map(m => m.name);
  }

  /** The declared arguments, including the well-known ones declared automatically. */
  public get argDeclarations(): AnalysisArgDeclaration[] {
    return this.spec.declarations().map(a => ({ ...a.declaration }));
  }

  /** The metrics (a copy). */
  public get metrics(): AnalysisMetric[] {
    return [...this.spec.metrics];
  }

  /** Adds a metric. Metric names must be unique. */
  public addMetric(metric: AnalysisMetric): void {
    withConstructPath(this, () => this.spec.addMetric(metric));
  }

  /** Declares an argument. */
  public addArg(arg: AnalysisTemplateArg): void {
    withConstructPath(this, () => this.spec.addArg(arg));
  }

  /** Makes a metric of this template a dry run: evaluated, but never changing the outcome. */
  public addDryRunMetric(metricName: string): void {
    withConstructPath(this, () => this.spec.addDryRun(metricName));
  }

  /** Sets how many measurements to keep for a metric of this template. */
  public addMeasurementRetention(retention: MetricMeasurementRetention): void {
    withConstructPath(this, () => this.spec.addRetention(retention));
  }

  /** @internal */
  public _toKube(): any {
    return this.spec.toKube();
  }
}

/**
 * An Argo Rollouts AnalysisTemplate: the metrics that decide whether a canary is healthy. A Rollout
 * references it by object (`IAnalysisTemplate`), never by a hand-typed name.
 *
 * @example
 * const template = new AnalysisTemplate(this, 'success', {
 *   metrics: [IstioMetrics.successRate()],
 * });
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class AnalysisTemplate extends AnalysisTemplateBase {
  /** Always false: a namespaced template. */
  public readonly clusterScope: boolean = false;

  public constructor(scope: Construct, id: string, props: AnalysisTemplateProps = {}) {
    super(scope, id, props, ANALYSIS_TEMPLATE.kind);
  }
}

/**
 * An Argo Rollouts ClusterAnalysisTemplate: like `AnalysisTemplate`, but cluster-scoped, so Rollouts of
 * every namespace can use it (`clusterScope: true`). The AnalysisRun still runs in the Rollout's
 * namespace, where secret arguments are read.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class ClusterAnalysisTemplate extends AnalysisTemplateBase {
  /** Always true. */
  public readonly clusterScope: boolean = true;

  public constructor(scope: Construct, id: string, props: AnalysisTemplateProps = {}) {
    withPathOfChild(scope, id, () => {
      if (props.metadata?.namespace !== undefined) {
        throw new Error(`'metadata.namespace' ("${props.metadata.namespace}") cannot be set on a ClusterAnalysisTemplate: it is cluster-scoped; `
          + 'remove it, or use AnalysisTemplate for a namespaced template');
      }
    });
    super(scope, id, props, CLUSTER_ANALYSIS_TEMPLATE.kind);
    try {
      if (Chart.of(this).namespace !== undefined) {
        // cluster-scoped: drop the namespace the chart gives every object
        this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }
}
