import { Duration } from 'cdk8s';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric, PrometheusAuthentication, PrometheusMetricProps } from '../src/analysis-metric';

const QUERY = 'sum(rate(http_requests_total{code!~"5..",namespace="{{args.namespace}}"}[2m])) / sum(rate(http_requests_total[2m]))';

function metric(props: Partial<PrometheusMetricProps> = {}): AnalysisMetric {
  return AnalysisMetric.prometheus({ name: 'success-rate', query: QUERY, condition: MetricCondition.atLeast(0.99), ...props });
}

describe('AnalysisMetric.prometheus', () => {
  test('renders a minimal metric with the default address and no implicit limits', () => {
    expect(metric()._toKube()).toEqual({
      name: 'success-rate',
      successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99',
      failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.99',
      provider: { prometheus: { address: 'http://prometheus.istio-system.svc.cluster.local:9090', query: QUERY } },
    });
  });

  test('renders every field', () => {
    // WHEN
    const m = metric({
      address: 'https://prom.example.com/prometheus',
      timeout: Duration.seconds(20),
      insecure: true,
      headers: { 'X-Scope-OrgID': 'team-a', 'Accept': 'application/json' },
      interval: Duration.seconds(90),
      count: 5,
      initialDelay: Duration.minutes(2),
      failureLimit: 2,
      inconclusiveLimit: 1,
      consecutiveErrorLimit: 3,
    });
    // THEN
    const k = m._toKube();
    expect(k.interval).toBe('90s');
    expect(k.initialDelay).toBe('2m');
    expect(k.count).toBe(5);
    expect(k.failureLimit).toBe(2);
    expect(k.inconclusiveLimit).toBe(1);
    expect(k.consecutiveErrorLimit).toBe(3);
    expect(k.provider.prometheus).toEqual({
      address: 'https://prom.example.com/prometheus',
      query: QUERY,
      timeout: 20,
      insecure: true,
      headers: [{ key: 'Accept', value: 'application/json' }, { key: 'X-Scope-OrgID', value: 'team-a' }],
    });
    expect(m.unbounded).toBe(false);
  });

  test('headers are ordered by code units, whatever the locale (uppercase before lowercase)', () => {
    const k = metric({ headers: { 'x-b': '1', 'X-A': '2', 'accept': '3' } })._toKube();
    expect(k.provider.prometheus.headers.map((h: any) => h.key)).toEqual(['X-A', 'accept', 'x-b']);
  });

  test('hours render as Go durations', () => {
    expect(metric({ interval: Duration.hours(1) })._toKube().interval).toBe('1h');
  });

  test('an interval without count is unbounded', () => {
    expect(metric({ interval: Duration.minutes(1) }).unbounded).toBe(true);
    expect(metric().unbounded).toBe(false);
  });

  test('argNames lists the placeholders of query, address, headers and authentication', () => {
    const m = metric({
      address: 'http://{{args.prom-host}}:9090',
      headers: { Authorization: 'Bearer {{ args.token }}' },
      authentication: PrometheusAuthentication.oauth2({ tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecretArg: 'oauth-secret' }),
    });
    expect(m.argNames).toEqual(['namespace', 'prom-host', 'token', 'oauth-secret']);
  });

  test('timeToAbort = initialDelay + failureLimit × interval', () => {
    expect(metric({ interval: Duration.minutes(1), initialDelay: Duration.minutes(1), failureLimit: 1 }).timeToAbort().toSeconds()).toBe(120);
    expect(metric({ interval: Duration.seconds(30), failureLimit: 3, count: 10 }).timeToAbort().toSeconds()).toBe(90);
    expect(metric().timeToAbort().toSeconds()).toBe(0);
  });

  test('sigv4 and oauth2 authentication render as in the v1.9.1 schema', () => {
    const sig = metric({
      address: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234',
      authentication: PrometheusAuthentication.sigv4({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/argo' }),
    });
    expect(sig._toKube().provider.prometheus.authentication).toEqual({ sigv4: { region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/argo' } });
    const oauth = metric({
      authentication: PrometheusAuthentication.oauth2({
        tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecretArg: 'oauth-secret', scopes: ['metrics.read'],
      }),
    });
    expect(oauth._toKube().provider.prometheus.authentication).toEqual({
      oauth2: { tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecret: '{{args.oauth-secret}}', scopes: ['metrics.read'] },
    });
    expect(oauth._secretArgNames).toEqual(['oauth-secret']);
  });

  test('accepts placeholders in every PromQL position', () => {
    expect(() => metric({ query: 'sum(rate(x{a="{{args.a}}"}[{{args.window}}])) > {{ args.threshold }}' })).not.toThrow();
  });

  test('fails if the name is invalid', () => {
    expect(() => metric({ name: 'success rate' })).toThrow(/'name' \("success rate"\) is not a valid metric name/);
  });

  test('fails if the condition is missing', () => {
    expect(() => metric({ condition: undefined as any })).toThrow(/metric 'success-rate': 'condition' is missing/);
  });

  test('fails if the query is empty', () => {
    expect(() => metric({ query: '  ' })).toThrow(/metric 'success-rate': 'query' is empty/);
  });

  test('fails if the query is invalid PromQL, naming the metric and the position', () => {
    expect(() => metric({ query: 'sum(rate(http_requests_total{code="500"[2m]))' }))
      .toThrow(/metric 'success-rate': 'query' is not valid PromQL: syntax error at line 1, column 40 \(near "\[2m\]\)\)"\)/);
  });

  test('fails if the query is invalid PromQL on a later line, also after a placeholder', () => {
    expect(() => metric({ query: 'sum(rate(x{ns="{{args.namespace}}"}[2m]))\n/\nsum(rate(x[2m])' }))
      .toThrow(/syntax error at line 3, column 16 \(at the end of the query\)/);
  });

  test('fails if the query calls an unknown function', () => {
    expect(() => metric({ query: 'sum(rates(x[2m]))' })).toThrow(/'query' is not valid PromQL: syntax error at line 1/);
  });

  test('fails if the query uses a placeholder Argo cannot resolve', () => {
    expect(() => metric({ query: 'sum(x{ns="{{namespace}}"})' }))
      .toThrow(/metric 'success-rate': 'query' uses "\{\{namespace\}\}", which Argo Rollouts cannot resolve/);
  });

  test('fails if a placeholder is not closed (Argo Rollouts finds no end tag and fails the analysis)', () => {
    expect(() => metric({ query: 'sum(x{ns="{{args.namespace"})' }))
      .toThrow(/metric 'success-rate': 'query' opens a placeholder with "\{\{" at offset 10 and never closes it with "\}\}": Argo Rollouts fails the analysis/);
  });

  test('fails if a placeholder names no valid argument, read as Argo Rollouts reads it (up to the first "}}")', () => {
    expect(() => metric({ query: 'sum(x{ns="{{args.a}b}}"})' })).toThrow(/'query placeholder \{\{args.a\}b\}\}' \("a\}b"\) is not a valid analysis argument name/);
    expect(() => metric({ query: 'sum(x{ns="{{args.}}"})' })).toThrow(/'query placeholder \{\{args.\}\}' \(""\) is not a valid analysis argument name/);
    expect(() => metric({ query: 'sum(x{ns="{{args.a:b}}"})' })).toThrow(/'query placeholder \{\{args.a:b\}\}' \("a:b"\) is not a valid analysis argument name/);
  });

  test('fails if the address is not an http(s) URL', () => {
    expect(() => metric({ address: 'prometheus:9090' })).toThrow(/'address' \("prometheus:9090"\) must be an http\(s\) URL with a host/);
  });

  test('fails if the timeout is not whole seconds', () => {
    expect(() => metric({ timeout: Duration.millis(1500) })).toThrow(/'timeout' \(1 second 500 millis\) must be a whole number of seconds/);
    expect(() => metric({ timeout: Duration.seconds(0) })).toThrow(/'timeout' .* at least 1 second/);
  });

  test('fails if a header name is invalid', () => {
    expect(() => metric({ headers: { 'X Org': 'a' } })).toThrow(/'headers' has the key "X Org", which is not a valid HTTP header name/);
  });

  test('fails if SigV4 is used with an address that is not Amazon Managed Prometheus', () => {
    expect(() => metric({ authentication: PrometheusAuthentication.sigv4() }))
      .toThrow(/'authentication' is SigV4 but 'address' .* is not an Amazon Managed Prometheus workspace/);
  });

  test('fails if oauth2 lacks a token URL or client id, or names an invalid secret arg', () => {
    expect(() => PrometheusAuthentication.oauth2({ tokenUrl: 'auth', clientId: 'a', clientSecretArg: 's' }))
      .toThrow(/'oauth2.tokenUrl' \("auth"\) must be an http\(s\) URL/);
    expect(() => PrometheusAuthentication.oauth2({ tokenUrl: 'https://a.example.com', clientId: ' ', clientSecretArg: 's' }))
      .toThrow(/'oauth2.clientId' is empty/);
    expect(() => PrometheusAuthentication.oauth2({ tokenUrl: 'https://a.example.com', clientId: 'a', clientSecretArg: 'bad arg' }))
      .toThrow(/'oauth2.clientSecretArg' \("bad arg"\) is not a valid analysis argument name/);
  });

  test('fails if the interval is zero or not whole seconds', () => {
    expect(() => metric({ interval: Duration.seconds(0) })).toThrow(/'interval' \(0 .*\) must be a whole number of seconds, at least 1 second/);
    expect(() => metric({ interval: Duration.millis(2500) })).toThrow(/'interval' \(2 seconds 500 millis\) must be a whole number of seconds/);
  });

  test('fails if the initial delay is not whole seconds', () => {
    expect(() => metric({ initialDelay: Duration.millis(500) })).toThrow(/'initialDelay' \(500 millis\) must be a whole number of seconds/);
  });

  test('fails if count is not a positive integer', () => {
    expect(() => metric({ count: 0, interval: Duration.minutes(1) })).toThrow(/'count' \(0\) must be an integer of at least 1/);
    expect(() => metric({ count: 1.5, interval: Duration.minutes(1) })).toThrow(/'count' \(1.5\) must be an integer/);
  });

  test('fails if count > 1 has no interval', () => {
    expect(() => metric({ count: 3 })).toThrow(/'count' \(3\) needs an 'interval' between the measurements/);
  });

  test('fails if count is below failureLimit', () => {
    expect(() => metric({ count: 2, interval: Duration.minutes(1), failureLimit: 3 }))
      .toThrow(/'count' \(2\) is below 'failureLimit' \(3\): the metric could never fail.*raise count to at least 4/);
  });

  test('fails if count equals failureLimit (the metric could never fail)', () => {
    expect(() => metric({ count: 3, interval: Duration.minutes(1), failureLimit: 3 }))
      .toThrow(/'count' \(3\) equals 'failureLimit' \(3\): the metric could never fail/);
    // a single measurement (no interval) with a failure limit
    expect(() => metric({ failureLimit: 1 })).toThrow(/'count' \(1\) equals 'failureLimit' \(1\)/);
  });

  test('fails if count is below inconclusiveLimit', () => {
    expect(() => metric({ count: 2, interval: Duration.minutes(1), inconclusiveLimit: 3 }))
      .toThrow(/'count' \(2\) is below 'inconclusiveLimit' \(3\)/);
  });

  test('fails if a limit is negative or fractional', () => {
    expect(() => metric({ failureLimit: -1, interval: Duration.minutes(1) })).toThrow(/'failureLimit' \(-1\) must be an integer of at least 0/);
    expect(() => metric({ inconclusiveLimit: 0.5, interval: Duration.minutes(1) })).toThrow(/'inconclusiveLimit' \(0.5\) must be an integer/);
    expect(() => metric({ consecutiveErrorLimit: -2 })).toThrow(/'consecutiveErrorLimit' \(-2\) must be an integer of at least 0/);
  });
});
