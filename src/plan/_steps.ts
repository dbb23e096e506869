// The canary steps of a Rollout, read one after the other: what each step does, the traffic weight and pods in force
// after it, what holds it (its gate) and its minimum time. Each step is read from the state the steps before it
// left (weight, canary scale, managed routes). Not exported from the package.
import { metricParams, MetricParams } from './_analysis-run';
import { ResolvedAnalysis } from './_manifests';
import { GateKind, MStepRead } from './_model';
import { argoPauseSeconds } from '../private/argo';
import { formatSeconds } from '../private/format';
import { assertIntInRange } from '../private/validate';

/** The kind of a managed route a step adds. */
export type RouteKind = 'header' | 'mirror';

/** One step, read, with what the plan engine needs of it besides the model's fields. */
export interface StepDraft extends MStepRead {
  /** The analysis of an analysis step. */
  readonly analysis?: { readonly resolved: ResolvedAnalysis; readonly params: MetricParams[] };
  /** The managed routes in force after the step, by name (sorted). */
  readonly routes: ReadonlyArray<readonly [string, RouteKind]>;
  /** An experiment step without a duration (the plan counts 0s for it). */
  readonly experimentWithoutDuration: boolean;
  /**
   * The name of a plugin step (opaque to the plan).
   * @default - not a plugin step
   */
  readonly plugin?: string;
}

/** What the pod counts of the steps depend on. */
export interface PodSettings {
  readonly replicas: number;
  /** Traffic routing (a mesh) sets the weights; without it the weights are shares of pods. */
  readonly routed: boolean;
  readonly dynamicStableScale: boolean;
  readonly minPodsPerReplicaSet?: number;
}

/** What reading the steps needs besides the steps. */
export interface StepsContext {
  /** The Rollout, for messages: `Rollout "shop"`. */
  readonly owner: string;
  readonly pods: PodSettings;
  /** Resolves an analysis block against the manifests. */
  readonly resolve: (block: any) => ResolvedAnalysis;
}

/** What the steps before a step left in force. */
interface StepState {
  readonly weight: number;
  readonly scale?: { readonly replicas?: number; readonly weight?: number };
  readonly routes: ReadonlyMap<string, RouteKind>;
}

/** Reads the steps in order (`specSteps` as in the manifest). */
export function readSteps(specSteps: any, ctx: StepsContext): StepDraft[] {
  if (!Array.isArray(specSteps)) {
    throw new Error(`'spec.strategy.canary.steps' (${JSON.stringify(specSteps)}) of ${ctx.owner} must be a list of steps: fix the Rollout`);
  }
  const drafts: StepDraft[] = [];
  let state: StepState = { weight: 0, routes: new Map() };
  specSteps.forEach((step: any, i: number) => {
    const { draft, after } = readStep(step, i, state, ctx);
    drafts.push(draft);
    state = after;
  });
  return drafts;
}

/** One step, from the state the steps before it left; and the state it leaves. */
function readStep(step: any, i: number, before: StepState, ctx: StepsContext): { draft: StepDraft; after: StepState } {
  const path = `spec.strategy.canary.steps[${i}]`;
  const where = { path, owner: ctx.owner, fix: `fix step ${i} of ${ctx.owner}` };
  const scale = canaryScale(step?.setCanaryScale, before.scale, where);
  const weight = setWeight(step, before.weight, where);
  const gate = stepGate(step, where, ctx);
  const routes = managedRoutes(step, before.routes);
  const plugin = step?.plugin ? String(step.plugin.name ?? '') : undefined;
  const actions = [scale.action, weight.action, ...gate.actions, ...routes.actions, plugin === undefined ? undefined : `plugin ${plugin}`.trim()];
  const after: StepState = { weight: weight.value, scale: scale.value, routes: routes.value };
  return {
    draft: {
      index: i,
      action: actions.filter(a => a !== undefined).join(', ') || 'no action',
      weight: weight.value,
      ...replicaCounts(after, ctx.pods),
      gate: gate.gate,
      seconds: gate.seconds,
      analysis: gate.analysis,
      routes: [...routes.value.entries()].sort(),
      experimentWithoutDuration: gate.experimentWithoutDuration,
      plugin,
    },
    after,
  };
}

/** Where a step is, for its errors. */
interface Where {
  readonly path: string;
  readonly owner: string;
  readonly fix: string;
}

/** `setCanaryScale`: the canary's scale in force after the step. */
function canaryScale(s: any, before: StepState['scale'], where: Where): { value: StepState['scale']; action?: string } {
  if (!s) return { value: before };
  if (s.matchTrafficWeight) return { value: undefined, action: 'scale canary with the traffic weight' };
  if (s.replicas !== undefined) return { value: { replicas: s.replicas }, action: `scale canary to ${s.replicas} pod${s.replicas === 1 ? '' : 's'}` };
  if (s.weight !== undefined) {
    assertIntInRange(`${where.path}.setCanaryScale.weight`, s.weight, 0, 100, where.fix);
    return { value: { weight: s.weight }, action: `scale canary to ${s.weight}% of replicas` };
  }
  return { value: before };
}

/** `setWeight`: the traffic weight in force after the step. */
function setWeight(step: any, before: number, where: Where): { value: number; action?: string } {
  if (step?.setWeight === undefined) return { value: before };
  assertIntInRange(`${where.path}.setWeight`, step.setWeight, 0, 100, where.fix);
  return { value: step.setWeight, action: `set weight ${step.setWeight}%` };
}

/** What holds a step (pause, analysis or experiment: the last one given wins) and its minimum time. */
function stepGate(step: any, where: Where, ctx: StepsContext): {
  gate: GateKind; seconds: number; actions: string[]; analysis?: StepDraft['analysis']; experimentWithoutDuration: boolean;
} {
  let gate: GateKind = 'none';
  let seconds = 0;
  let analysis: StepDraft['analysis'];
  const actions: string[] = [];
  if (step?.pause !== undefined) {
    const d = step.pause?.duration;
    gate = d === undefined || d === null ? 'manual-pause' : 'timed-pause';
    seconds = gate === 'manual-pause' ? Infinity : pauseDurationSeconds(`${where.path}.pause.duration`, where.owner, d);
    actions.push(gate === 'manual-pause' ? 'pause until promoted' : `pause ${formatSeconds(seconds)}`);
  }
  if (step?.analysis !== undefined) {
    const resolved = ctx.resolve(step.analysis);
    const params = resolved.metrics.map(metricParams);
    gate = 'analysis';
    seconds = params.reduce((max, m) => Math.max(max, m.completesAfter), 0);
    analysis = { resolved, params };
    actions.push(`analysis ${resolved.templates.join(', ')}`.trim());
  }
  let experimentWithoutDuration = false;
  if (step?.experiment !== undefined) {
    const templates = (step.experiment.templates ?? []).length;
    const d = step.experiment.duration;
    const what = `${templates} template${templates === 1 ? '' : 's'}`;
    gate = 'experiment';
    experimentWithoutDuration = d === undefined || d === null;
    if (!experimentWithoutDuration) seconds = pauseDurationSeconds(`${where.path}.experiment.duration`, where.owner, d);
    actions.push(experimentWithoutDuration ? `experiment (${what})` : `experiment (${what}, ${formatSeconds(seconds)})`);
  }
  return { gate, seconds, actions, analysis, experimentWithoutDuration };
}

/** `setHeaderRoute` and `setMirrorRoute`: the managed routes in force after the step (a step without match removes its route). */
function managedRoutes(step: any, before: ReadonlyMap<string, RouteKind>): { value: ReadonlyMap<string, RouteKind>; actions: string[] } {
  const routes = new Map(before);
  const actions: string[] = [];
  for (const [field, kind] of [['setHeaderRoute', 'header'], ['setMirrorRoute', 'mirror']] as const) {
    const r = step?.[field];
    if (!r) continue;
    const name = String(r.name ?? '');
    if ((r.match ?? []).length > 0) {
      routes.set(name, kind);
      actions.push(kind === 'header' ? `header route ${name}`.trim() : `mirror route ${name} (${r.percentage ?? 100}%)`);
    } else {
      routes.delete(name);
      actions.push(`remove ${kind} route ${name}`.trim());
    }
  }
  return { value: routes, actions };
}

/** The canary and stable pods of a step, as Argo Rollouts computes them (utils/replicaset/canary.go). */
function replicaCounts(state: StepState, pods: PodSettings): { canaryReplicas: number; stableReplicas: number } {
  const { replicas, minPodsPerReplicaSet: minPods } = pods;
  const ceilPct = (w: number) => Math.ceil((replicas * w) / 100); // trafficWeightToReplicas
  const withMin = (count: number) => (count === 0 || minPods === undefined ? count : Math.max(count, minPods));
  const { weight, scale } = state;
  if (!pods.routed) {
    const canaryReplicas = ceilPct(weight);
    return { canaryReplicas, stableReplicas: Math.max(replicas - canaryReplicas, weight < 100 ? ceilPct(100 - weight) : 0) };
  }
  const desired = scale?.replicas !== undefined ? 0 : scale?.weight ?? weight;
  const canaryReplicas = scale?.replicas !== undefined ? scale.replicas : withMin(ceilPct(desired));
  if (!pods.dynamicStableScale) return { canaryReplicas, stableReplicas: replicas };
  return { canaryReplicas: withMin(canaryReplicas), stableReplicas: withMin(Math.max(ceilPct(100 - desired), ceilPct(100 - weight))) };
}

/**
 * Reads `pause.duration` the way Argo Rollouts does (`argoPauseSeconds`; the plan reads an experiment's `duration`
 * the same way). Throws for values the controller rejects ("Duration needs to be greater than 0").
 */
export function pauseDurationSeconds(prop: string, owner: string, value: unknown): number {
  const seconds = argoPauseSeconds(value);
  if (seconds === undefined || seconds < 0) {
    throw new Error(`'${prop}' (${JSON.stringify(value)}) of ${owner} must be a non-negative number of seconds or a duration such as "30s", `
      + '"5m" or "1h": Argo Rollouts rejects it ("Duration needs to be greater than 0"); fix the pause step');
  }
  return seconds;
}
