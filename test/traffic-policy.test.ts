import { Chart, Duration, Testing } from 'cdk8s';
import { IstioSubsets } from '../src/istio-subsets';
import { istioDuration } from '../src/private/istio';
import { LoadBalancerAlgorithm, TrafficPolicy } from '../src/traffic-policy';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

function subsetsWith(trafficPolicy: TrafficPolicy): any[] {
  const chart = Testing.chart();
  new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' }, trafficPolicy });
  return synth(chart);
}

describe('TrafficPolicy', () => {
  test('every field renders into a schema-valid DestinationRule', () => {
    // GIVEN
    const policy = TrafficPolicy.of({
      connectionPool: {
        maxConnections: 100,
        connectTimeout: Duration.millis(250),
        http1MaxPendingRequests: 50,
        http2MaxRequests: 200,
        maxRequestsPerConnection: 1,
        maxRetries: 3,
        idleTimeout: Duration.minutes(5),
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        consecutiveGatewayErrors: 3,
        interval: Duration.seconds(10),
        baseEjectionTime: Duration.seconds(30),
        maxEjectionPercent: 50,
        minHealthPercent: 0,
      },
      loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST,
    });
    // WHEN
    const manifests = subsetsWith(policy);
    // THEN
    expect(findOne(manifests, 'DestinationRule').spec.trafficPolicy).toEqual({
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: '250ms' },
        http: { http1MaxPendingRequests: 50, http2MaxRequests: 200, maxRequestsPerConnection: 1, maxRetries: 3, idleTimeout: '300s' },
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        consecutiveGatewayErrors: 3,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 50,
        minHealthPercent: 0,
      },
      loadBalancer: { simple: 'LEAST_REQUEST' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('only the parts given are rendered (no empty tcp/http blocks)', () => {
    expect(TrafficPolicy.of({ connectionPool: { maxConnections: 10 } })._toKube()).toEqual({ connectionPool: { tcp: { maxConnections: 10 } } });
    expect(TrafficPolicy.of({ connectionPool: { maxRetries: 0 } })._toKube()).toEqual({ connectionPool: { http: { maxRetries: 0 } } });
    expect(TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.ROUND_ROBIN })._toKube()).toEqual({ loadBalancer: { simple: 'ROUND_ROBIN' } });
    expect(TrafficPolicy.of({ outlierDetection: { consecutive5xxErrors: 0 } })._toKube()).toEqual({ outlierDetection: { consecutive5xxErrors: 0 } });
  });

  test.each(Object.values(LoadBalancerAlgorithm))('load balancer %s is schema-valid', (lb) => {
    const manifests = subsetsWith(TrafficPolicy.of({ loadBalancer: lb }));
    expect(findOne(manifests, 'DestinationRule').spec.trafficPolicy).toEqual({ loadBalancer: { simple: lb } });
  });

  test('without a traffic policy the DestinationRule has none', () => {
    const chart = Testing.chart();
    new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } });
    expect(findOne(synth(chart), 'DestinationRule').spec.trafficPolicy).toBeUndefined();
  });

  test('istioDuration uses seconds when whole, else milliseconds', () => {
    expect(istioDuration(undefined)).toBeUndefined();
    expect(istioDuration(Duration.seconds(5))).toEqual('5s');
    expect(istioDuration(Duration.millis(1500))).toEqual('1500ms');
    expect(istioDuration(Duration.minutes(1))).toEqual('60s');
  });

  test('fails if the traffic policy is empty', () => {
    expect(() => TrafficPolicy.of({})).toThrow(/^'trafficPolicy' is empty: Istio rejects a traffic policy without fields. Set 'connectionPool', 'outlierDetection' or 'loadBalancer'/);
  });

  test('fails if the connection pool is empty', () => {
    expect(() => TrafficPolicy.of({ connectionPool: {} })).toThrow(/^'trafficPolicy.connectionPool' is empty: Istio rejects an empty connectionPool/);
  });

  test('fails if the connection pool has only undefined fields', () => {
    expect(() => TrafficPolicy.of({ connectionPool: { maxConnections: undefined } })).toThrow(/^'trafficPolicy.connectionPool' is empty/);
  });

  test('fails if the outlier detection is empty', () => {
    expect(() => TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.RANDOM, outlierDetection: {} }))
      .toThrow(/^'trafficPolicy.outlierDetection' is empty: Istio rejects an empty outlierDetection/);
  });

  test.each(['maxConnections', 'http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries'])(
    'fails if connectionPool.%s is negative or fractional', (key) => {
      expect(() => TrafficPolicy.of({ connectionPool: { [key]: -1 } }))
        .toThrow(new RegExp(`^'trafficPolicy\\.connectionPool\\.${key}' \\(-1\\) must be an integer between 0 and 2147483647$`));
      expect(() => TrafficPolicy.of({ connectionPool: { [key]: 1.5 } })).toThrow(/must be an integer between 0 and 2147483647/);
      expect(() => TrafficPolicy.of({ connectionPool: { [key]: 2 ** 31 } })).toThrow(/must be an integer between 0 and 2147483647/);
    });

  test.each(['consecutive5xxErrors', 'consecutiveGatewayErrors'])('fails if outlierDetection.%s is negative or fractional', (key) => {
    expect(() => TrafficPolicy.of({ outlierDetection: { [key]: -1 } }))
      .toThrow(new RegExp(`^'trafficPolicy\\.outlierDetection\\.${key}' \\(-1\\) must be an integer between 0 and 2147483647$`));
    expect(() => TrafficPolicy.of({ outlierDetection: { [key]: 0.5 } })).toThrow(/must be an integer between 0 and 2147483647/);
  });

  test.each(['maxEjectionPercent', 'minHealthPercent'])('fails if outlierDetection.%s is not a percentage', (key) => {
    expect(() => TrafficPolicy.of({ outlierDetection: { [key]: 101 } }))
      .toThrow(new RegExp(`^'trafficPolicy\\.outlierDetection\\.${key}' \\(101\\) must be an integer between 0 and 100: it is a percentage of hosts$`));
    expect(() => TrafficPolicy.of({ outlierDetection: { [key]: -1 } })).toThrow(/must be an integer between 0 and 100/);
  });

  test.each([
    ['connectionPool.connectTimeout', { connectionPool: { connectTimeout: Duration.millis(0) } }],
    ['connectionPool.idleTimeout', { connectionPool: { idleTimeout: Duration.seconds(0) } }],
    ['outlierDetection.interval', { outlierDetection: { interval: Duration.seconds(0) } }],
    ['outlierDetection.baseEjectionTime', { outlierDetection: { baseEjectionTime: Duration.millis(0) } }],
  ])('fails if the duration %s is shorter than 1ms', (key, options) => {
    expect(() => TrafficPolicy.of(options)).toThrow(new RegExp(`^'trafficPolicy\\.${key.replace('.', '\\.')}' \\(.*\\) must be at least 1ms: Istio rejects shorter durations$`));
  });

  test('fails if a duration is a fraction of a millisecond (cdk8s rejects it, without naming the prop)', () => {
    expect(() => TrafficPolicy.of({ connectionPool: { idleTimeout: Duration.millis(0.5) } })).toThrow(/0.5 must be a whole number of millis/);
  });

  test('fails if a duration is negative (cdk8s rejects it when it is created)', () => {
    expect(() => TrafficPolicy.of({ connectionPool: { connectTimeout: Duration.millis(-1) } })).toThrow(/Duration amounts cannot be negative/);
  });
});
