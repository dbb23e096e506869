// Rendering one sample service while the user's construct tree is still small, once per process.
//
// V8 keeps at most 1,536 transitions from one hidden class to the next. A fleet whose charts each hold a construct with
// an id of its own (the service name, as users name them) uses up the transitions of the empty object's hidden class
// while the tree is built: each chart's list of children starts with a different key. From then on, every object that
// code running for the first time builds from `{}` (cdk8s's JSON of the objects, the YAML serializer's nodes, the
// rules, the plans) gets a hidden class of its own, and the synth slows down and grows with it: 2,000 services took 2.6x
// the floor and 450 MiB (docs/benchmarks.md). Rendering one default service first gives those objects their hidden
// classes while there is room: the 100th service of a process does it, long before the limit and never in small apps,
// which do not need it. Its output is thrown away. Not exported from the package.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArgoCdApplication } from '../../argocd-application';
import { CanaryApp } from '../../canary-app';
import { CanaryService } from '../../canary-service';

/** The number of services built in this process before rendering is warmed up. */
const SERVICES_BEFORE_WARM_UP = 100;

let services = 0;

/**
 * Called by each CanaryService: the 100th renders a sample app (a service with its Argo CD Application), with
 * plans if the service's app writes them.
 */
export function countServiceForWarmUp(service: IConstruct): void {
  services += 1;
  if (services !== SERVICES_BEFORE_WARM_UP) return;
  const root = service.node.root;
  warmUpRendering(root instanceof CanaryApp ? root.plans : true);
}

function warmUpRendering(plans: boolean): void {
  const app = new CanaryApp({ plans });
  const chart = new Chart(app, 'sample', { namespace: 'sample' });
  new CanaryService(chart, 'sample', { image: 'registry.example/sample:1.0.0' });
  new ArgoCdApplication(new Chart(app, 'argocd'), 'sample', {
    sourceRepoUrl: 'https://git.example/sample.git',
    sourcePath: 'sample',
    destinationServer: 'https://kubernetes.default.svc',
    charts: [chart],
  });
  app.renderFiles();
}
