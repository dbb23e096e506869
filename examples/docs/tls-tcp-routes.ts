import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService, ServicePortProtocol } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'ledger', { namespace: 'ledger' });

new CanaryService(chart, 'ledger', {
  image: 'ghcr.io/acme/ledger:5.0.1',
  ports: [
    { port: 80, targetPort: 8080 }, // HTTP: weighted per request (route "primary")
    { port: 8443, protocol: ServicePortProtocol.TLS }, // opaque TLS: weighted per connection, matched by port + SNI
    { port: 5432, protocol: ServicePortProtocol.TCP }, // opaque TCP: weighted per connection, matched by port
  ],
});

app.synth();
