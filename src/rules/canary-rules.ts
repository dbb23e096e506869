import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CATALOG, ruleInfo } from './_catalog';
import { runRules } from './_run';
import { RuleCheckOptions, RuleFinding, RuleInfo, RuleSeverity } from './finding';

/**
 * The rule catalog of cdk8s-canary, run over synthesized manifests.
 *
 * The rules read plain manifests (what `ApiObject.toJson()` or `Chart.toJson()` return), so they also see
 * changes made through escape hatches such as `ApiObject.of(x).addJsonPatch(...)`. They cover what the
 * Argo Rollouts controller (CR1xx) and Istio's webhook and `istioctl analyze` (CR2xx) would otherwise
 * report in the cluster, and the library's own invariants for a safe canary (CR3xx).
 * Every code is documented in `docs/rules.md`.
 *
 * Findings of severity `ERROR` must fail synth; `WARNING`s are reported and never fail.
 *
 * @example
 * // fail synth on errors, print warnings
 * chart.node.addValidation({
 *   validate: () => {
 *     const findings = CanaryRules.checkConstruct(chart);
 *     CanaryRules.warnings(findings).forEach(f => console.warn(CanaryRules.format(f)));
 *     return CanaryRules.errors(findings).map(f => CanaryRules.format(f));
 *   },
 * });
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
    return runRules(manifests, { skip: options.skip });
  }

  /**
   * Runs every rule over the API objects under a construct, as they will be written (JSON patches applied).
   *
   * Safe to call from a `node.addValidation()` callback: unlike `Chart.toJson()`, it does not run the
   * validations again (which would recurse). Pass the app (`scope.node.root`) to see objects of all charts,
   * for example a Gateway defined in another chart.
   *
   * @param scope a chart, an app, or any construct
   * @param options which rules to skip
   */
  public static checkConstruct(scope: IConstruct, options: RuleCheckOptions = {}): RuleFinding[] {
    return CanaryRules.check(CanaryRules.manifestsOf(scope), options);
  }

  /**
   * The plain manifests of every API object under a construct (`ApiObject.toJson()`, so JSON patches are
   * applied), in construct-tree order, without running validations.
   *
   * @param scope a chart, an app, or any construct
   */
  public static manifestsOf(scope: IConstruct): any[] {
    return scope.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => (c as ApiObject).toJson());
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
   * One line for a finding: `[CR103] Rollout shop/shop spec.strategy...routes[0]: <message>. Fix: <fix>`.
   * Warnings carry `warning ` before the code.
   *
   * @param finding one finding of `check()`
   */
  public static format(finding: RuleFinding): string {
    const prefix = finding.severity === RuleSeverity.WARNING ? 'warning ' : '';
    const where = finding.path ? `${finding.object} ${finding.path}` : finding.object;
    return `${prefix}[${finding.code}] ${where}: ${finding.message}. Fix: ${finding.fix} (see ${ruleInfo(finding.code).docs})`;
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
