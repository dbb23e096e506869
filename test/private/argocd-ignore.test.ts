import { computeIgnoreDifferences, groupOf } from '../../src/private/argocd-ignore';

describe('groupOf', () => {
  test('gives the API group of an apiVersion, or "" for the core group', () => {
    expect(groupOf('networking.istio.io/v1')).toBe('networking.istio.io');
    expect(groupOf('a/b/c')).toBe('a');
    expect(groupOf('v1')).toBe('');
    expect(groupOf('')).toBe('');
    expect(groupOf(undefined)).toBe('');
  });
});

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
});
