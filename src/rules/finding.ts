/**
 * How much a rule finding matters.
 */
export enum RuleSeverity {
  /** The controllers or Istio would reject or silently break this configuration: synth fails. */
  ERROR = 'error',
  /** Worth a look, or cannot be checked from the manifests alone: reported, synth goes on. */
  WARNING = 'warning',
}

/**
 * Where a rule comes from.
 */
export enum RuleSource {
  /** Enforced by the Argo Rollouts controller (InvalidSpec) or its Istio reconciler. */
  ARGO_ROLLOUTS = 'argo-rollouts',
  /** Enforced by Istio's validating webhook or reported by `istioctl analyze`. */
  ISTIO = 'istio',
  /** An invariant of this library: a canary that is safe to run unattended. */
  LIBRARY = 'library',
  /**
   * Argo CD's diff and sync of the objects the Argo Rollouts controller writes during a canary (an Application's
   * sync options and ignoreDifferences), as the library's sync model plays them.
   */
  ARGO_CD = 'argo-cd',
}

/**
 * A rule of the catalog (see `docs/rules.md`).
 */
export interface RuleInfo {
  /** Stable code, for example `CR103`. Never reused for another rule. */
  readonly code: string;
  /** Whether a finding of this rule fails synth. */
  readonly severity: RuleSeverity;
  /** One-line summary of what the rule checks. */
  readonly title: string;
  /** Which component enforces the rule upstream. */
  readonly source: RuleSource;
  /** Upstream file (or analyzer code) the rule mirrors, for the record. */
  readonly upstream: string;
  /** Where the rule is documented, relative to the package root: `docs/rules.md#cr103`. */
  readonly docs: string;
}

/**
 * One problem found in a manifest set.
 */
export interface RuleFinding {
  /** Rule code, for example `CR103`. */
  readonly code: string;
  /** Severity of the rule. */
  readonly severity: RuleSeverity;
  /** The object, as `<kind> <namespace>/<name>` (or `<kind> <name>` when it has no namespace). */
  readonly object: string;
  /** The field path in that object, for example `spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]`. */
  readonly path: string;
  /** What is wrong, with the value received. */
  readonly message: string;
  /** What to change, in the user's terms. */
  readonly fix: string;
}

/**
 * Options for `CanaryRules.check()`.
 */
export interface RuleCheckOptions {
  /**
   * Rule codes to skip, for example `['CR213']`. Use sparingly and say why next to it.
   *
   * @default - every rule runs
   */
  readonly skip?: string[];
}
