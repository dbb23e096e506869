// templateHash (CR307) hashes without the sorted copy when the value is already canonical; it must always give
// exactly what the library's contentHash gives.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { contentHash } from '../../src/_util';
import { CanaryService } from '../../src/canary-service';
import { isCanonical, templateHash } from '../../src/rules/_hash';
import { CanaryRules } from '../../src/rules/engine';

function rolloutOf(patch?: (ro: ApiObject) => void): any {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', { image: 'registry.example.com/shop:1.4.2', namespace: 'shop' });
  const ro = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'Rollout')!;
  patch?.(ro);
  return { chart, json: ro.toJson() };
}

describe('templateHash', () => {
  test('the pod template the library writes is canonical, so the fast path is the one taken for library output', () => {
    const { json } = rolloutOf();
    expect(isCanonical(json.spec.template)).toBe(true);
    expect(templateHash(json.spec.template)).toEqual(contentHash(json.spec.template));
  });

  test.each<[string, any, boolean]>([
    ['sorted keys', { a: 1, b: { c: [1, 'x', null, true], d: {} } }, true],
    ['unsorted keys', { b: 1, a: 2 }, false],
    ['unsorted nested keys', { a: { z: 1, y: 2 } }, false],
    ['unsorted keys in an array element', { a: [{ b: 1, a: 2 }] }, false],
    ['integer-like keys in numeric order', { 9: 'a', 10: 'b' }, false],
    ['integer-like keys in both orders', { 1: 'a', 2: 'b', x: 'c' }, true],
    ['undefined values', { a: undefined, b: [undefined, 1] }, true],
    ['an array with a hole', { a: [1, , 3] }, true], // eslint-disable-line no-sparse-arrays
    ['an own __proto__ key', JSON.parse('{"__proto__": {"x": 1}, "a": 1}'), false],
    ['a Date', { a: new Date(0) }, false],
    ['a function', { a: () => 1, b: 2 }, false],
    ['an object without prototype', Object.assign(Object.create(null), { a: 1, b: 2 }), false],
    ['an array with its own toJSON', { a: Object.assign([1], { toJSON: () => 'x' }) }, false],
    ['a class instance', { a: new (class X { public y = 1; })() }, false],
    ['strings that sort by code unit', { Z: 1, a: 2, é: 3 }, true],
  ])('%s: canonical is %s and the hash is contentHash\'s', (_name, value, canonical) => {
    expect(isCanonical(value)).toBe(canonical);
    expect(templateHash(value)).toEqual(contentHash(value));
  });

  test('a patch of the pod template fails CR307 and reports the hash contentHash gives for the final template', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop:1.4.3')));
    const t = json.spec.template;
    const labels = { ...t.metadata.labels };
    delete labels['service.istio.io/canonical-revision'];
    const expected = contentHash({ labels, annotations: t.metadata.annotations, spec: t.spec });
    const findings = CanaryRules.check(CanaryRules.manifestsOf(chart)).filter(f => f.code === 'CR307');
    expect(findings.map(f => f.message)).toEqual([expect.stringContaining(`the final template hashes to "${expected}"`)]);
  });

  test('a patch that adds a key out of order (slow path) fails CR307 as well', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/args', ['--debug'])));
    expect(isCanonical(json.spec.template)).toBe(false);
    expect(CanaryRules.check(CanaryRules.manifestsOf(chart)).map(f => f.code)).toEqual(['CR307']);
  });

  test('a patch of a pod label only (fast path) fails CR307', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app', 'shop2')));
    expect(isCanonical(json.spec.template)).toBe(true);
    expect(CanaryRules.check(CanaryRules.manifestsOf(chart)).map(f => f.code)).toContain('CR307');
  });
});
