import { Duration } from 'cdk8s';
import { AnalysisArg } from './analysis-arg';
import { IAnalysisTemplate } from './analysis-template';
import { assertDnsLabel } from './private/k8s';
import { assertIntInRange } from './private/validate';

/** Which pod template an experiment ReplicaSet runs. */
export enum ExperimentSpecRef {
  /** The stable pod template: a fresh baseline. */
  STABLE = 'stable',
  /** The new (canary) pod template. */
  CANARY = 'canary',
}

/** A ReplicaSet run by an experiment step. */
export interface ExperimentTemplate {
  /** Name of the experiment template (a DNS-1123 label), e.g. `baseline` or `canary`. */
  readonly name: string;
  /** The pod template it runs. */
  readonly specRef: ExperimentSpecRef;
  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Share of traffic (percent) routed to these pods during the experiment. Argo Rollouts adds a
   * destination for it to the weighted routes and takes the share from stable.
   * @default - no traffic (the pods only receive what the analysis generates)
   */
  readonly weight?: number;
}

/** An analysis run during an experiment, e.g. comparing the canary with the baseline. */
export interface ExperimentAnalysis {
  /** Name of this analysis within the experiment. */
  readonly name: string;
  /** The template evaluated. */
  readonly template: IAnalysisTemplate;
  /**
   * Argument values. In experiments Argo Rollouts substitutes `{{templates.<name>.podTemplateHash}}` with the
   * pod template hash of an experiment template, which isolates baseline and canary pods in metrics.
   * @default - none
   */
  readonly args?: AnalysisArg[];
  /**
   * The experiment runs until this analysis completes.
   * @default false
   */
  readonly requiredForCompletion?: boolean;
}

/** Options of `CanaryStep.experiment()`. */
export interface ExperimentOptions {
  /** The ReplicaSets to run (for example a baseline from stable and a canary). */
  readonly templates: ExperimentTemplate[];
  /**
   * How long the experiment runs.
   * @default - until the analyses marked `requiredForCompletion` finish
   */
  readonly duration?: Duration;
  /**
   * Analyses evaluated during the experiment.
   * @default - none
   */
  readonly analyses?: ExperimentAnalysis[];
}

/** Validates and renders an experiment step. @internal */
export function renderExperiment(options: ExperimentOptions): any {
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
