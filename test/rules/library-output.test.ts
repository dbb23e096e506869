// The rules against what the library's own constructs write: no error for a default CanaryService, and the
// revision check (CR307) follows the library's way of computing the revision label.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { CanaryRules } from '../../src/rules/engine';
import { validateManifests } from '../support/schema';

function build() {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', { image: 'registry.example.com/shop:1.4.2', namespace: 'shop' });
  const rollout = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'Rollout')!;
  return { chart, rollout };
}

describe('library output', () => {
  test('a default CanaryService has no rule error', () => {
    const { chart } = build();
    const manifests = validateManifests(Testing.synth(chart));
    expect(CanaryRules.errors(CanaryRules.check(manifests)).map(f => CanaryRules.format(f))).toEqual([]);
  });

  test('fails if the pod template is patched after the library computed the revision (CR307)', () => {
    const { chart, rollout } = build();
    rollout.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop:1.4.3'));
    const errors = CanaryRules.errors(CanaryRules.check(Testing.synth(chart)));
    expect(errors.map(f => f.code)).toEqual(['CR307']);
    expect(errors[0].message).toMatch(/the revision label \("1\.4\.2-[0-9a-f]{10}"\) was computed for another pod template/);
  });
});
