// The web, Job and Datadog providers of AnalysisMetric and the Datadog Istio presets: what they render (validated against
// the upstream schemas), how their conditions judge results (Argo Rollouts' outcome rules), and every error.
import { App, Chart, Duration } from 'cdk8s';
import {
  AnalysisMetric, AnalysisTemplate, AnalysisTemplateArg, CanaryRules, DatadogAggregator, DatadogIstioMetrics, MetricCondition, MetricProvider,
  ResultSeries, RuleSeverity, WebMetricMethod,
} from '../src';
import { Outcome, outcome } from './support/expr-eval';
import { validateManifests } from './support/schema';
import { PROVIDER_RULE_CODES } from '../src/private/metric-providers/index';

function synth(...metrics: AnalysisMetric[]): any {
  const chart = new Chart(new App(), 'test', { namespace: 'shop' });
  const args = [AnalysisTemplateArg.fromSecret('status-token', 'status', 'token')];
  new AnalysisTemplate(chart, 't', { metadata: { name: 'checks' }, metrics, args: metrics.some(m => m.argNames.includes('status-token')) ? args : [] });
  const manifests = validateManifests(chart.toJson());
  expect(CanaryRules.errors(CanaryRules.check(manifests))).toEqual([]);
  return manifests[0];
}

const web = (props: Partial<Parameters<typeof AnalysisMetric.web>[0]> = {}) => AnalysisMetric.web({
  name: 'status',
  url: 'https://status.example.com/api/health',
  jsonPath: '{$.status}',
  condition: MetricCondition.equalTo('UP'),
  ...props,
});

describe('web metrics', () => {
  test('render provider.web with the condition for a JSON value', () => {
    const t = synth(web({
      secretHeaders: { Authorization: 'Bearer {{args.status-token}}' },
      headers: { Accept: 'application/json' },
      timeout: Duration.seconds(5),
      interval: Duration.minutes(1),
      count: 3,
    }));
    expect(t.spec.args).toEqual([{ name: 'status-token', valueFrom: { secretKeyRef: { name: 'status', key: 'token' } } }]);
    expect(t.spec.metrics[0]).toEqual({
      name: 'status',
      interval: '1m',
      count: 3,
      successCondition: '!isNil(result) && result == "UP"',
      failureCondition: '!isNil(result) && result != "UP"',
      provider: {
        web: {
          url: 'https://status.example.com/api/health',
          method: 'GET',
          headers: [{ key: 'Accept', value: 'application/json' }, { key: 'Authorization', value: 'Bearer {{args.status-token}}' }],
          timeoutSeconds: 5,
          jsonPath: '{$.status}',
        },
      },
    });
    expect(web().provider).toEqual(MetricProvider.WEB);
  });

  test.each([
    ['equalTo', MetricCondition.equalTo('UP'), 'UP', 'DOWN'],
    ['isTrue', MetricCondition.isTrue(), true, false],
    ['atLeast', MetricCondition.atLeast(0.99), 0.995, 0.5],
    ['atMost', MetricCondition.atMost(300), 120, 900],
  ])('%s: a healthy value succeeds, another fails, a JSON null is inconclusive', (_, condition, good, bad) => {
    const m = web({ condition });
    expect(outcome(m.successCondition, m.failureCondition, good)).toBe(Outcome.SUCCESSFUL);
    expect(outcome(m.successCondition, m.failureCondition, bad)).toBe(Outcome.FAILED);
    expect(outcome(m.successCondition, m.failureCondition, null)).toBe(Outcome.INCONCLUSIVE);
  });

  test('a POST with a JSON body', () => {
    const t = synth(web({ method: WebMetricMethod.POST, jsonBody: { check: 'deep' } }));
    expect(t.spec.metrics[0].provider.web).toMatchObject({ method: 'POST', jsonBody: { check: 'deep' } });
  });

  test.each([
    ['it has no condition', { condition: undefined as any }, /metric 'status': 'condition' is missing/],
    ['its jsonPath does not parse', { jsonPath: '{$.items[0}' }, /'jsonPath' "\{\$\.items\[0\}" does not parse as Kubernetes JSONPath: unterminated array.*\(rule CR140/],
    ['its jsonPath has no braces', { jsonPath: '$.status' }, /has no \{\.\.\.\} action.*\(rule CR140/],
    ['it calls an outside host over http', { url: 'http://status.example.com/health' }, /uses http:\/\/ to "status\.example\.com".*\(rule CR318/],
    ['a header carries a credential inline', { headers: { Authorization: 'Bearer abc123def456' } }, /'headers\.Authorization' looks like a credential given inline \(rule CR319\)/],
    ['a secret header reads no argument', { secretHeaders: { Authorization: 'Bearer abc123' } }, /'secretHeaders\.Authorization' \("Bear…"\) reads no argument/],
    ['it sends a body with GET', { body: 'x' }, /the request has a body but method "GET".*\(rule CR141/],
    ['its method is unknown', { method: 'DELETE' as any }, /'method' \("DELETE"\) must be one of GET, POST, PUT/],
    ['its condition looks at every series', { condition: MetricCondition.atLeast(1, { series: ResultSeries.ALL }) }, /ResultSeries\.ALL applies to Prometheus queries/],
    ['its timeout is a fraction of a second', { timeout: Duration.millis(1500) }, /'timeout' \(1 second 500 millis\) must be a whole number of seconds/],
    ['a raw condition passes no data', { condition: MetricCondition.expressions({ successCondition: 'isNil(result) || result == "UP"' }) }, /with a JSON null at the jsonPath the conditions .* make the measurement successful.*\(rule CR320/],
  ])('fails if %s', (_, props, message) => {
    expect(() => web(props)).toThrow(message);
  });

  test('fails if a secret header reads an argument that is not declared from a Secret', () => {
    const chart = new Chart(new App(), 'test');
    new AnalysisTemplate(chart, 't', { metrics: [web({ secretHeaders: { 'X-Api-Key': '{{args.key}}' } })], args: [AnalysisTemplateArg.withDefault('key', 'abc')] });
    expect(() => chart.toJson()).toThrow(/metric 'status' reads the header X-Api-Key from argument 'key', which is not declared with AnalysisTemplateArg\.fromSecret\(\)/);
  });
});

describe('Job metrics', () => {
  const job = (props: Partial<Parameters<typeof AnalysisMetric.job>[0]> = {}) => AnalysisMetric.job({
    name: 'migration-check',
    container: { image: 'registry.example.com/checks:1.2.0', command: ['/check', '--quick'] },
    ...props,
  });

  test('render provider.job with a batch/v1 JobSpec from the cdk8s-plus container', () => {
    const t = synth(job({ interval: Duration.minutes(5), count: 2, activeDeadline: Duration.minutes(2), backoffLimit: 1, jobLabels: { team: 'shop' } }));
    const m = t.spec.metrics[0];
    expect(m).toMatchObject({ name: 'migration-check', interval: '5m', count: 2 });
    expect(m.successCondition).toBeUndefined();
    expect(m.provider.job.metadata).toEqual({ labels: { team: 'shop' } });
    expect(m.provider.job.spec).toMatchObject({ activeDeadlineSeconds: 120, backoffLimit: 1 });
    const pod = m.provider.job.spec.template;
    expect(pod.metadata).toBeUndefined();
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } });
    expect(pod.spec.containers[0]).toMatchObject({ image: 'registry.example.com/checks:1.2.0', command: ['/check', '--quick'], securityContext: { runAsNonRoot: true } });
    // the JobSpec is a valid batch/v1 Job
    validateManifests([{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: m.provider.job.spec }]);
  });

  test.each([
    ['its image is not pinned', { container: { image: 'registry.example.com/checks:latest' } }, /container\.image' \("registry\.example\.com\/checks:latest"\)/],
    ['it has an interval and no count', { interval: Duration.minutes(1) }, /has 'interval' \("1m"\) and no 'count'.*\(rule CR321/],
    ['its deadline is a fraction of a second', { activeDeadline: Duration.millis(500) }, /'activeDeadline' \(500 millis\) must be a whole number of seconds/],
    ['its backoffLimit is negative', { backoffLimit: -1 }, /'backoffLimit' \(-1\) must be an integer between 0 and 10/],
  ])('fails if %s', (_, props, message) => {
    expect(() => job(props)).toThrow(message);
  });

  test('warns if the Job can run longer than the interval (CR322)', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'shop' });
    new AnalysisTemplate(chart, 't', { metrics: [job({ interval: Duration.minutes(1), count: 3, activeDeadline: Duration.minutes(5) })] });
    const findings = CanaryRules.check(chart.toJson());
    expect(findings.map(f => `${f.code} ${f.severity}`)).toEqual(['CR322 warning']);
  });
});

describe('Datadog metrics', () => {
  const dd = (props: Partial<Parameters<typeof AnalysisMetric.datadog>[0]> = {}) => AnalysisMetric.datadog({
    name: 'error-rate',
    query: 'sum:trace.http.request.errors{service:shop}.as_count()',
    condition: MetricCondition.atMost(0.01),
    ...props,
  });

  test('render provider.datadog with API v2, and conditions for a number or nil', () => {
    const m = synth(dd({ window: Duration.minutes(10), aggregator: DatadogAggregator.SUM, secretName: 'datadog-keys', secretNamespaced: true })).spec.metrics[0];
    expect(m).toEqual({
      name: 'error-rate',
      successCondition: '!isNil(result) && result <= 0.01',
      failureCondition: '!isNil(result) && result > 0.01',
      provider: {
        datadog: {
          apiVersion: 'v2',
          interval: '10m',
          query: 'sum:trace.http.request.errors{service:shop}.as_count()',
          aggregator: 'sum',
          secretRef: { name: 'datadog-keys', namespaced: true },
        },
      },
    });
    expect(outcome(m.successCondition, m.failureCondition, null)).toBe(Outcome.INCONCLUSIVE);
    expect(outcome(m.successCondition, m.failureCondition, 0)).toBe(Outcome.SUCCESSFUL);
    expect(outcome(m.successCondition, m.failureCondition, 0.2)).toBe(Outcome.FAILED);
  });

  test.each([
    ['it turns no data into success with default()', { condition: MetricCondition.expressions({ successCondition: 'default(result, 0) <= 0.01' }) },
      /with a query without data \(nil\) the conditions \(successCondition "default\(result, 0\) <= 0\.01", failureCondition ""\) make the measurement successful.*\(rule CR320/],
    ['it has both query and queries', { queries: { a: 'sum:x{*}' } }, /give exactly one of 'query' and 'queries' \(received both\)/],
    ['it has two queries and no formula', { query: undefined, queries: { a: 'sum:x{*}', b: 'sum:y{*}' } }, /2 queries without a formula.*\(rule CR142/],
    ['a query name is not lowercase', { query: undefined, queries: { Errors: 'sum:x{*}' }, formula: 'Errors' }, /query name "Errors" must start with a lowercase letter/],
    ['its condition expects a string', { condition: MetricCondition.equalTo('ok') }, /MetricCondition\.equalTo\(\) applies to web metrics/],
    ['its aggregator is unknown', { aggregator: 'median' as any }, /'aggregator' \("median"\) must be one of avg, min/],
    ['secretNamespaced has no secretName', { secretNamespaced: true }, /'secretNamespaced' needs 'secretName'/],
  ])('fails if %s', (_, props, message) => {
    expect(() => dd(props)).toThrow(message);
  });
});

describe('DatadogIstioMetrics', () => {
  test('successRate isolates the canary revision and guards no data', () => {
    const m = DatadogIstioMetrics.successRate({ minSuccessRate: 0.995 });
    const t = synth(m, DatadogIstioMetrics.trafficFloor());
    const tags = 'reporter:destination,destination_service_namespace:{{args.namespace}},destination_service_name:{{args.service-name}},'
      + 'destination_canonical_revision:{{args.canary-revision}}';
    expect(t.spec.args).toEqual([{ name: 'namespace' }, { name: 'service-name' }, { name: 'canary-revision' }]);
    expect(t.spec.metrics[0].provider.datadog).toEqual({
      apiVersion: 'v2',
      interval: '5m',
      queries: {
        errors: `default_zero(sum:istio.mesh.request.count.total{${tags},response_code:5*}.as_count())`,
        total: `sum:istio.mesh.request.count.total{${tags}}.as_count()`,
      },
      formula: '1 - errors / total',
      aggregator: 'sum',
    });
    expect(t.spec.metrics[0]).toMatchObject({ interval: '1m', initialDelay: '2m', failureLimit: 1, inconclusiveLimit: 0 });
    expect(outcome(m.successCondition, m.failureCondition, null)).toBe(Outcome.INCONCLUSIVE);
    const floor = t.spec.metrics[1];
    expect(outcome(floor.successCondition, floor.failureCondition, 3)).toBe(Outcome.INCONCLUSIVE);
    expect(outcome(floor.successCondition, floor.failureCondition, 30)).toBe(Outcome.SUCCESSFUL);
  });

  test.each([
    ['a success rate above 1', () => DatadogIstioMetrics.successRate({ minSuccessRate: 1.5 }), /'minSuccessRate' \(1\.5\) must be a ratio/],
    ['a metric name with a space', () => DatadogIstioMetrics.trafficFloor({ requestCountMetric: 'istio mesh' }), /'requestCountMetric' \("istio mesh"\) must be a Datadog metric name/],
  ])('fails if given %s', (_, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('the provider registry', () => {
  test('every code the providers report is in the catalog, with the severity the providers give it', () => {
    const probes: any[] = [
      { name: 'a', provider: { web: { url: 'http://x.example.com/', jsonPath: '$', body: 'b', headers: [{ key: 'Authorization', value: 'Bearer abcdefgh1234' }] } } },
      { name: 'b', interval: '1m', provider: { job: { spec: { template: {} } } } },
      { name: 'c', interval: '1m', count: 2, provider: { job: { spec: { activeDeadlineSeconds: 120, template: {} } } } },
      { name: 'd', successCondition: 'default(result, 0) < 1', provider: { datadog: { query: 'q', queries: { a: 'q' } } } },
    ];
    const findings = CanaryRules.check([{ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't', namespace: 'x' }, spec: { metrics: probes } }]);
    const seen = [...new Set(findings.map(f => f.code))].sort();
    expect(seen).toEqual(PROVIDER_RULE_CODES);
    for (const f of findings) expect(f.severity).toBe(CanaryRules.info(f.code).severity);
    expect(CanaryRules.info('CR143').severity).toBe(RuleSeverity.WARNING);
  });
});
