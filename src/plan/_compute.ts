// Internal computation of the rollout plan over plain manifests (ApiObject.toJson() output).
// All times are seconds; Infinity means "unbounded" (a manual pause or an analysis that never ends).
// The public, jsii-friendly view is built from this model in rollout-plan.ts.
import { metricDurationSeconds, pauseDurationSeconds } from './_time';
import { substituteArgs } from '../private/argo';
import { formatNumber, formatSeconds, compareCodeUnits } from '../private/format';
import { BoundedMemo } from '../private/memo';
import { promqlWindowSeconds } from '../private/promql';
import { assertIntInRange } from '../private/validate';

/** Argo Rollouts retries an errored measurement after this many seconds (DefaultErrorRetryInterval). */
export const ERROR_RETRY_SECONDS = 10;
/** Below this age, the canary's first traffic may not be in Prometheus yet (scrape interval, two samples for rate()). */
const FRESH_DATA_SECONDS = 60;
/** Default consecutiveErrorLimit (DefaultConsecutiveErrorLimit). */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
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

/** Default scaleDownDelaySeconds with traffic routing. */
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;

export type GateKind = 'none' | 'timed-pause' | 'manual-pause' | 'analysis' | 'experiment';
export type Outcome = 'aborts' | 'completes-first' | 'promoted-first' | 'cannot-fail';

export interface ModelOptions {
  readonly requestsPerSecond?: number;
}

export interface MStep {
  readonly index: number;
  readonly action: string;
  readonly weight: number;
  readonly canaryReplicas: number;
  readonly stableReplicas: number;
  readonly gate: GateKind;
  /** Minimum time spent in the step; Infinity when it waits for a person (or never ends). */
  readonly seconds: number;
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
  readonly outcome: Outcome;
  /** The (failureLimit+1)-th failing measurement, even when it would come too late; undefined if it cannot happen. */
  readonly firstPossibleFailure?: number;
  readonly failing?: MExposure;
  readonly failingFullWindow?: MExposure;
  readonly errorsAfter?: number;
  readonly inconclusiveAfter?: number;
  readonly notes: string[];
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
  /**
   * Set when the steps were read from the shared drafts of steps alike (see SIMPLE_STEPS): then the weights, pods, gates and
   * times of the steps, the replicas and the minimum times are the same for every plan with this source.
   */
  readonly stepsSource?: object;
}

// -------------------------------------------------------------------------------------------------
// Selecting the Rollout

/** All canary Rollouts of a manifest set, ordered by namespace and name. */
export function canaryRollouts(manifests: any[]): any[] {
  // a loop rather than filter: the manifests of a chart are many (an Argo CD chart of a fleet holds an Application per service)
  const rollouts: any[] = [];
  for (let i = 0; i < manifests.length; i++) {
    const m = manifests[i];
    if (m && m.kind === 'Rollout' && m.spec?.strategy?.canary) rollouts.push(m);
  }
  return rollouts.length > 1 ? rollouts.sort((a, b) => compareCodeUnits(key(a), key(b))) : rollouts;
}

function key(m: any): string {
  return `${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
}

/** The Rollout the plan is for: the named one, or the only one. */
export function selectRollout(manifests: any[], rolloutName?: string): any {
  if (!Array.isArray(manifests)) {
    throw new Error(`'manifests' (${typeof manifests}) must be an array of manifests, as Chart.toJson() returns them`);
  }
  const rollouts = manifests.filter(m => m && m.kind === 'Rollout');
  const listNames = () => rollouts.map(r => `"${r.metadata?.name}"`).join(', '); // for the errors only
  if (rolloutName !== undefined) {
    const found = rollouts.filter(r => r.metadata?.name === rolloutName);
    if (found.length !== 1) {
      const names = listNames();
      throw new Error(`'rolloutName' ("${rolloutName}") must name one Rollout of the manifests; found ${found.length} with that name `
        + `among ${rollouts.length} Rollout(s)${names ? ` (${names})` : ''}: pass the name of the Rollout to plan`);
    }
    return found[0];
  }
  if (rollouts.length !== 1) {
    const names = listNames();
    throw new Error(`'rolloutName' is not set and the manifests contain ${rollouts.length} Rollouts${names ? ` (${names})` : ''}: `
      + 'pass the name of the Rollout to plan, or use RolloutPlan.allFromManifests() for all of them');
  }
  return rollouts[0];
}

// -------------------------------------------------------------------------------------------------
// Analysis templates

interface RawMetric {
  readonly index: number;
  readonly template: string;
  readonly owner: string;
  readonly spec: any;
  readonly args: { [name: string]: string };
  readonly dryRun: boolean;
}

interface ResolvedAnalysis {
  readonly templates: string[];
  readonly metrics: RawMetric[];
}

/**
 * The manifests a plan looks things up in, indexed on first use: the plans of a chart with many Rollouts look up
 * templates and autoscalers once per Rollout, which would otherwise scan all manifests each time.
 * Lookups return what `manifests.find` with the same condition returns: the first match in manifest order.
 */
export class ManifestIndex {
  private byKind?: { [kind: string]: Map<string, any[]> };
  private autoscalers?: any[];
  private lookups = 0;

  constructor(private readonly manifests: any[]) {}

  /** The first AnalysisTemplate or ClusterAnalysisTemplate named `name` that `accept` accepts. */
  public template(kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate', name: unknown, accept: (m: any) => boolean): any {
    // names in the index are strings; anything else is compared as the plain scan compares it. The first lookup scans too:
    // a chart with one Rollout and one template needs no index
    if (typeof name !== 'string' || this.lookups++ === 0) {
      return this.manifests.find(m => m && m.kind === kind && m.metadata?.name === name && accept(m));
    }
    const byKind = this.byKind ?? this.indexTemplates();
    const candidates = byKind[kind].get(name);
    return candidates?.find(accept);
  }

  /** The first HorizontalPodAutoscaler that `accept` accepts. */
  public autoscaler(accept: (m: any) => boolean): any {
    this.autoscalers ??= this.manifests.filter(m => m && m.kind === 'HorizontalPodAutoscaler');
    return this.autoscalers.find(accept);
  }

  private indexTemplates(): { [kind: string]: Map<string, any[]> } {
    const byKind: { [kind: string]: Map<string, any[]> } = { AnalysisTemplate: new Map(), ClusterAnalysisTemplate: new Map() };
    for (const m of this.manifests) {
      const names = m && (m.kind === 'AnalysisTemplate' || m.kind === 'ClusterAnalysisTemplate') ? byKind[m.kind] : undefined;
      const name = names ? m.metadata?.name : undefined;
      if (typeof name !== 'string') continue;
      const list = names!.get(name);
      if (list) list.push(m);
      else names!.set(name, [m]);
    }
    this.byKind = byKind;
    return byKind;
  }
}

/** Compiled dryRun rules (`metricName` is a regular expression), shared: a RegExp without flags keeps no state. */
const DRY_RUN_RULES = new BoundedMemo<string, RegExp | undefined>(safeRegExp);

class TemplateResolver {
  constructor(private readonly index: ManifestIndex, private readonly namespace: string | undefined) {}

  /** Resolves a Rollout analysis block; adds PLAN007 for templates that are not in the manifests. */
  public resolve(block: any, where: string, warn: (w: MWarning) => void, stepIndex?: number): ResolvedAnalysis {
    const refs: any[] = block?.templates ?? [];
    const templates: string[] = [];
    const collected: Array<{ template: string; owner: string; tspec: any }> = [];
    const visit = (ref: any, seen: string[]) => {
      const name: string = ref?.templateName ?? '';
      const cluster = !!ref?.clusterScope;
      const kind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      const id = `${kind}/${name}`;
      if (seen.includes(id)) return;
      const found = this.index.template(kind, name,
        m => cluster || m.metadata?.namespace === undefined || m.metadata?.namespace === this.namespace);
      if (!found) {
        warn({
          code: 'PLAN007',
          stepIndex,
          message: `${where} refers to ${kind} "${name}", which is not among the synthesized manifests: `
            + 'its metrics are left out of the plan; add the template to the same chart so that the plan can include it',
        });
        return;
      }
      collected.push({ template: name, owner: `${kind} "${name}"`, tspec: found.spec ?? {} });
      for (const nested of found.spec?.templates ?? []) visit(nested, [...seen, id]);
    };
    for (const ref of refs) {
      templates.push(ref?.templateName ?? '');
      visit(ref, []);
    }

    // args: template defaults, then the Rollout's literal values
    const args: { [name: string]: string } = {};
    for (const c of collected) {
      for (const a of c.tspec.args ?? []) {
        if (a?.value !== undefined && args[a.name] === undefined) args[a.name] = String(a.value);
      }
    }
    for (const a of block?.args ?? []) {
      if (a?.value !== undefined) args[a.name] = String(a.value);
    }
    // fast path: no dryRun anywhere (the general expression gives no rules then)
    const dryRunRules: string[] = block?.dryRun === undefined && collected.every(c => c.tspec.dryRun === undefined) ? [] : [
      ...(block?.dryRun ?? []).map((d: any) => d?.metricName),
      ...collected.flatMap(c => (c.tspec.dryRun ?? []).map((d: any) => d?.metricName)),
    ].filter((x: unknown): x is string => typeof x === 'string');

    const metrics: RawMetric[] = [];
    for (const c of collected) {
      (c.tspec.metrics ?? []).forEach((m: any, i: number) => {
        const name = String(m?.name ?? `metric-${i}`);
        metrics.push({
          index: i,
          template: c.template,
          owner: c.owner,
          spec: m ?? {},
          args,
          dryRun: dryRunRules.length > 0 && dryRunRules.some(rule => DRY_RUN_RULES.get(rule)?.test(name) ?? false),
        });
      });
    }
    return { templates: templates.sort(), metrics };
  }
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** An integer field of a metric (`count`, `failureLimit`, ...): an integer, or a string that resolves to one. */
function intOrString(raw: RawMetric, field: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const resolved = substituteArgs(value, raw.args).trim();
    if (/^[-+]?\d+$/.test(resolved)) return parseInt(resolved, 10);
  }
  throw new Error(`'spec.metrics[${raw.index}].${field}' (${JSON.stringify(value)}) of ${raw.owner} must be an integer, or a "{{args.name}}" `
    + 'placeholder whose value is an integer: fix the metric or pass the argument a literal value');
}

/** A duration field of a metric (`interval`, `initialDelay`): a Go duration, after the arguments are substituted. */
function metricDuration(raw: RawMetric, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return metricDurationSeconds(`spec.metrics[${raw.index}].${field}`, raw.owner, substituteArgs(String(value), raw.args));
}

/** What a metric's own fields give, before its run is placed on the timeline (the first fields of MMetric). */
interface MetricParams extends Pick<MMetric, 'name' | 'provider' | 'initialDelay' | 'interval' | 'count' | 'failureLimit'
| 'inconclusiveLimit' | 'consecutiveErrorLimit' | 'consecutiveSuccessLimit' | 'queryWindow' | 'canBeInconclusive' | 'completesAfter'> {
  readonly raw: RawMetric;
  readonly queryUnresolved: boolean;
}

function metricParams(raw: RawMetric): MetricParams {
  const m = raw.spec;
  const interval = metricDuration(raw, 'interval', m.interval);
  const initialDelay = metricDuration(raw, 'initialDelay', m.initialDelay) ?? 0;
  const countRaw = intOrString(raw, 'count', m.count);
  const count = countRaw === undefined || countRaw === 0 ? (interval === undefined ? 1 : Infinity) : countRaw;
  const failureLimit = intOrString(raw, 'failureLimit', m.failureLimit) ?? 0;
  const inconclusiveLimit = intOrString(raw, 'inconclusiveLimit', m.inconclusiveLimit) ?? 0;
  const consecutiveErrorLimit = intOrString(raw, 'consecutiveErrorLimit', m.consecutiveErrorLimit) ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  const consecutiveSuccessLimit = intOrString(raw, 'consecutiveSuccessLimit', m.consecutiveSuccessLimit) ?? 0;
  const providers = Object.keys(m.provider ?? {}).sort();
  const provider = providers[0] ?? 'unknown';
  let queryWindow: number | undefined;
  let queryUnresolved = false;
  const query = m.provider?.prometheus?.query;
  if (typeof query === 'string') {
    const resolved = substituteArgs(query, raw.args);
    queryWindow = promqlWindowSeconds(resolved);
    queryUnresolved = /\[[^\]]*\{\{[^\]]*\]/.test(resolved);
  }
  return {
    raw,
    name: String(m.name ?? `metric-${raw.index}`),
    provider,
    initialDelay,
    interval,
    count,
    failureLimit,
    inconclusiveLimit,
    consecutiveErrorLimit,
    consecutiveSuccessLimit,
    queryWindow,
    queryUnresolved,
    canBeInconclusive: !!m.successCondition && !!m.failureCondition,
    completesAfter: Number.isFinite(count) ? initialDelay + (count - 1) * (interval ?? 0) : Infinity,
  };
}

// -------------------------------------------------------------------------------------------------
// The timeline: one segment per step, holding the weight in force after the step for the step's time.

interface Segment {
  readonly weight: number;
  readonly seconds: number;
}

class Timeline {
  private increasesCache?: number[];
  private firstTrafficCache?: number;

  constructor(private readonly segments: Segment[]) {}

  public get length(): number {
    return this.segments.length;
  }

  /** Traffic weight in segment i; 100 after the last step (full promotion). */
  public weight(i: number): number {
    return i < this.segments.length ? this.segments[i].weight : 100;
  }

  /** Real time from the start of segment `from` to the start of segment `to` (to may be < from: negative). */
  public offset(from: number, to: number): number {
    if (to < from) return -this.offset(to, from);
    let t = 0;
    for (let i = from; i < to; i++) t += this.segments[i].seconds;
    return t;
  }

  /** The segment in force `t` seconds after the start of segment `from` (later segment wins at a boundary). */
  public locate(from: number, t: number): number {
    let acc = 0;
    for (let i = from; i < this.segments.length; i++) {
      if (t < acc + this.segments[i].seconds) return i;
      acc += this.segments[i].seconds;
    }
    return this.segments.length;
  }

  /** ∫ weight dt over the `t` seconds after the start of segment `from` (percent × seconds). */
  public integral(from: number, t: number): number {
    let acc = 0;
    let sum = 0;
    for (let i = from; i < this.segments.length && acc < t; i++) {
      const d = Math.min(this.segments[i].seconds, t - acc);
      sum += d * this.segments[i].weight;
      acc += d;
    }
    if (acc < t) sum += (t - acc) * 100;
    return sum;
  }

  /** Indexes of segments whose weight is higher than the one before, plus the promotion (index = length) if it raises the weight. */
  public increases(): number[] {
    // computed once: the warnings ask for it per metric (callers do not modify it)
    if (this.increasesCache) return this.increasesCache;
    const out: number[] = [];
    let prev = 0;
    for (let i = 0; i < this.segments.length; i++) {
      if (this.segments[i].weight > prev) out.push(i);
      prev = this.segments[i].weight;
    }
    if (prev < 100) out.push(this.segments.length);
    this.increasesCache = out;
    return out;
  }

  /** First segment with canary traffic (length if the canary gets traffic only at promotion). */
  public firstTraffic(): number {
    if (this.firstTrafficCache !== undefined) return this.firstTrafficCache;
    const i = this.segments.findIndex(s => s.weight > 0);
    this.firstTrafficCache = i < 0 ? this.segments.length : i;
    return this.firstTrafficCache;
  }
}

// -------------------------------------------------------------------------------------------------
// The plan

interface StepDraft {
  index: number;
  action: string;
  weight: number;
  canaryReplicas: number;
  stableReplicas: number;
  gate: GateKind;
  seconds: number;
  analysis?: { resolved: ResolvedAnalysis; params: MetricParams[] };
}

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
  // an autoscaler owns the replicas when spec.replicas is unset and an HPA targets the Rollout: plan with its minimum
  const hpa = rollout.spec.replicas === undefined
    ? index.autoscaler(m => m.spec?.scaleTargetRef?.kind === 'Rollout' && m.spec?.scaleTargetRef?.name === name && m.metadata?.namespace === namespace)
    : undefined;
  const replicas: number = rollout.spec.replicas ?? hpa?.spec?.minReplicas ?? 1;
  const autoscaled = hpa !== undefined;
  const tr = canary.trafficRouting;
  const routed = !!tr;
  const trafficRouting = routed
    ? routerNames(tr) || 'traffic routing'
    : undefined;
  const dynamic = routed && !!canary.dynamicStableScale;
  const minPods: number | undefined = routed ? canary.minPodsPerReplicaSet : undefined;
  const scaleDownDelaySeconds: number | undefined = canary.scaleDownDelaySeconds
    ?? (routed && !dynamic ? DEFAULT_SCALE_DOWN_DELAY_SECONDS : undefined);
  const warnings: MWarning[] = [];
  const warn = (w: MWarning) => warnings.push(w);
  const resolver = new TemplateResolver(index, namespace);
  const specSteps: any[] = canary.steps ?? [];

  if (!routed) {
    warn({
      code: 'PLAN009',
      message: `${owner} has no 'trafficRouting': without a mesh the canary's share of traffic is its share of pods, `
        + 'so the weights below are approximations (Argo Rollouts rounds pod counts); route traffic with Istio for exact weights',
    });
  }

  // 1. Steps: weight, replicas, gate, minimum time
  let weight = 0;
  let scale: { replicas?: number; weight?: number } | undefined;
  const routes = new Map<string, 'header' | 'mirror'>();
  const warnedRoutes = new Set<string>();
  const ceilPct = (w: number) => Math.ceil((replicas * w) / 100); // trafficWeightToReplicas
  const withMin = (count: number) => (count === 0 || minPods === undefined ? count : Math.max(count, minPods));
  const planStep = (step: any, i: number) => {
    const p = `spec.strategy.canary.steps[${i}]`;
    const parts: string[] = [];
    let gate: GateKind = 'none';
    let seconds = 0;
    let analysis: StepDraft['analysis'];
    if (step?.setCanaryScale) {
      const s = step.setCanaryScale;
      if (s.matchTrafficWeight) {
        scale = undefined;
        parts.push('scale canary with the traffic weight');
      } else if (s.replicas !== undefined) {
        scale = { replicas: s.replicas };
        parts.push(`scale canary to ${s.replicas} pod${s.replicas === 1 ? '' : 's'}`);
      } else if (s.weight !== undefined) {
        assertIntInRange(`${p}.setCanaryScale.weight`, s.weight, 0, 100, `fix step ${i} of ${owner}`);
        scale = { weight: s.weight };
        parts.push(`scale canary to ${s.weight}% of replicas`);
      }
    }
    if (step?.setWeight !== undefined) {
      const w = step.setWeight;
      if (!(Number.isInteger(w) && w >= 0 && w <= 100)) assertIntInRange(`${p}.setWeight`, w, 0, 100, `fix step ${i} of ${owner}`); // throws
      weight = step.setWeight;
      parts.push(`set weight ${weight}%`);
    }
    if (step?.pause !== undefined) {
      if (step.pause?.duration === undefined || step.pause?.duration === null) {
        gate = 'manual-pause';
        seconds = Infinity;
        parts.push('pause until promoted');
      } else {
        gate = 'timed-pause';
        seconds = pauseDurationSeconds(`${p}.pause.duration`, owner, step.pause.duration);
        parts.push(`pause ${formatSeconds(seconds)}`);
      }
    }
    if (step?.analysis !== undefined) {
      gate = 'analysis';
      const resolved = resolver.resolve(step.analysis, `step ${i} (analysis)`, warn, i);
      const params = mapped(resolved.metrics, metricParams);
      seconds = params.reduce((max, m) => Math.max(max, m.completesAfter), 0);
      analysis = { resolved, params };
      parts.push(`analysis ${resolved.templates.join(', ')}`.trim());
      for (const m of params.filter(x => !Number.isFinite(x.completesAfter))) {
        warn({
          code: 'PLAN008',
          stepIndex: i,
          message: `step ${i}: metric "${m.name}" (${m.raw.owner}) has an 'interval' but no 'count', so it never completes and the analysis `
            + 'step never ends (Argo Rollouts requires every metric of a step analysis to terminate); set a count',
        });
      }
    }
    if (step?.experiment !== undefined) {
      gate = 'experiment';
      const templates = (step.experiment.templates ?? []).length;
      const d = step.experiment.duration;
      if (d !== undefined && d !== null) {
        seconds = pauseDurationSeconds(`${p}.experiment.duration`, owner, d);
        parts.push(`experiment (${templates} template${templates === 1 ? '' : 's'}, ${formatSeconds(seconds)})`);
      } else {
        parts.push(`experiment (${templates} template${templates === 1 ? '' : 's'})`);
        warn({
          code: 'PLAN010',
          stepIndex: i,
          message: `step ${i}: an experiment without 'duration' runs until its analyses end, which the plan does not model: `
            + 'it counts 0s for this step; give the experiment a duration for a complete plan',
        });
      }
    }
    if (step?.setHeaderRoute) {
      const routeName = String(step.setHeaderRoute.name ?? '');
      if ((step.setHeaderRoute.match ?? []).length > 0) {
        routes.set(routeName, 'header');
        parts.push(`header route ${routeName}`.trim());
      } else {
        routes.delete(routeName);
        parts.push(`remove header route ${routeName}`.trim());
      }
    }
    if (step?.setMirrorRoute) {
      const routeName = String(step.setMirrorRoute.name ?? '');
      if ((step.setMirrorRoute.match ?? []).length > 0) {
        routes.set(routeName, 'mirror');
        parts.push(`mirror route ${routeName} (${step.setMirrorRoute.percentage ?? 100}%)`);
      } else {
        routes.delete(routeName);
        parts.push(`remove mirror route ${routeName}`.trim());
      }
    }
    if (step?.plugin) {
      parts.push(`plugin ${step.plugin.name ?? ''}`.trim());
      warn({
        code: 'PLAN010',
        stepIndex: i,
        message: `step ${i}: plugin step "${step.plugin.name ?? ''}" is opaque to the plan, which counts 0s for it`,
      });
    }

    // replica counts (utils/replicaset/canary.go)
    let canaryReplicas: number;
    let stableReplicas: number;
    if (routed) {
      let desired: number;
      if (scale?.replicas !== undefined) {
        canaryReplicas = scale.replicas;
        desired = 0;
      } else {
        desired = scale?.weight ?? weight;
        canaryReplicas = withMin(ceilPct(desired));
      }
      if (dynamic) {
        stableReplicas = withMin(Math.max(ceilPct(100 - desired), ceilPct(100 - weight)));
        canaryReplicas = withMin(canaryReplicas);
      } else {
        stableReplicas = replicas;
      }
    } else {
      canaryReplicas = ceilPct(weight);
      stableReplicas = Math.max(replicas - canaryReplicas, weight < 100 ? ceilPct(100 - weight) : 0);
    }
    // PLAN012: a managed route that sends requests to a canary without pods
    for (const [routeName, kind] of routes.size === 0 ? [] : [...routes.entries()].sort()) {
      if (canaryReplicas > 0 || warnedRoutes.has(routeName)) continue;
      warnedRoutes.add(routeName);
      warn({
        code: 'PLAN012',
        stepIndex: i,
        message: `step ${i}: ${kind} route "${routeName}" sends requests to the canary, but the canary has 0 pods here (weight ${weight}% `
          + `and no setCanaryScale in force): ${kind === 'header'
            ? 'requests that match the route fail (503, no healthy upstream)'
            : 'the mirrored copies reach no canary pod, so nothing is tested'}; scale the canary up before this step `
          + '(setCanaryScale with replicas or weight)',
      });
    }
    return {
      index: i,
      action: parts.join(', ') || 'no action',
      weight,
      canaryReplicas,
      stableReplicas,
      gate,
      seconds,
      analysis,
    };
  };
  const readSteps = (): StepDraft[] => {
    const out: StepDraft[] = [];
    forEachStep(specSteps, (step, i) => out.push(planStep(step, i)));
    return out;
  };
  // fast path: steps that only set weights and pause read the same for the same values and pod counts (a fleet of services,
  // all alike), and they warn of nothing; the drafts are shared, never modified
  const stepsKey = simpleStepsKey(specSteps, replicas, routed, dynamic, minPods);
  const drafts: StepDraft[] = stepsKey === undefined ? readSteps() : SIMPLE_STEPS.get(stepsKey, readSteps);

  // the timeline of shared drafts is shared as well (nothing modifies it)
  const shared = stepsKey !== undefined;
  const { timeline, starts, unboundedBefore } = (shared ? STEP_TIMES.get(drafts) : undefined) ?? stepTimes(drafts, shared);
  const n = drafts.length;
  const minimumTimeExcludingUnbounded = starts[n];
  const minimumTime = unboundedBefore[n] ? Infinity : starts[n];

  // 2. Background analysis
  const analyses: MAnalysis[] = [];
  const bgBlock = canary.analysis;
  let bg: { start: number; params: MetricParams[]; end: number } | undefined;
  if (bgBlock) {
    const startingStep: number = bgBlock.startingStep ?? 0;
    const resolved = resolver.resolve(bgBlock, 'the background analysis', warn);
    const params = mapped(resolved.metrics, metricParams);
    if (n > 0 && startingStep >= n) {
      warn({
        code: 'PLAN011',
        message: `the background analysis has 'startingStep' ${startingStep}, but the Rollout has only ${n} steps (0 to ${n - 1}): `
          + 'it never starts; lower startingStep',
      });
    } else {
      const start = Math.min(startingStep, n);
      bg = { start, params, end: params.filter(m => !m.raw.dryRun).reduce((max, m) => Math.max(max, m.completesAfter), 0) };
      analyses.push(analyseRun('background', start, resolved, params, timeline, starts, unboundedBefore, rps));
    }
  }
  // step analyses
  for (const d of drafts) {
    if (d.analysis) analyses.push(analyseRun('step', d.index, d.analysis.resolved, d.analysis.params, timeline, starts, unboundedBefore, rps));
  }

  const bgRunningAt = (i: number): boolean => !!bg && i >= bg.start && starts[i] - starts[bg.start] < bg.end;
  const steps: MStep[] = mapped(drafts, d => ({
    index: d.index,
    action: d.action,
    weight: d.weight,
    canaryReplicas: d.canaryReplicas,
    stableReplicas: d.stableReplicas,
    gate: d.gate,
    seconds: d.seconds,
    start: starts[d.index],
    end: starts[d.index + 1],
    afterUnbounded: unboundedBefore[d.index],
    backgroundAnalysisRunning: bgRunningAt(d.index),
  }));

  // 3. Warnings on the shape of the release
  // PLAN001: a weight increase with no gate since the previous increase
  const increases = timeline.increases();
  for (let k = 1; k < increases.length; k++) {
    const prev = increases[k - 1];
    const j = increases[k];
    let gated = false;
    for (let i = prev + 1; i < j; i++) {
      if (drafts[i].gate === 'manual-pause' || drafts[i].gate === 'analysis' || drafts[i].seconds > 0) gated = true;
    }
    if (gated) continue;
    const from = timeline.weight(prev);
    const to = timeline.weight(j);
    const target = j < n ? `step ${j}` : 'the end of the steps (full promotion)';
    const bgNote = bgRunningAt(Math.min(j, n - 1))
      ? ' The background analysis keeps running, but it does not hold the weight: the weight rises as soon as the canary pods are '
        + `ready, before a measurement at ${from}% is taken.`
      : '';
    warn({
      code: 'PLAN001',
      stepIndex: j < n ? j : undefined,
      message: `${target}: the weight rises from ${from}% (step ${prev}) to ${to}% with no pause or analysis step in between.${bgNote} `
        + `Add a pause or an analysis step after step ${prev}`,
    });
  }

  // PLAN002: a timed pause shorter than the interval of a running background metric
  if (bg) {
    for (const d of drafts) {
      if (d.gate !== 'timed-pause' || d.seconds <= 0 || d.index < bg.start) continue;
      const elapsed = starts[d.index] - starts[bg.start];
      for (const m of bg.params) {
        if (m.raw.dryRun || m.interval === undefined || m.completesAfter <= elapsed) continue;
        if (d.seconds < m.interval) {
          warn({
            code: 'PLAN002',
            stepIndex: d.index,
            message: `step ${d.index}: the timed pause (${formatSeconds(d.seconds)}) is shorter than the interval (${formatSeconds(m.interval)}) `
              + `of metric "${m.name}" of the background analysis: the release can move on before that metric measures the canary at `
              + `${d.weight}%; make the pause at least ${formatSeconds(m.interval)} long or shorten the interval`,
          });
        }
      }
    }
  }

  // PLAN003, PLAN005, PLAN006: analyses that cannot stop a bad canary in time
  for (const a of analyses) {
    const label = a.kind === 'background' ? 'the background analysis' : `the analysis of step ${a.stepIndex}`;
    const first = timeline.firstTraffic();
    const trafficRel = timeline.offset(a.stepIndex, first);
    // PLAN013: measurements before the canary has any traffic
    const early = a.metrics.filter(m => !m.dryRun && m.initialDelay < trafficRel);
    if (early.length > 0) {
      const when = Number.isFinite(trafficRel)
        ? `${formatSeconds(trafficRel)} later, at ${first < n ? `step ${first}` : 'full promotion'}`
        : 'only after a manual promotion';
      const fix = a.kind === 'background' && first < n
        ? `set startingStep to ${first}, or delay the first measurement (initialDelay) by ${formatSeconds(trafficRel)} or more`
        : 'run the analysis once the canary has traffic';
      warn({
        code: 'PLAN013',
        stepIndex: a.kind === 'step' ? a.stepIndex : undefined,
        message: `${label} starts at step ${a.stepIndex}, but the canary gets traffic ${when}: `
          + `${early.map(m => `"${m.name}"`).join(', ')} measure${early.length === 1 ? 's' : ''} before then and find no canary data, `
          + 'which is inconclusive (the release pauses), an error (the run aborts after consecutiveErrorLimit + 1 in a row) or a pass, '
          + `depending on the conditions; ${fix}`,
      });
    }
    for (const m of a.metrics) {
      if (m.outcome === 'completes-first') {
        warn({
          code: 'PLAN005',
          stepIndex: a.kind === 'step' ? a.stepIndex : undefined,
          message: `metric "${m.name}" of ${label} cannot fail a canary that fails every measurement: it takes `
            + `${Number.isFinite(m.count) ? m.count : 'unlimited'} measurement(s) and fails only at the ${ordinal(m.failureLimit + 1)} failed one `
            + `after the canary gets traffic (failureLimit ${m.failureLimit}), so it completes as successful; raise count or lower failureLimit`,
        });
      }
      if (a.kind !== 'background') continue;
      if (m.outcome !== 'aborts' && m.outcome !== 'promoted-first') continue;
      const after = Math.max(0, trafficRel);
      const next = timeline.increases().find(i => timeline.offset(a.stepIndex, i) > after);
      if (next === undefined) continue;
      const nextRel = timeline.offset(a.stepIndex, next);
      const failAt = m.firstPossibleFailure;
      if (failAt !== undefined && failAt < nextRel) continue;
      if (!Number.isFinite(nextRel)) continue;
      const nextWhat = next < n
        ? `the weight rises to ${timeline.weight(next)}% at step ${next}, ${formatSeconds(nextRel)} after the analysis starts`
        : `the release reaches 100% ${formatSeconds(nextRel)} after the analysis starts`;
      const failWhat = failAt === undefined
        ? 'it cannot fail before then'
        : `it aborts a canary that fails every measurement at the earliest ${formatSeconds(failAt)} after it starts`;
      warn({
        code: 'PLAN003',
        message: `metric "${m.name}" of ${label} cannot stop a bad canary before the next weight increase: ${failWhat}, but ${nextWhat}. `
          + 'Lengthen the pause before that step, or lower initialDelay, interval or failureLimit',
      });
    }
    if (a.kind === 'background' && bg) {
      const promoRel = timeline.offset(a.stepIndex, n);
      const active = a.metrics.filter(m => !m.dryRun);
      if (active.length > 0 && bg.end < promoRel) {
        const increasesAfter = timeline.increases().filter(i => timeline.offset(a.stepIndex, i) > bg!.end);
        if (increasesAfter.length > 0) {
          warn({
            code: 'PLAN006',
            message: `the background analysis completes ${formatSeconds(bg.end)} after it starts (every metric reaches its count), `
              + `but the release reaches 100% only ${Number.isFinite(promoRel) ? `${formatSeconds(promoRel)} after it starts` : 'after a manual promotion'}: `
              + `the weight increase${increasesAfter.length === 1 ? '' : 's'} at `
              + `${increasesAfter.map(i => (i < n ? `step ${i}` : 'full promotion')).join(', ')} ${increasesAfter.length === 1 ? 'is' : 'are'} `
              + 'not analysed; leave count unset so that the analysis runs until promotion, or raise it',
          });
        }
      }
    }
  }

  // PLAN004: a manual pause in an otherwise automatic release
  const manual: StepDraft[] = [];
  let automaticGates = bg ? 1 : 0;
  for (const d of drafts) {
    if (d.gate === 'manual-pause') manual.push(d);
    else if (d.gate === 'analysis' || ((d.gate === 'timed-pause' || d.gate === 'experiment') && d.seconds > 0)) automaticGates++;
  }
  if (manual.length > 0 && automaticGates > 0) {
    for (const d of manual) {
      warn({
        code: 'PLAN004',
        stepIndex: d.index,
        message: `step ${d.index}: a manual pause (pause without duration) in an otherwise automatic release: the canary stays at `
          + `${d.weight}% until someone runs "kubectl argo rollouts promote"; give the pause a duration if the release should proceed on its own`,
      });
    }
  }

  warnings.sort((x, y) => (x.stepIndex ?? -1) - (y.stepIndex ?? -1) || compareCodeUnits(x.code, y.code) || compareCodeUnits(x.message, y.message));

  return {
    rolloutName: name,
    namespace,
    replicas,
    autoscaled,
    trafficRouting,
    dynamicStableScale: dynamic,
    scaleDownDelaySeconds,
    steps,
    analyses,
    warnings: dedupe(warnings),
    minimumTime,
    minimumTimeExcludingUnbounded,
    manualPauses: manual.length,
    requestsPerSecond: rps,
    stepsSource: shared ? drafts : undefined,
  };
}

interface StepTimes {
  readonly timeline: Timeline;
  /** Start of each step on the minimum timeline, and the end of the last one. */
  readonly starts: number[];
  /** Whether an unbounded step comes before each step, and before the end. */
  readonly unboundedBefore: boolean[];
}

/** The timelines of shared drafts (see SIMPLE_STEPS). */
const STEP_TIMES = new WeakMap<StepDraft[], StepTimes>();

function stepTimes(drafts: StepDraft[], shared: boolean): StepTimes {
  const timeline = new Timeline(mapped(drafts, d => ({ weight: d.weight, seconds: d.seconds })));
  const starts: number[] = [];
  const unboundedBefore: boolean[] = [];
  let t = 0;
  let unbounded = false;
  for (const d of drafts) {
    starts.push(t);
    unboundedBefore.push(unbounded);
    if (Number.isFinite(d.seconds)) t += d.seconds;
    else unbounded = true;
  }
  starts.push(t);
  unboundedBefore.push(unbounded);
  const times = { timeline, starts, unboundedBefore };
  if (shared) STEP_TIMES.set(drafts, times);
  return times;
}

/** The drafts of steps that only set weights and pause, by `simpleStepsKey`. */
const SIMPLE_STEPS = new BoundedMemo<string, StepDraft[]>(undefined, 256);

/**
 * A key that tells apart every input of the drafts of steps that only set weights and pause (`setWeight`, `pause`): the
 * values of the steps and what the pod counts depend on. Undefined for any other steps (analysis, experiment, canary scale,
 * routes, plugins, holes, values of unexpected types), which are read each time.
 */
export function simpleStepsKey(specSteps: any, replicas: unknown, routed: boolean, dynamic: boolean, minPods: unknown): string | undefined {
  if (!Array.isArray(specSteps) || typeof replicas !== 'number' || (minPods !== undefined && typeof minPods !== 'number')) return undefined;
  let text = `${num(replicas)}|${routed}|${dynamic}|${minPods === undefined ? '' : num(minPods)}`;
  for (let i = 0; i < specSteps.length; i++) {
    const step = specSteps[i];
    if (!(i in specSteps) || typeof step !== 'object' || step === null) return undefined;
    if (step.setCanaryScale || step.analysis !== undefined || step.experiment !== undefined || step.setHeaderRoute || step.setMirrorRoute
      || step.plugin) {
      return undefined;
    }
    text += '|';
    const w = step.setWeight;
    if (w !== undefined) {
      if (typeof w !== 'number') return undefined;
      text += `w${num(w)}`;
    }
    const pause = step.pause;
    if (pause !== undefined) {
      if (typeof pause !== 'object' || pause === null) return undefined;
      const d = pause.duration;
      if (d === undefined || d === null) text += 'p';
      else if (typeof d === 'string') text += `p${d.length}:${d}`; // the length keeps any text from reading as more steps
      else if (typeof d === 'number') text += `pn${num(d)}`;
      else return undefined;
    }
  }
  return text;
}

/** String(x), but "-0" for -0: keys tell apart every number the plan could tell apart. */
function num(x: number): string {
  return x === 0 && 1 / x < 0 ? '-0' : String(x);
}

/**
 * `items.map(fn)` for arrays of this module, built with push. The arrays that the `map` builtin returns and those that
 * optimized code makes differ in elements kind, and the optimized functions that read them then deoptimize ("wrong map")
 * right after they are compiled, so they run unoptimized for the whole synth; arrays built with push look alike in every tier.
 */
export function mapped<T, U>(items: T[], fn: (item: T) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(fn(items[i]));
  return out;
}

/** The traffic routers of `trafficRouting`, by name, sorted by key: "Istio", "NGINX, SMI", ... (empty when none). */
function routerNames(trafficRouting: any): string {
  const keys: string[] = [];
  for (const k of Object.keys(trafficRouting)) {
    if (k !== 'managedRoutes' && k !== 'maxTrafficWeight') keys.push(k);
  }
  keys.sort();
  let names = '';
  for (let i = 0; i < keys.length; i++) names += `${i > 0 ? ', ' : ''}${ROUTER_NAMES[keys[i]] ?? keys[i]}`;
  return names;
}

/** `steps.forEach(fn)`, with a plain loop for an array (skipping holes, as forEach does). */
function forEachStep(specSteps: any, fn: (step: any, i: number, steps: any) => void): void {
  if (!Array.isArray(specSteps)) {
    specSteps.forEach(fn); // whatever forEach does with it, including the error ("specSteps.forEach is not a function")
    return;
  }
  const length = specSteps.length;
  for (let i = 0; i < length; i++) {
    if (i in specSteps) fn(specSteps[i], i, specSteps);
  }
}

function dedupe(warnings: MWarning[]): MWarning[] {
  const seen = new Set<string>();
  return warnings.filter(w => {
    const k = `${w.code}|${w.stepIndex}|${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function ordinal(k: number): string {
  const s = k % 100 >= 11 && k % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as { [n: number]: string })[k % 10] ?? 'th';
  return `${k}${s}`;
}

function analyseRun(kind: 'background' | 'step', start: number, resolved: ResolvedAnalysis, params: MetricParams[], timeline: Timeline,
  starts: number[], unboundedBefore: boolean[], rps: number | undefined): MAnalysis {
  const n = timeline.length;
  const first = timeline.firstTraffic();
  // real time of the first canary traffic relative to the start of the run (negative: traffic began earlier)
  const trafficRel = timeline.offset(start, first);
  // a background run is terminated (successful) at full promotion; a step run blocks the steps
  const promoRel = kind === 'background' ? timeline.offset(start, n) : Infinity;

  const exposure = (t: number): MExposure => {
    // a step analysis holds its step until it completes, so a failing run aborts at the step's weight
    const weightAtAbort = kind === 'step' ? timeline.weight(start) : timeline.weight(timeline.locate(start, t));
    const sinceFirstTraffic = t - trafficRel;
    let integral: number | undefined;
    if (Number.isFinite(sinceFirstTraffic)) {
      integral = first >= start ? timeline.integral(start, t) : timeline.integral(first, timeline.offset(first, start) + t);
    }
    return {
      abortAfter: t,
      sinceFirstTraffic,
      weightAtAbort,
      averageWeight: integral === undefined ? undefined : sinceFirstTraffic > 0 ? integral / sinceFirstTraffic : weightAtAbort,
      canaryRequests: integral === undefined || rps === undefined ? undefined : (rps * integral) / 100,
    };
  };

  const metrics: MMetric[] = mapped(params, p => {
    const notes: string[] = [];
    // (k0 + limit)-th measurement, counting from the first one taken at or after `threshold`
    const nth = (threshold: number, limit: number): number | undefined => {
      let k0: number;
      if (threshold <= p.initialDelay) k0 = 0;
      else if (!p.interval || !Number.isFinite(threshold)) return undefined;
      else k0 = Math.ceil((threshold - p.initialDelay) / p.interval - 1e-9);
      const k = k0 + limit;
      if (k >= p.count) return undefined;
      if (k > 0 && !p.interval) return undefined;
      return p.initialDelay + k * (p.interval ?? 0);
    };
    let outcome: Outcome;
    let firstPossibleFailure: number | undefined;
    let failing: MExposure | undefined;
    let failingFullWindow: MExposure | undefined;
    if (p.raw.dryRun) {
      outcome = 'cannot-fail';
      notes.push('dry run: measured and reported, but never fails the analysis');
    } else if (p.failureLimit < 0) {
      outcome = 'cannot-fail';
      notes.push('failureLimit -1: failed measurements never fail the metric');
    } else {
      firstPossibleFailure = nth(trafficRel, p.failureLimit);
      if (firstPossibleFailure === undefined) {
        outcome = kind === 'background' && !(p.completesAfter < promoRel) ? 'promoted-first' : 'completes-first';
      } else if (firstPossibleFailure >= promoRel) {
        outcome = 'promoted-first';
      } else {
        outcome = 'aborts';
        failing = exposure(firstPossibleFailure);
      }
      if (p.queryWindow !== undefined) {
        const w = nth(trafficRel + p.queryWindow, p.failureLimit);
        if (w !== undefined && w < promoRel) {failingFullWindow = exposure(w);} else if (outcome === 'aborts') {
          notes.push(`if failures show only once the ${formatSeconds(p.queryWindow)} query window holds nothing but canary traffic, `
            + `this metric cannot abort before ${kind === 'background' ? 'the release reaches 100%' : 'its count runs out'}`);
        }
      }
    }
    let errorsAfter: number | undefined;
    let inconclusiveAfter: number | undefined;
    if (!p.raw.dryRun) {
      const e = p.initialDelay + p.consecutiveErrorLimit * ERROR_RETRY_SECONDS;
      if (e < promoRel) errorsAfter = e;
      if (p.canBeInconclusive) {
        const inc = nth(trafficRel, p.inconclusiveLimit);
        if (inc !== undefined && inc < promoRel) inconclusiveAfter = inc;
      }
    }
    if (outcome === 'completes-first') {
      notes.push(`the count runs out first: after ${Number.isFinite(p.count) ? p.count : 'its'} measurement(s) the metric completes as successful`);
    }
    if (outcome === 'promoted-first') {
      notes.push('the release reaches 100% first: the run is terminated as successful at promotion');
    }
    if (kind === 'background' && Number.isFinite(p.completesAfter) && p.completesAfter < promoRel && !p.raw.dryRun) {
      notes.push(`runs out of measurements ${formatSeconds(p.completesAfter)} after the run starts, before the release reaches 100%`);
    }
    if (Number.isFinite(trafficRel) && trafficRel > 0) {
      notes.push(`measurements in the first ${formatSeconds(trafficRel)} of the run see no canary traffic (weight 0%): with conditions `
        + 'that treat no data as inconclusive, such a measurement pauses the release');
    }
    if (firstPossibleFailure !== undefined && Number.isFinite(trafficRel)) {
      const firstLook = p.initialDelay >= trafficRel ? p.initialDelay
        : p.initialDelay + Math.ceil((trafficRel - p.initialDelay) / (p.interval || 1) - 1e-9) * (p.interval ?? 0);
      if (firstLook - trafficRel < FRESH_DATA_SECONDS) {
        notes.push(`the first measurement comes ${formatSeconds(firstLook - trafficRel)} after the first canary traffic: Prometheus may `
          + 'not have canary series yet (scrapes every 15s to 1m; rate() needs two samples), so it may be inconclusive instead of failed; '
          + `a first measurement ${formatSeconds(FRESH_DATA_SECONDS)} or more after the first canary traffic (initialDelay) avoids that`);
      }
    }
    if (p.queryUnresolved) notes.push('the query window depends on an argument without a literal value');
    if (p.queryWindow === undefined && p.provider === 'prometheus' && !p.queryUnresolved) {
      notes.push('instant query without a range window');
    }
    if (p.consecutiveSuccessLimit > 0) {
      notes.push(`consecutiveSuccessLimit ${p.consecutiveSuccessLimit} is not modelled: the plan assumes the metric runs to its count`);
    }
    return {
      name: p.name,
      template: p.raw.template,
      provider: p.provider,
      initialDelay: p.initialDelay,
      interval: p.interval,
      count: p.count,
      failureLimit: p.failureLimit,
      inconclusiveLimit: p.inconclusiveLimit,
      consecutiveErrorLimit: p.consecutiveErrorLimit,
      consecutiveSuccessLimit: p.consecutiveSuccessLimit,
      queryWindow: p.queryWindow,
      dryRun: p.raw.dryRun,
      canBeInconclusive: p.canBeInconclusive,
      completesAfter: p.completesAfter,
      outcome,
      firstPossibleFailure,
      failing,
      failingFullWindow,
      errorsAfter,
      inconclusiveAfter,
      notes,
    };
  });

  let worst: MMetric | undefined;
  for (const m of metrics) {
    if (m.failing && (!worst || m.failing.abortAfter > worst.failing!.abortAfter)) worst = m;
  }
  return {
    kind,
    stepIndex: start,
    templates: resolved.templates,
    start: starts[Math.min(start, starts.length - 1)],
    afterUnbounded: unboundedBefore[Math.min(start, unboundedBefore.length - 1)],
    metrics,
    worstMetric: worst?.name,
    worst: worst?.failing,
  };
}

/** "12.5%" */
export function pct(value: number): string {
  return `${formatNumber(value)}%`;
}
