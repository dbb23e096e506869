// The index of the rule engine's Context: the same answers as a scan of all objects.
import { pauseProblem } from '../../src/rules/_argo-rollouts';
import { arr, Context, Obj } from '../../src/rules/_context';
import { ManifestInput } from '../../src/rules/finding';

const obj = (kind: string, name: string, namespace?: string, extra: any = {}) => ({ apiVersion: 'v1', kind, metadata: { name, namespace }, ...extra });
const plain = (manifests: any[]): ManifestInput[] => manifests.map(manifest => ({ manifest }));

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
    const ctx = new Context(plain(manifests));
    expect(ctx.ofKind('Service').map(o => `${o.namespace}/${o.name}/${o.raw.n ?? ''}`)).toEqual(['default/a/', 'x/b/1', 'x/b/2', 'y/a/']);
    expect(ctx.ofKind('Service')).toBe(ctx.ofKind('Service'));
    expect(ctx.ofKind('Gateway')).toEqual([]);
    expect(ctx.objects.length).toBe(5);
  });

  test('find gives the first object of the kind, namespace and name in input order; cluster-scoped kinds ignore the namespace', () => {
    const ctx = new Context(plain(manifests));
    expect(ctx.find('Service', 'x', 'b')?.raw.n).toBe(1);
    expect(ctx.find('Service', 'default', 'a')?.label).toBe('Service a');
    expect(ctx.find('Service', 'z', 'a')).toBeUndefined();
    expect(ctx.find('Gateway', 'x', 'b')).toBeUndefined();
    expect(ctx.find('ClusterAnalysisTemplate', 'anything', 'c')?.label).toBe('ClusterAnalysisTemplate c');
  });

  test('workloads are the workload kinds, kind by kind, each sorted', () => {
    const ctx = new Context(plain([obj('Deployment', 'd'), obj('Rollout', 'r2'), obj('Rollout', 'r1'), obj('Service', 's')]));
    expect(ctx.workloads().map(o => o.name)).toEqual(['r1', 'r2', 'd']);
  });
});

describe('Context with origins', () => {
  const at = (cluster?: string, defaultNamespace?: string) => ({ path: `p-${cluster}`, cluster, defaultNamespace });

  test('an object without namespace is in the origin\'s default namespace, else in default', () => {
    const ctx = new Context([{ manifest: obj('Service', 'a'), origin: at('x', 'shop') }, { manifest: obj('Service', 'b'), origin: at('x') }]);
    expect(ctx.objects.map(o => `${o.namespace}/${o.name} ${o.label}`)).toEqual(['shop/a Service a', 'default/b Service b']);
  });

  test('find prefers an object of the same cluster, then one of an unknown cluster, and never one of another cluster', () => {
    const ctx = new Context([
      { manifest: obj('Service', 'a', 'n', { n: 1 }), origin: at('eu') },
      { manifest: obj('Service', 'a', 'n', { n: 2 }), origin: at() },
      { manifest: obj('Service', 'a', 'n', { n: 3 }), origin: at('us') },
      { manifest: obj('Deployment', 'from-us'), origin: at('us') },
      { manifest: obj('Deployment', 'from-asia'), origin: at('asia') },
      { manifest: obj('Deployment', 'from-unknown'), origin: at() },
      { manifest: obj('Service', 'only-eu', 'n'), origin: at('eu') },
    ]);
    const from = (name: string) => ctx.objects.find(o => o.name === name)!;
    expect(ctx.find('Service', 'n', 'a', from('from-us'))?.raw.n).toBe(3);
    expect(ctx.find('Service', 'n', 'a', from('from-asia'))?.raw.n).toBe(2);
    expect(ctx.find('Service', 'n', 'a', from('from-unknown'))?.raw.n).toBe(2); // unknown like itself first
    expect(ctx.find('Service', 'n', 'only-eu', from('from-us'))).toBeUndefined();
    expect(ctx.find('Service', 'n', 'only-eu', from('from-unknown'))?.name).toBe('only-eu');
    expect(ctx.definitions('Service', 'n', 'a')).toHaveLength(3);
  });

  test('servicesSelecting gives what a scan of every Service gives', () => {
    const services = [
      obj('Service', 's1', 'n', { spec: { selector: { app: 'a' } } }),
      obj('Service', 's2', 'n', { spec: { selector: { app: 'a', track: 'x' } } }),
      obj('Service', 's3', 'm', { spec: { selector: { app: 'a' } } }),
      obj('Service', 's4', 'n', { spec: { selector: {} } }),
      obj('Service', 's5', 'n', { spec: {} }),
      obj('Service', 's6', 'n', { spec: { selector: { zone: 'z', app: 'a' } } }),
    ];
    const workloads = [{ app: 'a' }, { app: 'a', track: 'x' }, { app: 'a', zone: 'z', track: 'x' }, { app: 'b' }, {}];
    const ctx = new Context(plain([...services, ...workloads.map((labels, i) => obj('Deployment', `d${i}`, 'n', { spec: { template: { metadata: { labels } } } }))]));
    for (const w of ctx.ofKind('Deployment')) {
      const labels = w.raw.spec.template.metadata.labels;
      const scan = ctx.ofKind('Service').filter((s: Obj) => s.namespace === w.namespace && Object.keys(s.raw.spec.selector ?? {}).length > 0
        && Object.entries(s.raw.spec.selector).every(([k, v]) => labels[k] === v));
      expect(ctx.servicesSelecting(w, labels)).toEqual(scan);
    }
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
