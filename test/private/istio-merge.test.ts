// The model of how Istio merges the DestinationRules of one host (pilot/pkg/model/push_context.go setDestinationRules,
// pilot/pkg/model/destination_rule.go mergeDestinationRule), one behaviour per test.
import { mergeDestinationRules, PlacedRule } from '../../src/private/istio-merge';

const rule = (name: string, spec: any, namespace = 'shop'): PlacedRule => ({ manifest: { kind: 'DestinationRule', metadata: { name, namespace }, spec }, namespace });
const subset = (name: string, labels: any = { app: 'shop' }) => ({ name, labels });
const HOST = 'shop.shop.svc.cluster.local';

describe('mergeDestinationRules', () => {
  test('rules of one host in one namespace merge: subsets concatenated in creation order', () => {
    const managed = rule('shop', { host: HOST, subsets: [subset('stable'), subset('canary')] });
    const second = rule('shop-additional', { host: 'shop', subsets: [subset('legacy', { track: 'legacy' })] }); // a short host resolves in its namespace
    const [m, ...rest] = mergeDestinationRules([managed, second]);
    expect(rest).toEqual([]);
    expect(m.host).toEqual(HOST);
    expect(m.rules).toEqual([managed, second]);
    expect(m.subsets.map(s => s.name)).toEqual(['stable', 'canary', 'legacy']);
  });

  test('a subset name already present keeps the older rule\'s subset (mergeDestinationRule: "duplicate subset")', () => {
    const older = rule('a', { host: HOST, subsets: [subset('canary', { app: 'shop' })] });
    const newer = rule('b', { host: HOST, subsets: [subset('canary', { app: 'other' })] });
    const [m] = mergeDestinationRules([older, newer]);
    expect(m.subsets).toEqual([subset('canary', { app: 'shop' })]);
    expect(m.dropped).toEqual([{ subset: subset('canary', { app: 'other' }), rule: newer, keptFrom: older }]);
  });

  test('the top-level traffic policy is the older rule\'s that has one', () => {
    const none = rule('a', { host: HOST, subsets: [subset('stable')] });
    const first = rule('b', { host: HOST, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const second = rule('c', { host: HOST, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } });
    const [m] = mergeDestinationRules([none, first, second]);
    expect(m.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    expect(m.ignoredPolicies).toEqual([second]);
  });

  test('rules of different namespaces, workload selectors or exportTo (Istio 1.24+) are kept apart', () => {
    const merged = mergeDestinationRules([
      rule('a', { host: HOST, subsets: [subset('stable')] }),
      rule('b', { host: HOST, subsets: [subset('legacy')] }, 'clients'),
      rule('c', { host: HOST, subsets: [subset('x')], workloadSelector: { matchLabels: { app: 'gw' } } }),
      rule('d', { host: HOST, subsets: [subset('y')], exportTo: ['.'] }),
      rule('e', { host: HOST, subsets: [subset('z')], exportTo: [] }),
    ]);
    expect(merged.map(m => [m.namespace, m.rules.map(r => r.manifest.metadata.name)])).toEqual([
      ['shop', ['a', 'e']], ['clients', ['b']], ['shop', ['c']], ['shop', ['d']],
    ]);
  });

  test('malformed rules are skipped or read as empty', () => {
    expect(mergeDestinationRules([rule('a', { host: 7 }), rule('b', { host: HOST, subsets: 3, exportTo: {} })]).map(m => m.subsets)).toEqual([[]]);
  });
});
