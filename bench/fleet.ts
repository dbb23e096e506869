// The benchmark fleet: N canary services built with the library, as a user writes them. See docs/benchmarks.md.
//
// Layout (what a realistic fleet looks like): one chart per service (an app in one environment), in the
// namespace `fleet`, plus one `argocd` chart that holds one Argo CD Application per service chart. Every
// construct id is the service's own name, as users name their constructs.
import { App, Chart } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, CanaryService } from '../src';
import { NAMESPACE, REPO, SERVER, serviceName, serviceTag } from './names';

/**
 * N canary services with the library, in a `CanaryApp` writing to `outdir` (validation and rules on, as in every
 * synth), or in a plain cdk8s `App` (`plain`: the program docs/argocd.md shows).
 */
export function libraryFleet(n: number, plans: boolean, outdir?: string, plain = false): App {
  const app = plain ? new App({ outdir }) : new CanaryApp({ plans, outdir });
  const argocd = new Chart(app, 'argocd');
  for (let i = 0; i < n; i++) {
    const name = serviceName(i);
    const chart = new Chart(app, name, { namespace: NAMESPACE });
    new CanaryService(chart, name, {
      image: `ghcr.io/acme/${name}:${serviceTag(i)}`,
      replicas: 3,
    });
    new ArgoCdApplication(argocd, name, {
      name,
      sourceRepoUrl: REPO,
      sourcePath: `apps/${name}`,
      sourceTargetRevision: 'main',
      destinationServer: SERVER,
      charts: [chart],
    });
  }
  return app;
}
