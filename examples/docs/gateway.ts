import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService, IstioGateway, LoadBalancerAlgorithm, TrafficPolicy } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// A new ingress Gateway: HTTPS with the certificate in Secret "shop-tls" (in the gateway's namespace),
// plain HTTP redirected to HTTPS.
const gateway = new IstioGateway(chart, 'public', {
  hosts: ['shop.example.com'],
  tls: { credentialName: 'shop-tls' },
});
// Or bind to a Gateway defined elsewhere:
//   const gateway = IstioGateway.fromGatewayRef('istio-system/public', ['*.example.com']);

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  gateway, // ingress traffic and mesh traffic both go through the weighted route
  trafficPolicy: TrafficPolicy.of({
    loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST,
    connectionPool: { http2MaxRequests: 1000 },
  }),
});

app.synth();
