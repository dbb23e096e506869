import { Chart, Duration } from 'cdk8s';
import {
  AnalysisArg, AnalysisMetric, AnalysisTemplate, AnalysisTemplateArg, CanaryApp, CanaryService, CanaryStep,
  ExperimentSpecRef, MetricCondition,
} from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// Compares the canary pods with a fresh baseline (the stable template, started at the same time), by the
// pod-template hash Prometheus copies from the pod labels (needs a labelmap of pod labels in Prometheus).
const comparison = new AnalysisTemplate(chart, 'baseline-vs-canary', {
  metadata: { name: 'shop-baseline-vs-canary' },
  args: [AnalysisTemplateArg.required('baseline-hash'), AnalysisTemplateArg.required('canary-hash')],
  metrics: [AnalysisMetric.prometheus({
    name: 'error-rate-difference',
    query: [
      'sum(rate(istio_requests_total{reporter="destination",rollouts_pod_template_hash="{{args.canary-hash}}",response_code=~"5.."}[2m]))',
      '/ sum(rate(istio_requests_total{reporter="destination",rollouts_pod_template_hash="{{args.canary-hash}}"}[2m]))',
      '- sum(rate(istio_requests_total{reporter="destination",rollouts_pod_template_hash="{{args.baseline-hash}}",response_code=~"5.."}[2m]))',
      '/ sum(rate(istio_requests_total{reporter="destination",rollouts_pod_template_hash="{{args.baseline-hash}}"}[2m]))',
    ].join('\n'),
    condition: MetricCondition.atMost(0.01),
    interval: Duration.minutes(1),
    count: 5,
  })],
});

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  steps: [
    CanaryStep.experiment({
      duration: Duration.minutes(10),
      templates: [
        { name: 'baseline', specRef: ExperimentSpecRef.STABLE, weight: 5 },
        { name: 'canary', specRef: ExperimentSpecRef.CANARY, weight: 5 },
      ],
      analyses: [{
        name: 'compare',
        template: comparison,
        args: [
          AnalysisArg.fromValue('baseline-hash', '{{templates.baseline.podTemplateHash}}'),
          AnalysisArg.fromValue('canary-hash', '{{templates.canary.podTemplateHash}}'),
        ],
      }],
    }),
    CanaryStep.weight(20),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(5)),
  ],
});

app.synth();
