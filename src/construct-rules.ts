import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { appObjects, inputsWithCharts } from './private/synth/app-rules';
import { CanaryRules } from './rules/canary-rules';
import { ManifestInput, RuleCheckOptions, RuleFinding } from './rules/finding';

/**
 * The rule catalog (`CanaryRules`) over the API objects of a construct tree, with their origins, as synth runs it.
 *
 * Synth already runs the rules over the whole app (every chart, whichever App class); use this class to run them
 * yourself, for example in a test. It does not run the construct validations.
 *
 * @example
 * const findings = ConstructRules.check(app);
 * expect(CanaryRules.errors(findings)).toEqual([]);
 */
export class ConstructRules {
  /**
   * Runs every rule over the API objects under a construct, as they will be written (JSON patches applied).
   *
   * Safe to call from a `node.addValidation()` callback: unlike `Chart.toJson()`, it does not run the validations
   * again (which would recurse). Pass the app to see the objects of all charts, as synth does; objects outside
   * `scope` are not in the set ("not in the manifest set" warnings).
   *
   * @param scope an app, a chart, or any construct
   * @param options which rules to skip
   */
  public static check(scope: IConstruct, options: RuleCheckOptions = {}): RuleFinding[] {
    return CanaryRules.checkInputs(ConstructRules.inputsOf(scope), options);
  }

  /**
   * The rule inputs of the API objects under a construct: each plain manifest (`ApiObject.toJson()`) with its
   * origin: the construct path, the chart, and the cluster and default namespace of the `ArgoCdApplication` that
   * deploys the chart (when one of the app does).
   *
   * @param scope an app, a chart, or any construct
   */
  public static inputsOf(scope: IConstruct): ManifestInput[] {
    return inputsWithCharts(scope.node.root, appObjects(scope), o => o.toJson()).inputs;
  }

  /**
   * The plain manifests of every API object under a construct (`ApiObject.toJson()`, so JSON patches are applied),
   * in construct-tree order, without running validations.
   *
   * @param scope an app, a chart, or any construct
   */
  public static manifestsOf(scope: IConstruct): any[] {
    return appObjects(scope).map((o: ApiObject) => o.toJson());
  }

  /** Only static members. */
  private constructor() {
    return;
  }
}
