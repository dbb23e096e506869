// The rollout plan of one canary Rollout, computed from plain manifests (ApiObject.toJson() output): the steps
// (_steps.ts), their timeline (_timeline.ts), the analysis runs on it (_analysis-run.ts) and the warnings
// (_warnings.ts). The public, jsii-friendly view is built from this model in rollout-plan.ts. Not exported from the package.
import { analyseRun, metricParams } from './_analysis-run';
import { ManifestIndex, ResolvedAnalysis, resolveAnalysis } from './_manifests';
import { DEFAULT_SCALE_DOWN_DELAY_SECONDS, MAnalysis, ModelOptions, MPlan, MRollback, MStep, MStepRead, MTrafficEdit } from './_model';
import { PodSettings, readSteps, StepDraft } from './_steps';
import { StepTimes, stepTimes } from './_timeline';
import { Background, backgroundRunningAt, planWarnings } from './_warnings';
import { podTemplateOf, readConfigs, readMigration } from './_workload';
import { DEFAULT_REVISION_HISTORY_LIMIT } from '../private/argo';
import { trafficEditCosts } from '../private/argocd/traffic-edit';

/** The model's fields of a step draft (the draft's own, such as its resolved analysis, stay out of the model). */
function stepRead(d: StepDraft): MStepRead {
  const { index, action, weight, canaryReplicas, stableReplicas, gate, seconds } = d;
  return { index, action, weight, canaryReplicas, stableReplicas, gate, seconds };
}

/** The traffic routers of `trafficRouting`, by key. */
const ROUTER_NAMES: { [key: string]: string } = {
  istio: 'Istio',
  smi: 'SMI',
  nginx: 'NGINX',
  alb: 'AWS ALB',
  ambassador: 'Ambassador',
  appMesh: 'AWS App Mesh',
  traefik: 'Traefik',
  apisix: 'Apache APISIX',
  plugins: 'plugins',
};

/** Computes the plan of one canary Rollout against the manifests it was synthesized with. */
export function computePlan(manifests: any[], rollout: any, options: ModelOptions = {}, index = new ManifestIndex(manifests)): MPlan {
  const rps = options.requestsPerSecond;
  if (rps !== undefined && (typeof rps !== 'number' || !Number.isFinite(rps) || rps < 0)) {
    throw new Error(`'requestsPerSecond' (${rps}) must be a finite number of requests per second, 0 or more: `
      + 'declare the request rate the service receives, or leave it out');
  }
  const name: string = rollout?.metadata?.name ?? '';
  const namespace: string | undefined = rollout?.metadata?.namespace;
  const owner = `Rollout "${name}"`;
  const canary = rollout?.spec?.strategy?.canary;
  if (!canary) {
    throw new Error(`'spec.strategy.canary' of ${owner} is not set: the rollout plan covers canary releases only, `
      + 'so plan a Rollout with a canary strategy');
  }
  const pods = podSettings(rollout, index);
  const resolve = (block: any) => resolveAnalysis(index, namespace, block);
  const steps = readSteps(canary.steps ?? [], { owner, pods, resolve });
  const times = stepTimes(steps);
  const background = readBackground(canary.analysis, steps.length, resolve);
  const analyses = analysisRuns(steps, background, times, rps);
  const configs = readConfigs(rollout, podTemplateOf(rollout, index), index);
  const migration = readMigration(rollout, index, pods.replicas);
  const n = steps.length;
  return {
    rolloutName: name,
    namespace,
    replicas: pods.replicas,
    autoscaled: pods.autoscaled,
    trafficRouting: pods.routed ? routerNames(canary.trafficRouting) || 'traffic routing' : undefined,
    dynamicStableScale: pods.dynamicStableScale,
    scaleDownDelaySeconds: canary.scaleDownDelaySeconds ?? (pods.routed && !pods.dynamicStableScale ? DEFAULT_SCALE_DOWN_DELAY_SECONDS : undefined),
    steps: planSteps(steps, times, background),
    analyses,
    warnings: planWarnings({ owner, routed: pods.routed, replicas: rollout.spec.replicas, steps, times, background, analyses, configs, migration }),
    trafficEdit: canary.trafficRouting?.istio ? trafficEdit(rollout, manifests) : undefined,
    minimumTime: times.unboundedBefore[n] ? Infinity : times.starts[n],
    minimumTimeExcludingUnbounded: times.starts[n],
    manualPauses: steps.filter(d => d.gate === 'manual-pause').length,
    requestsPerSecond: rps,
    configs,
    migration,
    rollback: rollbackOf(rollout.spec),
  };
}

/** What a route edit applied from git at each step does to the canary (the Argo CD sync and controller model). */
function trafficEdit(rollout: any, manifests: any[]): MTrafficEdit {
  const istio = rollout.spec.strategy.canary.trafficRouting.istio;
  const refs: any[] = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
  const namespace: string | undefined = rollout.metadata?.namespace;
  // "name.namespace" points into another namespace, as the controller reads it
  const virtualServices = refs.map(ref => String(ref?.name ?? '')).map(n => {
    const dot = n.indexOf('.');
    if (dot > 0) return `${n.slice(dot + 1)}/${n.slice(0, dot)}`;
    return namespace ? `${namespace}/${n}` : n;
  });
  const r = trafficEditCosts(rollout, manifests);
  return {
    virtualServices,
    steps: r.costs?.map(c => ({
      index: c.step,
      weightsFlapped: c.weightsFlapped,
      managedRoutesLost: c.managedRoutesLost,
      managedRoutesFlapped: c.managedRoutesFlapped,
    })),
    reason: r.reason,
  };
}

/**
 * The rollback window within the revision history: a rollback is fast only to a ReplicaSet that still exists
 * (argo-rollouts rollout/sync.go isRollbackWithinWindow, reconcileRevisionHistoryLimit).
 */
function rollbackOf(spec: any): MRollback {
  const revisions = spec.rollbackWindow?.revisions;
  const windowRevisions = Number.isInteger(revisions) && revisions > 0 ? revisions : undefined;
  const limit = spec.revisionHistoryLimit;
  const revisionHistoryLimit = Number.isInteger(limit) && limit >= 0 ? limit : DEFAULT_REVISION_HISTORY_LIMIT;
  return { windowRevisions, revisionHistoryLimit, fastRevisions: Math.min(windowRevisions ?? 0, revisionHistoryLimit) };
}

/** The HorizontalPodAutoscaler that targets the Rollout, if any. */
function autoscalerOf(rollout: any, index: ManifestIndex): any {
  const name = rollout.metadata?.name ?? '';
  const namespace = rollout.metadata?.namespace;
  return index.autoscaler(m => m.spec?.scaleTargetRef?.kind === 'Rollout' && m.spec?.scaleTargetRef?.name === name && m.metadata?.namespace === namespace);
}

/**
 * What the pod counts depend on. An autoscaler owns the replicas when `spec.replicas` is unset and one targets the
 * Rollout: the plan assumes its minimum.
 */
function podSettings(rollout: any, index: ManifestIndex): PodSettings & { readonly autoscaled: boolean } {
  const canary = rollout.spec.strategy.canary;
  const routed = !!canary.trafficRouting;
  const hpa = rollout.spec.replicas === undefined ? autoscalerOf(rollout, index) : undefined;
  return {
    replicas: rollout.spec.replicas ?? hpa?.spec?.minReplicas ?? 1,
    routed,
    dynamicStableScale: routed && !!canary.dynamicStableScale,
    minPodsPerReplicaSet: routed ? canary.minPodsPerReplicaSet : undefined,
    autoscaled: hpa !== undefined,
  };
}

/** The background analysis block; it runs from its starting step, unless that is beyond the last step. */
function readBackground(block: any, n: number, resolve: (block: any) => ResolvedAnalysis): Background | undefined {
  if (!block) return undefined;
  const startingStep: number = block.startingStep ?? 0;
  const resolved = resolve(block);
  const params = resolved.metrics.map(metricParams);
  const end = params.filter(m => !m.raw.dryRun).reduce((max, m) => Math.max(max, m.completesAfter), 0);
  const starts = n === 0 || startingStep < n;
  return { startingStep, resolved, params, run: starts ? { start: Math.min(startingStep, n), end } : undefined };
}

/** The analysis runs on the timeline: the background one (when it starts), then each analysis step. */
function analysisRuns(steps: StepDraft[], background: Background | undefined, times: StepTimes, rps: number | undefined): MAnalysis[] {
  const runs: MAnalysis[] = [];
  if (background?.run) {
    runs.push(analyseRun({ kind: 'background', start: background.run.start, resolved: background.resolved, params: background.params }, times, rps));
  }
  for (const d of steps) {
    if (d.analysis) runs.push(analyseRun({ kind: 'step', start: d.index, resolved: d.analysis.resolved, params: d.analysis.params }, times, rps));
  }
  return runs;
}

/** The steps of the model: each draft placed on the timeline. */
function planSteps(steps: StepDraft[], times: StepTimes, background: Background | undefined): MStep[] {
  return steps.map(d => ({
    ...stepRead(d),
    start: times.starts[d.index],
    end: times.starts[d.index + 1],
    afterUnbounded: times.unboundedBefore[d.index],
    backgroundAnalysisRunning: backgroundRunningAt({ background, times }, d.index),
  }));
}

/** The traffic routers of `trafficRouting`, by name, sorted by key: "Istio", "NGINX, SMI", ... (empty when none). */
function routerNames(trafficRouting: any): string {
  return Object.keys(trafficRouting)
    .filter(k => k !== 'managedRoutes' && k !== 'maxTrafficWeight')
    .sort()
    .map(k => ROUTER_NAMES[k] ?? k)
    .join(', ');
}
