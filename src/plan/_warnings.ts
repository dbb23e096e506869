// The warnings of a rollout plan: one function per code (PLAN001-PLAN014 here, PLAN023-PLAN026 in _workload.ts; docs/plan.md), each a pure function of the
// plan's facts. The plan sorts and deduplicates what they return, so their order does not matter.
// Not exported from the package.
import { MetricParams } from './_analysis-run';
import { ResolvedAnalysis } from './_manifests';
import { MAnalysis, MConfig, MMigration, MWarning } from './_model';
import { StepDraft } from './_steps';
import { StepTimes } from './_timeline';
import { migrationWarnings, uncoveredConfigs } from './_workload';
import { compareCodeUnits, formatSeconds } from '../private/format';

/** The background analysis of a Rollout. */
export interface Background {
  readonly startingStep: number;
  readonly resolved: ResolvedAnalysis;
  readonly params: MetricParams[];
  /**
   * The step the run starts at, and when every metric that can fail has taken its last measurement (from the start).
   * @default - the run never starts (startingStep beyond the last step)
   */
  readonly run?: { readonly start: number; readonly end: number };
}

/** What the warnings are computed from. */
export interface PlanFacts {
  /** The Rollout, for messages: `Rollout "shop"`. */
  readonly owner: string;
  readonly routed: boolean;
  /** The Rollout's `spec.replicas` when set (not an autoscaler's). */
  readonly replicas?: number;
  readonly steps: StepDraft[];
  readonly times: StepTimes;
  readonly background?: Background;
  /** The analysis runs on the timeline: the background one (when it starts), then each analysis step. */
  readonly analyses: MAnalysis[];
  /** The ConfigMaps and Secrets the pods read. */
  readonly configs: MConfig[];
  readonly migration?: MMigration;
}

/** Every warning of a plan, ordered by step (plan-wide ones first), code and message, each once. */
export function planWarnings(facts: PlanFacts): MWarning[] {
  const warnings = [
    ...ungatedIncreases(facts),
    ...shortPauses(facts),
    ...facts.analyses.flatMap(a => lateAborts(facts, a)),
    ...manualPausesInAutomaticRelease(facts),
    ...facts.analyses.flatMap(a => countsRunOutFirst(a)),
    ...facts.analyses.flatMap(a => backgroundCompletesEarly(facts, a)),
    ...missingTemplates(facts),
    ...endlessStepAnalyses(facts),
    ...noTrafficRouting(facts),
    ...opaqueSteps(facts),
    ...backgroundNeverStarts(facts),
    ...routesWithoutCanaryPods(facts),
    ...facts.analyses.flatMap(a => measurementsBeforeTraffic(facts, a)),
    ...uncoveredConfigs(facts.configs),
    ...migrationWarnings(facts.migration),
    ...scaledToZero(facts),
  ];
  const seen = new Set<string>();
  return warnings
    .sort((x, y) => (x.stepIndex ?? -1) - (y.stepIndex ?? -1) || compareCodeUnits(x.code, y.code) || compareCodeUnits(x.message, y.message))
    .filter(w => {
      const key = `${w.code}|${w.stepIndex}|${w.message}`;
      return !seen.has(key) && !!seen.add(key);
    });
}

/** Whether the background analysis is running during step `i` (it has started and not yet taken its last measurement). */
export function backgroundRunningAt(facts: Pick<PlanFacts, 'background' | 'times'>, i: number): boolean {
  const run = facts.background?.run;
  const starts = facts.times.starts;
  return !!run && i >= run.start && starts[i] - starts[run.start] < run.end;
}

function analysisLabel(a: MAnalysis): string {
  return a.kind === 'background' ? 'the background analysis' : `the analysis of step ${a.stepIndex}`;
}

/** PLAN001: a weight increase with no gate (pause or analysis) since the previous increase. */
function ungatedIncreases(facts: PlanFacts): MWarning[] {
  const { steps, times: { timeline } } = facts;
  const n = steps.length;
  const increases = timeline.increases;
  const warnings: MWarning[] = [];
  for (let k = 1; k < increases.length; k++) {
    const prev = increases[k - 1];
    const j = increases[k];
    const gated = steps.slice(prev + 1, j).some(d => d.gate === 'manual-pause' || d.gate === 'analysis' || d.seconds > 0);
    if (gated) continue;
    const from = timeline.weight(prev);
    const target = j < n ? `step ${j}` : 'the end of the steps (full promotion)';
    const bgNote = backgroundRunningAt(facts, Math.min(j, n - 1))
      ? ' The background analysis keeps running, but it does not hold the weight: the weight rises as soon as the canary pods are '
        + `ready, before a measurement at ${from}% is taken.`
      : '';
    warnings.push({
      code: 'PLAN001',
      stepIndex: j < n ? j : undefined,
      message: `${target}: the weight rises from ${from}% (step ${prev}) to ${timeline.weight(j)}% with no pause or analysis step in between.${bgNote} `
        + `Add a pause or an analysis step after step ${prev}`,
    });
  }
  return warnings;
}

/** PLAN002: a timed pause shorter than the interval of a background metric that is still measuring. */
function shortPauses(facts: PlanFacts): MWarning[] {
  const bg = facts.background;
  if (!bg?.run) return [];
  const { start } = bg.run;
  const starts = facts.times.starts;
  return facts.steps
    .filter(d => d.gate === 'timed-pause' && d.seconds > 0 && d.index >= start)
    .flatMap(d => bg.params
      .filter(m => !m.raw.dryRun && m.interval !== undefined && m.completesAfter > starts[d.index] - starts[start] && d.seconds < m.interval)
      .map(m => ({
        code: 'PLAN002',
        stepIndex: d.index,
        message: `step ${d.index}: the timed pause (${formatSeconds(d.seconds)}) is shorter than the interval (${formatSeconds(m.interval!)}) `
          + `of metric "${m.name}" of the background analysis: the release can move on before that metric measures the canary at `
          + `${d.weight}%; make the pause at least ${formatSeconds(m.interval!)} long or shorten the interval`,
      })));
}

/** PLAN003: a background metric that cannot abort a bad canary before the next weight increase. */
function lateAborts(facts: PlanFacts, a: MAnalysis): MWarning[] {
  if (a.kind !== 'background') return [];
  const { timeline } = facts.times;
  const n = facts.steps.length;
  const after = Math.max(0, timeline.offset(a.stepIndex, timeline.firstTraffic));
  const warnings: MWarning[] = [];
  for (const m of a.metrics) {
    if (m.outcome !== 'aborts' && m.outcome !== 'promoted-first') continue;
    const next = timeline.increases.find(i => timeline.offset(a.stepIndex, i) > after);
    if (next === undefined) continue;
    const nextRel = timeline.offset(a.stepIndex, next);
    const failAt = m.firstPossibleFailure;
    if ((failAt !== undefined && failAt < nextRel) || !Number.isFinite(nextRel)) continue;
    const nextWhat = next < n
      ? `the weight rises to ${timeline.weight(next)}% at step ${next}, ${formatSeconds(nextRel)} after the analysis starts`
      : `the release reaches 100% ${formatSeconds(nextRel)} after the analysis starts`;
    const failWhat = failAt === undefined
      ? 'it cannot fail before then'
      : `it aborts a canary that fails every measurement at the earliest ${formatSeconds(failAt)} after it starts`;
    warnings.push({
      code: 'PLAN003',
      message: `metric "${m.name}" of ${analysisLabel(a)} cannot stop a bad canary before the next weight increase: ${failWhat}, but ${nextWhat}. `
        + 'Lengthen the pause before that step, or lower initialDelay, interval or failureLimit',
    });
  }
  return warnings;
}

/** PLAN004: a manual pause in a release that otherwise proceeds on its own. */
function manualPausesInAutomaticRelease(facts: PlanFacts): MWarning[] {
  const manual = facts.steps.filter(d => d.gate === 'manual-pause');
  const automaticGates = (facts.background?.run ? 1 : 0)
    + facts.steps.filter(d => d.gate === 'analysis' || ((d.gate === 'timed-pause' || d.gate === 'experiment') && d.seconds > 0)).length;
  if (manual.length === 0 || automaticGates === 0) return [];
  return manual.map(d => ({
    code: 'PLAN004',
    stepIndex: d.index,
    message: `step ${d.index}: a manual pause (pause without duration) in an otherwise automatic release: the canary stays at `
      + `${d.weight}% until someone runs "kubectl argo rollouts promote"; give the pause a duration if the release should proceed on its own`,
  }));
}

/** PLAN005: a metric whose count runs out before it can fail a bad canary. */
function countsRunOutFirst(a: MAnalysis): MWarning[] {
  return a.metrics.filter(m => m.outcome === 'completes-first').map(m => ({
    code: 'PLAN005',
    stepIndex: a.kind === 'step' ? a.stepIndex : undefined,
    message: `metric "${m.name}" of ${analysisLabel(a)} cannot fail a canary that fails every measurement: it takes `
      + `${Number.isFinite(m.count) ? m.count : 'unlimited'} measurement(s) and fails only at the ${ordinal(m.failureLimit + 1)} failed one `
      + `after the canary gets traffic (failureLimit ${m.failureLimit}), so it completes as successful; raise count or lower failureLimit`,
  }));
}

/** PLAN006: the background analysis completes before the release reaches 100%, so later increases are not analysed. */
function backgroundCompletesEarly(facts: PlanFacts, a: MAnalysis): MWarning[] {
  const run = facts.background?.run;
  if (a.kind !== 'background' || !run) return [];
  const { timeline } = facts.times;
  const n = facts.steps.length;
  const promoRel = timeline.offset(a.stepIndex, n);
  if (!a.metrics.some(m => !m.dryRun) || run.end >= promoRel) return [];
  const increasesAfter = timeline.increases.filter(i => timeline.offset(a.stepIndex, i) > run.end);
  if (increasesAfter.length === 0) return [];
  return [{
    code: 'PLAN006',
    message: `the background analysis completes ${formatSeconds(run.end)} after it starts (every metric reaches its count), `
      + `but the release reaches 100% only ${Number.isFinite(promoRel) ? `${formatSeconds(promoRel)} after it starts` : 'after a manual promotion'}: `
      + `the weight increase${increasesAfter.length === 1 ? '' : 's'} at `
      + `${increasesAfter.map(i => (i < n ? `step ${i}` : 'full promotion')).join(', ')} ${increasesAfter.length === 1 ? 'is' : 'are'} `
      + 'not analysed; leave count unset so that the analysis runs until promotion, or raise it',
  }];
}

/** PLAN007: an analysis refers to a template that is not among the manifests. */
function missingTemplates(facts: PlanFacts): MWarning[] {
  const blocks: Array<{ where: string; stepIndex?: number; resolved: ResolvedAnalysis }> = [
    ...(facts.background ? [{ where: 'the background analysis', resolved: facts.background.resolved }] : []),
    ...facts.steps.filter(d => d.analysis).map(d => ({ where: `step ${d.index} (analysis)`, stepIndex: d.index, resolved: d.analysis!.resolved })),
  ];
  return blocks.flatMap(b => b.resolved.missing.map(t => ({
    code: 'PLAN007',
    stepIndex: b.stepIndex,
    message: `${b.where} refers to ${t.kind} "${t.name}", which is not among the synthesized manifests: `
      + 'its metrics are left out of the plan; add the template to the same chart so that the plan can include it',
  })));
}

/** PLAN008: a step analysis with a metric that never completes, so the step never ends. */
function endlessStepAnalyses(facts: PlanFacts): MWarning[] {
  return facts.steps.flatMap(d => (d.analysis?.params ?? []).filter(m => !Number.isFinite(m.completesAfter)).map(m => ({
    code: 'PLAN008',
    stepIndex: d.index,
    message: `step ${d.index}: metric "${m.name}" (${m.raw.owner}) has an 'interval' but no 'count', so it never completes and the analysis `
      + 'step never ends (Argo Rollouts requires every metric of a step analysis to terminate); set a count',
  })));
}

/** PLAN009: no traffic routing, so the weights are shares of pods. */
function noTrafficRouting(facts: PlanFacts): MWarning[] {
  if (facts.routed) return [];
  return [{
    code: 'PLAN009',
    message: `${facts.owner} has no 'trafficRouting': without a mesh the canary's share of traffic is its share of pods, `
      + 'so the weights below are approximations (Argo Rollouts rounds pod counts); route traffic with Istio for exact weights',
  }];
}

/** PLAN010: steps the plan cannot time (an experiment without duration, a plugin step). */
function opaqueSteps(facts: PlanFacts): MWarning[] {
  return facts.steps.flatMap(d => [
    ...(d.experimentWithoutDuration ? [{
      code: 'PLAN010',
      stepIndex: d.index,
      message: `step ${d.index}: an experiment without 'duration' runs until its analyses end, which the plan does not model: `
        + 'it counts 0s for this step; give the experiment a duration for a complete plan',
    }] : []),
    ...(d.plugin !== undefined ? [{
      code: 'PLAN010',
      stepIndex: d.index,
      message: `step ${d.index}: plugin step "${d.plugin}" is opaque to the plan, which counts 0s for it`,
    }] : []),
  ]);
}

/** PLAN011: the background analysis starts after the last step, so it never runs. */
function backgroundNeverStarts(facts: PlanFacts): MWarning[] {
  const bg = facts.background;
  const n = facts.steps.length;
  if (!bg || bg.run) return [];
  return [{
    code: 'PLAN011',
    message: `the background analysis has 'startingStep' ${bg.startingStep}, but the Rollout has only ${n} steps (0 to ${n - 1}): `
      + 'it never starts; lower startingStep',
  }];
}

/** PLAN012: a managed route sends requests to a canary that has no pods (once per route, at the first such step). */
function routesWithoutCanaryPods(facts: PlanFacts): MWarning[] {
  const warned = new Set<string>();
  const warnings: MWarning[] = [];
  for (const d of facts.steps) {
    if (d.canaryReplicas > 0) continue;
    for (const [routeName, kind] of d.routes) {
      if (warned.has(routeName)) continue;
      warned.add(routeName);
      warnings.push({
        code: 'PLAN012',
        stepIndex: d.index,
        message: `step ${d.index}: ${kind} route "${routeName}" sends requests to the canary, but the canary has 0 pods here (weight ${d.weight}% `
          + `and no setCanaryScale in force): ${kind === 'header'
            ? 'requests that match the route fail (503, no healthy upstream)'
            : 'the mirrored copies reach no canary pod, so nothing is tested'}; scale the canary up before this step `
          + '(setCanaryScale with replicas or weight)',
      });
    }
  }
  return warnings;
}

/** PLAN013: an analysis measures before the canary has any traffic. */
function measurementsBeforeTraffic(facts: PlanFacts, a: MAnalysis): MWarning[] {
  const { timeline } = facts.times;
  const n = facts.steps.length;
  const first = timeline.firstTraffic;
  const trafficRel = timeline.offset(a.stepIndex, first);
  const early = a.metrics.filter(m => !m.dryRun && m.needsCanaryTraffic && m.initialDelay < trafficRel);
  if (early.length === 0) return [];
  const when = Number.isFinite(trafficRel)
    ? `${formatSeconds(trafficRel)} later, at ${first < n ? `step ${first}` : 'full promotion'}`
    : 'only after a manual promotion';
  const fix = a.kind === 'background' && first < n
    ? `set startingStep to ${first}, or delay the first measurement (initialDelay) by ${formatSeconds(trafficRel)} or more`
    : 'run the analysis once the canary has traffic';
  return [{
    code: 'PLAN013',
    stepIndex: a.kind === 'step' ? a.stepIndex : undefined,
    message: `${analysisLabel(a)} starts at step ${a.stepIndex}, but the canary gets traffic ${when}: `
      + `${early.map(m => `"${m.name}"`).join(', ')} measure${early.length === 1 ? 's' : ''} before then and find no canary data, `
      + 'which is inconclusive (the release pauses), an error (the run aborts after consecutiveErrorLimit + 1 in a row) or a pass, '
      + `depending on the conditions; ${fix}`,
  }];
}

function ordinal(k: number): string {
  const s = k % 100 >= 11 && k % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as { [n: number]: string })[k % 10] ?? 'th';
  return `${k}${s}`;
}

/** PLAN014: the Rollout is scaled to 0 replicas, so a release runs no canary. */
function scaledToZero(facts: PlanFacts): MWarning[] {
  if (facts.replicas !== 0) return [];
  return [{
    code: 'PLAN014',
    message: `${facts.owner} has 'replicas: 0': no pod runs, stable or canary, so a release runs no canary. The controller still goes through `
      + 'the steps: the weights move to a canary without pods, analyses find no canary data, and the new version becomes stable untested; '
      + 'scale the Rollout up before releasing a new version, or release while it is scaled down knowing that nothing is measured',
  }];
}
