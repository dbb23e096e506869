import { Chart, Duration } from 'cdk8s';
import {
  ArgoCdApplication, CanaryApp, CanaryService, CanaryStep, ServicePortProtocol, StringMatch,
} from '../../src'; // in your project: from 'cdk8s-canary'

const app = new CanaryApp();
const production = new Chart(app, 'shop-production', { namespace: 'shop' });

// A storefront whose release starts with a header route for testers, under an autoscaler.
const storefront = new CanaryService(production, 'storefront', {
  image: 'ghcr.io/acme/storefront:2.7.3',
  steps: [
    CanaryStep.canaryScale({ replicas: 1 }),
    CanaryStep.headerRoute({ name: 'canary-header', match: [{ headerName: 'x-canary', value: StringMatch.exact('yes') }] }),
    CanaryStep.pause(Duration.minutes(30)), // testers try the canary
    CanaryStep.weight(20),
    CanaryStep.pause(Duration.minutes(10)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(10)),
  ],
});
storefront.rollout.autoscale({ minReplicas: 3, maxReplicas: 12 });

// A ledger with HTTP, TLS and TCP ports: the controller weights all three kinds of routes.
new CanaryService(production, 'ledger', {
  image: 'ghcr.io/acme/ledger:5.0.1',
  ports: [
    { port: 80, targetPort: 8080 },
    { port: 8443, protocol: ServicePortProtocol.TLS },
    { port: 5432, protocol: ServicePortProtocol.TCP },
  ],
});

// The Applications live in their own chart (see gitops-layout.md).
const argocd = new Chart(app, 'argocd');
new ArgoCdApplication(argocd, 'shop-production', {
  name: 'shop-production',
  sourceRepoUrl: 'https://github.com/acme/gitops.git',
  sourcePath: 'apps/shop', // where the synthesized files are committed
  sourceTargetRevision: 'main',
  destinationServer: 'https://kubernetes.default.svc',
  charts: [production], // what this Application deploys
});

app.synth();
