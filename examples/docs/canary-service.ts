import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService } from '../../src'; // in your project: from 'cdk8s-canary'

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
});

app.synth();
