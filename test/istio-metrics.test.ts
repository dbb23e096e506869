import { Chart, Duration, Testing } from 'cdk8s';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric } from '../src/analysis-metric';
import { AnalysisTemplate } from '../src/analysis-template';
import { CanaryIsolation, IstioMetrics, IstioReporter } from '../src/istio-metrics';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { findPromqlError } from '../src/private/promql';

const CANARY = 'reporter="destination",destination_service_namespace="{{args.namespace}}",destination_service_name="{{args.service-name}}",'
  + 'destination_canonical_revision="{{args.canary-revision}}"';

describe('IstioMetrics', () => {
  test('successRate: canary-scoped ratio with a traffic floor, documented defaults', () => {
    // WHEN
    const m = IstioMetrics.successRate();
    // THEN
    const k = m._toKube();
    expect(k.name).toBe('success-rate');
    expect(k.interval).toBe('1m');
    expect(k.initialDelay).toBe('1m');
    expect(k.count).toBeUndefined();
    expect(k.failureLimit).toBe(1);
    expect(k.inconclusiveLimit).toBe(0);
    expect(k.successCondition).toBe(MetricCondition.atLeast(0.99).successCondition);
    expect(k.failureCondition).toBe(MetricCondition.atLeast(0.99).failureCondition);
    expect(k.provider.prometheus.address).toBe('http://prometheus.istio-system.svc.cluster.local:9090');
    expect(k.provider.prometheus.query).toBe([
      '(',
      `  sum(rate(istio_requests_total{${CANARY},response_code!~"5.."}[2m]))`,
      '  or on() vector(0)',
      ')',
      '/',
      `sum(rate(istio_requests_total{${CANARY}}[2m]))`,
      'and on()',
      `sum(increase(istio_requests_total{${CANARY}}[2m])) >= 10`,
    ].join('\n'));
    expect(m.unbounded).toBe(true);
    expect(m.argNames).toEqual(['namespace', 'service-name', 'canary-revision']);
  });

  test('time to abort with the defaults is 2 minutes', () => {
    expect(IstioMetrics.successRate().timeToAbort().toMinutes()).toBe(2);
    const custom = IstioMetrics.successRate({ initialDelay: Duration.minutes(2), interval: Duration.seconds(30), failureLimit: 3 });
    expect(custom.timeToAbort().toSeconds()).toBe(210);
  });

  test('successRate options', () => {
    const k = IstioMetrics.successRate({
      name: 'sr',
      minSuccessRate: 0.995,
      window: Duration.minutes(5),
      minimumRequests: 50,
      count: 10,
      interval: Duration.seconds(30),
      failureLimit: 2,
      inconclusiveLimit: 1,
      consecutiveErrorLimit: 2,
      address: 'http://prometheus.monitoring:9090',
      timeout: Duration.seconds(10),
    })._toKube();
    expect(k.name).toBe('sr');
    expect(k.count).toBe(10);
    expect(k.interval).toBe('30s');
    expect(k.failureLimit).toBe(2);
    expect(k.inconclusiveLimit).toBe(1);
    expect(k.consecutiveErrorLimit).toBe(2);
    expect(k.successCondition).toContain('>= 0.995');
    expect(k.provider.prometheus.query).toContain('[5m]');
    expect(k.provider.prometheus.query).toContain('>= 50');
    expect(k.provider.prometheus).toMatchObject({ address: 'http://prometheus.monitoring:9090', timeout: 10 });
  });

  test('minimumRequests 0 drops the traffic floor', () => {
    expect(IstioMetrics.successRate({ minimumRequests: 0 })._toKube().provider.prometheus.query).not.toContain('and on()');
  });

  test('latency: histogram_quantile over Istio\'s duration buckets, maximum in ms', () => {
    const k = IstioMetrics.latency({ percentile: 99.9, maxLatency: Duration.millis(300) })._toKube();
    expect(k.name).toBe('latency-p99.9');
    expect(k.provider.prometheus.query.split('\n')[0])
      .toBe(`histogram_quantile(0.999, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${CANARY}}[2m])))`);
    expect(k.successCondition).toContain('<= 300');
    expect(IstioMetrics.latency()._toKube().successCondition).toContain('<= 500');
    expect(IstioMetrics.latency()._toKube().name).toBe('latency-p99');
  });

  test('errorRateVsStable: canary 5xx ratio minus stable 5xx ratio (other revisions of the same Service)', () => {
    const k = IstioMetrics.errorRateVsStable({ maxDifference: 0.02 })._toKube();
    expect(k.name).toBe('error-rate-vs-stable');
    expect(k.successCondition).toContain('<= 0.02');
    expect(k.provider.prometheus.query).toContain('destination_canonical_revision!="{{args.canary-revision}}",response_code=~"5.."');
    expect(IstioMetrics.errorRateVsStable()._toKube().successCondition).toContain('<= 0.01');
  });

  test('trafficFloor: inconclusive below the floor, never failed', () => {
    const k = IstioMetrics.trafficFloor({ minimumRequests: 30 })._toKube();
    expect(k.name).toBe('canary-traffic');
    expect(k.provider.prometheus.query).toBe(`sum(increase(istio_requests_total{${CANARY}}[2m]))`);
    expect(k.failureCondition).toBe('false');
    expect(k.successCondition).toContain('>= 30');
  });

  test('source reporter', () => {
    expect(IstioMetrics.canaryMatchers({ reporter: IstioReporter.SOURCE })).toContain('reporter="source"');
  });

  test('pod-template-hash isolation uses the hashes the Rollout passes', () => {
    expect(IstioMetrics.canaryMatchers({ isolation: CanaryIsolation.POD_TEMPLATE_HASH }))
      .toContain('rollouts_pod_template_hash="{{args.canary-pod-template-hash}}"');
    expect(IstioMetrics.stableMatchers({ isolation: CanaryIsolation.POD_TEMPLATE_HASH }))
      .toContain('rollouts_pod_template_hash="{{args.stable-pod-template-hash}}"');
    expect(IstioMetrics.errorRateVsStable({ isolation: CanaryIsolation.POD_TEMPLATE_HASH }).argNames)
      .toEqual(['namespace', 'service-name', 'canary-pod-template-hash', 'stable-pod-template-hash']);
  });

  test('every option that appears in a query gives another query; the others do not change it', () => {
    const query = (m: AnalysisMetric) => m.query;
    expect(query(IstioMetrics.successRate())).toBe(query(IstioMetrics.successRate({ minSuccessRate: 0.9, name: 'other' })));
    const variants = [
      IstioMetrics.successRate(),
      IstioMetrics.successRate({ window: Duration.minutes(5) }),
      IstioMetrics.successRate({ window: Duration.seconds(300) }), // the same window as 5 minutes
      IstioMetrics.successRate({ minimumRequests: 20 }),
      IstioMetrics.successRate({ minimumRequests: 0 }),
      IstioMetrics.successRate({ reporter: IstioReporter.SOURCE }),
      IstioMetrics.successRate({ isolation: CanaryIsolation.POD_TEMPLATE_HASH }),
      IstioMetrics.errorRateVsStable(),
      IstioMetrics.errorRateVsStable({ isolation: CanaryIsolation.POD_TEMPLATE_HASH }),
      IstioMetrics.latency(),
      IstioMetrics.latency({ percentile: 99.9 }),
      IstioMetrics.trafficFloor(),
      IstioMetrics.trafficFloor({ window: Duration.minutes(5) }),
    ].map(query);
    expect(variants[1]).toBe(variants[2]);
    expect(new Set(variants).size).toBe(variants.length - 1);
    expect(variants[1]).toContain('[5m]');
    expect(variants[3]).toContain('>= 20');
    expect(variants[4]).not.toContain('and on()');
    expect(variants[5]).toContain('reporter="source"');
    expect(variants[6]).toContain('rollouts_pod_template_hash="{{args.canary-pod-template-hash}}"');
    expect(variants[8]).toContain('rollouts_pod_template_hash="{{args.stable-pod-template-hash}}"');
    expect(variants[10]).toContain('histogram_quantile(0.999,');
  });

  test('every preset query is valid PromQL, with every option (the presets are trusted at synth, not parsed)', () => {
    const queries: string[] = [];
    for (const isolation of Object.values(CanaryIsolation)) {
      for (const reporter of Object.values(IstioReporter)) {
        if (isolation === CanaryIsolation.POD_TEMPLATE_HASH && reporter !== IstioReporter.DESTINATION) continue;
        for (const window of [Duration.seconds(30), Duration.seconds(90), Duration.minutes(5), Duration.hours(1)]) {
          for (const minimumRequests of [0, 10, 2.5]) {
            const o = { isolation, reporter, window, minimumRequests };
            queries.push(...[
              IstioMetrics.successRate(o), IstioMetrics.errorRateVsStable(o), IstioMetrics.trafficFloor(o),
              IstioMetrics.latency(o), IstioMetrics.latency({ ...o, percentile: 99.95 }), IstioMetrics.latency({ ...o, percentile: 50 }),
            ].map(m => m.query!)); // every preset has a query
          }
        }
      }
    }
    expect(queries.length).toBe(3 * 4 * 3 * 6);
    expect(queries.filter(q => findPromqlError(q) !== undefined)).toEqual([]);
  });

  test('canaryMatchers / stableMatchers for queries of your own', () => {
    expect(IstioMetrics.canaryMatchers()).toBe(CANARY);
    expect(IstioMetrics.stableMatchers()).toContain('destination_canonical_revision!="{{args.canary-revision}}"');
  });

  test('successRateTemplate: a ready template, schema-valid, with the args the Rollout supplies', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    // WHEN
    const t = IstioMetrics.successRateTemplate(chart, 'analysis', { templateMetadata: { name: 'shop-success-rate' }, minSuccessRate: 0.98 });
    // THEN
    const manifests = validateManifests(Testing.synth(chart));
    const obj = findOne(manifests, 'AnalysisTemplate', 'shop-success-rate');
    expect(obj.spec.metrics[0].successCondition).toContain('>= 0.98');
    expect(t).toBeInstanceOf(AnalysisTemplate);
    expect(t.argDeclarations).toEqual([{ name: 'namespace' }, { name: 'service-name' }, { name: 'canary-revision' }]);
    expect(t.unboundedMetricNames).toEqual(['success-rate']);
    expect(manifests).toMatchSnapshot();
  });

  test('all presets together synthesize a schema-valid template', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new AnalysisTemplate(chart, 'all', {
      metrics: [IstioMetrics.successRate(), IstioMetrics.latency(), IstioMetrics.errorRateVsStable(), IstioMetrics.trafficFloor()],
    });
    const obj = findOne(validateManifests(Testing.synth(chart)), 'AnalysisTemplate');
    expect(obj.spec.metrics.map((m: any) => m.name)).toEqual(['success-rate', 'latency-p99', 'error-rate-vs-stable', 'canary-traffic']);
  });

  test('fails if minSuccessRate is not a ratio', () => {
    expect(() => IstioMetrics.successRate({ minSuccessRate: 99 })).toThrow(/'minSuccessRate' \(99\) must be a ratio above 0 and at most 1/);
    expect(() => IstioMetrics.successRate({ minSuccessRate: 0 })).toThrow(/'minSuccessRate' \(0\)/);
  });

  test('fails if percentile is out of range', () => {
    expect(() => IstioMetrics.latency({ percentile: 0.99 })).not.toThrow();
    expect(() => IstioMetrics.latency({ percentile: 100 })).toThrow(/'percentile' \(100\) must be above 0 and below 100/);
  });

  test('fails if maxLatency is zero', () => {
    expect(() => IstioMetrics.latency({ maxLatency: Duration.millis(0) })).toThrow(/'maxLatency' \(0 ms\) must be above 0/);
  });

  test('fails if maxDifference is not a ratio', () => {
    expect(() => IstioMetrics.errorRateVsStable({ maxDifference: 1 })).toThrow(/'maxDifference' \(1\) must be a ratio of at least 0 and below 1/);
    expect(() => IstioMetrics.errorRateVsStable({ maxDifference: -0.1 })).toThrow(/'maxDifference' \(-0.1\)/);
  });

  test('fails if the window is shorter than 30 seconds or not whole seconds', () => {
    expect(() => IstioMetrics.successRate({ window: Duration.seconds(15) })).toThrow(/'window' \(15 seconds\) must be a whole number of seconds, at least 30 seconds/);
    expect(() => IstioMetrics.successRate({ window: Duration.millis(45500) })).toThrow(/'window' .* must be a whole number of seconds/);
  });

  test('fails if minimumRequests is negative', () => {
    expect(() => IstioMetrics.trafficFloor({ minimumRequests: -1 })).toThrow(/'minimumRequests' \(-1\) must be a number of at least 0/);
  });

  test('fails if pod-template-hash isolation is combined with the source reporter', () => {
    expect(() => IstioMetrics.successRate({ isolation: CanaryIsolation.POD_TEMPLATE_HASH, reporter: IstioReporter.SOURCE }))
      .toThrow(/'isolation' CanaryIsolation.POD_TEMPLATE_HASH needs 'reporter' IstioReporter.DESTINATION/);
  });

  test('fails if reporter or isolation is not a known value', () => {
    expect(() => IstioMetrics.successRate({ reporter: 'waypoint' as any })).toThrow(/'reporter' \("waypoint"\) must be IstioReporter.DESTINATION or IstioReporter.SOURCE/);
    expect(() => IstioMetrics.successRate({ isolation: 'version' as any })).toThrow(/'isolation' \("version"\) must be CanaryIsolation/);
  });

  test('fails if a preset in a step has count equal to the default failureLimit', () => {
    expect(() => IstioMetrics.successRate({ count: 1 })).toThrow(/'count' \(1\) equals 'failureLimit' \(1\)/);
  });
});
