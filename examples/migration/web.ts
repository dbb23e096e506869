// A service that a team runs today as a Deployment behind a Service, synced by Argo CD, and its migration to canary
// releases without downtime (docs/migration.md). before.ts, migrating.ts and drained.ts synthesize the three steps.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ArgoCdApplication, ArgoRollout, CanaryApp, IstioMetrics, IstioSubsets, WorkloadRef, WorkloadScaleDown } from '../../src';

/** Where the migration stands. */
export type MigrationStep = 'before' | 'migrating' | 'drained';

/** The web service in one namespace, at a step of its migration. */
export class WebChart extends Chart {
  constructor(scope: Construct, id: string, step: MigrationStep) {
    super(scope, id, { namespace: 'web' });

    // What runs today. The Deployment selects its pods by the identity label "app" only, which the Rollout will select.
    const web = new kplus.Deployment(this, 'web', {
      metadata: { name: 'web' },
      replicas: 4,
      select: false,
      podMetadata: { labels: { app: 'web' } },
      containers: [{
        name: 'main',
        image: 'ghcr.io/acme/web:3.2.0',
        portNumber: 8080,
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
    });
    web.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    const service = new kplus.Service(this, 'service', { metadata: { name: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    service.selectLabel('app', 'web');
    if (step === 'before') return;

    // The canary graph next to it: DestinationRule and VirtualService for the Service, and a Rollout that takes its pod
    // template from the Deployment. The subsets select "app: web", so the Deployment's pods keep the traffic until the
    // Rollout's pods are ready.
    const subsets = new IstioSubsets(this, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    const successRate = IstioMetrics.successRateTemplate(this, 'success-rate', { templateMetadata: { name: 'web-success-rate' } });
    new ArgoRollout(this, 'rollout', {
      subsets,
      workloadRef: WorkloadRef.fromDeployment(web, { scaleDown: WorkloadScaleDown.PROGRESSIVELY, drained: step === 'drained' }),
      analysis: { templates: [successRate] },
    });
  }
}

/** Synthesizes the web service at `step`, with the Argo CD Application that deploys it. */
export function synthWeb(step: MigrationStep): void {
  const app = new CanaryApp();
  const web = new WebChart(app, 'web', step);
  new ArgoCdApplication(new Chart(app, 'argocd'), 'web', {
    name: 'web',
    sourceRepoUrl: 'https://git.example.com/acme/gitops.git',
    sourcePath: 'apps/web',
    sourceTargetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    charts: [web],
  });
  app.synth();
}
