// CR307 re-hashes the final pod template with the library's contentHash, which skips the key-sorted copy for
// values already in canonical form (cdk8s output). It must give exactly what hashing a full sorted copy gives.
import { createHash } from 'crypto';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { contentHash } from '../../src/private/hash';
import { CanaryRules } from '../../src/rules/canary-rules';
import { sortedCopyJson } from '../support/sorted-json';

/** contentHash as first written: sha256 of the JSON of a complete copy with sorted keys. */
function referenceHash(value: unknown): string {
  return createHash('sha256').update(sortedCopyJson(value)).digest('hex').slice(0, 10);
}

function rolloutOf(patch?: (ro: ApiObject) => void): any {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', { image: 'registry.example.com/shop:1.4.2', namespace: 'shop' });
  const ro = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'Rollout')!;
  patch?.(ro);
  return { chart, json: ro.toJson() };
}

describe('contentHash of pod templates (CR307)', () => {
  test('hashes the pod template the library writes as a full sorted copy would', () => {
    const { json } = rolloutOf();
    expect(contentHash(json.spec.template)).toEqual(referenceHash(json.spec.template));
  });

  test.each<[string, any]>([
    ['sorted keys', { a: 1, b: { c: [1, 'x', null, true], d: {} } }],
    ['unsorted keys', { b: 1, a: 2 }],
    ['unsorted nested keys', { a: { z: 1, y: 2 } }],
    ['unsorted keys in an array element', { a: [{ b: 1, a: 2 }] }],
    ['integer-like keys in numeric order', { 9: 'a', 10: 'b' }],
    ['integer-like keys in both orders', { 1: 'a', 2: 'b', x: 'c' }],
    ['undefined values', { a: undefined, b: [undefined, 1] }],
    ['an array with a hole', { a: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['an own __proto__ key', JSON.parse('{"__proto__": {"x": 1}, "a": 1}')],
    ['a Date', { a: new Date(0) }],
    ['a function', { a: () => 1, b: 2 }],
    ['an object without prototype', Object.assign(Object.create(null), { a: 1, b: 2 })],
    ['an array with its own toJSON', { a: Object.assign([1], { toJSON: () => 'x' }) }],
    ['a class instance', { a: new (class X { public y = 1; })() }],
    ['strings that sort by code unit', { Z: 1, a: 2, é: 3 }],
  ])('%s: the same hash as a full sorted copy', (_name, value) => {
    expect(contentHash(value)).toEqual(referenceHash(value));
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

  test('a patch that adds a key out of order fails CR307 as well', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/args', ['--debug'])));
    expect(CanaryRules.check(CanaryRules.manifestsOf(chart)).map(f => f.code)).toEqual(['CR307']);
  });

  test('a patch of a pod label only fails CR307', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app', 'shop2')));
    expect(CanaryRules.check(CanaryRules.manifestsOf(chart)).map(f => f.code)).toContain('CR307');
  });
});
