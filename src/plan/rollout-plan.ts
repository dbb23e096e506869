import { Duration } from 'cdk8s';
import { computePlan } from './_compute';
import { canaryRollouts, ManifestIndex, selectRollout } from './_manifests';
import { renderPlan } from './_markdown';
import { MExposure, MPlan } from './_model';

/**
 * What holds a canary step before the release moves on.
 */
export enum PlanGate {
  /** Nothing: the next step follows as soon as the pods are ready (setWeight, setCanaryScale, routes). */
  NONE = 'none',
  /** `pause: { duration }`: the release waits this long. */
  TIMED_PAUSE = 'timed-pause',
  /** `pause: {}`: the release waits until someone promotes it (`kubectl argo rollouts promote`). */
  MANUAL_PAUSE = 'manual-pause',
  /** An inline analysis step: the release waits until every metric completes, and aborts if one fails. */
  ANALYSIS = 'analysis',
  /** An experiment step: the release waits for the experiment's duration. */
  EXPERIMENT = 'experiment',
}

/**
 * Which kind of analysis run a `PlanAnalysis` describes.
 */
export enum PlanAnalysisKind {
  /** `spec.strategy.canary.analysis`: runs alongside the steps from `startingStep` until full promotion. */
  BACKGROUND = 'background',
  /** `steps[i].analysis`: blocks step i until it completes. */
  STEP = 'step',
}

/**
 * What happens to a metric when the canary is bad from its first traffic on.
 */
export enum PlanMetricOutcome {
  /** The metric fails and the release aborts (weight back to 0) before it is promoted. */
  ABORTS = 'aborts',
  /** The metric takes all its measurements (`count`) before it can fail, and completes as successful. */
  COMPLETES_FIRST = 'completes-first',
  /** The release reaches 100% (and the background run is terminated as successful) before the metric can fail. */
  PROMOTED_FIRST = 'promoted-first',
  /** The metric never fails the run: it is a dry run, or `failureLimit` is -1. */
  CANNOT_FAIL = 'cannot-fail',
}

/**
 * Whether a change of a ConfigMap or Secret the pods read is a new revision (a canary that analysis can abort).
 */
export enum PlanConfigCoverage {
  /** A content-hashed ConfigMap (`VersionedConfigMap`): a change is a new name, hence a new pod template. */
  CONTENT_HASH = 'content-hash',
  /** A Secret whose version is in the pod template (`ArgoRollout.referenceSecret()`). */
  VERSION = 'version',
  /** Not covered: a change reaches stable and canary pods alike (PLAN023, PLAN024). */
  NONE = 'none',
}

/**
 * A ConfigMap or Secret the pods of the Rollout read.
 */
export interface PlanConfig {
  /** `ConfigMap` or `Secret`. */
  readonly kind: string;
  /** Its name, as the pod template references it. */
  readonly name: string;
  /** Whether a change of it is a new revision. */
  readonly coverage: PlanConfigCoverage;
  /**
   * The Secret version the pod template carries.
   *
   * @default - not a versioned Secret
   */
  readonly version?: string;
}

/**
 * The migration of a Deployment to the Rollout (`workloadRef`): the capacity while both run.
 */
export interface PlanMigration {
  /** The Deployment the pod template comes from. */
  readonly deployment: string;
  /** `workloadRef.scaleDown` (`never` when unset). */
  readonly scaleDown: string;
  /** The Deployment's replicas in the manifests. */
  readonly deploymentReplicas: number;
  /** True when the Deployment has 0 replicas in the manifests: the migration is finished. */
  readonly drained: boolean;
  /** The most pods of the Deployment and the Rollout together while the Deployment is drained. */
  readonly peakPods: number;
}

/**
 * Options of a rollout plan.
 */
export interface RolloutPlanOptions {
  /**
   * The request rate the service receives, in requests per second, used to estimate how many requests
   * the canary serves before an abort.
   *
   * @default - no request counts are estimated
   */
  readonly requestsPerSecond?: number;
}

/**
 * One canary step of the plan.
 */
export interface PlanStep {
  /** Index of the step in `spec.strategy.canary.steps` (0-based, as Argo Rollouts counts). */
  readonly index: number;
  /** What the step does, in words ("set weight 10%", "pause 2m", "pause until promoted", "analysis success-rate"). */
  readonly action: string;
  /** Canary traffic weight (%) in force during and after the step. */
  readonly weight: number;
  /** Canary pods Argo Rollouts scales to at this step. */
  readonly canaryReplicas: number;
  /** Stable pods at this step: all replicas, unless `dynamicStableScale` scales them down. */
  readonly stableReplicas: number;
  /** What holds the step. */
  readonly gate: PlanGate;
  /**
   * Minimum time spent in the step (pod start-up left out).
   *
   * @default - unbounded: a manual pause, or an analysis step that never ends
   */
  readonly minimumTime?: Duration;
  /** Minimum time from the start of the update to the start of this step; unbounded steps before it count as 0. */
  readonly startsAfter: Duration;
  /** Minimum time from the start of the update to the end of this step (cumulative); unbounded steps count as 0. */
  readonly cumulativeTime: Duration;
  /** True when this step or one before it waits for a manual promotion, so the real times are later than shown. */
  readonly waitsForManualPromotion: boolean;
  /** True when the background analysis is running during this step. */
  readonly backgroundAnalysisRunning: boolean;
}

/**
 * How long a bad canary serves traffic until an analysis aborts it, and how much traffic it gets.
 */
export interface PlanExposure {
  /** From the start of the analysis run (the step start, for a step analysis) to the abort. */
  readonly abortAfter: Duration;
  /**
   * From the first canary traffic to the abort.
   *
   * @default - unbounded: a manual pause lies between the first canary traffic and the analysis
   */
  readonly timeToAbort?: Duration;
  /** Canary traffic weight (%) at the moment of the abort: the share of requests a bad canary gets then. */
  readonly weightAtAbort: number;
  /**
   * Time-weighted average canary weight (%) from the first canary traffic to the abort.
   *
   * @default - unbounded
   */
  readonly averageWeight?: number;
  /**
   * Requests served by the canary until the abort: requestsPerSecond × ∫ weight(t)/100 dt.
   *
   * @default - no request rate declared, or unbounded
   */
  readonly canaryRequests?: number;
}

/**
 * Canary traffic that a load test Job (`CanaryTestTraffic.loadTest()`) sends through its header route.
 */
export interface PlanLoad {
  /** Requests per second the Job sends while answers come in time. */
  readonly requestsPerSecond: number;
  /** How long it sends them. */
  readonly duration: Duration;
  /** The header route the requests take to the canary. */
  readonly route: string;
}

/**
 * One metric of an analysis run, with its timing and what it does against a bad canary.
 */
export interface PlanMetric {
  /** Metric name. */
  readonly name: string;
  /** The AnalysisTemplate or ClusterAnalysisTemplate it comes from. */
  readonly template: string;
  /** Provider kind (`prometheus`, `job`, `web`, ...). */
  readonly provider: string;
  /** Delay before the first measurement (`initialDelay`). */
  readonly initialDelay: Duration;
  /**
   * Time between measurements.
   *
   * @default - a single measurement
   */
  readonly interval?: Duration;
  /**
   * Number of measurements.
   *
   * @default - measures until the run is terminated (interval without count)
   */
  readonly count?: number;
  /** Failed measurements tolerated (`failureLimit`, default 0; -1 = never fails). */
  readonly failureLimit: number;
  /** Inconclusive measurements tolerated before the release pauses (`inconclusiveLimit`, default 0). */
  readonly inconclusiveLimit: number;
  /** Consecutive errored measurements tolerated (`consecutiveErrorLimit`, default 4). */
  readonly consecutiveErrorLimit: number;
  /**
   * Longest PromQL range window in the query (`[5m]`).
   *
   * @default - no range window, or not a Prometheus metric
   */
  readonly queryWindow?: Duration;
  /** True when the metric is a dry run (measured, never fails the run). */
  readonly dryRun: boolean;
  /**
   * After the run starts, when the metric takes its last measurement and completes.
   *
   * @default - never: it measures until the run is terminated
   */
  readonly completesAfter?: Duration;
  /** What the metric does against a canary that is bad from its first traffic. */
  readonly outcome: PlanMetricOutcome;
  /**
   * Exposure until the abort when every measurement of the canary fails.
   *
   * @default - the metric does not abort the release
   */
  readonly exposure?: PlanExposure;
  /**
   * Exposure until the abort when measurements fail only once the query window holds nothing but canary traffic.
   *
   * @default - no query window, or no abort in that case
   */
  readonly exposureWithFullWindow?: PlanExposure;
  /**
   * After the run starts, when the run errors (and the release aborts) if every measurement errors.
   *
   * @default - not before the release completes
   */
  readonly abortOnErrorsAfter?: Duration;
  /**
   * After the run starts, when the release pauses (not aborts) if every measurement is inconclusive.
   *
   * @default - the metric cannot be inconclusive (it lacks a success or a failure condition)
   */
  readonly pauseWhenInconclusiveAfter?: Duration;
  /**
   * The canary traffic the metric generates (a load test Job).
   *
   * @default - none
   */
  readonly load?: PlanLoad;
  /** Remarks on the metric, in words. */
  readonly notes: string[];
}

/**
 * One analysis run of the release (the background analysis, or one analysis step).
 */
export interface PlanAnalysis {
  /** Background or step analysis. */
  readonly kind: PlanAnalysisKind;
  /** The step it starts at (`startingStep` for the background analysis). */
  readonly stepIndex: number;
  /** Names of the templates it references. */
  readonly templates: string[];
  /** Minimum time from the start of the update to the start of the run; unbounded steps before it count as 0. */
  readonly startsAfter: Duration;
  /** The metrics of all its templates. */
  readonly metrics: PlanMetric[];
  /** True when at least one metric aborts a bad canary before the release completes. */
  readonly canAbort: boolean;
  /**
   * The metric that aborts last among those that abort: the worst case for a canary that only this metric detects.
   *
   * @default - no metric aborts
   */
  readonly worstCaseMetric?: string;
  /**
   * Exposure until that worst-case abort.
   *
   * @default - no metric aborts
   */
  readonly worstCase?: PlanExposure;
}

/**
 * What a change to the routes of the Rollout's VirtualServices, applied from git (by Argo CD) while the canary is at
 * one step, does to that canary. Istio's route lists have no merge keys, so the apply writes git's whole `spec.http`.
 */
export interface PlanTrafficEdit {
  /** The step the canary is at. */
  readonly stepIndex: number;
  /** The apply resets the canary weights to those in git; the Argo Rollouts controller sets them back at once. */
  readonly weightsReset: boolean;
  /** Header and mirror routes the apply removes and the controller does not add back during this canary. */
  readonly managedRoutesLost: string[];
  /** Header and mirror routes the apply removes and the controller adds back at once (their step is the current one). */
  readonly managedRoutesReset: string[];
}

/**
 * What going back to an earlier version does: the Rollout's rollback window within its revision history.
 */
export interface PlanRollback {
  /**
   * `spec.rollbackWindow.revisions`: going back to one of that many previous revisions skips the steps and analysis.
   *
   * @default - no rollback window: going back to an already promoted version runs the whole release
   */
  readonly rollbackWindow?: number;
  /** `spec.revisionHistoryLimit` (the controller's default, 10, when unset): how many old ReplicaSets are kept. */
  readonly revisionHistoryLimit: number;
  /** How many previous revisions a rollback reaches fast: the window, within the kept history (0 without a window). */
  readonly fastRollbackRevisions: number;
}

/**
 * A risky shape of the release.
 */
export interface PlanWarning {
  /** Stable code (PLAN001 ...), documented in docs/plan.md. */
  readonly code: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /**
   * The step the warning is about.
   *
   * @default - the release as a whole
   */
  readonly stepIndex?: number;
}

/**
 * The plan of a canary release, computed from synthesized manifests: the timeline of canary steps with
 * weights, pods, gates and minimum times; for each analysis, how long a bad canary serves traffic until it is
 * aborted; what a route change applied from git mid-canary does at each step; what a rollback does; and warnings for
 * risky shapes.
 *
 * It reads plain manifests (as `Chart.toJson()` returns them), so it works for Rollouts made by any
 * construct. The AnalysisTemplates and ClusterAnalysisTemplates the Rollout refers to must be in the same set.
 *
 * @example
 * const plan = RolloutPlan.fromManifests(chart.toJson(), 'checkout', { requestsPerSecond: 50 });
 * fs.writeFileSync('dist/shop.plan.md', plan.toMarkdown());
 */
export class RolloutPlan {
  /**
   * The plan of one canary Rollout.
   *
   * @param manifests the synthesized manifests (Rollout, AnalysisTemplates, ...), e.g. `chart.toJson()`
   * @param rolloutName the Rollout to plan; required when the manifests hold more than one
   * @param options request rate
   */
  public static fromManifests(manifests: any[], rolloutName?: string, options: RolloutPlanOptions = {}): RolloutPlan {
    const rollout = selectRollout(manifests, rolloutName);
    return new RolloutPlan(computePlan(manifests, rollout, options));
  }

  /**
   * The plans of every canary Rollout of the manifests, ordered by namespace and name (empty when there is none).
   *
   * @param manifests the synthesized manifests, e.g. `chart.toJson()`
   * @param options request rate (applied to every Rollout)
   */
  public static allFromManifests(manifests: any[], options: RolloutPlanOptions = {}): RolloutPlan[] {
    if (!Array.isArray(manifests)) selectRollout(manifests);
    const index = new ManifestIndex(manifests); // one index for all the Rollouts
    return canaryRollouts(manifests).map(r => new RolloutPlan(computePlan(manifests, r, options, index)));
  }

  /**
   * One Markdown document for several plans (e.g. all Rollouts of a chart): a single plan under `title`, several
   * plans each under a second-level heading.
   *
   * @param plans the plans
   * @param title the document title
   */
  public static renderMarkdown(plans: RolloutPlan[], title: string): string {
    if (plans.length === 1) return plans[0].toMarkdown(title);
    const parts = [`# ${title}\n`];
    if (plans.length === 0) parts.push('No canary Rollout in these manifests.\n');
    for (const p of plans) parts.push(renderPlan(p.model, p.defaultTitle(), 2));
    return parts.join('\n');
  }

  /** Name of the Rollout. */
  public readonly rolloutName: string;
  /**
   * Namespace of the Rollout.
   *
   * @default - none set in the manifest
   */
  public readonly namespace?: string;
  /** `spec.replicas` (default 1), or the `minReplicas` of the HorizontalPodAutoscaler that owns the replicas. */
  public readonly replicas: number;
  /** True when a HorizontalPodAutoscaler in the manifests owns the replicas; pod counts then assume its minimum. */
  public readonly autoscaled: boolean;
  /** The canary steps, in order. */
  public readonly steps: PlanStep[];
  /**
   * Minimum time from the start of the update to 100% canary traffic.
   *
   * @default - unbounded: a manual pause (or an endless analysis step) waits for a person
   */
  public readonly minimumTimeToFullPromotion?: Duration;
  /** Minimum time to 100% when every manual pause is promoted at once. */
  public readonly minimumTimeExcludingManualPauses: Duration;
  /** Number of manual pauses. */
  public readonly manualPauses: number;
  /** The background analysis (first, if any) and each analysis step. */
  public readonly analyses: PlanAnalysis[];
  /** Risky shapes of the release. */
  public readonly warnings: PlanWarning[];
  /** The ConfigMaps and Secrets the pods read, and whether a new revision covers each. */
  public readonly configs: PlanConfig[];
  /**
   * The migration from a Deployment (`workloadRef`).
   *
   * @default - the Rollout has its own pod template
   */
  public readonly migration?: PlanMigration;
  /**
   * With Istio traffic routing: what a route change applied from git does at each step of the canary (empty
   * without Istio traffic routing, or when it cannot be computed, for example because a VirtualService of the Rollout
   * is not among the manifests; the Markdown says why).
   */
  public readonly trafficEdits: PlanTrafficEdit[];
  /** What a rollback does. */
  public readonly rollback: PlanRollback;

  private readonly model: MPlan;

  private constructor(model: MPlan) {
    this.model = model;
    this.rolloutName = model.rolloutName;
    this.namespace = model.namespace;
    this.replicas = model.replicas;
    this.autoscaled = model.autoscaled;
    this.steps = model.steps.map(s => ({
      index: s.index,
      action: s.action,
      weight: s.weight,
      canaryReplicas: s.canaryReplicas,
      stableReplicas: s.stableReplicas,
      gate: s.gate as PlanGate,
      minimumTime: finite(s.seconds),
      startsAfter: duration(s.start),
      cumulativeTime: duration(s.end),
      waitsForManualPromotion: s.afterUnbounded || !Number.isFinite(s.seconds),
      backgroundAnalysisRunning: s.backgroundAnalysisRunning,
    }));
    this.minimumTimeToFullPromotion = finite(model.minimumTime);
    this.minimumTimeExcludingManualPauses = duration(model.minimumTimeExcludingUnbounded);
    this.manualPauses = model.manualPauses;
    this.analyses = model.analyses.map(a => ({
      kind: a.kind as PlanAnalysisKind,
      stepIndex: a.stepIndex,
      templates: [...a.templates],
      startsAfter: duration(a.start),
      metrics: a.metrics.map(m => ({
        name: m.name,
        template: m.template,
        provider: m.provider,
        initialDelay: duration(m.initialDelay),
        interval: m.interval === undefined ? undefined : duration(m.interval),
        count: Number.isFinite(m.count) ? m.count : undefined,
        failureLimit: m.failureLimit,
        inconclusiveLimit: m.inconclusiveLimit,
        consecutiveErrorLimit: m.consecutiveErrorLimit,
        queryWindow: m.queryWindow === undefined ? undefined : duration(m.queryWindow),
        dryRun: m.dryRun,
        completesAfter: finite(m.completesAfter),
        outcome: m.outcome as PlanMetricOutcome,
        exposure: exposure(m.failing),
        exposureWithFullWindow: exposure(m.failingFullWindow),
        abortOnErrorsAfter: m.errorsAfter === undefined ? undefined : duration(m.errorsAfter),
        pauseWhenInconclusiveAfter: m.inconclusiveAfter === undefined ? undefined : duration(m.inconclusiveAfter),
        load: m.load && { requestsPerSecond: m.load.requestsPerSecond, duration: duration(m.load.durationSeconds), route: m.load.route },
        notes: [...m.notes],
      })),
      canAbort: a.worst !== undefined,
      worstCaseMetric: a.worstMetric,
      worstCase: exposure(a.worst),
    }));
    this.warnings = model.warnings.map(w => ({ code: w.code, message: w.message, stepIndex: w.stepIndex }));
    this.configs = model.configs.map(c => ({ kind: c.kind, name: c.name, coverage: c.coverage as PlanConfigCoverage, version: c.version }));
    this.migration = model.migration && { ...model.migration };
    this.trafficEdits = (model.trafficEdit?.steps ?? []).map(e => ({
      stepIndex: e.index,
      weightsReset: e.weightsFlapped,
      managedRoutesLost: [...e.managedRoutesLost],
      managedRoutesReset: [...e.managedRoutesFlapped],
    }));
    this.rollback = {
      rollbackWindow: model.rollback.windowRevisions,
      revisionHistoryLimit: model.rollback.revisionHistoryLimit,
      fastRollbackRevisions: model.rollback.fastRevisions,
    };
  }

  /**
   * The plan as Markdown: a summary, a Mermaid chart of the canary weight over time (GitHub renders it),
   * the steps, the analyses with their time to abort and exposure, the rollback, the warnings and the assumptions.
   * Deterministic: the same manifests give the same text.
   *
   * @param title the document title; "Rollout plan: <namespace>/<name>" when not given
   */
  public toMarkdown(title?: string): string {
    return renderPlan(this.model, title ?? this.defaultTitle());
  }

  private defaultTitle(): string {
    return `Rollout plan: ${this.namespace ? `${this.namespace}/` : ''}${this.rolloutName}`;
  }
}

function duration(seconds: number): Duration {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? Duration.seconds(ms / 1000) : Duration.millis(ms);
}

function finite(seconds: number): Duration | undefined {
  return Number.isFinite(seconds) ? duration(seconds) : undefined;
}

function exposure(e: MExposure | undefined): PlanExposure | undefined {
  if (!e) return undefined;
  return {
    abortAfter: duration(e.abortAfter),
    timeToAbort: finite(e.sinceFirstTraffic),
    weightAtAbort: e.weightAtAbort,
    averageWeight: e.averageWeight,
    canaryRequests: e.canaryRequests,
  };
}
