// The index of the rule engine's Context: the same answers as a scan of all objects.
import { pauseProblem } from '../../src/rules/_argo-rollouts';
import { arr, Context } from '../../src/rules/_context';

const obj = (kind: string, name: string, namespace?: string, extra: any = {}) => ({ apiVersion: 'v1', kind, metadata: { name, namespace }, ...extra });

describe('Context', () => {
  const manifests = [
    obj('Service', 'b', 'x', { n: 1 }),
    obj('Service', 'a', 'y'),
    obj('Service', 'b', 'x', { n: 2 }), // a duplicate: find() gives the first one in input order
    obj('Service', 'a'), // namespace default
    obj('ClusterAnalysisTemplate', 'c', 'ignored'),
    null,
    'junk',
    { kind: 7 },
  ];

  test('ofKind sorts by namespace and name, keeps input order for equal keys, and is empty for a kind not in the set', () => {
    const ctx = new Context(manifests);
    expect(ctx.ofKind('Service').map(o => `${o.namespace}/${o.name}/${o.raw.n ?? ''}`)).toEqual(['default/a/', 'x/b/1', 'x/b/2', 'y/a/']);
    expect(ctx.ofKind('Service')).toBe(ctx.ofKind('Service'));
    expect(ctx.ofKind('Gateway')).toEqual([]);
    expect(ctx.objects.length).toBe(5);
  });

  test('find gives the first object of the kind, namespace and name in input order; cluster-scoped kinds ignore the namespace', () => {
    const ctx = new Context(manifests);
    expect(ctx.find('Service', 'x', 'b')?.raw.n).toBe(1);
    expect(ctx.find('Service', 'default', 'a')?.label).toBe('Service a');
    expect(ctx.find('Service', 'z', 'a')).toBeUndefined();
    expect(ctx.find('Gateway', 'x', 'b')).toBeUndefined();
    expect(ctx.find('ClusterAnalysisTemplate', 'anything', 'c')?.label).toBe('ClusterAnalysisTemplate c');
  });

  test('workloads are the workload kinds, kind by kind, each sorted', () => {
    const ctx = new Context([obj('Deployment', 'd'), obj('Rollout', 'r2'), obj('Rollout', 'r1'), obj('Service', 's')]);
    expect(ctx.workloads().map(o => o.name)).toEqual(['r1', 'r2', 'd']);
  });
});

describe('arr', () => {
  test('gives arrays back as they are, and an empty array for anything else', () => {
    const list = [1, 2];
    expect(arr(list)).toBe(list);
    expect(arr(undefined)).toEqual([]);
    expect(arr('x')).toEqual([]);
    expect(arr({ length: 1 })).toEqual([]);
  });

});

describe('pauseProblem (CR112)', () => {
  test('reads the duration as the controller does', () => {
    const values: unknown[] = ['5m', '300', '-5', '-1m', '1.5h', '-500ms', ' 30s', 'soon', '', '0', '+0', '10x', -3, 2.5, {}];
    expect(values.map(pauseProblem)).toEqual([undefined, undefined, 'is negative', 'is negative', undefined, undefined,
      'does not parse as a duration', 'does not parse as a duration', 'does not parse as a duration', undefined, undefined,
      'does not parse as a duration', 'is negative', 'is not a whole number of seconds', 'is neither a number of seconds nor a duration string']);
  });
});
