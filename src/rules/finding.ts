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
  /**
   * Where the object the finding concerns comes from, when the input said so (`CanaryRules.checkInputs()`).
   *
   * @default - none: the input was plain manifests
   */
  readonly origin?: ManifestOrigin;
  /**
   * The origins of the other objects the finding is about, when the input gave them: for CR308, the other definition
   * of the object.
   *
   * @default - none
   */
  readonly related?: ManifestOrigin[];
}

/**
 * Where a manifest comes from: the construct that defines it in a cdk8s app, or a file. The rules use it to name
 * the place in their findings, to tell apart objects of different clusters, and to place objects that have no
 * namespace.
 */
export interface ManifestOrigin {
  /**
   * Where the object is defined, as findings name it: a construct path (`shop/checkout/Rollout/Resource`) or a file
   * and document (`apps/shop/shop.k8s.yaml#3`).
   */
  readonly path: string;
  /**
   * What the object is written in: a cdk8s chart (its construct path) or a file. Two definitions of one object in
   * the same unit are reported as such.
   *
   * @default - the unit is not known
   */
  readonly unit?: string;
  /**
   * The namespace the object lands in when its manifest has none, for example the destination namespace of the
   * Argo CD Application that deploys it.
   *
   * @default "default"
   */
  readonly defaultNamespace?: string;
  /**
   * The cluster the object is deployed to, for example an Argo CD Application's destination (`server <url>` or
   * `cluster <name>`). Objects of two different clusters never refer to each other and are not two definitions of
   * one object; an object whose cluster is not known may refer to any object.
   *
   * @default - not known
   */
  readonly cluster?: string;
}

/**
 * A manifest with where it comes from, as `CanaryRules.checkInputs()` reads it.
 */
export interface ManifestInput {
  /** The plain manifest, as `ApiObject.toJson()` returns it or as a YAML document parses. */
  readonly manifest: any;
  /**
   * Where it comes from.
   *
   * @default - not known: findings about it carry no origin, and it is in namespace "default" when it has none
   */
  readonly origin?: ManifestOrigin;
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
