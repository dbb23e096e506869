import { ApiObject, Duration, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { CanaryStep } from '../../src/canary-step';
import { PlanAnalysisKind, PlanGate, PlanMetricOutcome, RolloutPlan, RolloutPlanOptions } from '../../src/plan/rollout-plan';
import { StringMatch } from '../../src/string-match';
import { validateManifests } from '../support/schema';

// Every number below is checked against a hand computation written next to it.
// Conventions of the plan (docs/plan.md): times in seconds from the start of the update; a step that only
// sets a weight takes 0s; at a step boundary the later (higher) weight counts; canary replicas =
// ceil(replicas × weight / 100); a bad canary fails every measurement taken once it has traffic.

const ISTIO = {
  istio: {
    virtualService: { name: 'checkout', routes: ['primary'] },
    destinationRule: { name: 'checkout', canarySubsetName: 'canary', stableSubsetName: 'stable' },
  },
};

const ERROR_RATE_QUERY = 'sum(rate(istio_requests_total{reporter="destination",destination_canonical_revision="{{args.revision}}",'
  + 'response_code=~"5.."}[{{args.window}}])) / sum(rate(istio_requests_total{reporter="destination",'
  + 'destination_canonical_revision="{{args.revision}}"}[{{args.window}}]))';

function metric(name: string, timing: { [k: string]: unknown }, query = ERROR_RATE_QUERY): any {
  return {
    name,
    ...timing,
    successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] <= 0.01',
    failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] > 0.01',
    provider: { prometheus: { address: 'http://prometheus.istio-system:9090', query } },
  };
}

function template(name: string, metrics: any[], window = '5m'): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: 'shop' },
    spec: { args: [{ name: 'revision' }, { name: 'window', value: window }], metrics },
  };
}

function analysisRef(templateName: string, extra: { [k: string]: unknown } = {}): any {
  return { templates: [{ templateName }], args: [{ name: 'revision', value: 'v2-0a1b2c3d4e' }], ...extra };
}

function rollout(canary: any, replicas = 10, name = 'checkout'): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example.com/checkout:2.0.0' }] },
      },
      strategy: { canary },
    },
  };
}

/** Synthesizes the objects in a chart, validates them against the upstream schemas and returns the manifests. */
function synth(...objects: any[]): any[] {
  const chart = Testing.chart();
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  return validateManifests(Testing.synth(chart));
}

function plan(manifests: any[], options: RolloutPlanOptions = {}): RolloutPlan {
  return RolloutPlan.fromManifests(manifests, undefined, options);
}

/** The objects a plan reads (the other objects of a CanaryService are validated by its own tests). */
const planInputs = (manifests: any[]) => manifests.filter(m => ['Rollout', 'AnalysisTemplate', 'HorizontalPodAutoscaler'].includes(m.kind));
const sec = (d: { toSeconds(): number } | undefined) => d?.toSeconds();
const codes = (p: RolloutPlan) => p.warnings.map(w => w.code);

// A. The default shape: 10% → pause 2m → 30% → pause 2m → 50% → pause 2m → 100%, with a background
//    analysis (initialDelay 1m, interval 1m, count 10, failureLimit 1, window 5m), 10 replicas, 100 req/s.
function defaultRelease(pause = '2m'): any[] {
  return synth(
    rollout({
      trafficRouting: ISTIO,
      analysis: analysisRef('checkout-error-rate'),
      steps: [
        { setWeight: 10 }, { pause: { duration: pause } },
        { setWeight: 30 }, { pause: { duration: pause } },
        { setWeight: 50 }, { pause: { duration: pause } },
      ],
    }),
    template('checkout-error-rate', [metric('error-rate', { initialDelay: '1m', interval: '1m', count: 10, failureLimit: 1 })]),
  );
}

describe('default release with background analysis', () => {
  test('steps: weight, pods, gate, minimum and cumulative time', () => {
    // WHEN
    const p = plan(defaultRelease(), { requestsPerSecond: 100 });

    // THEN
    const rows = p.steps.map(s => [s.index, s.action, s.weight, s.canaryReplicas, s.stableReplicas, s.gate,
      sec(s.minimumTime), sec(s.cumulativeTime)]);
    expect(rows).toEqual([
      // canary = ceil(10 × 10 / 100) = 1; stable keeps all 10 (no dynamicStableScale)
      [0, 'set weight 10%', 10, 1, 10, PlanGate.NONE, 0, 0],
      [1, 'pause 2m', 10, 1, 10, PlanGate.TIMED_PAUSE, 120, 0 + 120],
      // canary = ceil(10 × 30 / 100) = 3
      [2, 'set weight 30%', 30, 3, 10, PlanGate.NONE, 0, 120],
      [3, 'pause 2m', 30, 3, 10, PlanGate.TIMED_PAUSE, 120, 120 + 120],
      [4, 'set weight 50%', 50, 5, 10, PlanGate.NONE, 0, 240],
      [5, 'pause 2m', 50, 5, 10, PlanGate.TIMED_PAUSE, 120, 240 + 120],
    ]);
    expect(p.steps.every(s => s.backgroundAnalysisRunning && !s.waitsForManualPromotion)).toBe(true);
    // 3 timed pauses of 2m
    expect(sec(p.minimumTimeToFullPromotion)).toBe(3 * 120);
    expect(p.manualPauses).toBe(0);
  });

  test('background analysis: time to abort, weight, average weight and canary requests', () => {
    // WHEN
    const p = plan(defaultRelease(), { requestsPerSecond: 100 });

    // THEN
    expect(p.analyses).toHaveLength(1);
    const a = p.analyses[0];
    expect(a.kind).toBe(PlanAnalysisKind.BACKGROUND);
    expect(a.stepIndex).toBe(0);
    expect(a.templates).toEqual(['checkout-error-rate']);
    const m = a.metrics[0];
    expect(m.count).toBe(10);
    expect(sec(m.queryWindow)).toBe(300); // [{{args.window}}] with the template default "5m"
    // last measurement at initialDelay + (count − 1) × interval = 60 + 9 × 60 = 600 s, after promotion (360 s)
    expect(sec(m.completesAfter)).toBe(600);
    expect(m.outcome).toBe(PlanMetricOutcome.ABORTS);
    // measurements at 60, 120, 180 …; failureLimit 1 → the 2nd failed one aborts: 60 + 1 × 60 = 120 s
    expect(sec(m.exposure!.abortAfter)).toBe(120);
    expect(sec(m.exposure!.timeToAbort)).toBe(120); // first canary traffic at 0 s
    // at 120 s the pause ends and step 2 sets 30%: the later weight counts
    expect(m.exposure!.weightAtAbort).toBe(30);
    // ∫ weight dt over [0, 120) = 10 % × 120 s → average 10 %
    expect(m.exposure!.averageWeight).toBeCloseTo(10, 9);
    // 100 req/s × 0.10 × 120 s = 1200 requests
    expect(m.exposure!.canaryRequests).toBeCloseTo(1200, 6);
    // full 5m window: first qualifying measurement at ≥ 300 s is k = ceil((300 − 60) / 60) = 4 (300 s);
    // the 2nd failure is k = 5 at 360 s = promotion → no abort in that case
    expect(m.exposureWithFullWindow).toBeUndefined();
    // every measurement errors: 60 + 4 (consecutiveErrorLimit) × 10 s = 100 s
    expect(sec(m.abortOnErrorsAfter)).toBe(100);
    // inconclusive: inconclusiveLimit 0 → the first measurement at 60 s pauses the release
    expect(sec(m.pauseWhenInconclusiveAfter)).toBe(60);
    expect(a.canAbort).toBe(true);
    expect(a.worstCaseMetric).toBe('error-rate');
    expect(sec(a.worstCase!.timeToAbort)).toBe(120);
  });

  test('warns (PLAN003) that the abort races the step to 30%, and not with a 3m pause', () => {
    // WHEN
    const tight = plan(defaultRelease('2m'));
    const roomy = plan(defaultRelease('3m'));

    // THEN
    // abort at 120 s ≥ next increase (step 2) at 120 s
    expect(codes(tight)).toEqual(['PLAN003']);
    expect(tight.warnings[0].message).toMatch(/aborts a canary that fails every measurement at the earliest 2m after it starts, but the weight rises to 30% at step 2, 2m after/);
    // abort at 120 s < next increase at 180 s
    expect(codes(roomy)).toEqual([]);
    expect(roomy.analyses[0].metrics[0].exposure!.weightAtAbort).toBe(10);
    // 3 pauses of 3m; the full-window abort: 2nd qualifying measurement k = 5 → 60 + 300 = 360 s < 540 s, during step 5 (50%)
    expect(sec(roomy.minimumTimeToFullPromotion)).toBe(540);
    const full = roomy.analyses[0].metrics[0].exposureWithFullWindow!;
    expect(sec(full.abortAfter)).toBe(360);
    expect(full.weightAtAbort).toBe(50);
    // ∫ = 10 × 180 + 30 × 180 = 7200 → average 7200 / 360 = 20 %
    expect(full.averageWeight).toBeCloseTo(20, 9);
    expect(full.canaryRequests).toBeUndefined(); // no request rate declared
  });

  test('Markdown snapshot and chart', () => {
    // WHEN
    const md = plan(defaultRelease(), { requestsPerSecond: 100 }).toMarkdown();

    // THEN
    expect(md).toContain('# Rollout plan: shop/checkout');
    expect(md).toContain('| Minimum time to 100% | **6m** |');
    expect(md).toContain('```mermaid\nxychart-beta');
    // 6m of steps + 1m of 100% (tail of 120 s, one grid unit); the grid of 120 s is split into 12 points of 10 s
    expect(md).toContain('x-axis "minutes since the update started" 0 --> 8');
    const line = /line \[([^\]]*)\]/.exec(md)![1].split(', ').map(Number);
    expect(line).toHaveLength(480 / 10 + 1);
    expect(line.slice(0, 12).every(v => v === 10)).toBe(true); // 0 s … 110 s
    expect(line[12]).toBe(30); // 120 s
    expect(line[24]).toBe(50); // 240 s
    expect(line[36]).toBe(100); // 360 s
    expect(md).toContain('| `error-rate` | fails every measurement | 2m | 2m | 30% | 10% | 1,200 |');
    expect(md).toContain('| end | full promotion | 100% | 10 | 0 (old pods removed 30s later) | – | – | 6m | |');
    expect(md).toMatchSnapshot();
  });

  test('is deterministic: the same manifests give the same Markdown', () => {
    // WHEN
    const first = plan(defaultRelease(), { requestsPerSecond: 100 }).toMarkdown();
    const second = plan(defaultRelease(), { requestsPerSecond: 100 }).toMarkdown();

    // THEN
    expect(second).toBe(first);
  });
});

// B. A manual pause: 20% → pause {} → 50% → pause 5m; background analysis every 30s without count,
//    failureLimit 2; 4 replicas; 10 req/s.
describe('manual pause', () => {
  const manifests = () => synth(
    rollout({
      trafficRouting: ISTIO,
      analysis: analysisRef('checkout-error-rate'),
      steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 300 } }],
    }, 4),
    template('checkout-error-rate', [metric('error-rate', { interval: '30s', failureLimit: 2 })]),
  );

  test('minimum time is unbounded; timed steps still add up', () => {
    // WHEN
    const p = plan(manifests(), { requestsPerSecond: 10 });

    // THEN
    expect(p.steps.map(s => [s.weight, s.canaryReplicas, s.stableReplicas, s.gate, sec(s.minimumTime), s.waitsForManualPromotion])).toEqual([
      [20, 1, 4, PlanGate.NONE, 0, false], // ceil(4 × 0.2) = ceil(0.8) = 1
      [20, 1, 4, PlanGate.MANUAL_PAUSE, undefined, true],
      [50, 2, 4, PlanGate.NONE, 0, true], // ceil(4 × 0.5) = 2
      [50, 2, 4, PlanGate.TIMED_PAUSE, 300, true], // an integer duration is seconds
    ]);
    expect(p.minimumTimeToFullPromotion).toBeUndefined();
    expect(sec(p.minimumTimeExcludingManualPauses)).toBe(300);
    expect(p.manualPauses).toBe(1);
    expect(sec(p.steps[3].cumulativeTime)).toBe(300); // + manual
  });

  test('the analysis aborts during the manual pause', () => {
    // WHEN
    const m = plan(manifests(), { requestsPerSecond: 10 }).analyses[0].metrics[0];

    // THEN
    expect(m.count).toBeUndefined(); // interval without count: runs until promotion
    expect(m.completesAfter).toBeUndefined();
    // measurements at 0, 30, 60 s; failureLimit 2 → 3rd failure at 0 + 2 × 30 = 60 s, while paused at 20 %
    expect(sec(m.exposure!.abortAfter)).toBe(60);
    expect(m.exposure!.weightAtAbort).toBe(20);
    expect(m.exposure!.averageWeight).toBeCloseTo(20, 9);
    // 10 req/s × 0.20 × 60 s = 120
    expect(m.exposure!.canaryRequests).toBeCloseTo(120, 6);
    // full window 300 s: k0 = ceil(300 / 30) = 10, abort at k = 12 → 360 s, still in the manual pause:
    // 10 × 0.20 × 360 = 720
    expect(sec(m.exposureWithFullWindow!.abortAfter)).toBe(360);
    expect(m.exposureWithFullWindow!.canaryRequests).toBeCloseTo(720, 6);
  });

  test('warns (PLAN004) about the manual pause in an automatic release', () => {
    // WHEN
    const p = plan(manifests());

    // THEN
    expect(codes(p)).toEqual(['PLAN004']);
    expect(p.warnings[0].stepIndex).toBe(1);
    expect(p.toMarkdown()).toContain('**unbounded**: waits for a manual promotion (5m of timed steps)');
  });

  test('no PLAN004 when every gate is manual', () => {
    // GIVEN
    const manifests2 = synth(rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] }));

    // THEN
    expect(codes(plan(manifests2))).toEqual([]);
  });
});

// C. Step analysis: 20% → analysis (error-rate: initialDelay 30s, interval 1m, count 3, failureLimit 0, window 2m;
//    latency: interval 1m, count 3, failureLimit 3) → 60% → pause 1m; 5 replicas; 50 req/s.
describe('step analysis', () => {
  const manifests = () => synth(
    rollout({
      trafficRouting: ISTIO,
      steps: [{ setWeight: 20 }, { analysis: analysisRef('checkout-smoke') }, { setWeight: 60 }, { pause: { duration: '1m' } }],
    }, 5),
    template('checkout-smoke', [
      metric('error-rate', { initialDelay: '30s', interval: '1m', count: 3 }),
      metric('latency-p99', { interval: '1m', count: 3, failureLimit: 3 },
        'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{destination_canonical_revision="{{args.revision}}"}[1m])))'),
    ], '2m'),
  );

  test('the analysis step lasts until its slowest metric completes', () => {
    // WHEN
    const p = plan(manifests(), { requestsPerSecond: 50 });

    // THEN
    // error-rate: 30 + (3 − 1) × 60 = 150 s; latency: 0 + 2 × 60 = 120 s → step 1 takes 150 s
    expect(p.steps[1].gate).toBe(PlanGate.ANALYSIS);
    expect(p.steps[1].action).toBe('analysis checkout-smoke');
    expect(sec(p.steps[1].minimumTime)).toBe(150);
    // 150 + 60 (pause 1m)
    expect(sec(p.minimumTimeToFullPromotion)).toBe(210);
    expect(p.steps.map(s => s.canaryReplicas)).toEqual([1, 1, 3, 3]); // ceil(5 × 0.2) = 1, ceil(5 × 0.6) = 3
  });

  test('time to abort counts from the step start; weight stays at the step weight', () => {
    // WHEN
    const a = plan(manifests(), { requestsPerSecond: 50 }).analyses[0];

    // THEN
    expect(a.kind).toBe(PlanAnalysisKind.STEP);
    expect(a.stepIndex).toBe(1);
    const [errorRate, latency] = a.metrics;
    // failureLimit 0 → the first measurement, at initialDelay 30 s after the step starts
    expect(errorRate.outcome).toBe(PlanMetricOutcome.ABORTS);
    expect(sec(errorRate.exposure!.abortAfter)).toBe(30);
    expect(sec(errorRate.exposure!.timeToAbort)).toBe(30); // step 0 (20 %) took 0 s
    expect(errorRate.exposure!.weightAtAbort).toBe(20);
    // 50 req/s × 0.20 × 30 s = 300
    expect(errorRate.exposure!.canaryRequests).toBeCloseTo(300, 6);
    // full 2m window: first measurement at ≥ 120 s is k = ceil((120 − 30) / 60) = 2 → 150 s, the last one;
    // the step cannot advance before the run completes, so the weight is still 20 %: 50 × 0.2 × 150 = 1500
    expect(sec(errorRate.exposureWithFullWindow!.abortAfter)).toBe(150);
    expect(errorRate.exposureWithFullWindow!.weightAtAbort).toBe(20);
    expect(errorRate.exposureWithFullWindow!.canaryRequests).toBeCloseTo(1500, 6);
    // latency: the 4th failure (failureLimit 3) would be measurement k = 3, but count is 3 (k = 0..2)
    expect(latency.outcome).toBe(PlanMetricOutcome.COMPLETES_FIRST);
    expect(latency.exposure).toBeUndefined();
    expect(sec(latency.queryWindow)).toBe(60);
    expect(a.worstCaseMetric).toBe('error-rate');
  });

  test('warns (PLAN005) about the metric that cannot fail', () => {
    // WHEN
    const p = plan(manifests());

    // THEN
    expect(codes(p)).toEqual(['PLAN005']);
    expect(p.warnings[0].stepIndex).toBe(1);
    expect(p.warnings[0].message).toMatch(/metric "latency-p99" of the analysis of step 1 cannot fail .* 3 measurement\(s\) .* 4th failed one/);
  });
});

// D. setCanaryScale: 5 replicas.
describe('setCanaryScale', () => {
  test('explicit replicas, a scale weight, then matchTrafficWeight', () => {
    // GIVEN
    const manifests = synth(rollout({
      trafficRouting: ISTIO,
      steps: [
        { setCanaryScale: { replicas: 2 } }, { pause: { duration: '1m' } },
        { setWeight: 20 }, { pause: { duration: '1m' } },
        { setCanaryScale: { weight: 50 } }, { setWeight: 50 }, { pause: { duration: '1m' } },
        { setCanaryScale: { matchTrafficWeight: true }, setWeight: 80 }, { pause: { duration: '1m' } },
      ],
    }, 5));

    // WHEN
    const p = plan(manifests);

    // THEN
    expect(p.steps.map(s => [s.action, s.weight, s.canaryReplicas, s.stableReplicas])).toEqual([
      ['scale canary to 2 pods', 0, 2, 5], // explicit: 2 pods, no traffic yet
      ['pause 1m', 0, 2, 5],
      ['set weight 20%', 20, 2, 5], // still 2 pods (explicit scale in force), not ceil(5 × 0.2) = 1
      ['pause 1m', 20, 2, 5],
      ['scale canary to 50% of replicas', 20, 3, 5], // ceil(5 × 0.5) = ceil(2.5) = 3
      ['set weight 50%', 50, 3, 5],
      ['pause 1m', 50, 3, 5],
      ['scale canary with the traffic weight, set weight 80%', 80, 4, 5], // ceil(5 × 0.8) = 4
      ['pause 1m', 80, 4, 5],
    ]);
    expect(sec(p.minimumTimeToFullPromotion)).toBe(4 * 60);
    expect(p.analyses).toEqual([]);
    expect(codes(p)).toEqual([]);
  });
});

// E. dynamicStableScale: 10 replicas, minPodsPerReplicaSet 2.
describe('dynamicStableScale', () => {
  test('stable scales down as the weight rises; minPodsPerReplicaSet raises the canary', () => {
    // GIVEN
    const manifests = synth(rollout({
      trafficRouting: ISTIO,
      dynamicStableScale: true,
      minPodsPerReplicaSet: 2,
      steps: [
        { setWeight: 5 }, { pause: { duration: '1m' } },
        { setWeight: 25 }, { pause: { duration: '1m' } },
        { setWeight: 75 }, { pause: { duration: '1m' } },
      ],
    }));

    // WHEN
    const p = plan(manifests);

    // THEN
    expect(p.steps.filter((_, i) => i % 2 === 0).map(s => [s.weight, s.canaryReplicas, s.stableReplicas])).toEqual([
      [5, 2, 10], // canary ceil(0.5) = 1 → minPodsPerReplicaSet 2; stable ceil(10 × 0.95) = ceil(9.5) = 10
      [25, 3, 8], // canary ceil(2.5) = 3; stable ceil(7.5) = 8
      [75, 8, 3], // canary ceil(7.5) = 8; stable ceil(2.5) = 3
    ]);
    // no scaleDownDelaySeconds default with dynamicStableScale
    expect(p.toMarkdown()).toContain('| end | full promotion | 100% | 10 | 0 | – | – | 3m | |');
  });
});

// F. Risky shapes: 10% → 20% at once → pause 30s → 40% → pause 5m → 60% → pause 5m; background analysis
//    every 1m, count 3, failureLimit 0, from the start.
describe('risky shapes', () => {
  const manifests = () => synth(
    rollout({
      trafficRouting: ISTIO,
      analysis: analysisRef('checkout-error-rate'),
      steps: [
        { setWeight: 10 }, { setWeight: 20 }, { pause: { duration: '30s' } },
        { setWeight: 40 }, { pause: { duration: '5m' } },
        { setWeight: 60 }, { pause: { duration: '5m' } },
      ],
    }),
    template('checkout-error-rate', [metric('error-rate', { interval: '1m', count: 3 })]),
  );

  test('warns PLAN001, PLAN002 and PLAN006', () => {
    // WHEN
    const p = plan(manifests());

    // THEN
    expect(p.warnings.map(w => [w.code, w.stepIndex])).toEqual([
      ['PLAN006', undefined], // completes at 0 + 2 × 60 = 120 s; promotion at 30 + 300 + 300 = 630 s
      ['PLAN001', 1], // 10 % (step 0) → 20 % (step 1) with nothing between
      ['PLAN002', 2], // pause 30 s < interval 60 s
    ]);
    expect(p.warnings[1].message).toMatch(/^step 1: the weight rises from 10% \(step 0\) to 20% with no pause or analysis step in between\. The background analysis keeps running/);
    expect(p.warnings[0].message).toMatch(/completes 2m after it starts .* reaches 100% only 10m30s after it starts: the weight increases at step 5, full promotion are not analysed/);
  });

  test('an abort at the first measurement exposes the weight in force then, and no requests', () => {
    // WHEN
    const m = plan(manifests(), { requestsPerSecond: 100 }).analyses[0].metrics[0];

    // THEN
    // first measurement at 0 s, after steps 0 and 1 (0 s each): weight 20 %, nothing served yet
    expect(sec(m.exposure!.abortAfter)).toBe(0);
    expect(m.exposure!.weightAtAbort).toBe(20);
    expect(m.exposure!.averageWeight).toBe(20);
    expect(m.exposure!.canaryRequests).toBe(0);
    expect(m.notes).toContain('runs out of measurements 2m after the run starts, before the release reaches 100%');
    // initialDelay 0: the first measurement may find no canary series in Prometheus yet
    expect(m.notes.some(n => n.startsWith('the first measurement comes 0s after the first canary traffic'))).toBe(true);
  });

  test('PLAN001 at the end of the steps', () => {
    // GIVEN: 10% → pause 1m → 50% → end (100%) with nothing between
    const p = plan(synth(rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { pause: { duration: 60 } }, { setWeight: 50 }] })));

    // THEN
    expect(codes(p)).toEqual(['PLAN001']);
    expect(p.warnings[0].stepIndex).toBeUndefined();
    expect(p.warnings[0].message).toMatch(/^the end of the steps \(full promotion\): the weight rises from 50% \(step 2\) to 100%/);
  });
});

describe('header and mirror routes', () => {
  const steps = (first: any[]) => [
    ...first,
    { setHeaderRoute: { name: 'by-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'always' } }] } },
    { setMirrorRoute: { name: 'mirror-reads', percentage: 20, match: [{ method: { exact: 'GET' } }] } },
    { pause: { duration: '1m' } },
    { setMirrorRoute: { name: 'mirror-reads' } },
    { setWeight: 10 }, { pause: { duration: '1m' } },
  ];
  const routing = { ...ISTIO, managedRoutes: [{ name: 'by-header' }, { name: 'mirror-reads' }] };

  test('warns PLAN012 when a route targets a canary without pods', () => {
    // GIVEN: weight 0 and no setCanaryScale → ceil(4 × 0 / 100) = 0 canary pods
    const p = plan(synth(rollout({ trafficRouting: routing, steps: steps([]) }, 4)));

    // THEN
    expect(p.steps.map(s => [s.action, s.canaryReplicas])).toEqual([
      ['header route by-header', 0],
      ['mirror route mirror-reads (20%)', 0],
      ['pause 1m', 0],
      ['remove mirror route mirror-reads', 0],
      ['set weight 10%', 1],
      ['pause 1m', 1],
    ]);
    expect(p.warnings.map(w => [w.code, w.stepIndex])).toEqual([['PLAN012', 0], ['PLAN012', 1]]);
    expect(p.warnings[0].message).toMatch(/header route "by-header" sends requests to the canary, but the canary has 0 pods .* fail \(503/);
    expect(p.warnings[1].message).toMatch(/mirror route "mirror-reads" .* the mirrored copies reach no canary pod/);
  });

  test('no PLAN012 when setCanaryScale gives the canary pods first', () => {
    // GIVEN
    const p = plan(synth(rollout({ trafficRouting: routing, steps: steps([{ setCanaryScale: { replicas: 1 } }]) }, 4)));

    // THEN
    expect(p.steps[1].canaryReplicas).toBe(1);
    expect(codes(p)).toEqual([]);
  });
});

describe('analysis details', () => {
  test('startingStep delays the background analysis; canary traffic began before it', () => {
    // GIVEN: 10% → pause 1m → 30% → pause 10m, analysis from step 2, first measurement at 0, failureLimit 0
    const manifests = synth(
      rollout({
        trafficRouting: ISTIO,
        analysis: analysisRef('checkout-error-rate', { startingStep: 2 }),
        steps: [{ setWeight: 10 }, { pause: { duration: '1m' } }, { setWeight: 30 }, { pause: { duration: '10m' } }],
      }),
      template('checkout-error-rate', [metric('error-rate', { interval: '1m' })]),
    );

    // WHEN
    const a = plan(manifests, { requestsPerSecond: 10 }).analyses[0];

    // THEN
    expect(sec(a.startsAfter)).toBe(60);
    const e = a.metrics[0].exposure!;
    expect(sec(e.abortAfter)).toBe(0); // first measurement as the run starts, at 60 s
    expect(sec(e.timeToAbort)).toBe(60); // first canary traffic at 0 s
    expect(e.weightAtAbort).toBe(30);
    // ∫ over [0, 60) = 10 % × 60 s = 600 → average 10 %, 10 req/s × 600 / 100 = 60 requests
    expect(e.averageWeight).toBeCloseTo(10, 9);
    expect(e.canaryRequests).toBeCloseTo(60, 6);
    expect(plan(manifests).steps.map(s => s.backgroundAnalysisRunning)).toEqual([false, false, true, true]);
  });

  test('warns PLAN013 when the background analysis measures before the canary has traffic', () => {
    // GIVEN: 2 pods at weight 0 for 2m, then 10%; analysis from step 0 with its first measurement at 1m
    const manifests = (startingStep?: number) => synth(
      rollout({
        trafficRouting: ISTIO,
        analysis: analysisRef('checkout-error-rate', startingStep === undefined ? {} : { startingStep }),
        steps: [{ setCanaryScale: { replicas: 2 } }, { pause: { duration: '2m' } }, { setWeight: 10 }, { pause: { duration: '5m' } }],
      }),
      template('checkout-error-rate', [metric('error-rate', { initialDelay: '1m', interval: '1m' })]),
    );

    // WHEN
    const early = plan(manifests());
    const late = plan(manifests(2));

    // THEN
    expect(codes(early)).toEqual(['PLAN013']);
    expect(early.warnings[0].message).toMatch(/^the background analysis starts at step 0, but the canary gets traffic 2m later, at step 2: "error-rate" measures before then/);
    expect(early.warnings[0].message).toMatch(/set startingStep to 2/);
    // first traffic at 120 s: measurements at 60, 120, …; the one at 120 s is the first to see it; failureLimit 0
    expect(sec(early.analyses[0].metrics[0].exposure!.abortAfter)).toBe(120);
    expect(sec(early.analyses[0].metrics[0].exposure!.timeToAbort)).toBe(0);
    expect(codes(late)).toEqual([]);
    // from step 2: first measurement 60 s after the first traffic
    expect(sec(late.analyses[0].metrics[0].exposure!.timeToAbort)).toBe(60);
  });

  test('warns PLAN014 when the Rollout is scaled to 0 replicas (a release runs no canary); not for 1 replica', () => {
    // GIVEN
    const manifests = (replicas: number) => synth(rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 20 }, { pause: { duration: '5m' } }] }, replicas));
    // WHEN
    const zero = plan(manifests(0));
    // THEN
    expect(codes(zero)).toEqual(['PLAN014']);
    expect(zero.warnings[0].message).toMatch(/^Rollout "checkout" has 'replicas: 0': no pod runs, stable or canary, so a release runs no canary\..*scale the Rollout up/);
    expect(zero.steps.map(st => st.canaryReplicas)).toEqual([0, 0]);
    expect(codes(plan(manifests(1)))).toEqual([]);
  });

  test('dry-run metrics cannot fail; failureLimit -1 cannot fail', () => {
    // GIVEN
    const manifests = synth(
      rollout({
        trafficRouting: ISTIO,
        analysis: analysisRef('checkout-error-rate', { dryRun: [{ metricName: 'latency.*' }] }),
        steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }],
      }),
      template('checkout-error-rate', [
        metric('latency-p99', { interval: '1m' }),
        metric('error-rate', { interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 2 }),
      ]),
    );

    // WHEN
    const a = plan(manifests).analyses[0];

    // THEN
    expect(a.metrics.map(m => [m.name, m.dryRun, m.outcome])).toEqual([
      ['latency-p99', true, PlanMetricOutcome.CANNOT_FAIL],
      ['error-rate', false, PlanMetricOutcome.CANNOT_FAIL],
    ]);
    expect(a.canAbort).toBe(false);
    expect(plan(manifests).toMarkdown()).toContain('| Worst-case exposure before an abort | no analysis can abort this release |');
  });

  test('ClusterAnalysisTemplate and nested templates are resolved', () => {
    // GIVEN
    const cluster = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterAnalysisTemplate',
      metadata: { name: 'mesh-errors' },
      spec: { args: [{ name: 'revision' }], templates: [{ templateName: 'mesh-latency', clusterScope: true }], metrics: [metric('errors', { count: 1 })] },
    };
    const nested = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterAnalysisTemplate',
      metadata: { name: 'mesh-latency' },
      spec: { metrics: [metric('latency', { initialDelay: '2m' })] },
    };
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'mesh-errors', clusterScope: true }] } }] }),
      cluster, nested,
    );

    // WHEN
    const p = plan(manifests);

    // THEN
    expect(p.analyses[0].metrics.map(m => [m.template, m.name, sec(m.completesAfter)])).toEqual([
      ['mesh-errors', 'errors', 0], // count 1, no delay
      ['mesh-latency', 'latency', 120], // no interval → count 1, at initialDelay 2m
    ]);
    expect(sec(p.steps[1].minimumTime)).toBe(120);
  });

  test('warns PLAN007 for a template that is not in the manifests', () => {
    // GIVEN
    const manifests = synth(rollout({ trafficRouting: ISTIO, analysis: analysisRef('missing'), steps: [{ setWeight: 10 }, { pause: { duration: 60 } }] }));

    // THEN
    const p = plan(manifests);
    expect(codes(p)).toEqual(['PLAN007']);
    expect(p.warnings[0].message).toMatch(/refers to AnalysisTemplate "missing", which is not among the synthesized manifests/);
    expect(p.analyses[0].metrics).toEqual([]);
  });

  test('warns PLAN008 for a step analysis that never ends', () => {
    // GIVEN
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { analysis: analysisRef('checkout-error-rate') }] }),
      template('checkout-error-rate', [metric('error-rate', { interval: '1m' })]),
    );

    // THEN
    const p = plan(manifests);
    expect(codes(p)).toContain('PLAN008');
    expect(p.steps[1].minimumTime).toBeUndefined();
    expect(p.minimumTimeToFullPromotion).toBeUndefined();
    expect(p.toMarkdown()).toContain('**unbounded**: an analysis step never ends');
  });

  test('warns PLAN009 without traffic routing, PLAN010 for an experiment without duration, PLAN011 for a late startingStep', () => {
    // GIVEN
    const manifests = synth(
      rollout({
        analysis: analysisRef('checkout-error-rate', { startingStep: 5 }),
        steps: [{ setWeight: 25 }, { experiment: { templates: [{ name: 'baseline', specRef: 'stable' }] } }, { pause: { duration: 60 } }],
      }, 4),
      template('checkout-error-rate', [metric('error-rate', { interval: '1m' })]),
    );

    // WHEN
    const p = plan(manifests);

    // THEN
    expect([...codes(p)].sort()).toEqual(['PLAN009', 'PLAN010', 'PLAN011']);
    // basic canary: canary ceil(4 × 0.25) = 1, stable 4 − 1 = 3
    expect([p.steps[0].canaryReplicas, p.steps[0].stableReplicas]).toEqual([1, 3]);
    expect(p.analyses).toEqual([]);
  });

  test('allFromManifests plans every canary Rollout, ordered by name, and renders them together', () => {
    // GIVEN
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 50 }, { pause: { duration: 60 } }] }, 2, 'web'),
      rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { pause: { duration: 120 } }] }, 2, 'api'),
    );

    // WHEN
    const plans = RolloutPlan.allFromManifests(manifests);
    const md = RolloutPlan.renderMarkdown(plans, 'Rollout plans: shop');

    // THEN
    expect(plans.map(p => [p.rolloutName, sec(p.minimumTimeToFullPromotion)])).toEqual([['api', 120], ['web', 60]]);
    expect(md.startsWith('# Rollout plans: shop\n')).toBe(true);
    expect(md).toContain('## Rollout plan: shop/api');
    expect(md).toContain('## Rollout plan: shop/web');
    expect(RolloutPlan.fromManifests(manifests, 'web').rolloutName).toBe('web');
    // a single plan is rendered under the document title
    expect(RolloutPlan.renderMarkdown([plans[1]], 'Rollout plan: shop')).toBe(plans[1].toMarkdown('Rollout plan: shop'));
    expect(RolloutPlan.renderMarkdown([], 'Rollout plan: shop')).toContain('No canary Rollout in these manifests.');
  });
});

describe('errors', () => {
  test('fails if the manifests hold no Rollout', () => {
    expect(() => plan([])).toThrow(/'rolloutName' is not set and the manifests contain 0 Rollouts/);
  });

  test('fails if several Rollouts and no rolloutName', () => {
    const manifests = synth(rollout({ trafficRouting: ISTIO, steps: [] }, 1, 'a'), rollout({ trafficRouting: ISTIO, steps: [] }, 1, 'b'));
    expect(() => plan(manifests)).toThrow(/contain 2 Rollouts \("a", "b"\): pass the name of the Rollout to plan/);
  });

  test('fails if the named Rollout is not there', () => {
    const manifests = synth(rollout({ trafficRouting: ISTIO, steps: [] }));
    expect(() => RolloutPlan.fromManifests(manifests, 'web')).toThrow(/'rolloutName' \("web"\) must name one Rollout of the manifests; found 0/);
  });

  test('fails if the manifests are not an array', () => {
    expect(() => RolloutPlan.fromManifests({} as any)).toThrow(/'manifests' \(object\) must be an array/);
  });

  test('fails if the Rollout has no canary strategy', () => {
    const blueGreen = rollout({});
    blueGreen.spec.strategy = { blueGreen: { activeService: 'checkout' } };
    expect(() => plan([blueGreen])).toThrow(/'spec.strategy.canary' of Rollout "checkout" is not set: the rollout plan covers canary releases only/);
  });

  test('fails if a pause duration is not a duration', () => {
    const manifests = synth(rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { pause: { duration: '5 minutes' } }] }));
    expect(() => plan(manifests)).toThrow(/'spec.strategy.canary.steps\[1\].pause.duration' \("5 minutes"\) of Rollout "checkout" must be a non-negative/);
  });

  test('fails if setWeight is out of range', () => {
    const manifests = [rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 120 }] })];
    expect(() => plan(manifests)).toThrow(/'spec.strategy.canary.steps\[0\].setWeight' \(120\) must be an integer between 0 and 100/);
  });

  test('fails if setCanaryScale.weight is out of range', () => {
    const manifests = [rollout({ trafficRouting: ISTIO, steps: [{ setCanaryScale: { weight: 101 } }] })];
    expect(() => plan(manifests)).toThrow(/'spec.strategy.canary.steps\[0\].setCanaryScale.weight' \(101\) must be an integer between 0 and 100/);
  });

  test('fails if a metric interval is not a Go duration', () => {
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, analysis: analysisRef('checkout-error-rate'), steps: [{ setWeight: 10 }] }),
      template('checkout-error-rate', [metric('error-rate', { interval: '1 minute' })]),
    );
    expect(() => plan(manifests)).toThrow(/'spec.metrics\[0\].interval' \("1 minute"\) of AnalysisTemplate "checkout-error-rate" must be a non-negative Go duration/);
  });

  test('fails if a metric count is a placeholder without a literal value', () => {
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, analysis: analysisRef('checkout-error-rate'), steps: [{ setWeight: 10 }] }),
      template('checkout-error-rate', [metric('error-rate', { interval: '1m', count: '{{args.count}}' })]),
    );
    expect(() => plan(manifests)).toThrow(/'spec.metrics\[0\].count' \("\{\{args.count\}\}"\) of AnalysisTemplate "checkout-error-rate" must be an integer/);
  });

  test('fails if requestsPerSecond is negative', () => {
    expect(() => plan(defaultRelease(), { requestsPerSecond: -5 })).toThrow(/'requestsPerSecond' \(-5\) must be a finite number of requests per second, 0 or more/);
  });
});

// G. The library's own output: a CanaryService (10 replicas) with its default background success-rate analysis,
//    planned from the synthesized manifests. The steps are set in the manifest, so that the hand computation does
//    not depend on the library's default steps.
describe('plan of a default CanaryService', () => {
  test('durations and exposure match the hand computation', () => {
    // GIVEN
    const chart = Testing.chart();
    new CanaryService(chart, 'checkout', { image: 'ghcr.io/acme/checkout:1.2.3', replicas: 10 });
    const manifests = Testing.synth(chart);
    const rolloutSpec = manifests.find(m => m.kind === 'Rollout').spec.strategy.canary;
    rolloutSpec.steps = [
      { setWeight: 10 }, { pause: { duration: '5m' } },
      { setWeight: 30 }, { pause: { duration: '5m' } },
      { setWeight: 50 }, { pause: { duration: '5m' } },
    ];
    validateManifests(planInputs(manifests));
    const metricSpec = manifests.find(m => m.kind === 'AnalysisTemplate').spec.metrics[0];

    // WHEN
    const p = RolloutPlan.fromManifests(manifests, 'checkout', { requestsPerSecond: 20 });

    // THEN: the inputs the hand computation uses
    expect([metricSpec.initialDelay, metricSpec.interval, metricSpec.count, metricSpec.failureLimit]).toEqual(['1m', '1m', undefined, 1]);
    expect(metricSpec.provider.prometheus.query).toContain('[2m]');
    // 3 × 5m
    expect(sec(p.minimumTimeToFullPromotion)).toBe(900);
    const m = p.analyses[0].metrics[0];
    // measurements at 60, 120, … s; failureLimit 1 → 2nd failure at 120 s, during step 1 (10 %)
    expect(sec(m.exposure!.timeToAbort)).toBe(120);
    expect(m.exposure!.weightAtAbort).toBe(10);
    // 20 req/s × 0.10 × 120 s = 240
    expect(m.exposure!.canaryRequests).toBeCloseTo(240, 6);
    // full 2m window: k₀ = ceil((120 − 60) / 60) = 1 → abort at 60 + 2 × 60 = 180 s: 20 × 0.10 × 180 = 360
    expect(sec(m.exposureWithFullWindow!.timeToAbort)).toBe(180);
    expect(m.exposureWithFullWindow!.canaryRequests).toBeCloseTo(360, 6);
    // abort at 120 s < first increase at 300 s: no PLAN003; no other risky shape
    expect(p.warnings).toEqual([]);
  });

  test('an autoscaled Rollout is planned with the autoscaler\'s minimum', () => {
    // GIVEN: no spec.replicas; an HPA with minReplicas 4 targets the Rollout
    const chart = Testing.chart();
    const service = new CanaryService(chart, 'checkout', { image: 'ghcr.io/acme/checkout:1.2.3' });
    service.rollout.autoscale({ minReplicas: 4, maxReplicas: 12 });
    const manifests = Testing.synth(chart);
    validateManifests(planInputs(manifests));

    // WHEN
    const p = RolloutPlan.fromManifests(manifests, 'checkout');

    // THEN
    expect(manifests.find(m => m.kind === 'Rollout').spec.replicas).toBeUndefined();
    expect([p.replicas, p.autoscaled]).toEqual([4, true]);
    expect(p.steps[0].canaryReplicas).toBe(1); // ceil(4 × 0.10) = 1
    expect(p.steps[2].canaryReplicas).toBe(2); // ceil(4 × 0.30) = ceil(1.2) = 2
    expect(p.toMarkdown()).toContain('4 replicas (the autoscaler\'s minimum; pod counts below assume it)');
  });
});

// The renderer and the model take fast paths for the common case (see the comments in src/plan/_*.ts); these tests pin
// the uncommon inputs that must still take the general path and give the text the general path gives.
describe('Markdown layout', () => {
  test('a title or name with its own blank lines is normalized to single blank lines', () => {
    // GIVEN
    const p = plan(defaultRelease());

    // WHEN
    const md = p.toMarkdown('Rollout plan\n\n\n\nfor shop  ');

    // THEN: the run of blank lines in the title collapses to one, as in any other place of the document
    expect(md.startsWith('# Rollout plan\n\nfor shop  \n\nCanary release of Rollout `checkout`')).toBe(true);
    expect(md).not.toContain('\n\n\n');
    expect(md.endsWith('`docs/plan.md`.\n')).toBe(true);
    expect(md).toBe(p.toMarkdown('Rollout plan\n\nfor shop  '));
  });

  test('sections are separated by exactly one blank line, also after an analysis that ends with its exposure table', () => {
    // GIVEN: a background web metric that aborts at 60s (first measurement, failureLimit 0), before the promotion at 100s;
    // it has no notes: its first measurement comes 60s after the first traffic, and it errors out only at 60 + 10 × 10 = 160s
    const manifests = synth(
      rollout({ trafficRouting: ISTIO, analysis: { templates: [{ templateName: 'smoke' }] }, steps: [{ setWeight: 10 }, { pause: { duration: 100 } }] }),
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: { name: 'smoke', namespace: 'shop' },
        spec: { metrics: [{ name: 'smoke', initialDelay: '1m', interval: '10s', consecutiveErrorLimit: 10, provider: { web: { url: 'https://status.example.com/' } } }] },
      },
    );

    // WHEN
    const p = plan(manifests);
    const md = p.toMarkdown();

    // THEN
    expect(p.analyses[0].metrics[0].notes).toEqual([]);
    expect(sec(p.analyses[0].metrics[0].abortOnErrorsAfter)).toBeUndefined();
    expect(md).not.toContain('\n\n\n');
    expect(md).toContain('| `smoke` | fails every measurement | 1m | 1m | 10% | 10% | no rate declared |\n\n## Route changes during this canary\n');
  });

  test('table cells escape pipes and newlines of names and messages', () => {
    // GIVEN: a metric name with a pipe, a plugin name with a newline
    const manifests = synth(
      rollout({
        trafficRouting: ISTIO,
        analysis: analysisRef('checkout-error-rate'),
        steps: [{ setWeight: 10 }, { plugin: { name: 'a|b\nc' } }, { pause: { duration: '1m' } }],
      }),
      template('checkout-error-rate', [metric('error|rate', { interval: '1m' })]),
    );

    // WHEN
    const md = plan(manifests).toMarkdown();

    // THEN
    expect(md).toContain('| 1 | plugin a\\|b c |');
    expect(md).toContain('| PLAN010 | 1 | step 1: plugin step "a\\|b c" is opaque to the plan, which counts 0s for it |');
  });
});

describe('template and autoscaler lookups', () => {
  const withMetric = (name: string, namespace: string | undefined, metricName: string, kind = 'AnalysisTemplate') => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec: { metrics: [metric(metricName, { count: 1 }, 'up')] },
  });
  const ref = (templateName: unknown, clusterScope?: boolean) => ({ templates: [{ templateName, clusterScope }] });
  const release = (name: string, namespace: string, analysis: any) => ({
    kind: 'Rollout',
    metadata: { name, namespace },
    spec: { replicas: 2, strategy: { canary: { trafficRouting: ISTIO, steps: [{ setWeight: 10 }, { analysis }] } } },
  });
  const metricsOf = (p: RolloutPlan) => p.analyses.flatMap(a => a.metrics.map(m => m.name));

  test('each Rollout of allFromManifests finds the first template of its own namespace, or one without namespace', () => {
    // GIVEN: "checks" in namespace b (twice: the first counts), in namespace a, and without namespace
    const manifests = [
      release('api', 'a', ref('checks')),
      withMetric('checks', 'b', 'b-first'),
      withMetric('checks', 'b', 'b-second'),
      release('web', 'b', ref('checks')),
      withMetric('checks', 'a', 'a-only'),
      release('jobs', 'c', ref('checks')),
      withMetric('checks', undefined, 'any-namespace'),
    ];

    // WHEN
    const plans = RolloutPlan.allFromManifests(manifests);

    // THEN: ordered by namespace and name
    expect(plans.map(p => [p.namespace, p.rolloutName, metricsOf(p), codes(p)])).toEqual([
      ['a', 'api', ['a-only'], []],
      ['b', 'web', ['b-first'], []],
      ['c', 'jobs', ['any-namespace'], []],
    ]);
    // fromManifests finds the same
    expect(metricsOf(RolloutPlan.fromManifests(manifests, 'web'))).toEqual(['b-first']);
  });

  test('a ClusterAnalysisTemplate is found by name in any namespace; the kinds do not mix', () => {
    // GIVEN
    const manifests = [
      release('api', 'a', { templates: [{ templateName: 'checks', clusterScope: true }, { templateName: 'local' }] }),
      withMetric('local', 'a', 'not-cluster', 'ClusterAnalysisTemplate'),
      withMetric('checks', 'a', 'not-namespaced'),
      withMetric('checks', 'z', 'cluster-wide', 'ClusterAnalysisTemplate'),
      withMetric('local', 'a', 'namespaced'),
    ];

    // WHEN
    const p = RolloutPlan.fromManifests(manifests);

    // THEN
    expect(metricsOf(p)).toEqual(['cluster-wide', 'namespaced']);
    expect(codes(p)).toEqual([]);
  });

  test('a template name that is not a string names no template (a Kubernetes name is a string)', () => {
    // GIVEN: templateName 7 (a number) and templates named 7 and "7"
    const manifests = [
      release('api', 'a', ref(7)),
      withMetric('7', 'a', 'string-name'),
      { ...withMetric('x', 'a', 'number-name'), metadata: { name: 7, namespace: 'a' } },
    ];

    // WHEN
    const p = RolloutPlan.fromManifests(manifests);

    // THEN
    expect(metricsOf(p)).toEqual([]);
    expect(codes(p)).toEqual(['PLAN007']);
    expect(p.warnings[0].message).toContain('refers to AnalysisTemplate "7"');
  });

  test('the autoscaler of each Rollout is the first one that targets it in its namespace', () => {
    // GIVEN: two Rollouts without replicas; HPAs for api (twice), for web in another namespace, and for a Deployment
    const hpa = (target: string, namespace: string, minReplicas: number, kind = 'Rollout') => ({
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `${target}-${minReplicas}`, namespace },
      spec: { minReplicas, scaleTargetRef: { kind, name: target } },
    });
    const noReplicas = (name: string) => {
      const r = release(name, 'a', ref('checks'));
      delete (r.spec as any).replicas;
      return r;
    };
    const manifests = [hpa('web', 'b', 9), noReplicas('api'), hpa('api', 'a', 4), hpa('api', 'a', 6), noReplicas('web'), hpa('web', 'a', 5, 'Deployment')];

    // WHEN
    const plans = RolloutPlan.allFromManifests(manifests);

    // THEN
    expect(plans.map(p => [p.rolloutName, p.replicas, p.autoscaled])).toEqual([['api', 4, true], ['web', 1, false]]);
  });

  test('dryRun rules are unanchored regular expressions; an invalid one matches nothing', () => {
    // GIVEN: the same rules for two analyses; "(" is not a valid regular expression
    const dryRun = [{ metricName: '(' }, { metricName: '^lat' }];
    const manifests = [
      release('api', 'a', { ...ref('checks'), dryRun }),
      {
        ...withMetric('checks', 'a', 'latency'),
        spec: { metrics: [metric('latency', { count: 1 }, 'up'), metric('errors', { count: 1 }, 'up'), metric('xlat', { count: 1 }, 'up')] },
      },
    ];

    // WHEN
    const first = RolloutPlan.fromManifests(manifests);
    const second = RolloutPlan.fromManifests(manifests);

    // THEN
    for (const p of [first, second]) {
      expect(p.analyses[0].metrics.map(m => [m.name, m.dryRun])).toEqual([['latency', true], ['errors', false], ['xlat', false]]);
    }
  });
});

describe('plans of several Rollouts', () => {
  const chartOf = (md: string) => md.slice(md.indexOf('```mermaid'), md.indexOf('## Steps'));

  test('plans whose steps have the same weights and times draw the same weight chart; any other shape its own', () => {
    // GIVEN: two services alike but for the name, and one with a longer second pause
    const release = (name: string, pause: string) => synth(rollout({
      trafficRouting: ISTIO,
      steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 60 }, { pause: { duration: pause } }],
    }, 4, name));

    // WHEN
    const a = plan(release('cart', '1m')).toMarkdown();
    const b = plan(release('checkout', '1m')).toMarkdown();
    const c = plan(release('search', '3m')).toMarkdown();

    // THEN
    expect(chartOf(b)).toBe(chartOf(a));
    // a: 2m of steps (grid 1m) + a tail of 1m (10% of 2m, rounded up to the grid) = 3m
    expect(chartOf(a)).toContain('  x-axis "minutes since the update started" 0 --> 3\n');
    expect(chartOf(a)).toContain('It reaches 100% at 2m (full promotion).');
    // c: 4m of steps + a tail of 1m = 5m
    expect(chartOf(c)).toContain('  x-axis "minutes since the update started" 0 --> 5\n');
    expect(chartOf(c)).toContain('It reaches 100% at 4m (full promotion).');
    expect(a).toContain('Rollout `cart`');
    expect(b).toContain('Rollout `checkout`');
  });

  test('a manual pause changes the chart even where the timed steps are the same', () => {
    // GIVEN
    const release = (pause: any) => synth(rollout({ trafficRouting: ISTIO, steps: [{ setWeight: 20 }, { pause }, { setWeight: 60 }] }, 4));

    // WHEN
    const timed = chartOf(plan(release({ duration: '1m' })).toMarkdown());
    const manual = chartOf(plan(release({})).toMarkdown());

    // THEN
    expect(timed).not.toContain('manual pause');
    expect(manual).toContain('(each manual pause drawn 1m wide)');
    expect(manual).toContain('It reaches 100% at the end of the steps (full promotion). A manual pause really lasts');
  });

  test('a template query used with different argument values gives each its own query window', () => {
    // GIVEN: one template query with the window as an argument; three Rollouts pass 5m, 10m and nothing
    const query = 'sum(rate(istio_requests_total{revision="{{args.revision}}"}[{{ args.window }}]))';
    const tpl = (name: string) => ({
      ...template(name, [metric('error-rate', { interval: '1m', count: 3 }, query)]),
      spec: { args: [{ name: 'revision' }, { name: 'window' }], metrics: [metric('error-rate', { interval: '1m', count: 3 }, query)] },
    });
    const release = (name: string, args: any[]) => rollout({
      trafficRouting: ISTIO,
      analysis: { templates: [{ templateName: name }], args },
      steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }],
    }, 10, name);
    const manifests = synth(
      release('a', [{ name: 'revision', value: 'v1' }, { name: 'window', value: '5m' }]), tpl('a'),
      release('b', [{ name: 'revision', value: 'v1' }, { name: 'window', value: '10m' }]), tpl('b'),
      release('c', [{ name: 'revision', value: 'v1' }]), tpl('c'),
    );

    // WHEN
    const plans = RolloutPlan.allFromManifests(manifests);

    // THEN
    const metrics = plans.map(p => p.analyses[0].metrics[0]);
    expect(metrics.map(m => sec(m.queryWindow))).toEqual([300, 600, undefined]);
    expect(metrics[2].notes).toContain('the query window depends on an argument without a literal value');
    expect(metrics[0].notes).not.toContain('the query window depends on an argument without a literal value');
  });
});

describe('reading the steps', () => {
  const release = (steps: any) => [{ kind: 'Rollout', metadata: { name: 'api', namespace: 'a' }, spec: { replicas: 2, strategy: { canary: { trafficRouting: ISTIO, steps } } } }];

  test('a hole in the steps array is skipped, as forEach skips it', () => {
    // GIVEN: steps[1] is a hole
    // eslint-disable-next-line no-sparse-arrays
    const p = RolloutPlan.fromManifests(release([{ setWeight: 10 }, , { pause: { duration: 60 } }]));

    // THEN
    expect(p.steps.map(s => [s.index, s.action])).toEqual([[0, 'set weight 10%'], [2, 'pause 1m']]);
  });

  test('fails if the steps are not a list', () => {
    expect(() => RolloutPlan.fromManifests(release('10%'))).toThrow(/^'spec.strategy.canary.steps' \("10%"\) of Rollout "api" must be a list of steps: fix the Rollout$/);
    expect(() => RolloutPlan.fromManifests(release({ 0: { setWeight: 10 } }))).toThrow(/'spec.strategy.canary.steps' \(\{"0":\{"setWeight":10\}\}\) of Rollout "api" must be a list/);
  });
});

describe('steps alike in several Rollouts', () => {
  const release = (name: string, replicas: number, steps: any[], canary: any = { trafficRouting: ISTIO }) =>
    ({ kind: 'Rollout', metadata: { name, namespace: 'a' }, spec: { replicas, strategy: { canary: { ...canary, steps } } } });
  const rows = (p: RolloutPlan) => p.steps.map(s => [s.action, s.weight, s.canaryReplicas, s.stableReplicas, s.gate, sec(s.minimumTime)]);
  const withTemplate = (name: string, metrics: any[]) => ({ ...template(name, metrics), metadata: { name, namespace: 'a' } });

  test('the pod counts follow the replicas, the routing and dynamicStableScale of each Rollout', () => {
    // GIVEN: the same steps, four Rollouts
    const steps = [{ setWeight: 25 }, { pause: { duration: '1m' } }, { setWeight: 50, pause: {} }];
    const manifests = [
      release('a', 4, steps),
      release('b', 8, steps),
      release('c', 4, steps, {}),
      release('d', 4, steps, { trafficRouting: ISTIO, dynamicStableScale: true }),
    ];

    // WHEN
    const [a, b, c, d] = RolloutPlan.allFromManifests(manifests);

    // THEN: ceil(replicas × weight / 100); without routing stable = replicas − canary; dynamic: stable = ceil(replicas × (100 − weight) / 100)
    expect(rows(a)).toEqual([
      ['set weight 25%', 25, 1, 4, PlanGate.NONE, 0],
      ['pause 1m', 25, 1, 4, PlanGate.TIMED_PAUSE, 60],
      ['set weight 50%, pause until promoted', 50, 2, 4, PlanGate.MANUAL_PAUSE, undefined],
    ]);
    expect(rows(b).map(r => [r[2], r[3]])).toEqual([[2, 8], [2, 8], [4, 8]]);
    expect(rows(c).map(r => [r[2], r[3]])).toEqual([[1, 3], [1, 3], [2, 2]]);
    expect(rows(d).map(r => [r[2], r[3]])).toEqual([[1, 3], [1, 3], [2, 2]]);
  });

  test('plans with the same steps keep their own background analysis column, old-pod delay and times', () => {
    // GIVEN: the same steps; a background analysis from step 2 for b only; a scaleDownDelaySeconds of 10 for c
    const steps = [{ setWeight: 25 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { pause: { duration: '2m' } }];
    const bgTemplate = withTemplate('bg', [metric('m', { interval: '1m' })]);
    const manifests = [
      release('a', 4, steps),
      release('b', 4, steps, { trafficRouting: ISTIO, analysis: { templates: [{ templateName: 'bg' }], startingStep: 2 } }),
      release('c', 4, steps, { trafficRouting: ISTIO, scaleDownDelaySeconds: 10 }),
      bgTemplate,
    ];

    // WHEN
    const [a, b, c] = RolloutPlan.allFromManifests(manifests);
    const [ma, mb, mc] = [a, b, c].map(p => p.toMarkdown());

    // THEN
    expect(b.steps.map(s => s.backgroundAnalysisRunning)).toEqual([false, false, true, true]);
    expect(ma).toContain('| 2 | set weight 50% | 50% | 2 | 4 | – | 0s | 1m |  |\n');
    expect(mb).toContain('| 2 | set weight 50% | 50% | 2 | 4 | – | 0s | 1m | running |\n');
    expect(ma).toContain('| end | full promotion | 100% | 4 | 0 (old pods removed 30s later) | – | – | 3m | |\n');
    expect(mc).toContain('| end | full promotion | 100% | 4 | 0 (old pods removed 10s later) | – | – | 3m | |\n');
    expect([a, b, c].map(p => sec(p.minimumTimeToFullPromotion))).toEqual([180, 180, 180]);
  });

  test('fails if a step value is invalid, naming the Rollout that has it', () => {
    const steps = [{ setWeight: 120 }];
    expect(() => RolloutPlan.fromManifests([release('a', 4, steps)])).toThrow(/'spec.strategy.canary.steps\[0\].setWeight' \(120\).*fix step 0 of Rollout "a"/);
    expect(() => RolloutPlan.fromManifests([release('b', 4, steps)])).toThrow(/fix step 0 of Rollout "b"/);
    const pause = [{ pause: { duration: 'soon' } }];
    expect(() => RolloutPlan.fromManifests([release('c', 4, pause)])).toThrow(/steps\[0\].pause.duration' \("soon"\) of Rollout "c"/);
    expect(() => RolloutPlan.fromManifests([release('d', 4, pause)])).toThrow(/steps\[0\].pause.duration' \("soon"\) of Rollout "d"/);
  });
});

// H. Route changes during the canary: what a change to the VirtualService applied from git (by Argo CD) at each step
//    does, on the Argo CD sync and controller model. Hand reasoning: the apply writes git's spec.http (weights 100/0, no
//    managed routes); the controller sets the weights back at once and re-adds a header or mirror route only while
//    its own step is the current one.
describe('route changes during the canary', () => {
  function headerAndMirror(): RolloutPlan {
    const chart = Testing.chart();
    new CanaryService(chart, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.2.3',
      steps: [
        CanaryStep.canaryScale({ replicas: 1 }),
        CanaryStep.headerRoute({ name: 'testers', match: [{ headerName: 'x-test', value: StringMatch.exact('1') }] }),
        CanaryStep.mirrorRoute({ name: 'mirror', percentage: 10, match: [{ method: StringMatch.exact('GET') }] }),
        CanaryStep.pause(Duration.minutes(5)),
        CanaryStep.removeMirrorRoute('mirror'),
        CanaryStep.weight(20),
        CanaryStep.pause(Duration.minutes(5)),
      ],
    });
    return RolloutPlan.fromManifests(Testing.synth(chart), 'checkout');
  }

  test('per step: which managed routes are lost for the rest of the canary, which come back at once, whether the weights reset', () => {
    const p = headerAndMirror();
    const at = (i: number) => p.trafficEdits.find(e => e.stepIndex === i);
    expect(p.trafficEdits.map(e => e.stepIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(at(0)).toEqual({ stepIndex: 0, weightsReset: false, managedRoutesLost: [], managedRoutesReset: [] }); // nothing managed yet, weight 0
    expect(at(1)).toEqual({ stepIndex: 1, weightsReset: false, managedRoutesLost: [], managedRoutesReset: ['testers'] }); // its own step
    expect(at(2)).toEqual({ stepIndex: 2, weightsReset: false, managedRoutesLost: ['testers'], managedRoutesReset: ['mirror'] });
    expect(at(3)).toEqual({ stepIndex: 3, weightsReset: false, managedRoutesLost: ['mirror', 'testers'], managedRoutesReset: [] });
    expect(at(4)).toEqual({ stepIndex: 4, weightsReset: false, managedRoutesLost: ['testers'], managedRoutesReset: [] }); // the step removes the mirror
    expect(at(5)).toEqual({ stepIndex: 5, weightsReset: true, managedRoutesLost: ['testers'], managedRoutesReset: [] }); // 20% back to 0% until reset
    expect(at(6)).toEqual({ ...at(5), stepIndex: 6 });
  });

  test('the Markdown states it per step and how to avoid it', () => {
    const md = headerAndMirror().toMarkdown();
    expect(md).toContain('## Route changes during this canary\n\nA change to the routes of `default/checkout`');
    expect(md).toContain('| 2 | mirror route mirror (10%) | unchanged | `testers` lost for the rest of this canary; `mirror` removed, added back at once |');
    expect(md).toContain('| 5 | set weight 20% | reset to git\'s, set back at once | `testers` lost for the rest of this canary |');
    expect(md).toContain('To avoid it, merge route changes while no canary runs');
  });

  test('says why when it cannot tell: the VirtualService is not among the manifests', () => {
    const p = plan(defaultRelease());
    expect(p.trafficEdits).toEqual([]);
    expect(p.toMarkdown()).toContain('Not computed for this Rollout: VirtualService shop/checkout is not among the manifests.');
  });

  test('no section without Istio traffic routing', () => {
    const p = plan(synth(rollout({ steps: [{ setWeight: 10 }, { pause: { duration: '1m' } }] })));
    expect(p.trafficEdits).toEqual([]);
    expect(p.toMarkdown()).not.toContain('Route changes');
  });
});
