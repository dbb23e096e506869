// A consumer app written the way a platform team would write it: two environments, each with a storefront that starts
// its release with a header route and mirroring behind an ingress gateway (one VirtualService for the gateway, one for
// the mesh), a ledger with TLS and TCP ports, and a search service with a weighted experiment under an autoscaler; one
// ArgoCdApplication per environment. Every generated Application must pass S1-S5 of the Argo CD sync model on both
// Argo CD version families, and the Argo CD rules must find nothing in it.
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArgoCdApplication, CanaryApp, CanaryService, CanaryStep, ExperimentSpecRef, IstioGateway, ServicePortProtocol, StringMatch,
} from '../src';
import { outputScenarios, scenarioFailures } from './support/argocd-scenarios';

class Environment extends Chart {
  constructor(scope: Construct, id: string, namespace: string) {
    super(scope, id, { namespace });
    new CanaryService(this, 'storefront', {
      image: 'ghcr.io/acme/storefront:3.1.0',
      gateway: IstioGateway.fromGatewayRef('istio-system/public', [`${namespace}.shop.example.com`]),
      separateIngressVirtualService: true,
      steps: [
        CanaryStep.canaryScale({ replicas: 1 }),
        CanaryStep.headerRoute({ name: 'beta-testers', match: [{ headerName: 'x-beta', value: StringMatch.exact('1') }] }),
        CanaryStep.mirrorRoute({ name: 'mirror-gets', percentage: 10, match: [{ method: StringMatch.exact('GET') }] }),
        CanaryStep.pause(Duration.minutes(10)),
        CanaryStep.removeMirrorRoute('mirror-gets'),
        CanaryStep.weight(20),
        CanaryStep.pause(Duration.minutes(5)),
        CanaryStep.weight(100),
        CanaryStep.pause(Duration.minutes(5)),
      ],
    });
    new CanaryService(this, 'ledger', {
      image: 'ghcr.io/acme/ledger:5.0.1',
      ports: [
        { port: 80, targetPort: 8080 },
        { port: 8443, protocol: ServicePortProtocol.TLS },
        { port: 5432, protocol: ServicePortProtocol.TCP },
      ],
    });
    const search = new CanaryService(this, 'search', {
      image: 'ghcr.io/acme/search:2.2.0',
      steps: [
        CanaryStep.experiment({
          duration: Duration.minutes(10),
          templates: [
            { name: 'baseline', specRef: ExperimentSpecRef.STABLE, weight: 5 },
            { name: 'canary', specRef: ExperimentSpecRef.CANARY, weight: 5 },
          ],
        }),
        CanaryStep.weight(50),
        CanaryStep.pause(Duration.minutes(5)),
        CanaryStep.weight(100),
        CanaryStep.pause(Duration.minutes(5)),
      ],
    });
    search.rollout.autoscale({ minReplicas: 2, maxReplicas: 8 });
  }
}

function consumerApp(syncOptions: string[] = []): { files: { [name: string]: string }; warnings: string[] } {
  const app = new CanaryApp({ plans: false });
  const envs = [new Environment(app, 'shop-staging', 'shop-staging'), new Environment(app, 'shop-production', 'shop')];
  const argocd = new Chart(app, 'argocd');
  for (const env of envs) {
    new ArgoCdApplication(argocd, env.node.id, {
      name: env.node.id,
      sourceRepoUrl: 'https://github.com/acme/gitops.git',
      sourcePath: 'apps/shop',
      destinationServer: 'https://kubernetes.default.svc',
      charts: [env],
      syncOptions,
    });
  }
  const files = app.renderFiles();
  return { files, warnings: app.warnings };
}

test('a consumer app with header routes, mirroring, two VirtualServices, TLS/TCP routes, an experiment and an autoscaler, in two environments, passes S1-S5', () => {
  const { files, warnings } = consumerApp();
  const apps = outputScenarios(files);

  expect(apps.map(a => [a.application, a.deploys])).toEqual([
    ['shop-staging', ['shop-staging.k8s.yaml']],
    ['shop-production', ['shop-production.k8s.yaml']],
  ]);
  for (const a of apps) {
    expect([...new Set(a.results.map(r => r.rollout))].sort()).toEqual(['ledger', 'search', 'storefront']);
    expect(scenarioFailures(a.results)).toEqual([]);
  }
  expect(warnings.filter(w => /\[CR4\d\d\]/.test(w))).toEqual([]);
});

test('the features are in the output the scenarios ran on', () => {
  const { files } = consumerApp();
  const text = files['shop-production.k8s.yaml'];
  for (const feature of ['setHeaderRoute', 'setMirrorRoute', 'name: storefront-ingress', 'sniHosts', 'tcp:', 'experiment:', 'kind: HorizontalPodAutoscaler']) {
    expect({ feature, present: text.includes(feature) }).toEqual({ feature, present: true });
  }
});

test('warns if the consumer turns RespectIgnoreDifferences on (CR401), once per Application', () => {
  const { warnings } = consumerApp(['RespectIgnoreDifferences=true']);
  expect(warnings.filter(w => w.includes('[CR401]'))).toEqual([
    expect.stringMatching(/^\[argocd\] warning \[CR401\] Application argocd\/shop-staging spec.syncPolicy.syncOptions\[1\]: "RespectIgnoreDifferences=true" makes every sync/),
    expect.stringMatching(/^\[argocd\] warning \[CR401\] Application argocd\/shop-production spec.syncPolicy.syncOptions\[1\]: /),
  ]);
});
