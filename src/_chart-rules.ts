// Runs the rule catalog (src/rules) on every chart that holds objects of this library, at synth time.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { sweepJson } from './_sweep';
import { CanaryRules } from './rules/engine';
import { RuleFinding, RuleSeverity } from './rules/finding';

const ATTACHED = Symbol.for('cdk8s-canary.rules-attached');

/** The JSON of each object as the last rule run saw it; CanaryApp renders from it instead of serializing twice. */
export const renderedJson = new WeakMap<ApiObject, any>();

/** Warnings of the last rule run, per chart. */
const warningsByChart = new WeakMap<Chart, RuleFinding[]>();

/** The ApiObjects whose closest chart is `chart`, in construct-tree order. */
export function ownObjects(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
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
  chart.node.addValidation({
    validate: () => {
      const objects = ownObjects(chart);
      // A Rollout without a container cannot be rendered: its own validation says what to do; the rules
      // would only add cdk8s-plus's less helpful error.
      if (objects.some(o => o.kind === 'Rollout' && (o.node.scope as any)?.containers?.length === 0)) return [];
      const manifests = objects.map(o => {
        const json = sweepJson(o);
        renderedJson.set(o, json);
        return json;
      });
      const findings = CanaryRules.check(manifests);
      warningsByChart.set(chart, findings.filter(f => f.severity === RuleSeverity.WARNING));
      return findings.filter(f => f.severity === RuleSeverity.ERROR).map(f => CanaryRules.format(f));
    },
  });
}

/** Warnings found by the last validation of a chart. */
export function chartWarnings(chart: Chart): RuleFinding[] {
  return [...(warningsByChart.get(chart) ?? [])];
}
