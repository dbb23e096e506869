// In a CanaryApp synth each chart runs the rules on its own objects: it gets exactly its own findings, warnings and
// errors, as when the rules run on that chart alone.
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { ArgoRollout } from '../../../src/argo-rollout';
import { CanaryApp } from '../../../src/canary-app';
import { CanaryService } from '../../../src/canary-service';
import { IstioSubsets } from '../../../src/istio-subsets';
import { chartWarnings } from '../../../src/private/synth/chart-rules';
import { CanaryRules } from '../../../src/rules/canary-rules';

function service(chart: Chart, name: string): ApiObject[] {
  new CanaryService(chart, name, { image: `registry.example.com/${name}:1.4.2`, name });
  return chart.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => c as ApiObject);
}

/** Three service charts: the second has a rule error (route name typo) and a warning (unknown Gateway). */
function build<A extends App>(app: A): { app: A; charts: Chart[]; objects: ApiObject[][] } {
  const charts = ['shop', 'cart', 'pay'].map(n => new Chart(app, n, { namespace: n }));
  const objects = charts.map((c, i) => service(c, ['shop', 'cart', 'pay'][i]));
  const vs = objects[1].find(o => o.kind === 'VirtualService')!;
  vs.addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'primry'));
  vs.addJsonPatch(JsonPatch.add('/spec/gateways', ['edge/public']));
  return { app, charts, objects };
}

/** The errors and warnings of each chart, each chart run alone outside a sweep. */
function alone(): { errors: string[]; warnings: string[] } {
  const { charts } = build(Testing.app());
  const findings = charts.map(c => CanaryRules.check(CanaryRules.manifestsOf(c)));
  return {
    errors: findings.flatMap((f, i) => CanaryRules.errors(f).map(e => `[${charts[i].node.path}] ${CanaryRules.format(e)}`)),
    warnings: findings.flatMap((f, i) => CanaryRules.warnings(f).map(w => `[${charts[i].node.path}] ${CanaryRules.format(w)}`)),
  };
}

describe('the rules of each chart in a CanaryApp synth', () => {
  test('each chart fails with exactly its own errors', () => {
    const expected = alone();
    expect(expected.errors.length).toBeGreaterThan(0);
    expect(expected.errors.every(e => e.startsWith('[cart] '))).toBe(true);
    const { app } = build(new CanaryApp({ plans: false }));
    expect(() => app.renderFiles()).toThrow(`Validation failed with the following errors:\n  ${expected.errors.join('\n  ')}`);
  });

  test('each chart keeps exactly its own warnings', () => {
    const expected = alone();
    expect(expected.warnings.length).toBeGreaterThan(0);
    const { app, objects, charts } = build(new CanaryApp({ plans: false }));
    objects[1].find(o => o.kind === 'VirtualService')!.addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'primary')); // no error now
    app.renderFiles();
    expect(charts.map(c => chartWarnings(c).map(w => `[${c.node.path}] ${CanaryRules.format(w)}`)).flat()).toEqual(expected.warnings);
    expect(app.warnings.filter(w => /\[CR\d+\]/.test(w))).toEqual(expected.warnings);
  });

  test('an object that cannot be rendered fails synth with its own error, also when an earlier chart is fine', () => {
    const { app, objects } = build(new CanaryApp({ plans: false }));
    const broken = objects[2].find(o => o.kind === 'Service')!;
    broken.addJsonPatch(JsonPatch.replace('/spec/nothing/here', 1));
    let expected = '';
    try {
      broken.toJson();
    } catch (e: any) {
      expected = e.message;
    }
    expect(expected).not.toEqual('');
    expect(() => app.renderFiles()).toThrow(expected);
  });

  test('a chart with a Rollout without container reports the Rollout\'s own error, as outside a CanaryApp', () => {
    const make = (app: App) => {
      build(app);
      const chart = new Chart(app, 'empty', { namespace: 'shop' });
      new ArgoRollout(chart, 'rollout', { subsets: new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } }) });
      return chart;
    };
    const expected = /\[empty\/rollout\] the Rollout has no container: pass 'containers' or call addContainer\(\)/;
    expect(() => Testing.synth(make(Testing.app()))).toThrow(expected);
    const app = new CanaryApp({ plans: false });
    make(app);
    expect(() => app.renderFiles()).toThrow(expected);
    expect(() => app.renderFiles()).not.toThrow(/cdk8s-plus|containers\[0\]/);
  });

  test('renders the same files twice in a row, and the same as a fresh app', () => {
    const fix = (a: CanaryApp) => {
      const { objects } = build(a);
      objects[1].find(o => o.kind === 'VirtualService')!.addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'primary'));
      return a;
    };
    const app = fix(new CanaryApp({ plans: false }));
    const first = app.renderFiles();
    expect(app.renderFiles()).toEqual(first);
    expect(fix(new CanaryApp({ plans: false })).renderFiles()).toEqual(first);
  });
});
