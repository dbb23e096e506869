// Runs the rule catalog (src/rules) on every chart that holds objects of this library, at synth time.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { findAll, toJson } from './context';
import { CanaryRules } from '../../rules/canary-rules';
import { RuleFinding } from '../../rules/finding';

const ATTACHED = Symbol.for('cdk8s-canary.rules-attached');
/** Marks the construct of an Argo CD Application (argocd-application.ts), whose own validation runs the Argo CD rules. */
const APPLICATION = Symbol.for('cdk8s-canary.ArgoCdApplication');

/** Warnings of the last rule run, per chart: those of the chart's objects, then those of each construct that recorded some. */
const warningsByChart = new WeakMap<Chart, Map<IConstruct, RuleFinding[]>>();

/** Keeps the warnings of the last validation of `scope` (a chart, or a construct that runs rules itself) for `chartWarnings()`. */
export function recordWarnings(scope: IConstruct, findings: RuleFinding[]): void {
  const chart = Chart.of(scope);
  let byScope = warningsByChart.get(chart);
  if (!byScope) {
    byScope = new Map();
    warningsByChart.set(chart, byScope);
  }
  if (!byScope.has(chart)) byScope.set(chart, []); // the chart's own come first
  byScope.set(scope, findings);
}

/** The ApiObjects whose closest chart is `chart`, in construct-tree order. */
export function ownObjects(chart: Chart): ApiObject[] {
  return findAll(chart).filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

/**
 * Makes the chart of `scope` run the rules on its final objects (JSON patches applied) when it is
 * validated, that is at every synth: errors fail synth, warnings are kept for `chartWarnings()`.
 * Idempotent.
 */
export function attachRules(scope: IConstruct): void {
  const chart = Chart.of(scope);
  if ((chart as any)[ATTACHED]) return;
  Object.defineProperty(chart, ATTACHED, { value: true });
  chart.node.addValidation({ validate: () => validateChart(chart) });
}

/** Warnings found by the last validation of a chart and of the constructs in it that run rules themselves. */
export function chartWarnings(chart: Chart): RuleFinding[] {
  return [...(warningsByChart.get(chart)?.values() ?? [])].flat();
}

/** The containers of the pods of the construct of a Rollout (ArgoRollout: its own, or its workloadRef Deployment's). */
function podContainers(rollout: any): unknown[] | undefined {
  return rollout?.workloadRef ? rollout.workloadRef.deployment?.containers : rollout?.containers;
}

/** The rules on a chart's objects: the errors, formatted for the validation; the warnings are kept. */
function validateChart(chart: Chart): string[] {
  // an Argo CD Application runs the Argo CD rules itself, over the objects it deploys
  const objects = ownObjects(chart).filter(o => !(o.node.scope && APPLICATION in o.node.scope));
  // A Rollout without a container (its own, or its workloadRef Deployment's) cannot be rendered: its own validation
  // says what to do; the rules would only add cdk8s-plus's less helpful error.
  if (objects.some(o => o.kind === 'Rollout' && podContainers(o.node.scope)?.length === 0)) return [];
  const findings = CanaryRules.check(objects.map(o => toJson(o))); // in a synth, CanaryApp writes the same JSON
  recordWarnings(chart, CanaryRules.warnings(findings));
  return CanaryRules.errors(findings).map(f => CanaryRules.format(f));
}
