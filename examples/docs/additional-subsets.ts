import { ApiObject, Chart } from 'cdk8s';
import { CanaryApp, CanaryService } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  // 10% of the traffic keeps going to the legacy deployment during and after every release.
  additionalSubsets: [{ name: 'legacy', labels: { track: 'legacy' }, weight: 10 }],
});

// The legacy pods are endpoints of the Service (they carry its selector, app: shop) and carry track: legacy, which
// the Rollout's pods do not.
const legacy = { app: 'shop', track: 'legacy' };
new ApiObject(chart, 'legacy', {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop-legacy' },
  spec: {
    replicas: 1,
    selector: { matchLabels: legacy },
    template: {
      metadata: { labels: legacy },
      spec: {
        containers: [{
          name: 'main',
          image: 'ghcr.io/acme/shop:1.3.9',
          ports: [{ containerPort: 8080 }],
          readinessProbe: { tcpSocket: { port: 8080 } },
        }],
      },
    },
  },
});

app.synth();
