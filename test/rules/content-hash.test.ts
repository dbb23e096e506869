// CR307 re-hashes the final pod template with the library's contentHash: a patched template no longer matches its
// revision label.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { ConstructRules } from '../../src/construct-rules';
import { contentHash } from '../../src/private/hash';
import { CanaryRules } from '../../src/rules/canary-rules';

function rolloutOf(patch?: (ro: ApiObject) => void): any {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', { image: 'registry.example.com/shop:1.4.2', namespace: 'shop' });
  const ro = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'Rollout')!;
  patch?.(ro);
  return { chart, json: ro.toJson() };
}

describe('the revision label and CR307', () => {
  test('the revision label of the template the library writes is its version and the hash of the template without it', () => {
    const { json } = rolloutOf();
    const t = json.spec.template;
    const labels = { ...t.metadata.labels };
    delete labels['service.istio.io/canonical-revision'];
    expect(t.metadata.labels['service.istio.io/canonical-revision']).toBe(`1.4.2-${contentHash({ labels, spec: t.spec })}`);
  });

  test('a patch of the pod template fails CR307 and reports the hash contentHash gives for the final template', () => {
    const { chart, json } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop:1.4.3')));
    const t = json.spec.template;
    const labels = { ...t.metadata.labels };
    delete labels['service.istio.io/canonical-revision'];
    const expected = contentHash({ labels, annotations: t.metadata.annotations, spec: t.spec });
    const findings = CanaryRules.check(ConstructRules.manifestsOf(chart)).filter(f => f.code === 'CR307');
    expect(findings.map(f => f.message)).toEqual([expect.stringContaining(`the final template hashes to "${expected}"`)]);
  });

  test('a patch that adds a key out of order fails CR307 as well', () => {
    const { chart } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/args', ['--debug'])));
    expect(CanaryRules.check(ConstructRules.manifestsOf(chart)).map(f => f.code)).toEqual(['CR307']);
  });

  test('a patch of a pod label only fails CR307', () => {
    const { chart } = rolloutOf(ro => ro.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app', 'shop2')));
    expect(CanaryRules.check(ConstructRules.manifestsOf(chart)).map(f => f.code)).toContain('CR307');
  });

  test('CR307\'s fix is complete in one round: the label and every revision argument it names, patched as it says, pass', () => {
    const patchImage = (ro: ApiObject) => ro.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop:1.4.3'));
    const { chart } = rolloutOf(patchImage);
    const [finding] = CanaryRules.check(ConstructRules.manifestsOf(chart)).filter(f => f.code === 'CR307');
    const fix = /patch the revision label too, to "([^"]+)", and the analysis argument "canary-revision" to the same value \(([^)]+)\)/.exec(finding.fix);
    expect(fix).not.toBeNull();
    const paths = fix![2].split(', ');
    expect(paths).toEqual(['spec.strategy.canary.analysis.args[0].value']);
    // WHEN the fix is applied as written
    const { chart: fixed } = rolloutOf(ro => {
      patchImage(ro);
      ro.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/service.istio.io~1canonical-revision', fix![1]));
      for (const p of paths) ro.addJsonPatch(JsonPatch.replace(`/${p.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, fix![1]));
    });
    // THEN
    expect(CanaryRules.check(ConstructRules.manifestsOf(fixed)).filter(f => f.code === 'CR307')).toEqual([]);
  });
});
