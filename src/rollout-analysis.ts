import { AnalysisArg } from './analysis-arg';
import { IAnalysisTemplate } from './analysis-template';

/** An analysis run the Rollout starts: which templates, with which argument values. */
export interface RolloutAnalysisOptions {
  /** The templates whose metrics are evaluated together (metric names must be unique across them). */
  readonly templates: IAnalysisTemplate[];
  /**
   * Argument values. The Rollout supplies the well-known arguments of `CanaryArgs` (namespace,
   * service-name, canary-revision, pod template hashes) itself; give the others here.
   * @default - only the well-known arguments
   */
  readonly args?: AnalysisArg[];
  /**
   * Metrics (by name) that are evaluated but never change the outcome of this run.
   * @default - none
   */
  readonly dryRunMetrics?: string[];
}

/** Background analysis: runs alongside the steps, from `startingStep` until the release ends. */
export interface BackgroundAnalysisOptions extends RolloutAnalysisOptions {
  /**
   * Index (0-based) of the step from which the analysis runs.
   * @default 0 (from the first step)
   */
  readonly startingStep?: number;
}
