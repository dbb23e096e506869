import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoRollout, CanaryApp, CanaryStep, IstioMetrics, IstioSubsets } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'orders', { namespace: 'orders' });

// The building blocks CanaryService composes, used one by one: bring your own Service (named "orders",
// selecting app=orders, port 8080), and write the pod with cdk8s-plus's API.
const subsets = new IstioSubsets(chart, 'subsets', {
  serviceName: 'orders',
  servicePort: 8080,
  subsetLabels: { app: 'orders' },
});

const rollout = new ArgoRollout(chart, 'rollout', {
  subsets,
  replicas: 4,
  steps: [
    CanaryStep.weight(5),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.weight(25),
    CanaryStep.pause(), // wait for `kubectl argo rollouts promote orders`
    CanaryStep.weight(75),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(10)),
  ],
  // every minute the canary's own success rate must be at least 99.5%; two failures abort the release
  analysis: {
    templates: [IstioMetrics.successRateTemplate(chart, 'success-rate', {
      templateMetadata: { name: 'orders-success-rate' },
      minSuccessRate: 0.995,
    })],
  },
  scaleDownDelay: Duration.seconds(60),
  canaryLabels: { role: 'canary' },
  stableLabels: { role: 'stable' },
});

rollout.addContainer({
  image: 'ghcr.io/acme/orders:3.1.0',
  portNumber: 8080,
  envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') },
  readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
  resources: {
    cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
    memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
  },
});

app.synth();
