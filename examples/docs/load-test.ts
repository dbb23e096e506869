import { Chart, Duration } from 'cdk8s';
import { AnalysisTemplate, CanaryApp, CanaryService, CanaryStep, CanaryTestTraffic, IstioMetrics } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
const smoke = new AnalysisTemplate(chart, 'smoke', {
  metadata: { name: 'shop-smoke' },
  metrics: [tests.smokeTest({ paths: ['/healthz', '/', '/cart'] })],
});
const verification = new AnalysisTemplate(chart, 'verification', {
  metadata: { name: 'shop-verification' },
  metrics: [
    IstioMetrics.successRate(),
    // 20 requests/s to the canary for the first two steps, whatever its user weight
    tests.loadTest({ requestsPerSecond: 20, duration: Duration.minutes(10) }),
  ],
});

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  steps: [
    CanaryStep.canaryScale({ replicas: 1 }), // a canary pod before the tests call it
    tests.headerRoute(), // x-canary-test: canary-tests goes to the canary, and only there
    CanaryStep.analysis({ templates: [smoke] }), // the smoke test, before any user
    CanaryStep.weight(5),
    CanaryStep.canaryScale({ matchTrafficWeight: true }),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(25),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(5)),
  ],
  analysis: { templates: [verification], startingStep: 3 },
});

app.synth();
