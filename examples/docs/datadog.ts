import { Chart, Duration } from 'cdk8s';
import { AnalysisMetric, AnalysisTemplate, CanaryApp, DatadogIstioMetrics, MetricCondition } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new AnalysisTemplate(chart, 'datadog', {
  metadata: { name: 'shop-datadog' },
  metrics: [
    // the canary's success rate from the Istio integration, isolated by destination_canonical_revision
    DatadogIstioMetrics.successRate({ minSuccessRate: 0.995, secretName: 'datadog-keys', secretNamespaced: true }),
    DatadogIstioMetrics.trafficFloor({ minimumRequests: 20, secretName: 'datadog-keys', secretNamespaced: true }),
    // a query of your own: APM errors of the canary's version
    AnalysisMetric.datadog({
      name: 'apm-error-rate',
      queries: {
        errors: 'default_zero(sum:trace.http.request.errors{service:shop,version:{{args.canary-revision}}}.as_count())',
        hits: 'sum:trace.http.request.hits{service:shop,version:{{args.canary-revision}}}.as_count()',
      },
      formula: 'errors / hits',
      condition: MetricCondition.atMost(0.01),
      window: Duration.minutes(5),
      interval: Duration.minutes(1),
      initialDelay: Duration.minutes(2),
      failureLimit: 1,
      secretName: 'datadog-keys',
      secretNamespaced: true,
    }),
  ],
});

app.synth();
