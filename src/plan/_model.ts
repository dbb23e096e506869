// The model of a rollout plan: what the plan engine computes from the manifests, and what rollout-plan.ts (the public,
// jsii-friendly view) and _markdown.ts read. All times are seconds; Infinity means "unbounded" (a manual pause or an
// analysis that never ends). Not exported from the package.

/** Argo Rollouts retries an errored measurement after this many seconds (DefaultErrorRetryInterval). */
export const ERROR_RETRY_SECONDS = 10;
/** Default consecutiveErrorLimit (DefaultConsecutiveErrorLimit). */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
/** Default scaleDownDelaySeconds with traffic routing. */
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;

export type GateKind = 'none' | 'timed-pause' | 'manual-pause' | 'analysis' | 'experiment';
export type Outcome = 'aborts' | 'completes-first' | 'promoted-first' | 'cannot-fail';

export interface ModelOptions {
  readonly requestsPerSecond?: number;
  /** With Istio traffic routing: what a route edit applied from git mid-canary does, step by step. */
  readonly trafficEdit?: MTrafficEdit;
}

/** One canary step as read from the Rollout: what it does and what is in force after it. */
export interface MStepRead {
  readonly index: number;
  /** What the step does, in words ("set weight 10%, pause 5m"). */
  readonly action: string;
  /** Traffic weight in force after the step. */
  readonly weight: number;
  readonly canaryReplicas: number;
  readonly stableReplicas: number;
  readonly gate: GateKind;
  /** Minimum time spent in the step; Infinity when it waits for a person (or never ends). */
  readonly seconds: number;
}

/** One canary step of the plan: the step as read, placed on the timeline. */
export interface MStep extends MStepRead {
  /** Start and end on the minimum timeline, on which unbounded steps count as 0. */
  readonly start: number;
  readonly end: number;
  /** An unbounded step (manual pause) comes before this one. */
  readonly afterUnbounded: boolean;
  readonly backgroundAnalysisRunning: boolean;
}

export interface MExposure {
  /** From the start of the analysis run to the abort. */
  readonly abortAfter: number;
  /** From the first canary traffic to the abort (Infinity when a manual pause lies in between). */
  readonly sinceFirstTraffic: number;
  readonly weightAtAbort: number;
  readonly averageWeight?: number;
  readonly canaryRequests?: number;
}

export interface MMetric {
  readonly name: string;
  readonly template: string;
  readonly provider: string;
  readonly initialDelay: number;
  readonly interval?: number;
  /** Effective count; Infinity = until the run is terminated. */
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
  readonly consecutiveSuccessLimit: number;
  readonly queryWindow?: number;
  readonly dryRun: boolean;
  readonly canBeInconclusive: boolean;
  /** After the run starts, when the last measurement is taken (Infinity: runs until terminated). */
  readonly completesAfter: number;
  /** How long one measurement runs (a Job's run time when it is known; 0 for queries and Jobs of unknown run time). */
  readonly measurementSeconds: number;
  /** The metric looks at canary traffic (a query over request metrics), as opposed to running a check of its own. */
  readonly needsCanaryTraffic: boolean;
  /** Canary traffic the metric generates itself (a load test Job), from `start` after the run starts. */
  readonly load?: MLoad;
  readonly outcome: Outcome;
  /** The (failureLimit+1)-th failing measurement, even when it would come too late; undefined if it cannot happen. */
  readonly firstPossibleFailure?: number;
  readonly failing?: MExposure;
  readonly failingFullWindow?: MExposure;
  readonly errorsAfter?: number;
  readonly inconclusiveAfter?: number;
  readonly notes: string[];
}

export interface MLoad {
  readonly requestsPerSecond: number;
  readonly durationSeconds: number;
  readonly route: string;
  /** After the run starts. */
  readonly start: number;
}

export interface MAnalysis {
  readonly kind: 'background' | 'step';
  readonly stepIndex: number;
  readonly templates: string[];
  readonly start: number;
  readonly afterUnbounded: boolean;
  readonly metrics: MMetric[];
  readonly worstMetric?: string;
  readonly worst?: MExposure;
}

export interface MWarning {
  readonly code: string;
  readonly message: string;
  readonly stepIndex?: number;
}

/** How a revision covers a ConfigMap or Secret the pods read. */
export type ConfigCoverage = 'content-hash' | 'version' | 'none';

/** A ConfigMap or Secret the pods of the Rollout read. */
export interface MConfig {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly coverage: ConfigCoverage;
  /** The Secret version the pod template carries (coverage 'version'). */
  readonly version?: string;
  /** Whether the object is among the manifests. */
  readonly inManifests: boolean;
}

/** The Deployment a Rollout takes its pod template from (`workloadRef`), and the capacity while it is drained. */
export interface MMigration {
  readonly deployment: string;
  /** `workloadRef.scaleDown` ('never' when unset). */
  readonly scaleDown: string;
  /** The Deployment's replicas in the manifests (the API server's default 1 when unset). */
  readonly deploymentReplicas: number;
  /** The migration is finished: the Deployment has 0 replicas in the manifests. */
  readonly drained: boolean;
  /** The most pods of the Deployment and the Rollout together during the migration. */
  readonly peakPods: number;
}

/** What a route edit applied from git at one step does to the canary (see private/argocd/traffic-edit.ts). */
export interface MTrafficEditStep {
  readonly index: number;
  readonly weightsFlapped: boolean;
  readonly managedRoutesLost: string[];
  readonly managedRoutesFlapped: string[];
}

/** Route edits during the canary: per step, or why that cannot be computed. */
export interface MTrafficEdit {
  /** The VirtualServices of the Rollout, as `namespace/name`. */
  readonly virtualServices: string[];
  readonly steps?: MTrafficEditStep[];
  readonly reason?: string;
}

/** What a rollback does: the Rollout's rollbackWindow and revision history. */
export interface MRollback {
  /** `spec.rollbackWindow.revisions`; undefined when not set (or not a positive integer). */
  readonly windowRevisions?: number;
  /** `spec.revisionHistoryLimit`, or the controller's default. */
  readonly revisionHistoryLimit: number;
  /** How many previous revisions a rollback reaches fast: the window, within the kept history (0 without a window). */
  readonly fastRevisions: number;
}

export interface MPlan {
  readonly rolloutName: string;
  readonly namespace?: string;
  readonly replicas: number;
  /** An autoscaler owns the replicas; `replicas` is its minimum. */
  readonly autoscaled: boolean;
  readonly trafficRouting?: string;
  readonly dynamicStableScale: boolean;
  readonly scaleDownDelaySeconds?: number;
  readonly steps: MStep[];
  readonly analyses: MAnalysis[];
  readonly warnings: MWarning[];
  /** Infinity when a manual pause (or an endless analysis step) makes it unbounded. */
  readonly minimumTime: number;
  readonly minimumTimeExcludingUnbounded: number;
  readonly manualPauses: number;
  readonly requestsPerSecond?: number;
  /** The ConfigMaps and Secrets the pods read, by kind and name. */
  readonly configs: MConfig[];
  readonly migration?: MMigration;
  /** With Istio traffic routing: what a route edit applied from git mid-canary does, step by step. */
  readonly trafficEdit?: MTrafficEdit;
  readonly rollback: MRollback;
}
