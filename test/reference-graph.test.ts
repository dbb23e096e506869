// A minimal CanaryService must give the object graph of the upstream Argo Rollouts example
// "istio-subset-split" (argoproj/argo-rollouts v1.9.1 examples/istio/istio-subset-split.yaml, read from
// UPSTREAM_EXAMPLES_DIR, see support/upstream-examples.ts): the same kinds, the same
// references between them and the same initial weights, plus what the library adds on purpose.
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { CanaryService } from '../src/canary-service';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { UPSTREAM_EXAMPLES_DIR, upstreamExample } from './support/upstream-examples';

const HAVE_REFERENCE = UPSTREAM_EXAMPLES_DIR !== undefined;

if (!HAVE_REFERENCE) {
  // eslint-disable-next-line no-console
  console.warn('\n*** reference-graph.test.ts: UPSTREAM_EXAMPLES_DIR is not set: the comparison with the upstream example was SKIPPED ***\n');
}

const GRAPH_KINDS = ['Service', 'VirtualService', 'DestinationRule', 'Rollout'];

function reference(): any[] {
  return YAML.parseAllDocuments(upstreamExample('istio-subset-split.yaml')).map(d => d.toJS()).filter(d => d);
}

function library(): any[] {
  const chart = Testing.chart();
  new CanaryService(chart, 'istio-subset-split', { image: 'nginx:1.19-alpine' });
  return validateManifests(Testing.synth(chart));
}

/** The references and weights of a subset-level canary, in a form two graphs can be compared by. */
function graphOf(manifests: any[]) {
  const rollout = findOne(manifests, 'Rollout');
  const istio = rollout.spec.strategy.canary.trafficRouting.istio;
  const vs = findOne(manifests, 'VirtualService', istio.virtualService.name);
  const dr = findOne(manifests, 'DestinationRule', istio.destinationRule.name);
  const service = findOne(manifests, 'Service');
  const routes = istio.virtualService.routes.map((name: string) => vs.spec.http.find((h: any) => h.name === name));
  return { rollout, istio, vs, dr, service, routes };
}

/** Checks the invariants every subset-level canary graph must satisfy. */
function expectConsistentGraph(manifests: any[]): void {
  const { rollout, istio, vs, dr, service, routes } = graphOf(manifests);
  // the Rollout's routes exist in the VirtualService
  expect(routes.every((r: any) => r !== undefined)).toBe(true);
  // the Rollout's subset names are the DestinationRule subsets
  expect(dr.spec.subsets.map((s: any) => s.name)).toEqual([istio.destinationRule.stableSubsetName, istio.destinationRule.canarySubsetName]);
  // each route sends exactly stable 100 / canary 0 to the DestinationRule host
  for (const r of routes) {
    expect(r.route.map((d: any) => [d.destination.host, d.destination.subset, d.weight])).toEqual([
      [dr.spec.host, istio.destinationRule.stableSubsetName, 100],
      [dr.spec.host, istio.destinationRule.canarySubsetName, 0],
    ]);
  }
  // Service selector = subset labels = Rollout selector, and the pods carry them
  for (const subset of dr.spec.subsets) expect(subset.labels).toEqual(service.spec.selector);
  expect(rollout.spec.selector.matchLabels).toEqual(service.spec.selector);
  expect(rollout.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  // the DestinationRule host is the Service (short name or FQDN)
  expect([service.metadata.name, `${service.metadata.name}.${service.metadata.namespace ?? 'default'}.svc.cluster.local`]).toContain(dr.spec.host);
  // the VirtualService routes the Service host
  expect(vs.spec.hosts).toContain(dr.spec.host);
}

(HAVE_REFERENCE ? describe : describe.skip)('a minimal CanaryService and the upstream istio-subset-split example', () => {
  test('the reference itself satisfies the graph checks (the checks are meaningful)', () => {
    expectConsistentGraph(reference());
  });

  test.each([
    ['a route name the VirtualService lacks', (m: any[]) => { findOne(m, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['other']; }],
    ['a subset name the DestinationRule lacks', (m: any[]) => { findOne(m, 'DestinationRule').spec.subsets[1].name = 'preview'; }],
    ['weights other than 100/0', (m: any[]) => { findOne(m, 'VirtualService').spec.http[0].route[1].weight = 10; }],
    ['a subset label the Service does not select', (m: any[]) => { findOne(m, 'DestinationRule').spec.subsets[0].labels = { version: 'v1' }; }],
    ['a Rollout selector that differs', (m: any[]) => { findOne(m, 'Rollout').spec.selector.matchLabels = { app: 'other' }; }],
  ])('the graph checks fail on a reference broken by %s', (_, breakIt) => {
    const ref = reference();
    breakIt(ref);
    expect(() => expectConsistentGraph(ref)).toThrow();
  });

  test('same kinds, plus the default AnalysisTemplate, the mTLS PeerAuthentication and a PodDisruptionBudget', () => {
    // GIVEN
    const ref = reference();
    const lib = library();
    // THEN
    expect(ref.map(m => m.kind).sort()).toEqual([...GRAPH_KINDS].sort());
    expect(lib.filter(m => GRAPH_KINDS.includes(m.kind)).map(m => m.kind).sort()).toEqual(ref.map(m => m.kind).sort());
    expect(lib.filter(m => !GRAPH_KINDS.includes(m.kind)).map(m => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'AnalysisTemplate/istio-subset-split-success-rate',
      'PeerAuthentication/istio-subset-split',
      'PodDisruptionBudget/istio-subset-split',
    ]);
  });

  test('same references and weights', () => {
    // GIVEN
    const ref = graphOf(reference());
    const lib = graphOf(library());
    // THEN both graphs are consistent
    expectConsistentGraph(reference());
    expectConsistentGraph(library());
    // and agree where the reference fixes a value
    expect(lib.istio.virtualService.routes).toEqual(ref.istio.virtualService.routes);
    expect(lib.istio.destinationRule.stableSubsetName).toEqual(ref.istio.destinationRule.stableSubsetName);
    expect(lib.istio.destinationRule.canarySubsetName).toEqual(ref.istio.destinationRule.canarySubsetName);
    expect(lib.dr.spec.subsets).toEqual(ref.dr.spec.subsets);
    expect(lib.service.spec.selector).toEqual(ref.service.spec.selector);
    expect(lib.rollout.spec.selector).toEqual(ref.rollout.spec.selector);
    expect(lib.routes.map((r: any) => r.route.map((d: any) => [d.destination.subset, d.weight])))
      .toEqual(ref.routes.map((r: any) => r.route.map((d: any) => [d.destination.subset, d.weight])));
    const ports = (svc: any) => svc.spec.ports.map((p: any) => [p.name, p.port, p.protocol]);
    expect(ports(lib.service)).toEqual(ports(ref.service));
  });

  test('what the library adds or changes on purpose', () => {
    // GIVEN
    const lib = graphOf(library());
    const ref = graphOf(reference());
    const fqdn = 'istio-subset-split.default.svc.cluster.local';
    // names: one name for all objects (the reference suffixes -vsvc and -destrule)
    expect(ref.vs.metadata.name).toEqual('istio-subset-split-vsvc');
    expect([lib.vs, lib.dr, lib.service, lib.rollout].map(m => m.metadata.name)).toEqual(Array(4).fill('istio-subset-split'));
    // an explicit namespace on every object
    for (const m of [lib.vs, lib.dr, lib.service, lib.rollout]) expect(m.metadata.namespace).toEqual('default');
    // Istio v1 instead of v1alpha3
    expect(ref.vs.apiVersion).toEqual('networking.istio.io/v1alpha3');
    expect(lib.vs.apiVersion).toEqual('networking.istio.io/v1');
    expect(lib.dr.apiVersion).toEqual('networking.istio.io/v1');
    // FQDN hosts instead of the short name, so the rules work from any namespace
    expect(ref.dr.spec.host).toEqual('istio-subset-split');
    expect(lib.dr.spec.host).toEqual(fqdn);
    expect(lib.vs.spec.hosts).toEqual([fqdn]);
    // the VirtualService is bound to the mesh explicitly
    expect(lib.vs.spec.gateways).toEqual(['mesh']);
    // the destination port is set on every destination
    for (const d of lib.routes[0].route) expect(d.destination.port).toEqual({ number: 80 });
    // a numeric targetPort (container port 8080) and ClusterIP type
    expect(lib.service.spec.ports[0].targetPort).toEqual(8080);
    expect(lib.service.spec.type).toEqual('ClusterIP');
    // version, revision, name and sidecar labels on the pod template
    expect(lib.rollout.spec.template.metadata.labels).toEqual({
      'app': 'istio-subset-split',
      'app.kubernetes.io/name': 'istio-subset-split',
      'app.kubernetes.io/version': '1.19-alpine',
      'version': '1.19-alpine',
      'service.istio.io/canonical-revision': expect.stringMatching(/^1\.19-alpine-[0-9a-f]{10}$/),
      'sidecar.istio.io/inject': 'true',
    });
    // Argo CD sync waves: prerequisites, routing, workload
    expect(lib.dr.metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('-2');
    expect(lib.service.metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('-2');
    expect(lib.vs.metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('-1');
    expect(lib.rollout.metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('0');
    // timed default steps instead of an indefinite pause, replicas, progress deadline that aborts
    expect(ref.rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 10 }, { pause: {} }]);
    expect(lib.rollout.spec.strategy.canary.steps[0]).toEqual({ setWeight: 10 });
    expect(lib.rollout.spec.strategy.canary.steps.filter((s: any) => s.pause).every((s: any) => s.pause.duration)).toBe(true);
    expect(lib.rollout.spec).toMatchObject({ replicas: 2, progressDeadlineSeconds: 600, progressDeadlineAbort: true });
    // background analysis from the first step, with the canary's revision
    expect(lib.rollout.spec.strategy.canary.analysis.templates).toEqual([{ templateName: 'istio-subset-split-success-rate' }]);
    // secure pod defaults and resources
    const pod = lib.rollout.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.containers[0].securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(pod.containers[0].resources.requests).toBeDefined();
    expect(pod.containers[0].readinessProbe).toBeDefined();
    expect(library()).toMatchSnapshot();
  });
});
