import { entryMatches } from '../../../src/private/argocd/ignore-entry';
import { recordWrite } from '../../../src/private/argocd/managed-fields';
import { applyIgnoreRules, normalizePair, removePointer } from '../../../src/private/argocd/normalize';

const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop', namespace: 'prod', annotations: { 'a/b': 'x' } }, spec: { http: [{ name: 'p', route: [{ weight: 10 }] }] } };

describe('which entries apply to an object', () => {
  test.each([
    [{ group: 'networking.istio.io', kind: 'VirtualService' }, true],
    [{ group: 'networking.istio.io', kind: 'VirtualService', name: 'shop', namespace: 'prod' }, true],
    [{ group: 'networking.istio.io', kind: 'VirtualService', name: 'other' }, false],
    [{ group: 'networking.istio.io', kind: 'VirtualService', namespace: 'staging' }, false],
    [{ group: '*', kind: '*' }, true],
    [{ group: '*.istio.io', kind: 'Virtual?ervice' }, true],
    [{ kind: 'VirtualService' }, false], // an empty group matches only the core group
    [{ group: 'networking.istio.io', kind: 'DestinationRule' }, false],
  ])('%j: %s', (entry, expected) => {
    expect(entryMatches(entry as any, vs)).toBe(expected);
  });

  test('group and kind take every glob Argo CD takes (alternatives, classes)', () => {
    expect(entryMatches({ group: '{networking,security}.istio.io', kind: '[DV]*' }, vs)).toBe(true);
    expect(entryMatches({ group: '{networking,security}.istio.io', kind: '[!V]*' }, vs)).toBe(false);
  });
});

describe('JSON pointers (RFC 6902 remove)', () => {
  test('removes keys (with ~1 for "/") and array elements', () => {
    expect(removePointer(vs, '/metadata/annotations/a~1b').metadata.annotations).toEqual({});
    expect(removePointer(vs, '/spec/http/0/route/0/weight').spec.http[0].route[0]).toEqual({});
    expect(removePointer(vs, '/spec/http/-1').spec.http).toEqual([]);
  });

  test.each([
    ['/metadata/annotations/missing', /Unable to remove nonexistent key: missing/],
    ['/spec/tls/0', /doc is missing path/],
    ['/spec/http/*', /invalid array index "\*"/], // argo-rollouts#2463's pointer
    ['/spec/http/3', /index 3 out of range/],
    ['spec/http', /invalid path/],
  ])('fails if the pointer does not apply: %s', (pointer, message) => {
    expect(() => removePointer(vs, pointer)).toThrow(message);
  });
});

describe('the ignore rules of an object', () => {
  test('a rule that fails is skipped and reported; the others still apply', () => {
    const r = applyIgnoreRules(vs, [{
      group: 'networking.istio.io',
      kind: 'VirtualService',
      jsonPointers: ['/spec/http/*', '/metadata/annotations/a~1b'],
      jqPathExpressions: ['.spec.tls[].route[].weight', '.spec.http[].route[].weight'],
    }]);
    expect(r.object.metadata.annotations).toEqual({});
    expect(r.object.spec.http[0].route[0]).toEqual({});
    expect(r.skipped.map(s => s.rule)).toEqual(['jsonPointer /spec/http/*', 'jq .spec.tls[].route[].weight']);
  });

  test('fails if a jq expression is outside the modelled subset (never silently skipped)', () => {
    expect(() => applyIgnoreRules(vs, [{ group: '*', kind: '*', jqPathExpressions: ['.spec | keys'] }])).toThrow(/does not implement/);
  });

  test('managedFieldsManagers removes the fields the manager owns and that differ, from both sides', () => {
    const git = { ...vs, spec: { http: [{ name: 'p', timeout: '5s', route: [{ weight: 100 }] }], hosts: ['a'] } };
    const live = { ...vs, spec: { http: [{ name: 'p', route: [{ weight: 10 }] }], hosts: ['b'] } };
    const owners = recordWrite({ '/spec/hosts': 'argocd-controller' }, { spec: { http: [], hosts: ['b'] } }, live, 'rollouts-controller');
    expect(owners['/spec/http']).toBe('rollouts-controller');
    const pair = normalizePair(live, git, owners, [{ group: '*', kind: '*', managedFieldsManagers: ['rollouts-controller'] }]);
    expect(pair.live.spec).toEqual({ hosts: ['b'] });
    expect(pair.config.spec).toEqual({ hosts: ['a'] });
  });
});
