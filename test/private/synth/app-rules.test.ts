// The rules run over the whole app at synth, whichever App class synthesizes it: references across charts resolve,
// each chart reports the findings about its own objects (with the construct path), and an app split over several
// charts gives exactly the findings of the same objects in one chart.
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { ArgoRollout } from '../../../src/argo-rollout';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryApp } from '../../../src/canary-app';
import { CanaryService } from '../../../src/canary-service';
import { ConstructRules } from '../../../src/construct-rules';
import { IstioMetrics } from '../../../src/istio-metrics';
import { IstioSubsets } from '../../../src/istio-subsets';
import { attachAppRules, chartWarnings, oncePerConstruct } from '../../../src/private/synth/app-rules';
import { CanaryRules } from '../../../src/rules/canary-rules';
import { RuleFinding, RuleSeverity } from '../../../src/rules/finding';
import { BAD } from '../../rules/cases';
import { canaryManifests } from '../../support/canary-fixture';

const ARGO = { sourceRepoUrl: 'https://git.example.com/acme/gitops.git', destinationServer: 'https://kubernetes.default.svc' };

/** The validation errors of an app as cdk8s reports them (`Validation failed ...`), or '' when it synthesizes. */
function synthErrors(synth: () => unknown): string {
  try {
    synth();
    return '';
  } catch (e: any) {
    return e.message;
  }
}

/** The rule lines (`[chart] [CRxxx] ...`) of a validation message. */
function ruleLines(message: string): string[] {
  return message.split('\n').map(l => l.trim()).filter(l => /^\[[^\]]*\] (warning )?\[CR\d{3}\]/.test(l));
}

/** A finding without its origin, to compare findings of an app with those of the same objects in one set. */
function plain(f: RuleFinding): string {
  return `${f.severity} [${f.code}] ${f.object} ${f.path}: ${f.message}`;
}

/** The baseline manifests as raw objects, `assign(i)` giving the chart of the i-th (charts get no namespace: the objects have one). */
function rawApp<A extends App>(app: A, manifests: any[], assign: (i: number) => number): { app: A; charts: Chart[] } {
  const charts: Chart[] = [];
  manifests.forEach((m, i) => {
    const c = assign(i);
    charts[c] ??= new Chart(app, `part${c}`);
    new ApiObject(charts[c], `o${i}`, m);
  });
  const used = charts.filter(c => c);
  for (const c of used) attachAppRules(c); // as a construct of the library in the chart does
  return { app, charts: used };
}

/** Every way to put `n` objects into at most `k` charts (chart numbers in order of first use). */
function partitions(n: number, k: number): number[][] {
  const out: number[][] = [];
  const grow = (prefix: number[], used: number) => {
    if (prefix.length === n) {
      out.push(prefix);
      return;
    }
    for (let c = 0; c <= Math.min(used, k - 1); c++) grow([...prefix, c], Math.max(used, c + 1));
  };
  grow([], 0);
  return out;
}

describe('an app split over charts', () => {
  const parts = partitions(canaryManifests().length, 3);

  test('every split of the baseline into 1 to 3 charts synthesizes with no finding, with App and CanaryApp', () => {
    expect(parts).toHaveLength(122);
    for (const assign of parts) {
      const { app } = rawApp(Testing.app(), canaryManifests(), i => assign[i]);
      expect({ assign, findings: ConstructRules.check(app).map(plain) }).toEqual({ assign, findings: [] });
      expect({ assign, errors: synthErrors(() => app.synthYaml()) }).toEqual({ assign, errors: '' });
    }
    const { app } = rawApp(new CanaryApp({ plans: false }), canaryManifests(), i => parts[parts.length - 1][i]);
    expect(Object.keys(app.renderFiles())).toHaveLength(3);
    expect(app.warnings).toEqual([]);
  });

  // the cases of a partial set (lint of some files) are not what a synth of a whole app sees
  test.each(BAD.filter(c => !c.partial).map(c => [c.code, c.name, c] as const))('%s fails or warns across 3 charts as in one set, at the chart of its object: %s', (_code, _name, bad) => {
    const manifests = canaryManifests();
    bad.mutate(manifests);
    // the objects in 3 charts, round robin: Service, DestinationRule, Gateway, VirtualService, AnalysisTemplate, Rollout, extra ones
    const { app } = rawApp(Testing.app(), manifests, i => i % 3);
    const alone = CanaryRules.check(ConstructRules.manifestsOf(app)); // the same manifests (keys sorted by cdk8s) in one set
    expect(alone.some(f => f.code === bad.code)).toBe(true);
    const split = ConstructRules.check(app);
    // the same findings; only CR308 says where the two definitions are instead of "listed twice"
    const text = (f: RuleFinding) => f.code === 'CR308' ? `${f.code} ${f.object}` : plain(f);
    expect(split.map(text)).toEqual(alone.map(text));
    for (const f of split) {
      expect(f.origin?.unit).toEqual(`chart ${f.origin!.path.split('/')[0]}`);
    }
    const reported = ruleLines(synthErrors(() => app.synthYaml()));
    const expected = CanaryRules.errors(split).map(f => `[${f.origin!.path.split('/')[0]}] ${CanaryRules.format(f)}`);
    expect(reported.sort()).toEqual(expected.sort());
  });

  test('warns if a referenced object is outside the app, as for one chart (never a guess)', () => {
    const manifests = canaryManifests().filter(m => m.kind !== 'Gateway' && m.kind !== 'AnalysisTemplate');
    const { app } = rawApp(Testing.app(), manifests, i => i % 2);
    expect(ConstructRules.check(app).map(f => f.code)).toEqual(['CR122', 'CR206']);
    const gatewayMissing = ConstructRules.check(app).find(f => f.code === 'CR206')!;
    expect(gatewayMissing.message).toMatch(/the Gateway shop\/shop is not in the manifest set/);
  });

  test('a CanaryService with its AnalysisTemplate, Gateway and Argo CD Applications in other charts: no false error, and plans read the template', () => {
    const build = <A extends App>(app: A): A => {
      const templates = new Chart(app, 'templates', { namespace: 'shop' });
      const shop = new Chart(app, 'shop', { namespace: 'shop' });
      const argocd = new Chart(app, 'argocd');
      const template = IstioMetrics.successRateTemplate(templates, 'success', { templateMetadata: { name: 'shop-success' } });
      new CanaryService(shop, 'shop', { image: 'ghcr.io/acme/shop:1.4.2', defaultAnalysis: false, analysis: { templates: [template] } });
      new ArgoCdApplication(argocd, 'shop', { ...ARGO, name: 'shop', sourcePath: 'apps/shop', charts: [shop, templates] });
      return app;
    };
    expect(synthErrors(() => build(Testing.app()).synth())).toEqual('');
    const app = build(new CanaryApp());
    const files = app.renderFiles();
    expect(app.warnings.filter(w => /CR1(02|06|22)|PLAN007/.test(w))).toEqual([]);
    expect(files['shop.plan.md']).toBeDefined();
  });
});

describe('objects defined twice', () => {
  const service = (namespace = 'shop') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec: { ports: [{ name: 'http', port: 80 }] } });

  test('fails if two charts define the same object, naming both construct paths', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'web', service());
    new ApiObject(b, 'web', service());
    attachAppRules(a);
    attachAppRules(b);
    const lines = ruleLines(synthErrors(() => app.synthYaml()));
    expect(lines).toEqual([
      '[b] [CR308] Service shop/web metadata.name: Service shop/web is defined both in chart a and in chart b (at a/web and at b/web); '
      + 'it is one object in the cluster (same kind, namespace and name), so whichever is applied last replaces the other, and Argo CD sees '
      + "two owners of it (or the Application shows it twice). Fix: give one of them another name (for a construct of this library, its 'name' prop), "
      + 'put them in different namespaces, or remove one (see docs/rules.md#cr308; defined at b/web)',
    ]);
  });

  test('fails if one chart defines two services of the same name, saying so, without a misleading CR207', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new CanaryService(chart, 'checkout', { name: 'checkout', image: 'ghcr.io/acme/checkout:1.0.0' });
    new CanaryService(chart, 'checkout-v2', { name: 'checkout', image: 'ghcr.io/acme/checkout:2.0.0' });
    const lines = ruleLines(synthErrors(() => app.synth()));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every(l => l.startsWith('[shop] [CR308] '))).toBe(true);
    expect(lines.find(l => / Service shop\/checkout /.test(l))).toMatch(
      /is defined twice in chart shop \(at shop\/checkout\/Service and at shop\/checkout-v2\/Service\)/);
  });

  test('fails if a chart the rules check and one they do not define the same object: reported once, at the checked chart', () => {
    const build = (checked: 'a' | 'b') => {
      const app = Testing.app();
      const charts = { a: new Chart(app, 'a'), b: new Chart(app, 'b') };
      new ApiObject(charts.a, 'web', service());
      new ApiObject(charts.b, 'web', service());
      attachAppRules(charts[checked]);
      const argocd = new Chart(app, 'argocd');
      new ArgoCdApplication(argocd, 'a', { ...ARGO, name: 'a', sourcePath: 'a', charts: [charts.a] });
      new ArgoCdApplication(argocd, 'b', { ...ARGO, name: 'b', sourcePath: 'b', charts: [charts.b] });
      return app;
    };
    for (const checked of ['a', 'b'] as const) {
      const message = synthErrors(() => build(checked).synth());
      expect(ruleLines(message)).toEqual([expect.stringMatching(new RegExp(`^\\[${checked}\\] \\[CR308\\] Service shop/web .*defined both in chart a and in chart b`))]);
      expect(message).not.toMatch(/deployed by both Application/);
    }
  });

  test('two charts with the same objects for two clusters are no duplicates; for one cluster they are', () => {
    const build = (server2: string) => {
      const app = Testing.app();
      const eu = new Chart(app, 'eu');
      const us = new Chart(app, 'us');
      new ApiObject(eu, 'web', service());
      new ApiObject(us, 'web', service());
      attachAppRules(eu);
      attachAppRules(us);
      const argocd = new Chart(app, 'argocd');
      new ArgoCdApplication(argocd, 'eu', { ...ARGO, name: 'eu', sourcePath: 'eu', charts: [eu] });
      new ArgoCdApplication(argocd, 'us', { ...ARGO, name: 'us', sourcePath: 'us', destinationServer: server2, charts: [us] });
      return app;
    };
    expect(synthErrors(() => build('https://us.example.com').synth())).toEqual('');
    expect(ruleLines(synthErrors(() => build(ARGO.destinationServer).synth()))).toEqual([
      expect.stringMatching(/^\[us\] \[CR308\] Service shop\/web metadata\.name: Service shop\/web is defined both in chart eu and in chart us/),
    ]);
  });

  test('fails if two Applications deploy one object of two charts the rules do not check: the Application reports it, as before', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'web', service());
    new ApiObject(b, 'web', service());
    const argocd = new Chart(app, 'argocd');
    new ArgoCdApplication(argocd, 'a', { ...ARGO, name: 'a', sourcePath: 'a', charts: [a] });
    new ArgoCdApplication(argocd, 'b', { ...ARGO, name: 'b', sourcePath: 'b', charts: [b] });
    const message = synthErrors(() => app.synth());
    expect(message).toMatch(/\[argocd\/a\] 1 object\(s\) are deployed by both Application "a" and Application "b"/);
    expect(ruleLines(message)).toEqual([]);
  });

  test('objects without namespace land in the destination namespace of their Application: two namespaces, no duplicate', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'web', { ...service(), metadata: { name: 'web' } });
    new ApiObject(b, 'web', { ...service(), metadata: { name: 'web' } });
    const argocd = new Chart(app, 'argocd');
    new ArgoCdApplication(argocd, 'a', { ...ARGO, name: 'a', sourcePath: 'a', destinationNamespace: 'team-a', charts: [a] });
    new ArgoCdApplication(argocd, 'b', { ...ARGO, name: 'b', sourcePath: 'b', destinationNamespace: 'team-b', charts: [b] });
    expect(synthErrors(() => app.synth())).toEqual('');
    expect(ConstructRules.inputsOf(app).filter(i => i.manifest.kind === 'Service').map(i => i.origin)).toEqual([
      { path: 'a/web', unit: 'chart a', defaultNamespace: 'team-a', cluster: `server ${ARGO.destinationServer}` },
      { path: 'b/web', unit: 'chart b', defaultNamespace: 'team-b', cluster: `server ${ARGO.destinationServer}` },
    ]);
  });
});

describe('the rule run of a synth', () => {
  /** A fleet of `n` services, each in its own chart, with one Application per chart: as a user writes it. */
  function fleet<A extends App>(app: A, n: number): A {
    const argocd = new Chart(app, 'argocd');
    for (let i = 0; i < n; i++) {
      const chart = new Chart(app, `svc${i}`, { namespace: 'fleet' });
      new CanaryService(chart, `svc${i}`, { image: `ghcr.io/acme/svc${i}:1.0.0` });
      new ArgoCdApplication(argocd, `svc${i}`, { ...ARGO, name: `svc${i}`, sourcePath: `apps/svc${i}`, charts: [chart] });
    }
    return app;
  }

  afterEach(() => jest.restoreAllMocks());

  test.each([
    ['App.synth()', (app: App) => app.synth()],
    ['App.synthYaml()', (app: App) => app.synthYaml()],
    ['CanaryApp.renderFiles()', (app: App) => (app as CanaryApp).renderFiles()],
  ])('%s runs the rules once, although cdk8s validates the app once per chart', (_name, synth) => {
    const app = fleet(_name.startsWith('CanaryApp') ? new CanaryApp({ outdir: Testing.app().outdir }) : Testing.app(), 4);
    const run = jest.spyOn(CanaryRules, 'checkInputs');
    synth(app);
    expect(run).toHaveBeenCalledTimes(1);
    synth(app);
    expect(run).toHaveBeenCalledTimes(2);
  });

  test('outside a synth, one validation pass over the app (Testing.synth of a chart) runs the rules once', () => {
    const app = fleet(Testing.app(), 4);
    const run = jest.spyOn(CanaryRules, 'checkInputs');
    Testing.synth(app.node.findChild('svc2') as Chart);
    expect(run).toHaveBeenCalledTimes(1);
    // a chart's validation called on its own computes on its own
    (app.node.findChild('svc2') as Chart).node.validate();
    expect(run).toHaveBeenCalledTimes(2);
  });

  test('fails if an escape hatch breaks an object between two synths in one function: each synth sees the objects as they are', () => {
    const app = fleet(Testing.app(), 2);
    expect(synthErrors(() => app.synthYaml())).toEqual('');
    const svc = (app.node.findChild('svc1') as Chart).node.findChild('svc1') as CanaryService;
    ApiObject.of(svc.subsets.virtualService).addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'main'));
    expect(ruleLines(synthErrors(() => app.synthYaml()))).toEqual([expect.stringMatching(/^\[svc1\] \[CR103\] Rollout fleet\/svc1 /)]);
    expect(ruleLines(synthErrors(() => Testing.synth(app.node.findChild('svc0') as Chart)))).toEqual([expect.stringMatching(/^\[svc1\] \[CR103\] /)]);
    expect(ruleLines(synthErrors(() => app.synth()))).toEqual([expect.stringMatching(/^\[svc1\] \[CR103\] /)]);
  });

  test('each chart keeps exactly its own warnings, and CanaryApp prints them with the chart path', () => {
    const app = fleet(new CanaryApp({ plans: false }), 2);
    const svc = (app.node.findChild('svc1') as Chart).node.findChild('svc1') as CanaryService;
    ApiObject.of(svc.subsets.virtualService).addJsonPatch(JsonPatch.add('/spec/gateways', ['edge/public']));
    app.renderFiles();
    expect(chartWarnings(app.node.findChild('svc0') as Chart)).toEqual([]);
    const own = chartWarnings(app.node.findChild('svc1') as Chart);
    expect(own.map(f => [f.code, f.severity, f.origin?.path])).toEqual([['CR206', RuleSeverity.WARNING, 'svc1/svc1/Subsets/VirtualService']]);
    expect(app.warnings.filter(w => /\[CR\d+\]/.test(w))).toEqual(own.map(f => `[svc1] ${CanaryRules.format(f)}`));
  });

  test('an object that cannot be rendered fails synth with its own error', () => {
    const app = fleet(new CanaryApp({ plans: false }), 3);
    const broken = (app.node.findChild('svc2') as Chart).node.findAll().find(c => ApiObject.isApiObject(c) && c.kind === 'Service') as ApiObject;
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

  test('a Rollout without container reports its own error only, with App and CanaryApp', () => {
    const make = <A extends App>(app: A): A => {
      fleet(app, 2);
      const chart = new Chart(app, 'empty', { namespace: 'shop' });
      new ArgoRollout(chart, 'rollout', { subsets: new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } }) });
      return app;
    };
    const expected = /\[empty\/rollout\] the Rollout has no container: pass 'containers' or call addContainer\(\)/;
    expect(() => make(Testing.app()).synthYaml()).toThrow(expected);
    const app = make(new CanaryApp({ plans: false }));
    expect(() => app.renderFiles()).toThrow(expected);
    expect(() => app.renderFiles()).not.toThrow(/cdk8s-plus|containers\[0\]|\[CR\d+\]/);
  });

  test('renders the same files twice in a row, and the same as a fresh app', () => {
    const first = fleet(new CanaryApp(), 3).renderFiles();
    const app = fleet(new CanaryApp(), 3);
    expect(app.renderFiles()).toEqual(first);
    expect(app.renderFiles()).toEqual(first);
  });
});

describe('oncePerConstruct', () => {
  const app = Testing.app();
  const [a, b] = [new Chart(app, 'a'), new Chart(app, 'b')];
  /** A finding (`origin` null: one without an origin, as plain manifests give). */
  const finding = (object: string, path: string, message = 'the problem', origin: string | null = 'x'): RuleFinding => ({
    code: 'CR232', severity: RuleSeverity.WARNING, object, path, message, fix: 'the fix', origin: origin === null ? undefined : { path: origin },
  });

  test('findings with the same code, message and fix about objects of one construct: the first, naming the others', () => {
    const f = [finding('VirtualService s/x', 'spec.http[0]'), finding('VirtualService s/y', 'spec.http[0]'), finding('VirtualService s/x', 'spec.http[1]')];
    expect(oncePerConstruct(f, () => a)).toEqual([{
      ...f[0],
      message: 'the problem (the same at VirtualService s/y spec.http[0], VirtualService s/x spec.http[1]: one construct made them all)',
    }]);
  });

  test('fails to merge (keeps each, in order) across constructs, messages, fixes, codes, and without an origin', () => {
    const f = [finding('V s/x', 'p'), finding('V s/y', 'p'), finding('V s/x', 'q', 'another problem'), { ...finding('V s/x', 'r'), fix: 'another fix' },
      { ...finding('V s/x', 's'), code: 'CR231' }, finding('V s/x', 't', 'the problem', null), finding('V s/x', 'u', 'the problem', null)];
    expect(oncePerConstruct(f, g => (g === f[1] ? b : a))).toEqual(f);
  });
});
