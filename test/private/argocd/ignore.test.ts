import { computeIgnoreDifferences, HASH_LABEL_JQ, MANAGED_BY_POINTER } from '../../../src/private/argocd/ignore';

describe('computeIgnoreDifferences', () => {
  test('a Rollout without namespace: the first VirtualService of that name, in input order, gets the entry', () => {
    const vs = (ns: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop', namespace: ns }, spec: { http: [{ name: 'primary', route: [] }] } });
    const ro = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'shop' },
      spec: { strategy: { canary: { trafficRouting: { istio: { virtualService: { name: 'shop', routes: ['primary'] } } } } } },
    };
    const entries = computeIgnoreDifferences([{ manifest: ro }, { manifest: vs('b'), namespace: 'b' }, { manifest: vs('a'), namespace: 'a' }]);
    expect(entries.map(e => `${e.kind} ${e.namespace}`)).toEqual(['VirtualService b']);
  });

  test('the constants are the controller\'s label and annotation, written so that Argo CD never skips them', () => {
    expect(HASH_LABEL_JQ).toBe('.spec.subsets[]?.labels["rollouts-pod-template-hash"]');
    expect(MANAGED_BY_POINTER).toBe('/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts');
  });
});
