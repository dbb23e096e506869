import { Duration } from 'cdk8s';
import { assertIntInRange } from './_util';
import { RolloutAnalysisOptions } from './rollout-analysis';

/** What a step does. */
export enum CanaryStepKind {
  /** Sets the share of traffic sent to the canary. */
  SET_WEIGHT = 'setWeight',
  /** Waits for a duration, or until promoted. */
  PAUSE = 'pause',
  /** Scales the canary independently of its traffic weight. */
  SET_CANARY_SCALE = 'setCanaryScale',
  /** Runs an analysis and waits for its result. */
  ANALYSIS = 'analysis',
}

/** Options for `CanaryStep.setCanaryScale()`. Set exactly one field. */
export interface SetCanaryScaleOptions {
  /**
   * Absolute number of canary pods.
   * @default - not set
   */
  readonly replicas?: number;
  /**
   * Canary pods as a percentage of `replicas`.
   * @default - not set
   */
  readonly weight?: number;
  /**
   * Go back to scaling the canary with its traffic weight.
   * @default false
   */
  readonly matchTrafficWeight?: boolean;
}

/**
 * One step of a canary release: `setWeight`, `pause`, `setCanaryScale` or `analysis`.
 *
 * @example
 * const steps = [
 *   CanaryStep.setWeight(10),
 *   CanaryStep.pause(Duration.minutes(2)),
 *   CanaryStep.setWeight(50),
 *   CanaryStep.pause(), // wait for `kubectl argo rollouts promote`
 * ];
 */
export class CanaryStep {
  /**
   * Sends `weight` percent of the traffic to the canary and scales it to match.
   *
   * @param weight integer percentage, 0 to 100
   * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
   */
  public static setWeight(weight: number): CanaryStep {
    assertIntInRange('setWeight', weight, 0, 100, 'it is the percentage of traffic sent to the canary, for example CanaryStep.setWeight(20)');
    return new CanaryStep(CanaryStepKind.SET_WEIGHT, { setWeight: weight }, weight);
  }

  /**
   * Pauses the release.
   *
   * @param duration how long to wait; omit it to wait until someone promotes the release
   *                 (`kubectl argo rollouts promote` or Argo CD's "resume" action)
   */
  public static pause(duration?: Duration): CanaryStep {
    if (duration === undefined) {
      return new CanaryStep(CanaryStepKind.PAUSE, { pause: {} });
    }
    const ms = duration.toMilliseconds();
    if (ms < 1000 || ms % 1000 !== 0) {
      throw new Error(`'pause' duration (${duration.toHumanString()}) must be a whole number of seconds, at least 1 second: `
        + 'Argo Rollouts truncates pause durations to seconds. Use Duration.seconds(n) or Duration.minutes(n), '
        + 'or CanaryStep.pause() without a duration to wait for a manual promotion');
    }
    return new CanaryStep(CanaryStepKind.PAUSE, { pause: { duration: formatPause(duration) } }, undefined, duration);
  }

  /**
   * Scales the canary independently of the traffic weight (needs traffic routing, which the library
   * always configures).
   */
  public static setCanaryScale(options: SetCanaryScaleOptions): CanaryStep {
    const set = [options.replicas !== undefined, options.weight !== undefined, options.matchTrafficWeight === true].filter(x => x).length;
    if (set !== 1) {
      throw new Error(`'setCanaryScale' needs exactly one of 'replicas', 'weight' or 'matchTrafficWeight: true' (received ${JSON.stringify(options)})`);
    }
    if (options.replicas !== undefined) assertIntInRange('setCanaryScale.replicas', options.replicas, 0, 10_000);
    if (options.weight !== undefined) assertIntInRange('setCanaryScale.weight', options.weight, 0, 100, 'it is a percentage of the Rollout replicas');
    return new CanaryStep(CanaryStepKind.SET_CANARY_SCALE, { setCanaryScale: { ...options } });
  }

  /**
   * Runs an analysis and waits for its result: the release continues when it succeeds, aborts when it
   * fails and pauses when it is inconclusive. Every metric must finish (have a `count`).
   */
  public static analysis(options: RolloutAnalysisOptions): CanaryStep {
    if (options.templates.length === 0) {
      throw new Error("'analysis' step: 'templates' is empty: give at least one AnalysisTemplate");
    }
    return new CanaryStep(CanaryStepKind.ANALYSIS, undefined, undefined, undefined, { ...options, templates: [...options.templates] });
  }

  /** What this step does. */
  public readonly kind: CanaryStepKind;
  /**
   * The traffic weight of a `setWeight` step.
   * @default - not a setWeight step
   */
  public readonly weight?: number;
  /**
   * The duration of a timed pause.
   * @default - not a timed pause
   */
  public readonly pauseDuration?: Duration;
  /**
   * The analysis of an `analysis` step.
   * @default - not an analysis step
   */
  public readonly analysisOptions?: RolloutAnalysisOptions;
  private readonly render: any;

  private constructor(kind: CanaryStepKind, render: any, weight?: number, pauseDuration?: Duration, analysis?: RolloutAnalysisOptions) {
    this.kind = kind;
    this.render = render;
    this.weight = weight;
    this.pauseDuration = pauseDuration;
    this.analysisOptions = analysis;
  }

  /** True for a pause without a duration (waits for a manual promotion). */
  public get isManualPause(): boolean {
    return this.kind === CanaryStepKind.PAUSE && this.pauseDuration === undefined;
  }

  /**
   * The step as Argo Rollouts reads it (analysis steps are rendered by the Rollout, which knows the
   * argument values).
   * @internal
   */
  public _toKube(): any {
    return this.render;
  }
}

/** Argo's pause duration string: the largest whole unit (`30s`, `5m`, `1h`). */
function formatPause(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
