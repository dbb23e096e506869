import {
  CANARY_HASH, HASH_LABEL, istioKey, LiveObjects, MANAGED_BY_ANNOTATION, progress, reconcile, repair, RolloutTraffic, STABLE_HASH,
} from '../../../src/private/argocd/controller';

const NS = 'shop';
const VS = istioKey('VirtualService', NS, 'shop');
const VS2 = istioKey('VirtualService', NS, 'shop-internal');
const DR = istioKey('DestinationRule', NS, 'shop');

const dest = (subset: string, weight: number, port = 80) => ({ destination: { host: 'shop.shop.svc.cluster.local', subset, port: { number: port } }, weight });
const weighted = (name: string, port = 80) => ({ name, route: [dest('stable', 100, port), dest('canary', 0, port)] });

function rollout(canary: any): RolloutTraffic {
  return new RolloutTraffic({
    metadata: { name: 'shop', namespace: NS },
    spec: {
      strategy: {
        canary: {
          ...canary,
          trafficRouting: {
            ...(canary.trafficRouting ?? {}),
            istio: {
              virtualService: { name: 'shop', routes: ['primary'] },
              destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' },
              ...(canary.istio ?? {}),
            },
          },
        },
      },
    },
  });
}

function objects(http: any[], extra: { tls?: any[]; tcp?: any[]; subsets?: any[] } = {}): LiveObjects {
  return new Map<string, any>([
    [VS, { metadata: { name: 'shop', namespace: NS }, spec: { hosts: ['shop'], http, ...(extra.tls ? { tls: extra.tls } : {}), ...(extra.tcp ? { tcp: extra.tcp } : {}) } }],
    [DR, { metadata: { name: 'shop', namespace: NS }, spec: { host: 'shop.shop.svc.cluster.local', subsets: extra.subsets ?? [{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }] } }],
  ]);
}

const weightsOf = (route: any) => route.route.map((d: any) => d.weight ?? 0);

describe('weights', () => {
  test('each step sets the last setWeight (stable gets the rest); at rest 100/0', () => {
    const rt = rollout({ steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 40 }] });
    const live = objects([weighted('primary')]);
    expect(weightsOf(progress(rt, live, 0).get(VS).spec.http[0])).toEqual([90, 10]);
    expect(weightsOf(progress(rt, live, 1).get(VS).spec.http[0])).toEqual([90, 10]);
    expect(weightsOf(progress(rt, live, 2).get(VS).spec.http[0])).toEqual([60, 40]);
    expect(weightsOf(reconcile(rt, { kind: 'rest' }, progress(rt, live, 2)).live.get(VS).spec.http[0])).toEqual([100, 0]);
  });

  test('only the routes the Rollout names; tls and tcp routes by port (and SNI hosts)', () => {
    const rt = rollout({ steps: [{ setWeight: 30 }], istio: { virtualService: { name: 'shop', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['shop.example.com'] }], tcpRoutes: [{ port: 5432 }] } } });
    const other = { name: 'other', route: [{ destination: { host: 'other' }, weight: 70 }, { destination: { host: 'other2' }, weight: 30 }] };
    const tls = [{ match: [{ port: 443, sniHosts: ['x.example.com'] }], route: [dest('stable', 100, 443), dest('canary', 0, 443)] }, { match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [dest('stable', 100, 443), dest('canary', 0, 443)] }];
    const tcp = [{ match: [{ port: 5432 }], route: [dest('stable', 100, 5432), dest('canary', 0, 5432)] }];
    const vs = progress(rt, objects([weighted('primary'), other], { tls, tcp }), 0).get(VS);
    expect(weightsOf(vs.spec.http[0])).toEqual([70, 30]);
    expect(vs.spec.http[1]).toEqual(other);
    expect(weightsOf(vs.spec.tls[0])).toEqual([100, 0]);
    expect(weightsOf(vs.spec.tls[1])).toEqual([70, 30]);
    expect(weightsOf(vs.spec.tcp[0])).toEqual([70, 30]);
  });

  test('several VirtualServices, each with its own routes', () => {
    const rt = rollout({ steps: [{ setWeight: 20 }], istio: { virtualService: undefined, virtualServices: [{ name: 'shop', routes: ['primary'] }, { name: 'shop-internal', routes: ['mesh'] }] } });
    const live = objects([weighted('primary')]);
    live.set(VS2, { metadata: { name: 'shop-internal', namespace: NS }, spec: { http: [weighted('mesh')] } });
    const out = progress(rt, live, 0);
    expect(weightsOf(out.get(VS).spec.http[0])).toEqual([80, 20]);
    expect(weightsOf(out.get(VS2).spec.http[0])).toEqual([80, 20]);
  });

  test('an experiment step appends its destination and subset; the next step removes them', () => {
    const rt = rollout({ steps: [{ setWeight: 10 }, { experiment: { templates: [{ name: 'baseline', specRef: 'stable', weight: 20, service: { name: 'shop-baseline' } }] } }, { setWeight: 50 }] });
    const live = objects([weighted('primary')]);
    const during = progress(rt, live, 1);
    expect(during.get(VS).spec.http[0].route).toEqual([dest('stable', 70), dest('canary', 10), { weight: 20, destination: { host: 'shop-baseline' } }]);
    expect(during.get(DR).spec.subsets[2]).toEqual({ name: 'shop-baseline', labels: { [HASH_LABEL]: 'exp-baseline' } });
    const after = progress(rt, live, 2);
    expect(after.get(VS).spec.http[0].route).toEqual([dest('stable', 50), dest('canary', 50)]);
    expect(after.get(DR).spec.subsets.map((s: any) => s.name)).toEqual(['stable', 'canary']);
  });
});

describe('managed routes', () => {
  const steps = [
    { setWeight: 20 },
    { setHeaderRoute: { name: 'hdr', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } },
    { setMirrorRoute: { name: 'mirror', percentage: 50, match: [{ method: { exact: 'GET' } }] } },
    { pause: {} },
    { setMirrorRoute: { name: 'mirror' } },
    { setWeight: 50 },
  ];
  const rt = rollout({ steps, trafficRouting: { managedRoutes: [{ name: 'mirror' }, { name: 'hdr' }] } });
  const live = objects([weighted('primary')]);

  test('header and mirror routes go on top, in managedRoutes order; the mirror route copies the weighted route', () => {
    const vs = progress(rt, live, 2).get(VS);
    expect(vs.spec.http.map((r: any) => r.name)).toEqual(['mirror', 'hdr', 'primary']);
    expect(vs.spec.http[1]).toEqual({
      name: 'hdr',
      match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
      route: [{ weight: 100, destination: { host: 'shop.shop.svc.cluster.local', port: { number: 80 }, subset: 'canary' } }],
    });
    expect(vs.spec.http[0]).toEqual({
      name: 'mirror',
      match: [{ method: { exact: 'GET' } }],
      route: [dest('stable', 80), dest('canary', 20)],
      mirror: { host: 'shop.shop.svc.cluster.local', subset: 'canary', port: { number: 80 } },
      mirrorPercentage: { value: 50 },
    });
  });

  test('a step without match removes its route; at rest every managed route is removed', () => {
    expect(progress(rt, live, 4).get(VS).spec.http.map((r: any) => r.name)).toEqual(['hdr', 'primary']);
    expect(reconcile(rt, { kind: 'rest' }, progress(rt, live, 5)).live.get(VS).spec.http.map((r: any) => r.name)).toEqual(['primary']);
  });

  test('repair: weights come back at once; a managed route only while its step is the current step', () => {
    const atMirror = progress(rt, live, 2);
    const reset = new Map(atMirror).set(VS, live.get(VS)); // an apply of git's list
    const r = repair(rt, { kind: 'step', index: 2 }, reset, [VS]);
    expect(r.reconciled).toBe(true);
    expect(r.live.get(VS).spec.http.map((x: any) => x.name)).toEqual(['mirror', 'primary']); // hdr is lost
    expect(weightsOf(r.live.get(VS).spec.http[1])).toEqual([80, 20]);
  });

  test('orderRoutes as written upstream: every unnamed route matches every unnamed route, so they multiply', () => {
    const unnamed = [{ route: [dest('stable', 100)] }, { redirect: { uri: '/x' } }];
    const r = reconcile(rt, { kind: 'step', index: 1 }, objects([weighted('primary'), ...unnamed]));
    // SetHeaderRoute orders the routes (2 unnamed -> 4), then SetWeight changes a weight and orders again (4 -> 16)
    const names = r.live.get(VS).spec.http.map((x: any) => x.name ?? '-');
    expect(names.slice(0, 2)).toEqual(['hdr', 'primary']);
    expect(names.slice(2)).toEqual(new Array(16).fill('-'));
  });
});

describe('DestinationRule', () => {
  const rt = rollout({ steps: [{ setWeight: 10 }] });

  test('hash labels on the stable and canary subsets, the managed-by annotation; extraneous subsets dropped', () => {
    const live = objects([weighted('primary')], { subsets: [{ name: 'stable', labels: { app: 'shop' }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, { name: 'canary' }, { name: 'debug', labels: { v: 'x' } }] });
    const dr = progress(rt, live, 0).get(DR);
    expect(dr.metadata.annotations).toEqual({ [MANAGED_BY_ANNOTATION]: 'shop' });
    expect(dr.spec.subsets).toEqual([
      { name: 'stable', labels: { app: 'shop', [HASH_LABEL]: STABLE_HASH }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      { name: 'canary', labels: { [HASH_LABEL]: CANARY_HASH } },
    ]);
  });

  test('repair: a stripped DestinationRule is relabelled at once only while it carries the annotation', () => {
    const labelled = progress(rt, objects([weighted('primary')]), 0);
    const stripped = { ...labelled.get(DR), spec: { ...labelled.get(DR).spec, subsets: [{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }] } };
    const annotated = repair(rt, { kind: 'step', index: 0 }, new Map(labelled).set(DR, stripped), [DR]);
    expect(annotated.reconciled).toBe(true);
    expect(annotated.live.get(DR).spec.subsets[1].labels[HASH_LABEL]).toBe(CANARY_HASH);
    const unannotated = { ...stripped, metadata: { name: 'shop', namespace: NS } };
    const r = repair(rt, { kind: 'step', index: 0 }, new Map(labelled).set(DR, unannotated), [DR]);
    expect(r.reconciled).toBe(false);
    expect(r.live.get(DR).spec.subsets[1].labels[HASH_LABEL]).toBeUndefined();
  });
});

describe('what the model refuses', () => {
  test('fails if the Rollout has no Istio traffic routing', () => {
    expect(() => new RolloutTraffic({ metadata: { name: 'x' }, spec: { strategy: { canary: {} } } })).toThrow(/Rollout x has no canary.trafficRouting.istio/);
  });

  test('fails if a named route is missing, as the controller does', () => {
    const rt = rollout({ steps: [{ setWeight: 10 }], istio: { virtualService: { name: 'shop', routes: ['missing'] } } });
    expect(() => progress(rt, objects([weighted('primary')]), 0)).toThrow(/HTTP Route 'missing' is not found in the defined Virtual Service\./);
  });

  test('fails if additionalSubsetNames is used (not modelled)', () => {
    expect(() => rollout({ istio: { destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary', additionalSubsetNames: ['x'] } } }))
      .toThrow(/additionalSubsetNames is not modelled/);
  });
});
