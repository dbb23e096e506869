import { CATALOG, ruleInfo } from './_catalog';
import { runInputs } from './_run';
import { ManifestInput, RuleCheckOptions, RuleFinding, RuleInfo, RuleSeverity } from './finding';

/**
 * The rule catalog of cdk8s-canary, run over synthesized manifests.
 *
 * The rules read plain manifests (what `ApiObject.toJson()` or `Chart.toJson()` return, or YAML documents), so they
 * also see changes made through escape hatches such as `ApiObject.of(x).addJsonPatch(...)`. `ConstructRules` runs
 * them over the objects of a construct tree. They cover what the
 * Argo Rollouts controller (CR1xx) and Istio's webhook and `istioctl analyze` (CR2xx) would otherwise
 * report in the cluster, and the library's own invariants for a safe canary (CR3xx).
 * Every code is documented in `docs/rules.md`.
 *
 * Findings of severity `ERROR` must fail synth; `WARNING`s are reported and never fail.
 *
 * @example
 * // check manifests read from files
 * const findings = CanaryRules.check(manifests);
 * CanaryRules.warnings(findings).forEach(f => console.warn(CanaryRules.format(f)));
 * if (CanaryRules.errors(findings).length > 0) process.exitCode = 1;
 */
export class CanaryRules {
  /** Every rule of the catalog, ordered by code. */
  public static readonly ALL: RuleInfo[] = CATALOG.map(r => ({ ...r }));

  /**
   * Runs every rule over a manifest set.
   *
   * Objects that refer to each other (Rollout, VirtualService, DestinationRule, Service, Gateway,
   * AnalysisTemplates) are matched by kind, namespace and name inside the set; a referenced object that
   * is not in the set gives a warning ("cannot check"), never a guess.
   *
   * @param manifests plain objects, as `Chart.toJson()` returns them (other kinds are ignored)
   * @param options which rules to skip
   * @returns all findings, errors first, then by code, object and path (the same input gives the same order)
   */
  public static check(manifests: any[], options: RuleCheckOptions = {}): RuleFinding[] {
    return CanaryRules.checkInputs((manifests ?? []).map(manifest => ({ manifest })), options);
  }

  /**
   * Runs every rule over a manifest set whose manifests carry where they come from: the constructs of a whole
   * cdk8s app (as synth does), or the documents of files.
   *
   * As `check()`, and besides: every finding carries the origin of the object it concerns; an object without a
   * namespace is in the origin's `defaultNamespace`; objects of two different clusters never refer to each other;
   * and an object defined twice (same kind, namespace and name in one cluster) is reported (CR308) with both places.
   *
   * @param inputs the manifests and their origins
   * @param options which rules to skip
   * @returns all findings, errors first, then by code, object, path and origin (the same input gives the same order)
   */
  public static checkInputs(inputs: ManifestInput[], options: RuleCheckOptions = {}): RuleFinding[] {
    return runInputs(inputs, { skip: options.skip });
  }

  /**
   * The findings that fail synth.
   *
   * @param findings as `check()` returns them
   */
  public static errors(findings: RuleFinding[]): RuleFinding[] {
    return findings.filter(f => f.severity === RuleSeverity.ERROR);
  }

  /**
   * The findings that are only reported.
   *
   * @param findings as `check()` returns them
   */
  public static warnings(findings: RuleFinding[]): RuleFinding[] {
    return findings.filter(f => f.severity === RuleSeverity.WARNING);
  }

  /**
   * One line for a finding: `[CR103] Rollout shop/shop spec.strategy...routes[0]: <message>. Fix: <fix> (see
   * docs/rules.md#cr103)`, ending with `; defined at <origin path>` inside the parentheses when the finding has an
   * origin. Warnings carry `warning ` before the code.
   *
   * @param finding one finding of `check()` or `checkInputs()`
   */
  public static format(finding: RuleFinding): string {
    const prefix = finding.severity === RuleSeverity.WARNING ? 'warning ' : '';
    const where = finding.path ? `${finding.object} ${finding.path}` : finding.object;
    const origin = finding.origin ? `; defined at ${finding.origin.path}` : '';
    return `${prefix}[${finding.code}] ${where}: ${finding.message}. Fix: ${finding.fix} (see ${ruleInfo(finding.code).docs}${origin})`;
  }

  /**
   * The catalog entry of a code.
   *
   * @param code for example `CR103`
   */
  public static info(code: string): RuleInfo {
    const found = CATALOG.find(r => r.code === code);
    if (!found) {
      throw new Error(`'code' ("${code}") is not a rule of the catalog: use one of ${CATALOG[0].code}…${CATALOG[CATALOG.length - 1].code} (see docs/rules.md)`);
    }
    return { ...found };
  }

  /** Only static members. */
  private constructor() {
    return;
  }
}
