import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService, RolloutAntiAffinity } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

const shop = new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  // no `replicas`: the autoscaler owns them
  antiAffinity: RolloutAntiAffinity.preferred(100), // keep new pods off the nodes of the previous ones
});

// A HorizontalPodAutoscaler (autoscaling/v2) whose target is the Rollout.
shop.rollout.autoscale({ minReplicas: 3, maxReplicas: 12 });

app.synth();
