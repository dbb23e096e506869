import { Chart, Duration } from 'cdk8s';
import { AnalysisMetric, AnalysisTemplate, AnalysisTemplateArg, CanaryApp, MetricCondition } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new AnalysisTemplate(chart, 'checks', {
  metadata: { name: 'shop-web-checks' },
  // the token lives in the Secret "status-api"; the manifest holds only the placeholder
  args: [AnalysisTemplateArg.fromSecret('status-token', 'status-api', 'token')],
  metrics: [
    AnalysisMetric.web({
      name: 'checkout-status',
      url: 'https://status.example.com/api/v1/components/checkout',
      jsonPath: '{$.status}',
      condition: MetricCondition.equalTo('operational'),
      secretHeaders: { Authorization: 'Bearer {{args.status-token}}' },
      headers: { Accept: 'application/json' },
      timeout: Duration.seconds(5),
      interval: Duration.minutes(1),
      count: 5,
      failureLimit: 1,
    }),
  ],
});

app.synth();
