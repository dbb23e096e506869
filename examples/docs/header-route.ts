import { Chart, Duration } from 'cdk8s';
import { CanaryApp, CanaryService, CanaryStep, StringMatch } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  steps: [
    CanaryStep.canaryScale({ replicas: 1 }), // a canary pod before any route sends requests to it
    // Testers send `x-shop-canary: always` and reach the canary before any user does.
    CanaryStep.headerRoute({
      name: 'canary-by-header',
      match: [{ headerName: 'x-shop-canary', value: StringMatch.exact('always') }],
    }),
    CanaryStep.pause(), // wait until the testers promote
    CanaryStep.weight(20),
    CanaryStep.canaryScale({ matchTrafficWeight: true }),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(50),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(5)),
  ],
});

app.synth();
