import { assertArgName } from './private/argo';

/**
 * Which ReplicaSet's `rollouts-pod-template-hash` an analysis argument receives.
 */
export enum PodTemplateHashValue {
  /** The hash of the stable ReplicaSet. */
  STABLE = 'Stable',
  /** The hash of the newest (canary) ReplicaSet. */
  LATEST = 'Latest',
}

/**
 * Names of the well-known analysis arguments. When a template uses one of them (`{{args.namespace}}`)
 * without declaring it, the template declares it as a required argument, and the Rollout supplies its
 * value automatically.
 */
export class CanaryArgs {
  /** The name of the Service (also the Rollout's name). */
  public static readonly SERVICE_NAME = 'service-name';
  /** The namespace of the Service and the Rollout. */
  public static readonly NAMESPACE = 'namespace';
  /**
   * The value of the pod label `service.istio.io/canonical-revision` of the new pod template, which
   * Istio reports as `destination_canonical_revision`. It changes on every pod template change.
   */
  public static readonly CANARY_REVISION = 'canary-revision';
  /** The `rollouts-pod-template-hash` of the canary ReplicaSet (`podTemplateHashValue: Latest`). */
  public static readonly CANARY_POD_TEMPLATE_HASH = 'canary-pod-template-hash';
  /** The `rollouts-pod-template-hash` of the stable ReplicaSet (`podTemplateHashValue: Stable`). */
  public static readonly STABLE_POD_TEMPLATE_HASH = 'stable-pod-template-hash';

  /**
   * Whether `name` is one of the well-known argument names.
   */
  public static isWellKnown(name: string): boolean {
    return WELL_KNOWN.includes(name);
  }

  private constructor() {}
}

const WELL_KNOWN = [
  CanaryArgs.SERVICE_NAME,
  CanaryArgs.NAMESPACE,
  CanaryArgs.CANARY_REVISION,
  CanaryArgs.CANARY_POD_TEMPLATE_HASH,
  CanaryArgs.STABLE_POD_TEMPLATE_HASH,
];

/**
 * An argument value that a Rollout passes to its analysis templates (`analysis.args[]` in the Rollout).
 *
 * @example
 * AnalysisArg.fromValue('service-name', 'shop');
 * AnalysisArg.fromPodTemplateHash('canary-hash', PodTemplateHashValue.LATEST);
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class AnalysisArg {
  /**
   * A literal value.
   *
   * @param name the argument name, as declared by the template
   * @param value the value
   */
  public static fromValue(name: string, value: string): AnalysisArg {
    assertArgName('AnalysisArg.fromValue name', name);
    if (typeof value !== 'string') {
      throw new Error(`'AnalysisArg.fromValue' value for "${name}" (${JSON.stringify(value)}) must be a string; convert numbers with String(n)`);
    }
    return new AnalysisArg(name, value, { name, value });
  }

  /**
   * The `rollouts-pod-template-hash` of the stable or the canary ReplicaSet, resolved by the controller
   * when it creates the AnalysisRun.
   *
   * @param name the argument name, as declared by the template
   * @param which the stable or the latest (canary) ReplicaSet
   */
  public static fromPodTemplateHash(name: string, which: PodTemplateHashValue): AnalysisArg {
    assertArgName('AnalysisArg.fromPodTemplateHash name', name);
    if (!Object.values(PodTemplateHashValue).includes(which)) {
      throw new Error(`'AnalysisArg.fromPodTemplateHash' value for "${name}" ("${which}") must be PodTemplateHashValue.STABLE or LATEST`);
    }
    return new AnalysisArg(name, undefined, { name, valueFrom: { podTemplateHashValue: which } });
  }

  /**
   * A field of the Rollout, resolved by the controller. Paths under `metadata` use Kubernetes downward-API
   * syntax (`metadata.labels['env']`); other paths (`spec.replicas`) are walked by splitting on `.`, so
   * they cannot contain bracketed keys: pass such values with `fromValue()` instead, since they are
   * known at synth time.
   *
   * @param name the argument name, as declared by the template
   * @param fieldPath a path into the Rollout, e.g. `metadata.labels['env']` or `spec.replicas`
   */
  public static fromFieldRef(name: string, fieldPath: string): AnalysisArg {
    assertArgName('AnalysisArg.fromFieldRef name', name);
    if (typeof fieldPath !== 'string' || fieldPath.trim() === '' || /\s/.test(fieldPath)) {
      throw new Error(`'fieldPath' for analysis argument "${name}" ("${fieldPath}") must be a non-empty path into the Rollout without spaces, `
        + 'for example "metadata.labels[\'env\']" or "spec.replicas"');
    }
    if (!fieldPath.startsWith('metadata.') && /[[\]]/.test(fieldPath)) {
      throw new Error(`'fieldPath' for analysis argument "${name}" ("${fieldPath}") cannot use brackets outside 'metadata': `
        + 'Argo Rollouts resolves such paths by splitting them on \'.\', so a key like [\'app.kubernetes.io/version\'] breaks in the controller; '
        + 'the value is known at synth time, so pass it with AnalysisArg.fromValue()');
    }
    return new AnalysisArg(name, undefined, { name, valueFrom: { fieldRef: { fieldPath } } });
  }

  /** The argument name. */
  public readonly name: string;
  /**
   * The literal value.
   *
   * @default - the value is resolved by the controller (pod template hash or field reference)
   */
  public readonly value?: string;
  private readonly rendered: any;

  private constructor(name: string, value: string | undefined, rendered: any) {
    this.name = name;
    this.value = value;
    this.rendered = rendered;
  }

  /**
   * Whether two args pass the same value (same literal, or the same `valueFrom`).
   */
  public sameValueAs(other: AnalysisArg): boolean {
    return JSON.stringify(this.rendered) === JSON.stringify(other._toKube());
  }

  /**
   * The Rollout `analysis.args[]` entry.
   * @internal
   */
  public _toKube(): any {
    return JSON.parse(JSON.stringify(this.rendered));
  }
}
