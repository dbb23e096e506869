// The index of the rule engine's Context and the duration cache: the same answers as a scan of all objects.
import { cachedPauseCount, PAUSE_CACHE_LIMIT, pauseProblem } from '../../src/rules/_argo-rollouts';
import { arr, cachedDurationCount, Context, DURATION_CACHE_LIMIT, parseGoDuration } from '../../src/rules/_context';

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

describe('parseGoDuration', () => {
  test('cached answers are the first answers', () => {
    const texts = ['5m', '1h30m', ' 2s ', '-1.5h', '0', '+0', '1', 'x', '', '300ms', '1µs', '.5s', '1.s', '5m'];
    const first = texts.map(t => parseGoDuration(t));
    expect(first).toEqual([300, 5400, 2, -5400, 0, 0, undefined, undefined, undefined, 0.3, 1e-6, 0.5, 1, 300]);
    expect(texts.map(t => parseGoDuration(t))).toEqual(first);
  });

  test('the cache stays bounded', () => {
    for (let i = 0; i < DURATION_CACHE_LIMIT * 3; i++) expect(parseGoDuration(`${i}s`)).toBe(i);
    expect(cachedDurationCount()).toBeLessThanOrEqual(DURATION_CACHE_LIMIT);
  });
});

describe('arr', () => {
  test('gives arrays back as they are, and one shared frozen empty array for anything else', () => {
    const list = [1, 2];
    expect(arr(list)).toBe(list);
    const empty = arr(undefined);
    expect(empty).toEqual([]);
    expect(Object.isFrozen(empty)).toBe(true);
    expect(arr('x')).toBe(empty);
    expect(arr({ length: 1 })).toBe(empty);
  });
});

describe('pauseProblem', () => {
  test('gives the same answer from its cache, and the cache stays bounded', () => {
    const texts = ['5m', ' 30s ', '300', '-5', '-1m', '1.5h', 'soon', '', '0', '+0', '10x'];
    const first = texts.map(t => pauseProblem(t));
    expect(first).toEqual([undefined, undefined, undefined, 'is negative', 'is negative', undefined, 'does not parse as a duration',
      'does not parse as a duration', undefined, undefined, 'does not parse as a duration']);
    expect(texts.map(t => pauseProblem(t))).toEqual(first); // cached
    for (let i = 0; i < PAUSE_CACHE_LIMIT * 3; i++) expect(pauseProblem(`${i}m`)).toBeUndefined();
    expect(cachedPauseCount()).toBeLessThanOrEqual(PAUSE_CACHE_LIMIT);
    expect(pauseProblem(-3)).toBe('is negative');
    expect(pauseProblem(2.5)).toBe('is not a whole number of seconds');
    expect(pauseProblem({})).toBe('is neither a number of seconds nor a duration string');
  });
});
