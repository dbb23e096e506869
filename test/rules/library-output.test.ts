// The rules against what the library's own constructs write: no error for a default CanaryService, and the
// revision check (CR307) follows the library's way of computing the revision label.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { ConstructRules } from '../../src/construct-rules';
import { CanaryRules } from '../../src/rules/canary-rules';
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
    // the engine on the final objects
    const errors = CanaryRules.errors(CanaryRules.check(ConstructRules.manifestsOf(chart)));
    expect(errors.map(f => f.code)).toEqual(['CR307']);
    expect(errors[0].message).toMatch(/the revision label \("1\.4\.2-[0-9a-f]{10}"\) was computed for another pod template/);
    // and synth, where the library runs the rules on every chart, fails with it
    expect(() => Testing.synth(chart)).toThrow(/\[CR307\] Rollout shop\/shop spec\.template\.metadata\.labels/);
  });

  test('the typical new-user mistakes made through escape hatches fail synth together, each with what to change', () => {
    const { chart, rollout } = build();
    const vs = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'VirtualService')!;
    const dr = chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject).find(o => o.kind === 'DestinationRule')!;
    vs.addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'primry')); // a typo in the route name
    dr.addJsonPatch(JsonPatch.add('/spec/subsets/0/labels/version', '1.4.2')); // a subset labelled with `version`
    rollout.addJsonPatch(JsonPatch.replace('/spec/strategy/canary/steps/0/setWeight', 120)); // a step weight of 120
    rollout.addJsonPatch(JsonPatch.remove('/spec/strategy/canary/analysis/args/1')); // an analysis argument no one supplies
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/route "primary" .*not found|"primary".*VirtualService/i);
    expect(message).toMatch(/version/);
    expect(message).toMatch(/120/);
    expect(message).toMatch(/namespace/);
    expect(message.split('\n').filter(l => /\[CR\d{3}\]/.test(l)).length).toBeGreaterThanOrEqual(4);
    expect(message.split('\n').filter(l => /\[CR\d{3}\]/.test(l)).every(l => /Fix: /.test(l))).toBe(true);
  });
});
