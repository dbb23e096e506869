import { Duration } from 'cdk8s';
import { AnalysisArg } from './analysis-arg';
import { IAnalysisTemplate } from './analysis-template';

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

