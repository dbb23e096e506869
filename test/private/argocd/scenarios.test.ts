// S1-S5 of issue 15 on the sync model: the library's previous defaults (RespectIgnoreDifferences, `[]` rules) fail
// where the Argo CD sync note says they do, and the Applications the library computes now (no RespectIgnoreDifferences,
// ApplyOutOfSyncOnly, `[]?` rules per object, managed routes by name, the managed-by annotation by JSON pointer, no
// managedFieldsManagers) pass all five on both Argo CD version families, for every feature combination the library
// emits; each part of them is needed.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { computeIgnoreDifferences } from '../../../src/private/argocd/ignore';
import { runScenarios, ScenarioResult } from '../../../src/private/argocd/scenarios';
import { trafficEditCosts } from '../../../src/private/argocd/traffic-edit';

const VERSIONS = ['3.3.12', '3.5.1']; // without / with restoreNonIgnoredFields
const MANIFESTS = path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'manifests');

function readYaml(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(MANIFESTS, file), 'utf8')).map(d => d.toJSON());
}

const EXAMPLE_APPS = readYaml('argocd.k8s.yaml');
const EXAMPLE = [
  { app: EXAMPLE_APPS.find(a => a.metadata.name === 'shop-staging'), manifests: readYaml('shop-staging.k8s.yaml') },
  { app: EXAMPLE_APPS.find(a => a.metadata.name === 'shop-production'), manifests: readYaml('shop-production.k8s.yaml') },
];

/** scenario -> pass, for one Rollout and version. */
function summary(results: ScenarioResult[], rollout: string, version: string): { [scenario: string]: boolean } {
  const out: { [scenario: string]: boolean } = {};
  for (const r of results.filter(x => x.rollout === rollout && x.version === version)) out[r.scenario] = r.pass;
  return out;
}

function failures(results: ScenarioResult[]): string[] {
  return results.filter(r => !r.pass).flatMap(r => r.objects.filter(o => !o.pass).map(o => `${r.version} ${r.rollout} ${r.scenario} ${o.key}: ${o.reason}`));
}

// ---------------------------------------------------------------------------------------------------
// The Application the library computes for a set of manifests, and the previous defaults

/** The Application ArgoCdApplication renders for `manifests` (its computed ignore rules and sync options), edited. */
function libraryApplication(manifests: any[], overrides: { syncOptions?: string[]; extraEntries?: any[] } = {}): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'app', namespace: 'argocd' },
    spec: {
      destination: { server: 'https://kubernetes.default.svc' },
      ignoreDifferences: [
        ...computeIgnoreDifferences(manifests.map(manifest => ({ manifest, namespace: manifest.metadata?.namespace }))),
        ...(overrides.extraEntries ?? []),
      ],
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: overrides.syncOptions ?? ['ApplyOutOfSyncOnly=true'] },
    },
  };
}

/** The library's defaults before issue 15: RespectIgnoreDifferences=true, and `[]` where it now writes `[]?`. */
function previousDefaults(application: any): any {
  const app = JSON.parse(JSON.stringify(application));
  app.spec.syncPolicy.syncOptions = ['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'];
  for (const e of app.spec.ignoreDifferences) e.jqPathExpressions = e.jqPathExpressions?.map((p: string) => p.replace(/\[\]\?/g, '[]'));
  return app;
}

// ---------------------------------------------------------------------------------------------------
// A consumer app with every feature: header and mirror routes, two VirtualServices, TLS and TCP routes, a weighted
// experiment, an autoscaled Rollout; in two environments.

interface Features {
  readonly header?: boolean;
  readonly mirror?: boolean;
  readonly twoVirtualServices?: boolean;
  readonly tlsTcp?: boolean;
  readonly experiment?: boolean;
  readonly autoscaling?: boolean;
}

const HOST = (ns: string) => `shop.${ns}.svc.cluster.local`;
const dest = (ns: string, subset: string, weight: number, port: number) => ({
  destination: { host: HOST(ns), subset, port: { number: port } },
  weight,
});
const weighted = (ns: string, port: number) => [dest(ns, 'stable', 100, port), dest(ns, 'canary', 0, port)];

function consumerManifests(ns: string, f: Features): any[] {
  const meta = (name: string) => ({ name, namespace: ns });
  const vs = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta('shop'),
    spec: {
      hosts: ['shop.example.com', HOST(ns)],
      gateways: ['mesh'],
      http: [{ name: 'primary', route: weighted(ns, 80) }, { name: 'legacy', match: [{ uri: { prefix: '/legacy' } }], route: [{ destination: { host: 'legacy' }, weight: 100 }] }],
      ...(f.tlsTcp ? {
        tls: [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: weighted(ns, 443) }],
        tcp: [{ match: [{ port: 5432 }], route: weighted(ns, 5432) }],
      } : {}),
    },
  };
  const internal = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta('shop-internal'), spec: { hosts: [HOST(ns)], http: [{ name: 'mesh', route: weighted(ns, 80) }] } };
  const steps = [
    { setWeight: 10 },
    ...(f.header ? [{ setHeaderRoute: { name: 'canary-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } }] : []),
    ...(f.mirror ? [{ setMirrorRoute: { name: 'mirror-reads', percentage: 20, match: [{ method: { exact: 'GET' } }] } }] : []),
    { pause: { duration: '5m' } },
    ...(f.experiment ? [{ experiment: { duration: '10m', templates: [{ name: 'baseline', specRef: 'stable', weight: 10, service: { name: 'shop-baseline' } }] } }] : []),
    { setWeight: 50 },
    { pause: { duration: '5m' } },
  ];
  const managed = [...(f.mirror ? ['mirror-reads'] : []), ...(f.header ? ['canary-header'] : [])];
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: meta('shop'),
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'shop' } },
      template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/shop:1.0.0' }] } },
      strategy: {
        canary: {
          steps,
          trafficRouting: {
            ...(managed.length ? { managedRoutes: managed.map(name => ({ name })) } : {}),
            istio: {
              ...(f.twoVirtualServices
                ? { virtualServices: [{ name: 'shop', routes: ['primary'], ...(f.tlsTcp ? { tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }], tcpRoutes: [{ port: 5432 }] } : {}) }, { name: 'shop-internal', routes: ['mesh'] }] }
                : { virtualService: { name: 'shop', routes: ['primary'], ...(f.tlsTcp ? { tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }], tcpRoutes: [{ port: 5432 }] } : {}) } }),
              destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' },
            },
          },
        },
      },
    },
  };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: meta('shop'), spec: { selector: { app: 'shop' }, ports: [{ name: 'http', port: 80 }] } },
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta('shop'), spec: { host: HOST(ns), subsets: [{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }] } },
    vs,
    ...(f.twoVirtualServices ? [internal] : []),
    rollout,
    ...(f.autoscaling ? [{
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('shop'),
      spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' }, minReplicas: 3, maxReplicas: 9 },
    }] : []),
  ];
}

function consumerApplication(ns: string, f: Features, overrides = {}): any {
  return libraryApplication(consumerManifests(ns, f), overrides);
}

// ---------------------------------------------------------------------------------------------------

describe('the library\'s previous defaults (RespectIgnoreDifferences=true, [] rules) on the example app', () => {
  const byEnv = EXAMPLE.map(e => ({
    env: e.app.metadata.name,
    results: VERSIONS.flatMap(version => runScenarios({ application: previousDefaults(e.app), manifests: e.manifests, version })),
  }));
  const results = byEnv.flatMap(e => e.results);

  test.each(VERSIONS)('Argo CD %s: S1 passes; S2, S3 and S5 fail, S4 fails before 3.3.13; for both Rollouts of both environments', (version) => {
    for (const { env, results: own } of byEnv) {
      for (const rollout of ['storefront', 'cart']) {
        expect({ env, rollout, ...summary(own, rollout, version) }).toEqual({ env, rollout, S1: true, S2: false, S3: false, S4: version !== '3.3.12', S5: false });
      }
    }
  });

  test('S2: the edit shows OutOfSync but RespectIgnoreDifferences applies the live http list, so it never reaches the cluster', () => {
    const s2 = results.find(r => r.scenario === 'S2' && r.rollout === 'storefront')!;
    expect(s2.objects[0].reason).toMatch(/^shown OutOfSync, but the sync did not apply the edit \(RespectIgnoreDifferences applied the live list\); it stays OutOfSync$/);
  });

  test('S4: on <= 3.3.12 the subset edit is never applied; on >= 3.3.13 it is, and the hash labels come back because the annotation is kept', () => {
    const s4 = (version: string) => results.find(r => r.scenario === 'S4' && r.rollout === 'storefront' && r.version === version)!.objects[0].reason;
    expect(s4('3.3.12')).toMatch(/did not apply the edit \(RespectIgnoreDifferences applied the live subsets\)/);
    expect(s4('3.5.1')).toMatch(/the apply stripped the hash labels and the controller re-added them at once \(managed-by annotation kept\)/);
  });

  test('S5: the weight rule errors on the redirect route, Argo CD skips it, and the VirtualService is OutOfSync mid-canary', () => {
    const s5 = results.find(r => r.scenario === 'S5' && r.rollout === 'cart')!;
    expect(s5.objects.find(o => !o.pass)!.reason)
      .toBe('S1 with a redirect route: at step 0 (setWeight): shown OutOfSync during the canary (skipped rule: jq .spec.http[].route[].weight: Cannot iterate over null)');
  });
});

describe('the Applications the library computes', () => {
  test.each(VERSIONS)('Argo CD %s: the example app\'s committed Applications (both environments) pass S1-S5', (version) => {
    const results = EXAMPLE.flatMap(e => runScenarios({ application: e.app, manifests: e.manifests, version }));
    expect(results).toHaveLength(2 * 2 * 5);
    expect(failures(results)).toEqual([]);
  });

  const COMBINATIONS: Array<[string, Features]> = [
    ['header routes', { header: true }],
    ['mirroring', { mirror: true }],
    ['header routes and mirroring', { header: true, mirror: true }],
    ['two VirtualServices', { twoVirtualServices: true, header: true }],
    ['TLS and TCP routes', { tlsTcp: true }],
    ['an experiment with weight', { experiment: true }],
    ['autoscaling', { autoscaling: true }],
    ['everything', { header: true, mirror: true, twoVirtualServices: true, tlsTcp: true, experiment: true, autoscaling: true }],
  ];

  test.each(COMBINATIONS)('a consumer app with %s, in two environments, passes S1-S5 on both version families', (_, features) => {
    for (const ns of ['shop-staging', 'shop-production']) {
      for (const version of VERSIONS) {
        const results = runScenarios({ application: consumerApplication(ns, features), manifests: consumerManifests(ns, features), version });
        expect(results.map(r => r.scenario)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
        expect(failures(results)).toEqual([]);
      }
    }
  });

  test('S3 (a route edit mid-canary) is applied; the cost: weights flap back at once, managed routes are lost unless their step is current', () => {
    const production = EXAMPLE[1];
    const [s3] = runScenarios({ application: production.app, manifests: production.manifests, version: '3.5.1' })
      .filter(r => r.scenario === 'S3' && r.rollout === 'storefront');
    const at = (step: number) => s3.costs.find(c => c.step === step)!;
    // steps: 0 setCanaryScale, 1 setHeaderRoute (canary-tests), 2 smoke-test analysis, 3 setHeaderRoute (canary-by-header),
    // 4 setMirrorRoute, 5 pause, 6 remove mirror, 7 setWeight 10, ...
    expect(at(0)).toEqual({ step: 0, weightsFlapped: false, managedRoutesLost: [], managedRoutesFlapped: [] });
    expect(at(1)).toEqual({ step: 1, weightsFlapped: false, managedRoutesLost: [], managedRoutesFlapped: ['canary-tests'] });
    expect(at(2)).toEqual({ step: 2, weightsFlapped: false, managedRoutesLost: ['canary-tests'], managedRoutesFlapped: [] });
    expect(at(3)).toEqual({ step: 3, weightsFlapped: false, managedRoutesLost: ['canary-tests'], managedRoutesFlapped: ['canary-by-header'] });
    expect(at(4)).toEqual({ step: 4, weightsFlapped: false, managedRoutesLost: ['canary-by-header', 'canary-tests'], managedRoutesFlapped: ['mirror-reads'] });
    expect(at(5)).toEqual({ step: 5, weightsFlapped: false, managedRoutesLost: ['canary-by-header', 'canary-tests', 'mirror-reads'], managedRoutesFlapped: [] });
    expect(at(7)).toEqual({ step: 7, weightsFlapped: true, managedRoutesLost: ['canary-by-header', 'canary-tests'], managedRoutesFlapped: [] });
    expect(s3.pass).toBe(true);
  });

  test('the rollout plan\'s direct computation of a route edit mid-canary gives the costs S3 finds through the whole sync', () => {
    const cases = [
      ...EXAMPLE.map(e => ({ app: e.app, manifests: e.manifests })),
      ...COMBINATIONS.map(([, f]) => ({ app: consumerApplication('shop', f), manifests: consumerManifests('shop', f) })),
    ];
    let compared = 0;
    for (const c of cases) {
      for (const version of VERSIONS) {
        for (const s3 of runScenarios({ application: c.app, manifests: c.manifests, version, only: ['S3'] })) {
          const rollout = c.manifests.find(m => m.kind === 'Rollout' && m.metadata.name === s3.rollout);
          expect(trafficEditCosts(rollout, c.manifests)).toEqual({ costs: s3.costs });
          compared += s3.costs.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  test('a run of some situations (only) gives what the run of all five gives for them', () => {
    const input = { application: EXAMPLE[0].app, manifests: EXAMPLE[0].manifests, version: VERSIONS[0] };
    const all = runScenarios(input);
    expect(runScenarios({ ...input, only: ['S3'] })).toEqual(all.filter(r => r.scenario === 'S3'));
    expect(runScenarios({ ...input, only: ['S5', 'S2'] })).toEqual(all.filter(r => r.scenario === 'S2' || r.scenario === 'S5'));
  });

  describe('each part of them is needed', () => {
    const features: Features = { header: true, mirror: true };
    const run = (app: any) => VERSIONS.flatMap(version => runScenarios({ application: app, manifests: consumerManifests('shop', features), version }));
    const failed = (results: ScenarioResult[]) => [...new Set(results.filter(r => !r.pass).map(r => `${r.version} ${r.scenario}`))].sort();

    test('with RespectIgnoreDifferences=true, route edits are never applied (S2, S3, S5) and subset edits only from 3.3.13 on (S4)', () => {
      expect(failed(run(consumerApplication('shop', features, { syncOptions: ['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'] }))))
        .toEqual(['3.3.12 S2', '3.3.12 S3', '3.3.12 S4', '3.3.12 S5', '3.5.1 S2', '3.5.1 S3', '3.5.1 S5']);
    });

    test('without ApplyOutOfSyncOnly, an unrelated sync mid-canary resets the weights and removes the managed routes (S1, S5)', () => {
      expect(failed(run(consumerApplication('shop', features, { syncOptions: [] })))).toEqual(['3.3.12 S1', '3.3.12 S5', '3.5.1 S1', '3.5.1 S5']);
    });

    test('with managedFieldsManagers: [rollouts-controller], route edits after a canary are hidden from the diff (S2, S3, S5)', () => {
      const app = consumerApplication('shop', features, { extraEntries: [{ group: 'networking.istio.io', kind: 'VirtualService', managedFieldsManagers: ['rollouts-controller'] }] });
      const results = run(app);
      expect(failed(results)).toEqual(['3.3.12 S2', '3.3.12 S3', '3.3.12 S5', '3.5.1 S2', '3.5.1 S3', '3.5.1 S5']);
      expect(results.find(r => r.scenario === 'S2')!.objects[0].reason).toMatch(/^the edit is hidden from the diff \(Synced\), so it is never applied/);
    });

    test('with [] instead of []?, a redirect route makes the weight rule fail (S5)', () => {
      const app = consumerApplication('shop', features);
      for (const e of app.spec.ignoreDifferences) e.jqPathExpressions = e.jqPathExpressions?.map((p: string) => p.replace(/\[\]\?/g, '[]'));
      // selecting the route by name drops the redirect before `.route[]`, so only the form that covers every route fails
      expect(failed(run(app))).toEqual([]);
      app.spec.ignoreDifferences[1].jqPathExpressions[0] = '.spec.http[].route[].weight';
      expect(failed(run(app))).toEqual(['3.3.12 S5', '3.5.1 S5']);
    });

    test('with the header route unignored, the VirtualService is OutOfSync while it exists (S1, S5) and after an edit that it survives (S3)', () => {
      const app = consumerApplication('shop', features);
      const vs = app.spec.ignoreDifferences.find((e: any) => e.kind === 'VirtualService');
      vs.jqPathExpressions = vs.jqPathExpressions.filter((p: string) => !p.includes('canary-header'));
      expect(failed(run(app))).toEqual(['3.3.12 S1', '3.3.12 S3', '3.3.12 S5', '3.5.1 S1', '3.5.1 S3', '3.5.1 S5']);
    });

    test('server-side apply passes too, but needs the hash-label rule; client-side apply does not (its three-way diff skips keys never applied)', () => {
      const ssa = { syncOptions: ['ApplyOutOfSyncOnly=true', 'ServerSideApply=true'] };
      expect(failed(run(consumerApplication('shop', features, ssa)))).toEqual([]);
      const withoutDrRules = (overrides: any) => {
        const app = consumerApplication('shop', features, overrides);
        app.spec.ignoreDifferences = app.spec.ignoreDifferences.filter((e: any) => e.kind !== 'DestinationRule');
        return app;
      };
      expect(failed(run(withoutDrRules(ssa)))).toEqual(['3.3.12 S1', '3.3.12 S4', '3.3.12 S5', '3.5.1 S1', '3.5.1 S4', '3.5.1 S5']);
      expect(failed(run(withoutDrRules({})))).toEqual([]);
    });
  });
});
