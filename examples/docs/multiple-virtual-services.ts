import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService, IstioGateway } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  gateway: IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com']),
  // One VirtualService for the ingress gateway ("shop-ingress") and one for the mesh ("shop"); the Rollout
  // lists both and shifts their weights together.
  separateIngressVirtualService: true,
});

app.synth();
