import { Chart, Duration, Testing } from 'cdk8s';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric, PrometheusAuthentication } from '../src/analysis-metric';
import { AnalysisTemplate, AnalysisTemplateArg, ClusterAnalysisTemplate } from '../src/analysis-template';
import { CanaryService } from '../src/canary-service';
import { IstioMetrics } from '../src/istio-metrics';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function prom(name: string, query: string, extra: any = {}): AnalysisMetric {
  return AnalysisMetric.prometheus({ name, query, condition: MetricCondition.atMost(500), ...extra });
}

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

describe('AnalysisTemplate', () => {
  test('synthesizes a schema-valid template with sync wave, auto-declared well-known args and metrics', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const t = new AnalysisTemplate(c, 'health', {
      metadata: { name: 'shop-health' },
      metrics: [IstioMetrics.successRate(), prom('errors', 'sum(rate(app_errors_total{ns="{{args.namespace}}"}[1m]))', { interval: Duration.minutes(1), count: 5 })],
    });
    // THEN
    const manifests = validateManifests(Testing.synth(c));
    const obj = findOne(manifests, 'AnalysisTemplate', 'shop-health');
    expect(obj.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(obj.metadata.namespace).toBe('shop');
    expect(obj.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-2' });
    expect(obj.spec.args).toEqual([{ name: 'namespace' }, { name: 'service-name' }, { name: 'canary-revision' }]);
    expect(obj.spec.metrics.map((m: any) => m.name)).toEqual(['success-rate', 'errors']);
    expect(obj.spec.metrics[1].count).toBe(5);
    expect(t.templateName).toBe('shop-health');
    expect(t.clusterScope).toBe(false);
    expect(t.metricNames).toEqual(['success-rate', 'errors']);
    expect(t.unboundedMetricNames).toEqual(['success-rate']);
    expect(t.argDeclarations).toEqual([{ name: 'namespace' }, { name: 'service-name' }, { name: 'canary-revision' }]);
    expect(manifests).toMatchSnapshot();
  });

  test('keeps the metadata given, with the sync wave first among the annotations unless an annotation sets it', () => {
    // GIVEN
    const c = chart();
    const metadata = { name: 'custom', labels: { team: 'shop' }, annotations: { owner: 'shop-team' } };
    const waved = { name: 'waved', annotations: { 'argocd.argoproj.io/sync-wave': '-5' } };
    // WHEN
    new AnalysisTemplate(c, 'custom', { metadata, metrics: [IstioMetrics.successRate()] });
    new AnalysisTemplate(c, 'waved', { metadata: waved, metrics: [IstioMetrics.successRate()] });
    // THEN
    const manifests = Testing.synth(c);
    const obj = findOne(manifests, 'AnalysisTemplate', 'custom');
    expect(obj.metadata.labels).toEqual({ team: 'shop' });
    expect(Object.entries(obj.metadata.annotations)).toEqual([['argocd.argoproj.io/sync-wave', '-2'], ['owner', 'shop-team']]);
    expect(findOne(manifests, 'AnalysisTemplate', 'waved').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
    // the caller's objects are not changed
    expect(metadata).toEqual({ name: 'custom', labels: { team: 'shop' }, annotations: { owner: 'shop-team' } });
    expect(waved).toEqual({ name: 'waved', annotations: { 'argocd.argoproj.io/sync-wave': '-5' } });
  });

  test('a generated name is exposed as templateName', () => {
    const c = chart();
    const t = new AnalysisTemplate(c, 'health', { metrics: [IstioMetrics.successRate()] });
    const obj = findOne(Testing.synth(c), 'AnalysisTemplate');
    expect(obj.metadata.name).toBe(t.templateName);
  });

  test('declared args (default, secret) come first and are exposed as declarations', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const t = new AnalysisTemplate(c, 'custom', {
      args: [AnalysisTemplateArg.withDefault('threshold', '500'), AnalysisTemplateArg.fromSecret('token', 'prom-token', 'token'),
        AnalysisTemplateArg.required('job')],
      metrics: [prom('latency', 'max(x{job="{{args.job}}",ns="{{args.namespace}}"}) > {{args.threshold}}', {
        headers: { Authorization: 'Bearer {{args.token}}' },
      })],
    });
    // THEN
    const obj = findOne(validateManifests(Testing.synth(c)), 'AnalysisTemplate');
    expect(obj.spec.args).toEqual([
      { name: 'threshold', value: '500' },
      { name: 'token', valueFrom: { secretKeyRef: { name: 'prom-token', key: 'token' } } },
      { name: 'job' },
      { name: 'namespace' },
    ]);
    expect(t.argDeclarations).toEqual([
      { name: 'threshold', defaultValue: '500' },
      { name: 'token', fromSecret: true },
      { name: 'job' },
      { name: 'namespace' },
    ]);
  });

  test('a user declaration of a well-known arg wins over the automatic one', () => {
    const c = chart();
    const t = new AnalysisTemplate(c, 't', {
      args: [AnalysisTemplateArg.withDefault('namespace', 'shop')],
      metrics: [prom('m', 'sum(x{ns="{{args.namespace}}"})')],
    });
    expect(t.argDeclarations).toEqual([{ name: 'namespace', defaultValue: 'shop' }]);
  });

  test('oauth2 client secret comes from a secret arg', () => {
    const c = chart();
    new AnalysisTemplate(c, 't', {
      args: [AnalysisTemplateArg.fromSecret('oauth-secret', 'prom-oauth', 'client-secret')],
      metrics: [prom('m', 'sum(x)', {
        authentication: PrometheusAuthentication.oauth2({ tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecretArg: 'oauth-secret' }),
      })],
    });
    const obj = findOne(validateManifests(Testing.synth(c)), 'AnalysisTemplate');
    expect(obj.spec.metrics[0].provider.prometheus.authentication.oauth2.clientSecret).toBe('{{args.oauth-secret}}');
  });

  test('dryRun and measurementRetention render anchored, escaped metric names', () => {
    // GIVEN
    const c = chart();
    const t = new AnalysisTemplate(c, 't', {
      metrics: [prom('latency.p99', 'sum(x)'), prom('errors', 'sum(y)')],
      dryRunMetrics: ['latency.p99'],
      measurementRetention: [{ metricName: 'errors', limit: 20 }],
    });
    // WHEN
    t.addDryRunMetric('errors');
    t.addMeasurementRetention({ metricName: 'latency.p99', limit: 5 });
    // THEN
    const obj = findOne(validateManifests(Testing.synth(c)), 'AnalysisTemplate');
    expect(obj.spec.dryRun).toEqual([{ metricName: '^latency\\.p99$' }, { metricName: '^errors$' }]);
    expect(obj.spec.measurementRetention).toEqual([{ metricName: '^errors$', limit: 20 }, { metricName: '^latency\\.p99$', limit: 5 }]);
  });

  test('addMetric and addArg grow the template; metrics returns a copy', () => {
    const c = chart();
    const t = new AnalysisTemplate(c, 't');
    t.addArg(AnalysisTemplateArg.required('job'));
    t.addMetric(prom('m', 'sum(x{job="{{args.job}}"})'));
    t.metrics.pop();
    expect(t.metrics.length).toBe(1);
    const obj = findOne(validateManifests(Testing.synth(c)), 'AnalysisTemplate');
    expect(obj.spec.metrics[0].name).toBe('m');
    expect(obj.spec.args).toEqual([{ name: 'job' }]);
  });

  test('fails if a metric name is used twice', () => {
    const t = new AnalysisTemplate(chart(), 't', { metrics: [prom('m', 'sum(x)')] });
    expect(() => t.addMetric(prom('m', 'sum(y)'))).toThrow(/metric name 'm' is used twice in this template/);
  });

  test('fails if something other than a metric is passed', () => {
    expect(() => new AnalysisTemplate(chart(), 't', { metrics: [{ name: 'x' } as any] })).toThrow(/'metrics' contains something that is not an AnalysisMetric/);
  });

  test('fails if an argument is declared twice', () => {
    expect(() => new AnalysisTemplate(chart(), 't', { args: [AnalysisTemplateArg.required('a'), AnalysisTemplateArg.withDefault('a', '1')] }))
      .toThrow(/argument 'a' is declared twice in this template/);
  });

  /** The lines of the validation error of a synth, or [] when it synthesizes. */
  function errorLines(c: Chart): string[] {
    try {
      Testing.synth(c);
      return [];
    } catch (e: any) {
      return e.message.split('\n').slice(1).map((l: string) => l.trim());
    }
  }

  test('fails if the template has no metrics, reported once (by the rules, with the construct path)', () => {
    const c = chart();
    new AnalysisTemplate(c, 't');
    expect(errorLines(c)).toEqual([expect.stringMatching(/^\[test\] \[CR131\] AnalysisTemplate \S+ spec\.metrics: the template has no metrics .*; defined at test\/t\/Resource\)$/)]);
  });

  test('fails if a query uses an undeclared argument, reported once', () => {
    const c = chart();
    new AnalysisTemplate(c, 't', { metrics: [prom('m', 'sum(x{job="{{args.job}}"})')] });
    expect(errorLines(c)).toEqual([expect.stringMatching(/^\[test\] \[CR129\] AnalysisTemplate \S+ spec\.metrics\[0\]: metric "m" uses \{\{args.job\}\}, but the template declares no argument "job"/)]);
  });

  test('fails if the oauth2 client secret arg is not from a secret', () => {
    const c = chart();
    new AnalysisTemplate(c, 't', {
      args: [AnalysisTemplateArg.withDefault('oauth-secret', 'hunter2')],
      metrics: [prom('m', 'sum(x)', {
        authentication: PrometheusAuthentication.oauth2({ tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecretArg: 'oauth-secret' }),
      })],
    });
    expect(() => Testing.synth(c)).toThrow(/reads its OAuth2 client secret from argument 'oauth-secret', which is not declared with AnalysisTemplateArg.fromSecret\(\)/);
  });

  test('fails if dryRunMetrics or measurementRetention name an unknown metric, each reported once, also when a Rollout runs the template', () => {
    const c = chart();
    const t = new AnalysisTemplate(c, 't', { metrics: [prom('m', 'sum(x)')], dryRunMetrics: ['nope'], measurementRetention: [{ metricName: 'gone', limit: 3 }] });
    new CanaryService(c, 'shop', { image: 'ghcr.io/acme/shop:1.0.0', defaultAnalysis: false, analysis: { templates: [t] } });
    expect(errorLines(c)).toEqual([
      "[test/t] 'dryRunMetrics' names 'nope', which is not a metric of this AnalysisTemplate (metrics: m)",
      "[test/t] 'measurementRetention' names 'gone', which is not a metric of this AnalysisTemplate (metrics: m)",
    ]);
  });

  test('fails if a dryRun name is empty', () => {
    expect(() => new AnalysisTemplate(chart(), 't', { dryRunMetrics: [''] })).toThrow(/'dryRunMetrics' contains "": give the name of a metric/);
  });

  test('fails if a measurementRetention limit is out of range or repeated', () => {
    expect(() => new AnalysisTemplate(chart(), 't', { measurementRetention: [{ metricName: 'm', limit: 0 }] }))
      .toThrow(/'measurementRetention' limit for metric 'm' \(0\) must be an integer between 1 and 1000/);
    expect(() => new AnalysisTemplate(chart(), 't', { measurementRetention: [{ metricName: 'm', limit: 1 }, { metricName: 'm', limit: 2 }] }))
      .toThrow(/'measurementRetention' names metric 'm' twice/);
  });
});

describe('AnalysisTemplateArg', () => {
  test('fails if the name is invalid', () => {
    expect(() => AnalysisTemplateArg.required('a b')).toThrow(/'AnalysisTemplateArg.required name' \("a b"\) is not a valid analysis argument name/);
  });

  test('fails if a default value is not a string', () => {
    expect(() => AnalysisTemplateArg.withDefault('n', 5 as any)).toThrow(/'AnalysisTemplateArg.withDefault' value for "n" \(5\) must be a string/);
  });

  test('fails if the secret name or key is invalid', () => {
    expect(() => AnalysisTemplateArg.fromSecret('t', 'Prom_Token', 'k')).toThrow(/'secretName' for analysis argument "t" \("Prom_Token"\) must be a Kubernetes object name/);
    expect(() => AnalysisTemplateArg.fromSecret('t', 'prom-token', 'a/b')).toThrow(/'key' for analysis argument "t" \("a\/b"\) must be a Secret data key/);
  });
});

describe('ClusterAnalysisTemplate', () => {
  test('synthesizes a cluster-scoped template without namespace', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const t = new ClusterAnalysisTemplate(c, 'shared', { metadata: { name: 'istio-success-rate' }, metrics: [IstioMetrics.successRate({ count: 5, failureLimit: 1 })] });
    // THEN
    const obj = findOne(validateManifests(Testing.synth(c)), 'ClusterAnalysisTemplate', 'istio-success-rate');
    expect(obj.metadata.namespace).toBeUndefined();
    expect(t.clusterScope).toBe(true);
    expect(t.templateName).toBe('istio-success-rate');
    expect(t.unboundedMetricNames).toEqual([]);
    expect(t.argDeclarations.map(a => a.name)).toEqual(['namespace', 'service-name', 'canary-revision']);
  });

  test('works in a chart without namespace', () => {
    const c = new Chart(Testing.app(), 'nons');
    const t = new ClusterAnalysisTemplate(c, 'shared', { metrics: [IstioMetrics.successRate()] });
    t.addArg(AnalysisTemplateArg.withDefault('unused', 'x'));
    t.addDryRunMetric('success-rate');
    t.addMeasurementRetention({ metricName: 'success-rate', limit: 3 });
    t.addMetric(IstioMetrics.latency());
    const obj = findOne(validateManifests(Testing.synth(c)), 'ClusterAnalysisTemplate');
    expect(obj.metadata.namespace).toBeUndefined();
    expect(obj.spec.metrics.length).toBe(2);
    expect(t.metrics.length).toBe(2);
    expect(t.metricNames).toEqual(['success-rate', 'latency-p99']);
  });

  test('fails if a namespace is set', () => {
    expect(() => new ClusterAnalysisTemplate(chart(), 't', { metadata: { namespace: 'shop' } }))
      .toThrow(/'metadata.namespace' \("shop"\) cannot be set on a ClusterAnalysisTemplate/);
  });

  test('fails if it has no metrics', () => {
    const c = chart();
    new ClusterAnalysisTemplate(c, 't');
    expect(() => Testing.synth(c)).toThrow(/\[test\] \[CR131\] ClusterAnalysisTemplate \S+ spec\.metrics: the template has no metrics/);
  });
});
