import { Chart, Duration } from 'cdk8s';
import { CanaryApp, CanaryService, CanaryStep } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  steps: [
    CanaryStep.weight(10),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.weight(50),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(10)),
  ],
  // going back to one of the last 3 revisions skips the steps and the analysis
  rollbackWindow: 3,
  // keep more old ReplicaSets than the window (Argo Rollouts keeps 10 by default)
  revisionHistoryLimit: 5,
});

app.synth();
