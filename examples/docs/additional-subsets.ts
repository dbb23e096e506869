import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  // 10% of the traffic keeps going to the legacy deployment during and after every release.
  additionalSubsets: [{ name: 'legacy', labels: { app: 'shop-legacy' }, weight: 10 }],
});

app.synth();
