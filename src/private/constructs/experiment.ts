// Experiment steps: `checkExperiment` throws for what Argo Rollouts would refuse, `renderExperiment` writes the step.
// Not exported from the package.
import { ExperimentOptions } from '../../experiment';
import { assertDnsLabel } from '../k8s';
import { assertIntInRange } from '../validate';

/** Throws for an experiment step Argo Rollouts would refuse, or one that would never end. */
export function checkExperiment(options: ExperimentOptions): void {
  if (options.templates.length === 0) {
    throw new Error("'experiment' step: 'templates' is empty: give at least one template, e.g. { name: 'baseline', specRef: ExperimentSpecRef.STABLE }");
  }
  const names = new Set<string>();
  let total = 0;
  for (const t of options.templates) {
    assertDnsLabel('experiment template name', t.name);
    if (names.has(t.name)) throw new Error(`'experiment' step: template name "${t.name}" is used twice: give each template its own name`);
    names.add(t.name);
    if (t.replicas !== undefined) assertIntInRange(`experiment template "${t.name}" replicas`, t.replicas, 0, 10_000);
    if (t.weight !== undefined) {
      assertIntInRange(`experiment template "${t.name}" weight`, t.weight, 0, 100, 'it is a percentage of the traffic');
      total += t.weight;
    }
  }
  if (total > 100) {
    throw new Error(`'experiment' step: template weights add up to ${total}%, more than 100%: lower them`);
  }
  const analysisNames = new Set<string>();
  for (const a of options.analyses ?? []) {
    assertDnsLabel('experiment analysis name', a.name);
    if (analysisNames.has(a.name)) throw new Error(`'experiment' step: analysis name "${a.name}" is used twice`);
    analysisNames.add(a.name);
  }
  if (options.duration !== undefined && (options.duration.toSeconds() < 1 || options.duration.toMilliseconds() % 1000 !== 0)) {
    throw new Error(`'experiment' duration (${options.duration.toHumanString()}) must be a whole number of seconds, at least 1 second`);
  }
  if (options.duration === undefined && !(options.analyses ?? []).some(a => a.requiredForCompletion)) {
    throw new Error("'experiment' step has neither a 'duration' nor an analysis with 'requiredForCompletion: true': it would never end. "
      + 'Set one of them');
  }
}

/** The `experiment` step as Argo Rollouts reads it. */
export function renderExperiment(options: ExperimentOptions): any {
  return {
    experiment: {
      ...(options.duration ? { duration: `${options.duration.toSeconds()}s` } : {}),
      templates: options.templates.map(t => ({
        name: t.name,
        specRef: t.specRef,
        ...(t.replicas !== undefined ? { replicas: t.replicas } : {}),
        ...(t.weight !== undefined ? { weight: t.weight } : {}),
      })),
      ...(options.analyses && options.analyses.length > 0 ? {
        analyses: options.analyses.map(a => ({
          name: a.name,
          templateName: a.template.templateName,
          ...(a.template.clusterScope ? { clusterScope: true } : {}),
          ...(a.args && a.args.length > 0 ? { args: a.args.map(x => x._toKube()) } : {}),
          ...(a.requiredForCompletion ? { requiredForCompletion: true } : {}),
        })),
      } : {}),
    },
  };
}
