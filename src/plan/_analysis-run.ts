// An analysis run on the timeline: what each metric's fields give (metricParams) and, for a canary that is bad from its
// first traffic on, when each metric fails and how much traffic the canary has served by then (analyseRun).
// Not exported from the package.
import { RawMetric, ResolvedAnalysis } from './_manifests';
import { DEFAULT_CONSECUTIVE_ERROR_LIMIT, ERROR_RETRY_SECONDS, MAnalysis, MExposure, MMetric, Outcome } from './_model';
import { StepTimes, Timeline } from './_timeline';
import { parseGoDuration, substituteArgs } from '../private/argo';
import { formatCount, formatNumber, formatSeconds } from '../private/format';
import { planHintsOf, providerKeyOf } from '../private/metric-providers/index';

/** Below this age, the canary's first traffic may not be in Prometheus yet (scrape interval, two samples for rate()). */
const FRESH_DATA_SECONDS = 60;

/** What a metric's own fields give, before its run is placed on the timeline (the first fields of MMetric). */
export interface MetricParams extends Pick<MMetric, 'name' | 'provider' | 'initialDelay' | 'interval' | 'count' | 'failureLimit'
| 'inconclusiveLimit' | 'consecutiveErrorLimit' | 'consecutiveSuccessLimit' | 'queryWindow' | 'canBeInconclusive' | 'completesAfter'
| 'measurementSeconds' | 'needsCanaryTraffic' | 'load'> {
  readonly raw: RawMetric;
  /** The query's range window depends on an argument without a literal value. */
  readonly queryUnresolved: boolean;
  /** A Job whose run time is only bounded: the plan counts 0s for it. */
  readonly measurementBounded: boolean;
}

/** The parameters of a metric, its `{{args.x}}` placeholders resolved with the literal values of its run. */
export function metricParams(raw: RawMetric): MetricParams {
  const m = raw.spec;
  const interval = metricDuration(raw, 'interval', m.interval);
  const initialDelay = metricDuration(raw, 'initialDelay', m.initialDelay) ?? 0;
  const countRaw = intOrString(raw, 'count', m.count);
  const count = countRaw === undefined || countRaw === 0 ? (interval === undefined ? 1 : Infinity) : countRaw;
  const hints = planHintsOf(m, text => substituteArgs(text, raw.args));
  const measurementSeconds = hints.measurementSeconds;
  // the next measurement starts an interval after the previous one finished (analysis/analysis.go generateMetricTasks)
  const cycle = (interval ?? 0) + measurementSeconds;
  return {
    raw,
    name: String(m.name ?? `metric-${raw.index}`),
    provider: providerKeyOf(m) ?? 'unknown',
    initialDelay,
    interval,
    count,
    failureLimit: intOrString(raw, 'failureLimit', m.failureLimit) ?? 0,
    inconclusiveLimit: intOrString(raw, 'inconclusiveLimit', m.inconclusiveLimit) ?? 0,
    consecutiveErrorLimit: intOrString(raw, 'consecutiveErrorLimit', m.consecutiveErrorLimit) ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT,
    consecutiveSuccessLimit: intOrString(raw, 'consecutiveSuccessLimit', m.consecutiveSuccessLimit) ?? 0,
    queryWindow: hints.queryWindowSeconds,
    queryUnresolved: hints.queryWindowUnresolved ?? false,
    canBeInconclusive: !!m.successCondition && !!m.failureCondition,
    completesAfter: Number.isFinite(count) ? initialDelay + (count - 1) * cycle + measurementSeconds : Infinity,
    measurementSeconds,
    measurementBounded: hints.measurementBounded ?? false,
    needsCanaryTraffic: hints.needsCanaryTraffic,
    load: hints.load && { ...hints.load, start: initialDelay },
  };
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

/** An analysis run placed on the timeline: which kind, from which step, with which metrics. */
export interface RunInput {
  readonly kind: 'background' | 'step';
  /** The step the run starts at (a step analysis: its own step). */
  readonly start: number;
  readonly resolved: ResolvedAnalysis;
  readonly params: MetricParams[];
}

/** Where a run stands on the timeline, in seconds from its start. */
interface RunClock {
  readonly kind: 'background' | 'step';
  readonly start: number;
  readonly timeline: Timeline;
  /** The first canary traffic (negative: the traffic began before the run). */
  readonly trafficRel: number;
  /** Full promotion, which terminates a background run as successful (Infinity for a step run, which holds its step). */
  readonly promoRel: number;
  readonly requestsPerSecond?: number;
}

/** The model of one analysis run, for a canary that fails every measurement from its first traffic on. */
export function analyseRun(run: RunInput, times: StepTimes, requestsPerSecond: number | undefined): MAnalysis {
  const { timeline, starts, unboundedBefore } = times;
  const clock: RunClock = {
    kind: run.kind,
    start: run.start,
    timeline,
    trafficRel: timeline.offset(run.start, timeline.firstTraffic),
    promoRel: run.kind === 'background' ? timeline.offset(run.start, timeline.length) : Infinity,
    requestsPerSecond,
  };
  const metrics = run.params.map(p => analyseMetric(p, clock, run.params));
  let worst: MMetric | undefined;
  for (const m of metrics) {
    if (m.failing && (!worst || m.failing.abortAfter > worst.failing!.abortAfter)) worst = m;
  }
  return {
    kind: run.kind,
    stepIndex: run.start,
    templates: run.resolved.templates,
    start: starts[Math.min(run.start, starts.length - 1)],
    afterUnbounded: unboundedBefore[Math.min(run.start, unboundedBefore.length - 1)],
    metrics,
    worstMetric: worst?.name,
    worst: worst?.failing,
  };
}

/** One metric of a run: its outcome, exposure and notes. */
function analyseMetric(p: MetricParams, clock: RunClock, all: MetricParams[]): MMetric {
  const { outcome, firstPossibleFailure, failing, failingFullWindow, windowNote } = metricOutcome(p, clock);
  const errorsAfter = p.raw.dryRun ? undefined : below(p.initialDelay + p.consecutiveErrorLimit * ERROR_RETRY_SECONDS, clock.promoRel);
  const inconclusiveAfter = p.raw.dryRun || !p.canBeInconclusive ? undefined
    : below(nthMeasurement(p, clock.trafficRel, p.inconclusiveLimit), clock.promoRel);
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
    measurementSeconds: p.measurementSeconds,
    needsCanaryTraffic: p.needsCanaryTraffic,
    load: p.load,
    outcome,
    firstPossibleFailure,
    failing,
    failingFullWindow,
    errorsAfter,
    inconclusiveAfter,
    notes: [...metricNotes(p, clock, outcome, firstPossibleFailure, windowNote), ...loadNotes(p, all)],
  };
}

/** `t` when it comes before `limit`, else undefined. */
function below(t: number | undefined, limit: number): number | undefined {
  return t !== undefined && t < limit ? t : undefined;
}

/**
 * The time of the (k0 + limit)-th measurement, counting from k0, the first one taken at or after `threshold`; undefined
 * when the metric has no such measurement.
 */
function nthMeasurement(p: MetricParams, threshold: number, limit: number): number | undefined {
  const cycle = (p.interval ?? 0) + p.measurementSeconds;
  let k0: number;
  if (threshold <= p.initialDelay) k0 = 0;
  else if (!p.interval || !Number.isFinite(threshold)) return undefined;
  else k0 = Math.ceil((threshold - p.initialDelay) / cycle - 1e-9);
  const k = k0 + limit;
  if (k >= p.count) return undefined;
  if (k > 0 && !p.interval) return undefined;
  return p.initialDelay + k * cycle + p.measurementSeconds;
}

/** How a metric ends for a bad canary, and its exposure when it aborts the release. */
function metricOutcome(p: MetricParams, clock: RunClock): {
  outcome: Outcome; firstPossibleFailure?: number; failing?: MExposure; failingFullWindow?: MExposure; windowNote?: string;
} {
  // a load test Job exits 0 whatever the answers: it makes traffic, the other metrics judge
  if (p.raw.dryRun || p.failureLimit < 0 || p.load) return { outcome: 'cannot-fail' };
  // a check that makes its own requests (a smoke test Job, a web check) can fail before any user reaches the canary
  const firstPossibleFailure = nthMeasurement(p, p.needsCanaryTraffic ? clock.trafficRel : 0, p.failureLimit);
  let outcome: Outcome;
  let failing: MExposure | undefined;
  if (firstPossibleFailure === undefined) {
    outcome = clock.kind === 'background' && !(p.completesAfter < clock.promoRel) ? 'promoted-first' : 'completes-first';
  } else if (firstPossibleFailure >= clock.promoRel) {
    outcome = 'promoted-first';
  } else {
    outcome = 'aborts';
    failing = exposure(clock, firstPossibleFailure);
  }
  if (p.queryWindow === undefined) return { outcome, firstPossibleFailure, failing };
  const full = below(nthMeasurement(p, clock.trafficRel + p.queryWindow, p.failureLimit), clock.promoRel);
  if (full !== undefined) return { outcome, firstPossibleFailure, failing, failingFullWindow: exposure(clock, full) };
  const windowNote = outcome === 'aborts'
    ? `if failures show only once the ${formatSeconds(p.queryWindow)} query window holds nothing but canary traffic, `
      + `this metric cannot abort before ${clock.kind === 'background' ? 'the release reaches 100%' : 'its count runs out'}`
    : undefined;
  return { outcome, firstPossibleFailure, failing, windowNote };
}

/** The exposure of a canary aborted `t` seconds after the start of the run. */
function exposure(clock: RunClock, t: number): MExposure {
  const { timeline, start, trafficRel } = clock;
  const first = timeline.firstTraffic;
  // a step analysis holds its step until it completes, so a failing run aborts at the step's weight
  const weightAtAbort = clock.kind === 'step' ? timeline.weight(start) : timeline.weight(timeline.locate(start, t));
  // 0 for an abort before the first user traffic (a check with requests of its own)
  const sinceFirstTraffic = Math.max(0, t - trafficRel);
  let integral: number | undefined;
  if (Number.isFinite(sinceFirstTraffic)) {
    integral = first >= start ? timeline.integral(start, t) : timeline.integral(first, timeline.offset(first, start) + t);
  }
  return {
    abortAfter: t,
    sinceFirstTraffic,
    weightAtAbort,
    averageWeight: integral === undefined ? undefined : sinceFirstTraffic > 0 ? integral / sinceFirstTraffic : weightAtAbort,
    canaryRequests: integral === undefined || clock.requestsPerSecond === undefined ? undefined : (clock.requestsPerSecond * integral) / 100,
  };
}

/** The notes of a metric, in the order the plan shows them. */
function metricNotes(p: MetricParams, clock: RunClock, outcome: Outcome, firstPossibleFailure: number | undefined, windowNote?: string): string[] {
  const { trafficRel } = clock;
  const notes: string[] = [];
  if (p.raw.dryRun) notes.push('dry run: measured and reported, but never fails the analysis');
  else if (p.failureLimit < 0) notes.push('failureLimit -1: failed measurements never fail the metric');
  else if (p.load) notes.push('a load test: it makes canary traffic and never fails the analysis; the other metrics judge the answers');
  if (windowNote) notes.push(windowNote);
  if (outcome === 'completes-first') {
    notes.push(`the count runs out first: after ${Number.isFinite(p.count) ? p.count : 'its'} measurement(s) the metric completes as successful`);
  }
  if (outcome === 'promoted-first') notes.push('the release reaches 100% first: the run is terminated as successful at promotion');
  if (clock.kind === 'background' && Number.isFinite(p.completesAfter) && p.completesAfter < clock.promoRel && !p.raw.dryRun) {
    notes.push(`runs out of measurements ${formatSeconds(p.completesAfter)} after the run starts, before the release reaches 100%`);
  }
  if (p.measurementBounded && p.provider === 'job') {
    notes.push('a Job metric: the plan counts 0s for its run time; each measurement lasts as long as its Job (up to activeDeadlineSeconds), '
      + 'and the next one starts an interval after it finished');
  }
  if (!p.needsCanaryTraffic) return [...notes, ...queryNotes(p)];
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
  return [...notes, ...queryNotes(p)];
}

/** Notes on the query window and the limits the plan does not model. */
function queryNotes(p: MetricParams): string[] {
  const notes: string[] = [];
  if (p.queryUnresolved) notes.push('the query window depends on an argument without a literal value');
  if (p.queryWindow === undefined && p.provider === 'prometheus' && !p.queryUnresolved) notes.push('instant query without a range window');
  if (p.consecutiveSuccessLimit > 0) {
    notes.push(`consecutiveSuccessLimit ${p.consecutiveSuccessLimit} is not modelled: the plan assumes the metric runs to its count`);
  }
  return notes;
}

/**
 * The load window of a load test Job, and the canary requests it guarantees to every query window of the metrics of
 * the same run that look at canary traffic (the Job's rate × the window; user traffic comes on top).
 */
function loadNotes(p: MetricParams, all: MetricParams[]): string[] {
  const load = p.load;
  if (!load) return [];
  const end = load.start + load.durationSeconds;
  const floors = all.filter(o => o !== p && o.needsCanaryTraffic && o.queryWindow !== undefined)
    .map(o => `every ${formatSeconds(o.queryWindow!)} window of \`${o.name}\` holds at least `
      + `${formatCount(load.requestsPerSecond * Math.min(o.queryWindow!, load.durationSeconds))} canary requests`);
  return [`load test of ${formatNumber(load.requestsPerSecond, 2)} requests/s to the canary through header route \`${load.route}\` `
    + `for ${formatSeconds(load.durationSeconds)}, from ${formatSeconds(load.start)} to ${formatSeconds(end)} after the run starts`
    + (floors.length > 0 ? `; while it runs (once a window lies inside it), ${floors.join(', ')}` : '')];
}

/**
 * Reads a metric duration field (`interval`, `initialDelay`): a Go duration string.
 * Throws for anything else, naming the field.
 */
export function metricDurationSeconds(prop: string, owner: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (seconds === undefined || seconds < 0) {
    throw new Error(`'${prop}' (${JSON.stringify(value)}) of ${owner} must be a non-negative Go duration such as "30s", "5m" or "1h30m", `
      + 'the format Argo Rollouts reads: fix the metric');
  }
  return seconds;
}
