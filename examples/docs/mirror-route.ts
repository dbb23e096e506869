import { Chart, Duration } from 'cdk8s';
import { CanaryApp, CanaryService, CanaryStep, StringMatch } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  steps: [
    CanaryStep.canaryScale({ replicas: 1 }), // a canary pod before any route sends requests to it
    // Copy half of the catalogue reads to the canary; users still get stable's responses.
    CanaryStep.mirrorRoute({
      name: 'mirror-catalogue',
      percentage: 50,
      match: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/catalogue') }],
    }),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.removeMirrorRoute('mirror-catalogue'),
    CanaryStep.weight(10),
    CanaryStep.canaryScale({ matchTrafficWeight: true }),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(50),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(5)),
  ],
});

app.synth();
