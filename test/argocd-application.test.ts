import * as fs from 'fs';
import { ApiObject, App, Chart, Duration, JsonPatch, Testing, YamlOutputType } from 'cdk8s';
import { ApplicationFinalizer, ArgoCdApplication, ArgoCdApplicationProps } from '../src/argocd-application';
import { expectScenariosPass } from './support/argocd-scenarios';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { diffObject, syncSettings } from '../src/private/argocd/sync';
import { chartWarnings } from '../src/private/synth/app-rules';

// ---------------------------------------------------------------------------------------------------
// Test objects: a subset-level canary written as raw ApiObjects (Service, DestinationRule, VirtualService, Rollout).

const HASH = '.spec.subsets[]?.labels["rollouts-pod-template-hash"]';
const MANAGED_BY = '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts';
const HTTP_WEIGHTS = '.spec.http[]?.route[]?.weight';

interface CanaryOptions {
  readonly name?: string;
  /** trafficRouting.istio minus destinationRule; default: virtualService {name, routes: [primary]} */
  readonly istio?: any;
  readonly managedRoutes?: string[];
  readonly steps?: any[];
  /** extra http routes of the VirtualService (after 'primary') */
  readonly extraHttp?: any[];
  readonly tls?: any[];
  readonly tcp?: any[];
  /** create the VirtualService (default true) */
  readonly virtualService?: boolean;
}

function dest(host: string, subset: string, weight: number, port = 80): any {
  return { destination: { host, subset, port: { number: port } }, weight };
}

function weightedRoute(name: string | undefined, host: string, port = 80): any {
  return { ...(name ? { name } : {}), route: [dest(host, 'stable', 100, port), dest(host, 'canary', 0, port)] };
}

function service(scope: Chart, name: string): ApiObject {
  return new ApiObject(scope, `${name}-service`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  } as any);
}

function destinationRule(scope: Chart, name: string, subsets = ['stable', 'canary']): ApiObject {
  return new ApiObject(scope, `${name}-dr`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name },
    spec: { host: name, subsets: subsets.map(s => ({ name: s, labels: { app: name } })) },
  } as any);
}

function virtualService(scope: Chart, name: string, spec: any, namespace?: string): ApiObject {
  return new ApiObject(scope, `${name}-vs-${namespace ?? 'default'}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec,
  } as any);
}

function rollout(scope: Chart, name: string, canaryStrategy: any): ApiObject {
  return new ApiObject(scope, `${name}-rollout`, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `ghcr.io/acme/${name}:1.0.0`, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      strategy: { canary: canaryStrategy },
    },
  } as any);
}

function hpa(scope: Chart, name: string, target: { apiVersion: string; kind: string; name: string }): ApiObject {
  return new ApiObject(scope, `${name}-hpa-${target.kind}`, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: target,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  } as any);
}

/** Service + DestinationRule + VirtualService + Rollout for one canary, shaped like the library's subset-level output. */
function canary(scope: Chart, options: CanaryOptions = {}): void {
  const name = options.name ?? 'shop';
  service(scope, name);
  destinationRule(scope, name);
  if (options.virtualService ?? true) {
    virtualService(scope, name, {
      hosts: [`${name}.${scope.namespace}.svc.cluster.local`],
      gateways: ['mesh'],
      http: [weightedRoute('primary', name), ...(options.extraHttp ?? [])],
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.tcp ? { tcp: options.tcp } : {}),
    });
  }
  rollout(scope, name, {
    trafficRouting: {
      istio: {
        ...(options.istio ?? { virtualService: { name, routes: ['primary'] } }),
        destinationRule: { name, stableSubsetName: 'stable', canarySubsetName: 'canary' },
      },
      ...(options.managedRoutes ? { managedRoutes: options.managedRoutes.map(n => ({ name: n })) } : {}),
    },
    steps: options.steps ?? [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '5m' } }],
  });
}

const APP_PROPS = {
  sourceRepoUrl: 'https://github.com/acme/gitops.git',
  sourcePath: 'apps/shop/production',
  destinationServer: 'https://kubernetes.default.svc',
};

interface Fixture {
  readonly app: App;
  readonly workload: Chart;
  readonly argocd: Chart;
}

/** A workload chart 'shop' (in namespace `namespace`, none for null) and a chart 'argocd' for the Application. */
function fixture(namespace: string | null = 'shop'): Fixture {
  const app = Testing.app();
  return { app, workload: new Chart(app, 'shop', { namespace: namespace ?? undefined }), argocd: new Chart(app, 'argocd') };
}

/**
 * Synthesizes the Application chart, validates it and the workload chart against the upstream schemas, checks that the
 * Application passes S1-S5 of the Argo CD sync model on both version families, returns the Application.
 */
function synthApplication(f: Fixture, extraCharts: Chart[] = []): any {
  const deployed = [f.workload, ...extraCharts].flatMap(c => validateManifests(Testing.synth(c)));
  const application = findOne(validateManifests(Testing.synth(f.argocd)), 'Application');
  expectScenariosPass(application, deployed);
  return application;
}

/** Checks that an Application, as synthesized, passes S1-S5 with the objects of its charts on both version families. */
function expectApplicationPasses(app: ArgoCdApplication): void {
  const application = findOne(Testing.synth(Chart.of(app)), 'Application', app.name);
  expectScenariosPass(application, app.charts.flatMap(c => Testing.synth(c)));
}

function ignoreOf(f: Fixture, props: Partial<ArgoCdApplicationProps> = {}, extraCharts: Chart[] = []): any[] {
  new ArgoCdApplication(f.argocd, 'shop-production', { ...APP_PROPS, charts: [f.workload, ...extraCharts], ...props });
  return synthApplication(f, extraCharts).spec.ignoreDifferences;
}

// ---------------------------------------------------------------------------------------------------

describe('ArgoCdApplication: the Application', () => {
  test('renders source, destination, sync policy, retry and the defaults', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);

    // WHEN
    new ArgoCdApplication(f.argocd, 'shop-production', { ...APP_PROPS, name: 'shop-production', charts: [f.workload] });
    const application = synthApplication(f);

    // THEN
    expect(application.apiVersion).toEqual('argoproj.io/v1alpha1');
    expect(application.metadata).toEqual({ name: 'shop-production', namespace: 'argocd' });
    expect(application.spec.project).toEqual('default');
    expect(application.spec.source).toEqual({
      repoURL: 'https://github.com/acme/gitops.git',
      path: 'apps/shop/production',
      targetRevision: 'HEAD',
      directory: { include: 'shop.k8s.yaml' },
    });
    expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
    expect(application.spec.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
      syncOptions: ['ApplyOutOfSyncOnly=true'],
      retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    });
    expect(application).toMatchSnapshot();
  });

  test('takes every prop', () => {
    // GIVEN
    const f = fixture(null);
    canary(f.workload);

    // WHEN
    new ArgoCdApplication(f.argocd, 'app', {
      ...APP_PROPS,
      destinationServer: undefined,
      destinationName: 'prod-eu',
      destinationNamespace: 'shop',
      namespace: 'gitops',
      project: 'shop-team',
      sourceTargetRevision: 'release/2026-11',
      autoSyncPrune: false,
      autoSyncSelfHeal: false,
      syncOptions: ['CreateNamespace=true', 'PruneLast=true', 'CreateNamespace=true', 'ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=false'],
      retryLimit: 3,
      retryBackoffDuration: Duration.seconds(10),
      retryBackoffFactor: 3,
      retryBackoffMaxDuration: Duration.hours(1),
      finalizer: ApplicationFinalizer.FOREGROUND,
      charts: [f.workload],
    });
    const application = synthApplication(f);

    // THEN
    expect(application.metadata.namespace).toEqual('gitops');
    expect(application.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(application.spec.project).toEqual('shop-team');
    expect(application.spec.source.targetRevision).toEqual('release/2026-11');
    expect(application.spec.destination).toEqual({ name: 'prod-eu', namespace: 'shop' });
    expect(application.spec.syncPolicy).toEqual({
      automated: { prune: false, selfHeal: false },
      syncOptions: ['ApplyOutOfSyncOnly=true', 'CreateNamespace=true', 'PruneLast=true', 'RespectIgnoreDifferences=false'],
      retry: { limit: 3, backoff: { duration: '10s', factor: 3, maxDuration: '1h' } },
    });
  });

  test('manual sync, no retries, background finalizer', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);

    // WHEN
    new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, charts: [f.workload], autoSync: false, retryLimit: 0, finalizer: ApplicationFinalizer.BACKGROUND });
    const application = synthApplication(f);

    // THEN
    expect(application.spec.syncPolicy).toEqual({ syncOptions: ['ApplyOutOfSyncOnly=true'] });
    expect(application.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/background']);
  });

  test('the default name comes from the construct path; charts can be added later', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    const application = new ArgoCdApplication(f.argocd, 'shop-production', APP_PROPS);

    // WHEN
    application.addChart(f.workload);
    application.addChart(f.workload);
    const manifest = synthApplication(f);

    // THEN
    expect(application.charts).toEqual([f.workload]);
    expect(manifest.metadata.name).toEqual(application.name);
    expect(application.name).toMatch(/^argocd-shop-production-c8[0-9a-f]+$/);
    expect(manifest.spec.ignoreDifferences).toHaveLength(2);
    expect(ArgoCdApplication.isArgoCdApplication(application)).toBe(true);
    expect(ArgoCdApplication.isArgoCdApplication(f.workload)).toBe(false);
  });

  test('reads only the files cdk8s writes for its charts, so Applications can share one output directory', () => {
    // GIVEN: two environments in one cdk8s app, written to one directory
    const app = Testing.app();
    const staging = new Chart(app, 'shop-staging', { namespace: 'shop-staging' });
    const production = new Chart(app, 'shop-production', { namespace: 'shop' });
    const cart = new Chart(app, 'cart-production', { namespace: 'shop' });
    canary(staging);
    canary(production);
    canary(cart, { name: 'cart' });
    const argocd = new Chart(app, 'argocd');

    // WHEN
    const stagingApp = new ArgoCdApplication(argocd, 'staging', { ...APP_PROPS, sourcePath: 'apps/shop', charts: [staging] });
    const productionApp = new ArgoCdApplication(argocd, 'production', { ...APP_PROPS, sourcePath: 'apps/shop', charts: [production, cart] });
    new ArgoCdApplication(argocd, 'custom', { ...APP_PROPS, sourcePath: 'apps/other', sourceInclude: '*.yaml', charts: [new Chart(app, 'other')] });
    app.synth();
    const manifests = validateManifests(Testing.synth(argocd));

    // THEN: the globs name the files cdk8s wrote
    expect(findOne(manifests, 'Application', stagingApp.name).spec.source.directory).toEqual({ include: 'shop-staging.k8s.yaml' });
    expect(findOne(manifests, 'Application', productionApp.name).spec.source.directory)
      .toEqual({ include: '{shop-production.k8s.yaml,cart-production.k8s.yaml}' });
    expect(manifests.filter(m => m.spec.source.directory?.include === '*.yaml')).toHaveLength(1);
    expect(fs.readdirSync(app.outdir)).toEqual(expect.arrayContaining(['shop-staging.k8s.yaml', 'shop-production.k8s.yaml', 'cart-production.k8s.yaml']));
    expectApplicationPasses(stagingApp);
    expectApplicationPasses(productionApp);
  });

  test('no file filter when the cdk8s app does not write one file per chart', () => {
    // GIVEN
    const app = Testing.app({ yamlOutputType: YamlOutputType.FILE_PER_APP });
    const workload = new Chart(app, 'shop', { namespace: 'shop' });
    canary(workload);
    const argocd = new Chart(app, 'argocd');

    // WHEN
    const application = new ArgoCdApplication(argocd, 'app', { ...APP_PROPS, charts: [workload] });

    // THEN
    expect(findOne(Testing.synth(argocd), 'Application').spec.source.directory).toBeUndefined();
    expectApplicationPasses(application);
  });

  test('app of apps: a root Application in its own chart deploys the chart of Applications', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    new ArgoCdApplication(f.argocd, 'shop-production', { ...APP_PROPS, sourcePath: 'apps/shop', charts: [f.workload] });
    const bootstrap = new Chart(f.app, 'bootstrap');

    // WHEN
    new ArgoCdApplication(bootstrap, 'root', { ...APP_PROPS, name: 'root', sourcePath: 'apps/shop', destinationNamespace: 'argocd', charts: [f.argocd] });
    const root = findOne(validateManifests(Testing.synth(bootstrap)), 'Application', 'root');

    // THEN: it reads the Applications' file and needs no ignoreDifferences
    expect(root.spec.source.directory).toEqual({ include: 'argocd.k8s.yaml' });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.ignoreDifferences).toBeUndefined();
  });

  test('writes Argo CD\'s field names (repoURL) and keeps fields that a JSON patch adds', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    const application = new ArgoCdApplication(f.argocd, 'shop', { ...APP_PROPS, name: 'shop', sourcePath: 'apps/shop', sourceInclude: '*.yaml', charts: [f.workload] });

    // WHEN
    ApiObject.of(application).addJsonPatch(
      JsonPatch.add('/spec/revisionHistoryLimit', 3),
      JsonPatch.add('/spec/source/directory', { recurse: true }),
    );
    const manifest = findOne(validateManifests(Testing.synth(f.argocd)), 'Application');

    // THEN
    expect(manifest.spec.revisionHistoryLimit).toBe(3);
    expect(manifest.spec.source).toEqual({ repoURL: APP_PROPS.sourceRepoUrl, path: 'apps/shop', targetRevision: 'HEAD', directory: { recurse: true } });
    expectApplicationPasses(application);
  });

  test('the same program synthesizes the same Application (deterministic output)', () => {
    const build = () => {
      const f = fixture();
      canary(f.workload, { managedRoutes: ['mirror', 'header'], steps: [{ setHeaderRoute: { name: 'header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } }] });
      canary(f.workload, { name: 'cart' });
      hpa(f.workload, 'cart', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'cart' });
      return JSON.stringify(ignoreOf(f));
    };
    expect(build()).toEqual(build());
  });
});

describe('ArgoCdApplication: ignoreDifferences computed from the charts', () => {
  test('plain weights: VirtualService http weights, DestinationRule hash labels and managed-by annotation', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore).toEqual([
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', namespace: 'shop', jqPathExpressions: [HTTP_WEIGHTS] },
    ]);
  });

  test('single route with routes omitted', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, { istio: { virtualService: { name: 'shop' } } });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore[1]).toEqual({ group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', namespace: 'shop', jqPathExpressions: [HTTP_WEIGHTS] });
  });

  test('only the weights of the routes the Rollout patches, when the VirtualService has other routes', () => {
    // GIVEN: a second route to another service, whose weights git must keep owning
    const f = fixture();
    canary(f.workload, {
      extraHttp: [{ name: 'legacy', match: [{ uri: { prefix: '/legacy' } }], route: [{ destination: { host: 'legacy' }, weight: 100 }] }],
    });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore[1]).toEqual({
      group: 'networking.istio.io',
      kind: 'VirtualService',
      name: 'shop',
      namespace: 'shop',
      jqPathExpressions: ['.spec.http[]? | select(.name == "primary") | .route[]?.weight'],
    });
  });

  test('header and mirror routes: the managed routes are ignored by name', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, {
      managedRoutes: ['mirror-1', 'header-1'],
      steps: [
        { setWeight: 10 },
        { setHeaderRoute: { name: 'header-1', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } },
        { setMirrorRoute: { name: 'mirror-1', percentage: 20, match: [{ method: { exact: 'GET' } }] } },
        { pause: { duration: '10m' } },
        { setHeaderRoute: { name: 'header-1' } },
        { setMirrorRoute: { name: 'mirror-1' } },
        { setWeight: 50 },
      ],
    });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore).toEqual([
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: 'shop',
        namespace: 'shop',
        jqPathExpressions: [HTTP_WEIGHTS, '.spec.http[]? | select(.name == "header-1" or .name == "mirror-1")'],
      },
    ]);
  });

  test('tls and tcp routes: their weights too, by index when only some routes are the canary\'s', () => {
    // GIVEN: two tls routes (only the first is the canary's) and one tcp route
    const f = fixture();
    canary(f.workload, {
      istio: { virtualService: { name: 'shop', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }], tcpRoutes: [{ port: 5432 }] } },
      tls: [
        { match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [dest('shop', 'stable', 100, 443), dest('shop', 'canary', 0, 443)] },
        { match: [{ port: 443, sniHosts: ['other.example.com'] }], route: [{ destination: { host: 'other', port: { number: 443 } }, weight: 100 }] },
      ],
      tcp: [{ match: [{ port: 5432 }], route: [dest('shop', 'stable', 100, 5432), dest('shop', 'canary', 0, 5432)] }],
    });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore[1]).toEqual({
      group: 'networking.istio.io',
      kind: 'VirtualService',
      name: 'shop',
      namespace: 'shop',
      jqPathExpressions: [HTTP_WEIGHTS, '.spec.tls[0].route[]?.weight', '.spec.tcp[]?.route[]?.weight'],
    });
  });

  test('tls route without tlsRoutes: the controller patches the first one', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, {
      tls: [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [dest('shop', 'stable', 100, 443), dest('shop', 'canary', 0, 443)] }],
    });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore[1].jqPathExpressions).toEqual([HTTP_WEIGHTS, '.spec.tls[]?.route[]?.weight']);
  });

  test('multiple VirtualServices, one of them in another namespace; an unreferenced one gets nothing', () => {
    // GIVEN
    const f = fixture();
    const edge = new Chart(f.app, 'edge', { namespace: 'edge' });
    canary(f.workload, {
      virtualService: false,
      istio: { virtualServices: [{ name: 'shop-internal', routes: ['primary'] }, { name: 'shop-public.edge', routes: ['primary'] }] },
    });
    virtualService(f.workload, 'shop-internal', { hosts: ['shop.shop.svc.cluster.local'], gateways: ['mesh'], http: [weightedRoute('primary', 'shop.shop.svc.cluster.local')] });
    virtualService(f.workload, 'unrelated', { hosts: ['unrelated'], http: [{ route: [{ destination: { host: 'unrelated' } }] }] });
    virtualService(edge, 'shop-public', { hosts: ['shop.example.com'], gateways: ['edge/public'], http: [weightedRoute('primary', 'shop.shop.svc.cluster.local')] });

    // WHEN
    const ignore = ignoreOf(f, {}, [edge]);

    // THEN
    expect(ignore).toEqual([
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop-public', namespace: 'edge', jqPathExpressions: [HTTP_WEIGHTS] },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop-internal', namespace: 'shop', jqPathExpressions: [HTTP_WEIGHTS] },
    ]);
  });

  test('HPA on the Rollout: Rollout replicas; an HPA on something else adds nothing', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    hpa(f.workload, 'shop', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' });
    hpa(f.workload, 'worker', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore).toEqual([
      { group: 'argoproj.io', kind: 'Rollout', name: 'shop', namespace: 'shop', jsonPointers: ['/spec/replicas'] },
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', namespace: 'shop', jqPathExpressions: [HTTP_WEIGHTS] },
    ]);
  });

  test('experiment steps with weight: experiment destinations and subsets', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, {
      steps: [
        { setWeight: 10 },
        {
          experiment: {
            duration: '10m',
            templates: [{ name: 'baseline', specRef: 'stable', weight: 5, service: { name: 'shop-baseline' } }],
          },
        },
        { setWeight: 50 },
      ],
    });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore).toEqual([
      {
        group: 'networking.istio.io',
        kind: 'DestinationRule',
        name: 'shop',
        namespace: 'shop',
        jsonPointers: [MANAGED_BY],
        jqPathExpressions: [HASH, '.spec.subsets[]? | select(.name != "stable" and .name != "canary")'],
      },
      {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: 'shop',
        namespace: 'shop',
        jqPathExpressions: [HTTP_WEIGHTS, '.spec.http[]?.route[]? | select(.destination.subset == null)'],
      },
    ]);
  });

  test('experiment steps without weight change no traffic and add nothing', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, { steps: [{ setWeight: 10 }, { experiment: { duration: '10m', templates: [{ name: 'baseline', specRef: 'stable' }] } }] });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore.map((e: any) => e.jqPathExpressions)).toEqual([[HASH], [HTTP_WEIGHTS]]);
  });

  test('several Rollouts in one chart, with header routes and an HPA on one of them', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload, { name: 'shop' });
    canary(f.workload, {
      name: 'cart',
      managedRoutes: ['cart-header'],
      steps: [{ setWeight: 10 }, { setHeaderRoute: { name: 'cart-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } }],
    });
    hpa(f.workload, 'cart', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'cart' });

    // WHEN
    const ignore = ignoreOf(f);

    // THEN
    expect(ignore).toEqual([
      { group: 'argoproj.io', kind: 'Rollout', name: 'cart', namespace: 'shop', jsonPointers: ['/spec/replicas'] },
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'cart', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', namespace: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: 'cart',
        namespace: 'shop',
        jqPathExpressions: [HTTP_WEIGHTS, '.spec.http[]? | select(.name == "cart-header")'],
      },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', namespace: 'shop', jqPathExpressions: [HTTP_WEIGHTS] },
    ]);
  });

  test('objects without a namespace are scoped to the destination namespace, or to every namespace', () => {
    // GIVEN
    const withDestination = fixture(null);
    canary(withDestination.workload);
    const without = fixture(null);
    canary(without.workload);

    // WHEN
    const scoped = ignoreOf(withDestination, { destinationNamespace: 'shop' });
    const unscoped = ignoreOf(without);

    // THEN
    expect(scoped.map((e: any) => e.namespace)).toEqual(['shop', 'shop']);
    expect(unscoped).toEqual([
      { group: 'networking.istio.io', kind: 'DestinationRule', name: 'shop', jsonPointers: [MANAGED_BY], jqPathExpressions: [HASH] },
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', jqPathExpressions: [HTTP_WEIGHTS] },
    ]);
  });

  test('a chart without Rollouts gives no ignoreDifferences', () => {
    // GIVEN
    const f = fixture();
    service(f.workload, 'shop');

    // WHEN
    new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, charts: [f.workload] });
    const application = synthApplication(f);

    // THEN
    expect(application.spec.ignoreDifferences).toBeUndefined();
  });

  test('your own entries come after the computed ones', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);

    // WHEN
    const application = new ArgoCdApplication(f.argocd, 'app', {
      ...APP_PROPS,
      charts: [f.workload],
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });
    application.addIgnoreDifference({ kind: 'ConfigMap', name: 'generated', jqPathExpressions: ['.data.timestamp'] });
    application.addIgnoreDifference({ group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] });
    const ignore = synthApplication(f).spec.ignoreDifferences;

    // THEN
    expect(ignore.slice(2)).toEqual([
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      { group: '', kind: 'ConfigMap', name: 'generated', jqPathExpressions: ['.data.timestamp'] },
      { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] },
    ]);
  });
});

describe('ArgoCdApplication: bad input', () => {
  const make = (props: Partial<ArgoCdApplicationProps>) => () => {
    const f = fixture();
    return new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, charts: [f.workload], ...props } as ArgoCdApplicationProps);
  };

  test.each([
    ['empty', ''],
    ['absolute', '/apps/shop'],
    ['leaving the repository', '../shop'],
    ['missing', undefined],
  ])('fails if the source path is %s', (_what, sourcePath) => {
    expect(make({ sourcePath })).toThrow(/'sourcePath' \(.*\) must be the directory, relative to the repository root, where the synthesized YAML/);
  });

  test('fails if there is no destination', () => {
    expect(make({ destinationServer: undefined })).toThrow(/the Application has no destination: set 'destinationServer'.* or 'destinationName'/);
  });

  test('fails if both destination server and name are set', () => {
    expect(make({ destinationName: 'in-cluster' })).toThrow(/'destinationServer' \("https:\/\/kubernetes.default.svc"\) and 'destinationName' \("in-cluster"\) are both set/);
  });

  test('fails if the destination server is not a URL', () => {
    expect(make({ destinationServer: 'kubernetes.default.svc' })).toThrow(/'destinationServer' \("kubernetes.default.svc"\) must be the URL/);
  });

  test('fails if the destination name has spaces', () => {
    expect(make({ destinationServer: undefined, destinationName: 'prod eu' })).toThrow(/'destinationName' \("prod eu"\) must be the name of a cluster/);
  });

  test.each(['main branch', 'HEAD~1', 'main^', 'v1.*', '1.2.x?', 'feature..x', 'release/', '/main', 'a//b', '.hidden', 'x.lock', 'main.', '@', 'x@{1}', '-x', '', 'a:b', 'a\\b'])(
    'fails if the target revision is not a branch, tag or commit: %p', (rev) => {
      expect(make({ sourceTargetRevision: rev })).toThrow(/'sourceTargetRevision' \(.*\) must be a branch, a tag, HEAD or a commit SHA \(7 to 40 hex digits\), but .*: use for example/);
    });

  test.each(['main', 'v1.4.2', 'HEAD', '3f2a9c1', 'a'.repeat(40), 'release/2026-11', 'refs/heads/main', 'feature_x-y.z'])(
    'accepts the target revision %p', (rev) => {
      expect(make({ sourceTargetRevision: rev })).not.toThrow();
    });

  test.each(['', 'github.com/acme/gitops', 'https://github.com/acme/git ops.git'])('fails if the repo URL is %p', (url) => {
    expect(make({ sourceRepoUrl: url })).toThrow(/'sourceRepoUrl' \(.*\) must be the URL of the git repository/);
  });

  test('accepts an scp-like ssh repo URL', () => {
    expect(make({ sourceRepoUrl: 'git@github.com:acme/gitops.git' })).not.toThrow();
  });

  test('fails if the name is not a DNS label', () => {
    expect(make({ name: 'Shop_Production' })).toThrow(/'name' \("Shop_Production"\) must be a DNS-1123 label \(Argo CD copies it/);
  });

  test('fails if the namespace is not a DNS label', () => {
    expect(make({ namespace: 'Argo CD' })).toThrow(/'namespace' \("Argo CD"\) must be a DNS-1123 label/);
  });

  test('fails if the destination namespace is not a DNS label', () => {
    expect(make({ destinationNamespace: 'shop.prod' })).toThrow(/'destinationNamespace' \("shop.prod"\) must be a DNS-1123 label/);
  });

  test('fails if the project is not a DNS subdomain', () => {
    expect(make({ project: 'Team A' })).toThrow(/'project' \("Team A"\) must be a DNS-1123 subdomain/);
  });

  test('fails if prune or self-heal is set without automated sync', () => {
    expect(make({ autoSync: false, autoSyncSelfHeal: true })).toThrow(/'autoSyncSelfHeal' \(true\) only applies with automated sync, but 'autoSync' is false/);
  });

  test('fails if the retry limit is negative', () => {
    expect(make({ retryLimit: -1 })).toThrow(/'retryLimit' \(-1\) must be a whole number of retries, 0 or more/);
  });

  test('fails if a backoff is set while retries are disabled', () => {
    expect(make({ retryLimit: 0, retryBackoffFactor: 2 })).toThrow(/'retryBackoffFactor' is set but 'retryLimit' is 0, which disables retries/);
  });

  test('fails if the backoff factor is not a whole number', () => {
    expect(make({ retryBackoffFactor: 1.5 })).toThrow(/'retryBackoffFactor' \(1.5\) must be a whole number, 1 or more/);
  });

  test('fails if the backoff duration is below a second', () => {
    expect(make({ retryBackoffDuration: Duration.millis(500) })).toThrow(/'retryBackoffDuration' \(0.5s\) must be a whole number of seconds, 1 or more/);
  });

  test('fails if the longest backoff is shorter than the first', () => {
    expect(make({ retryBackoffDuration: Duration.minutes(5), retryBackoffMaxDuration: Duration.minutes(1) }))
      .toThrow(/'retryBackoffMaxDuration' \(60s\) must not be shorter than 'retryBackoffDuration' \(300s\)/);
  });

  test('fails if a sync option is not Name=value', () => {
    expect(make({ syncOptions: ['CreateNamespace'] })).toThrow(/'syncOptions' entry "CreateNamespace" must have the form Name=value/);
  });

  test('fails if a sync option undoes ApplyOutOfSyncOnly', () => {
    expect(make({ syncOptions: ['ApplyOutOfSyncOnly=false'] }))
      .toThrow(/'syncOptions' entry "ApplyOutOfSyncOnly=false" would undo "ApplyOutOfSyncOnly=true", which the Application always sets: without it every sync re-applies/);
  });

  test('fails if a sync option is set twice with different values', () => {
    expect(make({ syncOptions: ['PruneLast=true', 'PruneLast=false'] })).toThrow(/'syncOptions' sets "PruneLast" twice \("PruneLast=true" and "PruneLast=false"\)/);
  });

  test('fails if the include glob is empty', () => {
    expect(make({ sourceInclude: ' ' })).toThrow(/'sourceInclude' \(" "\) must be a glob of file names in 'sourcePath'/);
  });

  test('fails if the Application deploys the chart it is defined in', () => {
    const f = fixture();
    expect(() => new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, charts: [f.argocd] }))
      .toThrow(/'charts' contains the chart "argocd" that holds the Application "argocd\/app" itself/);
  });

  test('fails if the Application deploys no chart', () => {
    const f = fixture();
    new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, name: 'shop' });
    expect(() => Testing.synth(f.argocd)).toThrow(/the Application "shop" deploys no chart: pass the charts whose YAML is committed at 'apps\/shop\/production'/);
  });

  test('fails if two Applications deploy the same chart to the same cluster', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    new ArgoCdApplication(f.argocd, 'a', { ...APP_PROPS, name: 'shop-a', charts: [f.workload] });
    new ArgoCdApplication(f.argocd, 'b', { ...APP_PROPS, name: 'shop-b', sourcePath: 'apps/shop/b', charts: [f.workload] });

    // THEN
    expect(() => Testing.synth(f.argocd))
      .toThrow(/the chart "shop" is deployed by both Application "shop-a" and Application "shop-b" \(same server https:\/\/kubernetes.default.svc\)/);
  });

  test('fails if two Applications deploy the same objects to the same cluster', () => {
    // GIVEN: two charts that both contain Service shop/shop
    const f = fixture();
    canary(f.workload);
    const copy = new Chart(f.app, 'copy', { namespace: 'shop' });
    service(copy, 'shop');
    new ArgoCdApplication(f.argocd, 'a', { ...APP_PROPS, name: 'shop-a', charts: [f.workload] });
    new ArgoCdApplication(f.argocd, 'b', { ...APP_PROPS, name: 'shop-b', sourcePath: 'apps/shop/b', charts: [copy] });

    // THEN
    expect(() => Testing.synth(f.argocd))
      .toThrow(/1 object\(s\) are deployed by both Application "shop-a" and Application "shop-b" .*for example core\/Service shop\/shop \(from "shop\/shop-service" and "copy\/shop-service"\)/);
  });

  test('two Applications may deploy the same chart to different clusters, or objects that differ by namespace', () => {
    // GIVEN
    const f = fixture();
    canary(f.workload);
    const staging = new Chart(f.app, 'staging', { namespace: 'shop-staging' });
    canary(staging);
    new ArgoCdApplication(f.argocd, 'a', { ...APP_PROPS, name: 'eu', charts: [f.workload] });
    new ArgoCdApplication(f.argocd, 'b', { ...APP_PROPS, name: 'us', destinationServer: 'https://us.example.com', charts: [f.workload] });
    new ArgoCdApplication(f.argocd, 'c', { ...APP_PROPS, name: 'staging', sourcePath: 'apps/shop/staging', charts: [staging] });

    // THEN
    expect(() => Testing.synth(f.argocd)).not.toThrow();
  });

  describe('the Argo CD rules at synth (docs/rules.md, CR4xx)', () => {
    /** Synthesizes a canary with TLS and TCP routes and an Application with `entry`; returns the error, or the warnings. */
    function withEntry(entry: any, props: Partial<ArgoCdApplicationProps> = {}): { error?: string; warnings: string[] } {
      const f = fixture();
      canary(f.workload, {
        istio: { virtualService: { name: 'shop', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }], tcpRoutes: [{ port: 5432 }] } },
        tls: [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [dest('shop', 'stable', 100, 443), dest('shop', 'canary', 0, 443)] }],
        tcp: [{ match: [{ port: 5432 }], route: [dest('shop', 'stable', 100, 5432), dest('shop', 'canary', 0, 5432)] }],
      });
      const application = new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, name: 'shop', charts: [f.workload], ignoreDifferences: entry ? [entry] : [], ...props });
      try {
        Testing.synth(f.argocd);
      } catch (e) {
        return { error: (e as Error).message, warnings: [] };
      }
      const warnings = chartWarnings(f.argocd).map(w => `[${w.code}] ${w.path}`);
      if (warnings.length === 0) expectApplicationPasses(application); // an Application without findings keeps a canary intact
      return { warnings };
    }

    test.each([
      [{ jsonPointers: ['/spec'] }, 'the jsonPointer "/spec" selects the whole spec of VirtualService shop/shop'],
      [{ jsonPointers: ['/spec/http'] }, 'jsonPointer "/spec/http" selects all http routes \\(spec.http\\) of VirtualService shop/shop'],
      [{ jsonPointers: ['/spec/http/0'] }, 'jsonPointer "/spec/http/0" selects the http route "primary" \\(spec.http\\[0\\]\\)'],
      [{ jsonPointers: ['/spec/tcp/0/route'] }, 'jsonPointer "/spec/tcp/0/route" selects every destination of the tcp route \\(spec.tcp\\[0\\]\\)'],
      [{ jqPathExpressions: ['.spec'] }, 'jq expression ".spec" selects the whole spec'],
      [{ jqPathExpressions: ['.spec.http'] }, 'jq expression ".spec.http" selects all http routes'],
      [{ jqPathExpressions: ['.spec.http[]?'] }, 'jq expression ".spec.http\\[\\]\\?" selects the http route "primary"'],
      [{ jqPathExpressions: ['.spec["tls"]'] }, 'selects all tls routes \\(spec.tls\\)'],
      [{ jqPathExpressions: ['.spec | .http[0].route'] }, 'jq expression ".spec \\| .http\\[0\\].route" selects every destination of the http route "primary"'],
      [{ jqPathExpressions: ['.spec.http[]? | select(.name == "primary")'] }, 'selects the http route "primary"'],
    ])('fails if an entry hides the routes in git: %j', (paths, shown) => {
      const r = withEntry({ group: 'networking.istio.io', kind: 'VirtualService', ...paths });
      expect(r.error).toMatch(new RegExp(`\\[CR403\\] Application argocd/shop spec\\.ignoreDifferences\\[2\\]\\.\\w+\\[0\\]: (the )?.*${shown}.*`
        + 'so Argo CD leaves it out of the diff: a change you commit there never shows OutOfSync and is never applied\\. Fix: narrow the rule'));
    });

    test('fails if an entry hides the subsets in git', () => {
      expect(withEntry({ group: 'networking.istio.io', kind: 'DestinationRule', jqPathExpressions: ['.spec.subsets[]?'] }).error)
        .toMatch(/\[CR403\] .*the jq expression ".spec.subsets\[\]\?" selects the subset "stable" \(spec.subsets\[0\]\) of DestinationRule shop\/shop/);
    });

    test('fails if a wildcard entry hides them', () => {
      expect(withEntry({ group: '*', kind: '*', jsonPointers: ['/spec'] }).error).toMatch(/\[CR403\] .*the jsonPointer "\/spec" selects the whole spec of DestinationRule shop\/shop/);
    });

    test.each(['VirtualService', 'DestinationRule'])('fails if an entry lists managedFieldsManagers for %s objects', (kind) => {
      expect(withEntry({ group: 'networking.istio.io', kind, managedFieldsManagers: ['rollouts-controller'] }).error)
        .toMatch(new RegExp(`\\[CR402\\] Application argocd/shop spec.ignoreDifferences\\[2\\].managedFieldsManagers: managedFieldsManagers "rollouts-controller" on ${kind} objects: `
          + 'Istio\'s lists are atomic.*argo-rollouts#3854'));
    });

    test('warns if RespectIgnoreDifferences is turned on', () => {
      expect(withEntry(undefined, { syncOptions: ['RespectIgnoreDifferences=true'] }).warnings).toEqual(['[CR401] spec.syncPolicy.syncOptions[1]']);
    });

    test('warns if a jq rule iterates without "?", or points at a route by position', () => {
      expect(withEntry({ group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'], jsonPointers: ['/spec/http/0/route/1/weight'] }).warnings)
        .toEqual(['[CR404] spec.ignoreDifferences[2].jqPathExpressions[0]', '[CR407] spec.ignoreDifferences[2].jsonPointers[0]']);
    });

    test('warns if a rule selects a route by a name that no step adds', () => {
      expect(withEntry({ group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', jqPathExpressions: ['.spec.http[]? | select(.name == "canary-header")'] }).warnings)
        .toEqual(['[CR405] spec.ignoreDifferences[2].jqPathExpressions[0]']);
    });

    test.each([
      { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[]?.route[]?.weight', '.spec.http[]? | select(.name == "primary") | .retries'] },
      { group: 'networking.istio.io', kind: 'VirtualService', jsonPointers: ['/metadata/labels'] },
      { group: 'networking.istio.io', kind: 'DestinationRule', jqPathExpressions: ['.spec.subsets[]?.labels.tier'] },
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec'] },
      { kind: 'VirtualService', jsonPointers: ['/spec'] }, // the core group: matches no VirtualService
      { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.tls[]?.route[]?.weight', '.spec.tcp[0].route[]?.weight'] },
    ])('accepts %j without a finding', (entry) => {
      const r = withEntry(entry);
      expect(r).toEqual({ warnings: [] });
    });
  });

  test('fails if an ignoreDifferences entry has no kind', () => {
    expect(make({ ignoreDifferences: [{ kind: '', jsonPointers: ['/spec'] }] })).toThrow(/'ignoreDifferences' entry has no 'kind'/);
  });

  test('fails if an ignoreDifferences entry lists no field', () => {
    expect(make({ ignoreDifferences: [{ kind: 'ConfigMap' }] })).toThrow(/'ignoreDifferences' entry for kind "ConfigMap" has no 'jsonPointers', 'jqPathExpressions' or 'managedFieldsManagers'/);
  });

  test.each(['data/x', ''])('fails if a JSON pointer does not start with a slash: %p', (pointer) => {
    expect(make({ ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: [pointer] }] }))
      .toThrow(new RegExp(`'ignoreDifferences' jsonPointer "${pointer}" for kind "ConfigMap" must start with "/"`));
  });
});

// ---------------------------------------------------------------------------------------------------
// The diff: take the git objects, apply what the controller does at runtime (FACTS-ARGO-ROLLOUTS.md a.6 and the
// upstream e2e states), and diff live against git as Argo CD does (the sync model's three-way diff, with the
// Application's ignoreDifferences): Synced during the canary; a git change to anything else must still show.

describe('ArgoCdApplication: ignoreDifferences hide exactly the controller\'s changes (Argo CD\'s diff, in the sync model)', () => {
  const clone = (x: any) => JSON.parse(JSON.stringify(x));

  function synth(build: (f: Fixture) => void): { objects: any[]; application: any } {
    const f = fixture();
    build(f);
    new ArgoCdApplication(f.argocd, 'app', { ...APP_PROPS, charts: [f.workload] });
    const objects = Testing.synth(f.workload);
    return { objects, application: findOne(Testing.synth(f.argocd), 'Application') };
  }

  /**
   * What Argo CD shows for `git` against `live` after it applied `applied`: with client-side apply (the three-way
   * diff against the last-applied configuration) and with server-side apply.
   */
  function status(git: any, live: any, application: any, applied = git): { clientSide: string; serverSide: string } {
    const settings = syncSettings(application);
    const show = (modified: boolean) => (modified ? 'OutOfSync' : 'Synced');
    return {
      clientSide: show(diffObject({ live, lastApplied: applied, owners: {} }, git, settings).modified),
      serverSide: show(diffObject({ live, lastSent: applied, owners: {} }, git, { ...settings, serverSideApply: true }).modified),
    };
  }
  const SYNCED = { clientSide: 'Synced', serverSide: 'Synced' };
  const OUT_OF_SYNC = { clientSide: 'OutOfSync', serverSide: 'OutOfSync' };

  function setWeights(route: any, weights: number[]) {
    route.route.forEach((d: any, i: number) => { d.weight = weights[i]; });
  }

  function labelSubsets(dr: any, hashes: { [subset: string]: string }, rolloutName = 'shop') {
    dr.metadata.annotations = { ...(dr.metadata.annotations ?? {}), 'argo-rollouts.argoproj.io/managed-by-rollouts': rolloutName };
    for (const s of dr.spec.subsets) {
      if (hashes[s.name]) s.labels['rollouts-pod-template-hash'] = hashes[s.name];
    }
  }

  test('weights, subset hashes and HPA replicas during a canary; other git changes still show', () => {
    // GIVEN
    const { objects, application } = synth(f => {
      canary(f.workload);
      hpa(f.workload, 'shop', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' });
    });
    const vs = findOne(objects, 'VirtualService');
    const dr = findOne(objects, 'DestinationRule');
    const ro = findOne(objects, 'Rollout');

    // WHEN: the controller's changes at setWeight 10
    const liveVs = clone(vs);
    setWeights(liveVs.spec.http[0], [90, 10]);
    const liveDr = clone(dr);
    labelSubsets(liveDr, { stable: '6d8f7c', canary: '7b9d5f' });
    const liveRo = clone(ro);
    liveRo.spec.replicas = 7;

    // THEN
    expect(status(vs, liveVs, application)).toEqual(SYNCED);
    expect(status(dr, liveDr, application)).toEqual(SYNCED);
    expect(status(ro, liveRo, application)).toEqual(SYNCED);

    // a git change to the route, the subsets or the Rollout is still a difference
    const gitVs = clone(vs);
    gitVs.spec.http[0].timeout = '5s';
    expect(status(gitVs, liveVs, application, vs)).toEqual(OUT_OF_SYNC);
    const gitDr = clone(dr);
    gitDr.spec.subsets[0].labels.tier = 'web';
    expect(status(gitDr, liveDr, application, dr)).toEqual(OUT_OF_SYNC);
    const gitRo = clone(ro);
    gitRo.spec.template.spec.containers[0].image = 'ghcr.io/acme/shop:1.1.0';
    expect(status(gitRo, liveRo, application, ro)).toEqual(OUT_OF_SYNC);
  });

  test('header and mirror routes added on top by the controller; a renamed primary route still shows', () => {
    // GIVEN
    const { objects, application } = synth(f => canary(f.workload, {
      managedRoutes: ['mirror-1', 'header-1'],
      steps: [
        { setWeight: 20 },
        { setHeaderRoute: { name: 'header-1', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } },
        { setMirrorRoute: { name: 'mirror-1', percentage: 50, match: [{ method: { exact: 'GET' } }] } },
        { pause: {} },
      ],
    }));
    const vs = findOne(objects, 'VirtualService');

    // WHEN: managed routes moved to the top, in managedRoutes order, each mirror route a copy of the weighted route
    const primary = clone(vs.spec.http[0]);
    setWeights(primary, [80, 20]);
    const mirror = { ...clone(primary), name: 'mirror-1', match: [{ method: { exact: 'GET' } }], mirror: { host: 'shop', subset: 'canary' }, mirrorPercentage: { value: 50 } };
    const header = { name: 'header-1', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'shop', subset: 'canary', port: { number: 80 } }, weight: 100 }] };
    const liveVs = clone(vs);
    liveVs.spec.http = [mirror, header, primary];

    // THEN
    expect(status(vs, liveVs, application)).toEqual(SYNCED);
    const gitVs = clone(vs);
    gitVs.spec.http[0].name = 'main';
    expect(status(gitVs, liveVs, application, vs)).toEqual(OUT_OF_SYNC);
  });

  test('a route the Rollout does not patch keeps its weights under git control', () => {
    // GIVEN
    const { objects, application } = synth(f => canary(f.workload, {
      extraHttp: [{ name: 'legacy', match: [{ uri: { prefix: '/legacy' } }], route: [dest('legacy', 'v1', 70), dest('legacy', 'v2', 30)] }],
    }));
    const vs = findOne(objects, 'VirtualService');

    // WHEN
    const canaryStep = clone(vs);
    setWeights(canaryStep.spec.http[0], [50, 50]);
    const legacyChange = clone(vs);
    setWeights(legacyChange.spec.http[1], [0, 100]);

    // THEN
    expect(status(vs, canaryStep, application)).toEqual(SYNCED);
    expect(status(vs, legacyChange, application)).toEqual(OUT_OF_SYNC);
  });

  test('experiment destinations and subsets appended during a weighted experiment step', () => {
    // GIVEN
    const { objects, application } = synth(f => canary(f.workload, {
      steps: [{ setWeight: 10 }, { experiment: { duration: '10m', templates: [{ name: 'baseline', specRef: 'stable', weight: 20, service: { name: 'shop-baseline' } }] } }],
    }));
    const vs = findOne(objects, 'VirtualService');
    const dr = findOne(objects, 'DestinationRule');

    // WHEN: stable 70 / canary 10 / experiment 20 (e2e TestIstioSubsetSplitExperimentStep), third subset in the DR
    const liveVs = clone(vs);
    setWeights(liveVs.spec.http[0], [70, 10]);
    liveVs.spec.http[0].route.push({ destination: { host: 'shop-baseline' }, weight: 20 });
    const liveDr = clone(dr);
    labelSubsets(liveDr, { stable: '6d8f7c', canary: '7b9d5f' });
    liveDr.spec.subsets.push({ name: 'shop-baseline', labels: { 'rollouts-pod-template-hash': '6d8f7c' } });

    // THEN
    expect(status(vs, liveVs, application)).toEqual(SYNCED);
    expect(status(dr, liveDr, application)).toEqual(SYNCED);
    const gitVs = clone(vs);
    gitVs.spec.http[0].route[1].destination.port.number = 8080;
    expect(status(gitVs, liveVs, application, vs)).toEqual(OUT_OF_SYNC);
  });

  test('tls weights of the canary\'s route only', () => {
    // GIVEN
    const { objects, application } = synth(f => canary(f.workload, {
      istio: { virtualService: { name: 'shop', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }] } },
      tls: [
        { match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [dest('shop', 'stable', 100, 443), dest('shop', 'canary', 0, 443)] },
        { match: [{ port: 443, sniHosts: ['other.example.com'] }], route: [dest('other', 'a', 50, 443), dest('other', 'b', 50, 443)] },
      ],
    }));
    const vs = findOne(objects, 'VirtualService');

    // WHEN
    const canaryStep = clone(vs);
    setWeights(canaryStep.spec.http[0], [90, 10]);
    setWeights(canaryStep.spec.tls[0], [90, 10]);
    const otherChange = clone(vs);
    setWeights(otherChange.spec.tls[1], [100, 0]);

    // THEN
    expect(status(vs, canaryStep, application)).toEqual(SYNCED);
    expect(status(vs, otherChange, application)).toEqual(OUT_OF_SYNC);
  });
});
