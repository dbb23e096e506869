// Runs the rule catalog (src/rules) on every chart that holds objects of this library, at synth time.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { findAll, toJson } from './context';
import { CanaryRules } from '../../rules/canary-rules';
import { RuleFinding } from '../../rules/finding';

const ATTACHED = Symbol.for('cdk8s-canary.rules-attached');

/** Warnings of the last rule run, per chart. */
const warningsByChart = new WeakMap<Chart, RuleFinding[]>();

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

/** Warnings found by the last validation of a chart. */
export function chartWarnings(chart: Chart): RuleFinding[] {
  return [...(warningsByChart.get(chart) ?? [])];
}

/** The containers of the pods of the construct of a Rollout (ArgoRollout: its own, or its workloadRef Deployment's). */
function podContainers(rollout: any): unknown[] | undefined {
  return rollout?.workloadRef ? rollout.workloadRef.deployment?.containers : rollout?.containers;
}

/** The rules on a chart's objects: the errors, formatted for the validation; the warnings are kept. */
function validateChart(chart: Chart): string[] {
  const objects = ownObjects(chart);
  // A Rollout without a container (its own, or its workloadRef Deployment's) cannot be rendered: its own validation
  // says what to do; the rules would only add cdk8s-plus's less helpful error.
  if (objects.some(o => o.kind === 'Rollout' && podContainers(o.node.scope)?.length === 0)) return [];
  const findings = CanaryRules.check(objects.map(o => toJson(o))); // in a synth, CanaryApp writes the same JSON
  warningsByChart.set(chart, CanaryRules.warnings(findings));
  return CanaryRules.errors(findings).map(f => CanaryRules.format(f));
}
