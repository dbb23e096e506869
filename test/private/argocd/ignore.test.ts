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

  describe('the replicas of a Deployment a Rollout migrates from', () => {
    const rollout = (scaleDown?: string, ref: any = {}) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'web' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown, ...ref }, strategy: { canary: {} } },
    });
    const deployment = (replicas?: number, name = 'web') => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'web' }, spec: { replicas },
    });
    const placed = (...manifests: any[]) => manifests.map(manifest => ({ manifest, namespace: 'web' }));

    test.each(['progressively', 'onsuccess'])('are ignored while the controller drains them (scaleDown %s)', (mode) => {
      expect(computeIgnoreDifferences(placed(rollout(mode), deployment(3)))).toEqual([
        { group: 'apps', kind: 'Deployment', name: 'web', namespace: 'web', jsonPointers: ['/spec/replicas'] },
      ]);
    });

    test('also when git leaves them to the API server default (no replicas field)', () => {
      expect(computeIgnoreDifferences(placed(rollout('progressively'), deployment(undefined)))).toHaveLength(1);
    });

    test.each([
      ['the migration is finished (replicas 0 in git)', [rollout('progressively'), deployment(0)]],
      ['scaleDown is never (nobody changes them)', [rollout('never'), deployment(3)]],
      ['scaleDown is not set', [rollout(undefined), deployment(3)]],
      ['the Rollout references another Deployment', [rollout('progressively'), deployment(3, 'api')]],
      ['the reference is not to an apps/v1 Deployment', [rollout('progressively', { kind: 'ReplicaSet' }), deployment(3)]],
    ])('are not ignored when %s', (_what, manifests) => {
      expect(computeIgnoreDifferences(placed(...(manifests as any[])))).toEqual([]);
    });
  });

  test('the constants are the controller\'s label and annotation, written so that Argo CD never skips them', () => {
    expect(HASH_LABEL_JQ).toBe('.spec.subsets[]?.labels["rollouts-pod-template-hash"]');
    expect(MANAGED_BY_POINTER).toBe('/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts');
  });
});
