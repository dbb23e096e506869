import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { BAD, GOOD } from './cases';
import { ConstructRules } from '../../src/construct-rules';
import { contentHash } from '../../src/private/hash';
import { runRules } from '../../src/rules/_run';
import { CanaryRules } from '../../src/rules/canary-rules';
import { RuleFinding, RuleSeverity } from '../../src/rules/finding';
import { canaryManifests, get } from '../support/canary-fixture';
import { validateManifests } from '../support/schema';

function check(mutate: (m: any[]) => void = () => undefined, partial = false): RuleFinding[] {
  const m = canaryManifests();
  mutate(m);
  return partial ? runRules(m, { partial }) : CanaryRules.check(m);
}

function describeFindings(findings: RuleFinding[]): string {
  return findings.map(f => CanaryRules.format(f)).join('\n') || '(no findings)';
}

describe('baseline', () => {
  test('the fixture is valid against the upstream schemas', () => {
    expect(() => validateManifests(canaryManifests())).not.toThrow();
  });

  test('the baseline canary has no finding at all', () => {
    const findings = check();
    expect(describeFindings(findings)).toEqual('(no findings)');
  });

  test('objects of other kinds and junk entries are ignored', () => {
    const findings = check(m => m.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, null, 'text', {}));
    expect(findings).toEqual([]);
  });
});

describe('bad inputs', () => {
  test('there are at least 40 distinct bad inputs', () => {
    expect(new Set(BAD.map(c => c.name)).size).toBe(BAD.length);
    expect(BAD.length).toBeGreaterThanOrEqual(40);
  });

  test.each(BAD.map(c => [`${CanaryRules.info(c.code).severity === RuleSeverity.ERROR ? 'fails' : 'warns'} if ${c.name} (${c.code})`, c]))('%s', (_name, c) => {
    const bad = c as typeof BAD[number];
    // GIVEN the baseline with one mistake
    // WHEN
    const findings = check(bad.mutate, bad.partial);
    // THEN
    const withCode = findings.filter(f => f.code === bad.code);
    const hit = withCode.find(f => bad.message.test(f.message));
    if (!hit) throw new Error(`expected ${bad.code} matching ${bad.message}, got:\n${describeFindings(findings)}`);
    expect(hit.severity).toEqual(CanaryRules.info(bad.code).severity);
    if (bad.path !== undefined) expect(hit.path).toEqual(bad.path);
    if (bad.object !== undefined) expect(hit.object).toEqual(bad.object);
    expect(hit.fix.length).toBeGreaterThan(10);
  });

  test('every rule has a bad input that triggers it', () => {
    const covered = new Set(BAD.map(c => c.code));
    expect(CanaryRules.ALL.map(r => r.code).filter(c => !covered.has(c))).toEqual([]);
  });
});

describe('near misses', () => {
  test.each(GOOD.map(c => [`does not report ${c.codes.join(', ')} for ${c.name}`, c]))('%s', (_name, c) => {
    const good = c as typeof GOOD[number];
    const findings = check(good.mutate, good.partial).filter(f => good.codes.includes(f.code));
    expect(describeFindings(findings)).toEqual('(no findings)');
  });

  test('every rule has a near miss that does not trigger it', () => {
    const covered = new Set(GOOD.flatMap(c => c.codes));
    expect(CanaryRules.ALL.map(r => r.code).filter(c => !covered.has(c))).toEqual([]);
  });
});

describe('reporting', () => {
  test('all problems are reported together, errors first', () => {
    // GIVEN three mistakes of different rules, and a warning
    const findings = check(m => {
      get(m, 'Rollout').spec.strategy.canary.steps[0].setWeight = 120;
      get(m, 'VirtualService').spec.http[0].name = 'main';
      get(m, 'Service').spec.ports[0].name = 'web';
      get(m, 'DestinationRule').spec.subsets[0].labels.version = 'v1';
    });
    // THEN
    const codes = findings.map(f => f.code);
    expect(codes).toEqual(expect.arrayContaining(['CR103', 'CR111', 'CR213', 'CR303']));
    const firstWarning = findings.findIndex(f => f.severity === RuleSeverity.WARNING);
    expect(findings.slice(firstWarning).every(f => f.severity === RuleSeverity.WARNING)).toBe(true);
    expect(CanaryRules.errors(findings).map(f => f.code)).not.toContain('CR213');
    expect(CanaryRules.warnings(findings).map(f => f.code)).toEqual(['CR213']);
  });

  test('the order of findings does not depend on the order of the manifests', () => {
    const mutate = (m: any[]) => {
      get(m, 'Rollout').spec.strategy.canary.steps[0].setWeight = 120;
      get(m, 'VirtualService').spec.http[0].name = 'main';
      delete get(m, 'Rollout').spec.template.spec.containers[0].readinessProbe;
    };
    const a = canaryManifests();
    mutate(a);
    const b = [...a].reverse();
    expect(CanaryRules.check(b)).toEqual(CanaryRules.check(a));
  });

  test('a finding formats as one line with code, object, path, message and fix', () => {
    const [f] = check(m => { get(m, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['primry']; });
    const line = CanaryRules.format(f);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^\[CR103\] Rollout shop\/shop spec\.strategy\.canary\.trafficRouting\.istio\.virtualService\.routes\[0\]: route "primry" .*\. Fix: rename the route in the VirtualService or fix the name in 'routes' \(did you mean "primary"\?\) \(see docs\/rules\.md#cr103\)$/);
  });

  test('a warning formats with a warning prefix', () => {
    const [f] = check(m => { get(m, 'Service').spec.ports[0].name = 'web'; });
    expect(CanaryRules.format(f)).toMatch(/^warning \[CR213\] Service shop\/shop spec\.ports\[0\]\.name: /);
  });

  test('skip leaves out the listed codes', () => {
    const m = canaryManifests();
    get(m, 'Service').spec.ports[0].name = 'web';
    expect(CanaryRules.check(m, { skip: ['CR213'] })).toEqual([]);
  });

  test('an object without namespace is shown by name and matched in "default"', () => {
    const findings = check(m => {
      for (const o of m) delete o.metadata.namespace;
      get(m, 'VirtualService').spec.gateways = ['shop', 'mesh'];
      get(m, 'VirtualService').spec.http[0].name = 'main';
    });
    const hit = findings.find(f => f.code === 'CR103');
    expect(hit?.object).toEqual('Rollout shop');
    expect(hit?.message).toMatch(/VirtualService shop \(its named routes: "main"\)/);
  });

  test('fails if skip names an unknown code', () => {
    expect(() => CanaryRules.check(canaryManifests(), { skip: ['CR213', 'IST0118'] }))
      .toThrow(`'skip' ("IST0118") is not a rule code: use codes from docs/rules.md (CR101…${CanaryRules.ALL[CanaryRules.ALL.length - 1].code})`);
  });

  test('fails if an unknown code is asked for', () => {
    expect(() => CanaryRules.info('CR999'))
      .toThrow(`'code' ("CR999") is not a rule of the catalog: use one of CR101…${CanaryRules.ALL[CanaryRules.ALL.length - 1].code}`);
  });
});

describe('fixes that work in one round', () => {
  test('warns if a success condition passes without data; the condition the fix gives passes', () => {
    const withCondition = (cond: string) => check(m => { get(m, 'AnalysisTemplate', 'shop-success-rate').spec.metrics[0].successCondition = cond; })
      .filter(f => f.code === 'CR309');
    const [finding] = withCondition('(len(result) < 1 || result[0] >= 0.95)');
    expect(finding.severity).toBe('warning');
    const fixed = /successCondition "([^"]+)"/.exec(finding.fix)![1];
    expect(fixed).toBe('len(result) > 0 && (result[0] >= 0.95)');
    expect(withCondition(fixed)).toEqual([]);
  });

  test('fails if the weighted route is a managed route; the fix names route names that are free', () => {
    const findings = check(m => {
      const canary = get(m, 'Rollout').spec.strategy.canary;
      canary.trafficRouting.managedRoutes = [{ name: 'primary' }, { name: 'primary-preview' }];
      get(m, 'VirtualService').spec.http.push({ name: 'weighted', route: [{ destination: { host: 'shop.shop.svc.cluster.local', subset: 'stable' } }] });
    }).filter(f => f.code === 'CR116');
    expect(findings.map(f => f.fix)).toEqual([
      'rename the header or mirror route of the steps and its \'managedRoutes\' entry, for example to "primary-preview-2", '
      + 'or give the weighted route another name, for example "weighted-2"',
    ]);
  });
});

describe('new-user mistakes', () => {
  test('fails if a route is renamed by a patch, a subset is labelled version, a weight is 120 and an argument is missing, all reported at once', () => {
    // GIVEN the baseline as cdk8s objects, checked at synth time
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const objects = canaryManifests().map((m, i) => new ApiObject(chart, `o${i}`, m));
    chart.node.addValidation({ validate: () => CanaryRules.errors(ConstructRules.check(chart)).map(f => CanaryRules.format(f)) });
    const byKind = (kind: string, name = 'shop') => objects.find(o => o.kind === kind && o.name === name)!;

    // WHEN the four typical mistakes are made through escape hatches
    byKind('VirtualService').addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'primary-route'));
    byKind('DestinationRule').addJsonPatch(JsonPatch.add('/spec/subsets/0/labels/version', 'v1'));
    byKind('Rollout').addJsonPatch(JsonPatch.replace('/spec/strategy/canary/steps/2/setWeight', 120));
    byKind('Rollout').addJsonPatch(JsonPatch.remove('/spec/strategy/canary/analysis/args'));

    // THEN synth fails once, with one line per problem saying what to change
    let message = '';
    try {
      app.synthYaml();
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/\[CR103\] Rollout shop\/shop .*routes\[0\]: route "primary" is not an HTTP route .*Fix: rename the route in the VirtualService or fix the name in 'routes'/);
    expect(message).toMatch(/\[CR303\] DestinationRule shop\/shop spec\.subsets\[0\]\.labels: subset "stable" selects the label "version" \("v1"\).*Fix: remove "version" from the subset labels/);
    expect(message).toMatch(/\[CR111\] Rollout shop\/shop spec\.strategy\.canary\.steps\[2\]\.setWeight: 'setWeight' \(120\) must be an integer between 0 and 100.*Fix: set step 2 to a percentage of traffic between 0 and 100 \(for example 100\)/);
    expect(message).toMatch(/\[CR125\] Rollout shop\/shop spec\.strategy\.canary\.analysis\.args: argument "canary-revision" .*Fix: add \{ name: "canary-revision", value: <value> \}/);
    expect(message.split('\n').filter(l => /\[CR\d{3}\]/.test(l))).toHaveLength(4);
  });
});

describe('escape hatches', () => {
  test('fails if a JSON patch renames the weighted route, and the chart-level hook reports it', () => {
    // GIVEN a chart made of the baseline objects, with a validation that runs the rules on the final output
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const objects = canaryManifests().map((m, i) => new ApiObject(chart, `o${i}`, m));
    chart.node.addValidation({ validate: () => CanaryRules.errors(ConstructRules.check(chart)).map(f => CanaryRules.format(f)) });
    expect(() => app.synthYaml()).not.toThrow();

    // WHEN a user patches the VirtualService through the escape hatch
    const vs = objects.find(o => o.kind === 'VirtualService')!;
    ApiObject.of(vs).addJsonPatch(JsonPatch.replace('/spec/http/0/name', 'main'));

    // THEN
    expect(() => app.synthYaml()).toThrow(/\[CR103\] Rollout shop\/shop spec\.strategy\.canary\.trafficRouting\.istio\.virtualService\.routes\[0\]: route "primary" is not an HTTP route of VirtualService shop\/shop \(its named routes: "main"\)/);
  });

  test('manifestsOf collects the objects of all charts of an app, patches applied', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const all = canaryManifests();
    const gw = get(all, 'Gateway');
    const rest = all.filter(m => m !== gw);
    new ApiObject(a, 'gw', gw).addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'edge' }));
    rest.forEach((m, i) => new ApiObject(b, `o${i}`, m));
    const manifests = ConstructRules.manifestsOf(app);
    expect(manifests).toHaveLength(6);
    expect(manifests[0].metadata.labels).toEqual({ team: 'edge' });
    expect(ConstructRules.check(app)).toEqual([]);
    expect(ConstructRules.check(b).map(f => f.code)).toEqual(['CR206']);
  });

  test('fails if a JSON patch labels a subset with version', () => {
    const chart = Testing.chart();
    const objects = canaryManifests().map((m, i) => new ApiObject(chart, `o${i}`, m));
    const dr = objects.find(o => o.kind === 'DestinationRule')!;
    dr.addJsonPatch(JsonPatch.add('/spec/subsets/1/labels/version', 'v2'));
    const findings = CanaryRules.check(Testing.synth(chart));
    expect(findings.map(f => CanaryRules.format(f))).toEqual([
      expect.stringMatching(/^\[CR303\] DestinationRule shop\/shop spec\.subsets\[1\]\.labels: subset "canary" selects the label "version" \("v2"\).*Fix: remove "version" from the subset labels/),
    ]);
  });
});

describe('catalog and docs', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf-8');
  const sections = [...docs.matchAll(/^## (CR\d{3}) (.+)$/gm)].map(m => ({ code: m[1], heading: m[2] }));

  test('codes are unique, ordered and grouped by source', () => {
    const codes = CanaryRules.ALL.map(r => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const r of CanaryRules.ALL) {
      expect({ code: r.code, source: r.source }).toEqual({ code: r.code, source: { 1: 'argo-rollouts', 2: 'istio', 3: 'library', 4: 'argo-cd' }[Number(r.code[2])] });
      expect(r.docs).toEqual(`docs/rules.md#${r.code.toLowerCase()}`);
    }
  });

  test('every rule has a section in docs/rules.md, and every section a rule', () => {
    expect(sections.map(s => s.code)).toEqual(CanaryRules.ALL.map(r => r.code));
  });

  test('the README states how many rules the catalog has (all but CR335, which only lint reports)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    expect(/(\d+) synth-time rules, plus CR335 for `lint`/.exec(readme)?.[1]).toEqual(String(CanaryRules.ALL.length - 1));
  });

  test('every docs heading is the title of the rule', () => {
    const headings = Object.fromEntries(sections.map(s => [s.code, s.heading]));
    const mismatched = CanaryRules.ALL.filter(r => headings[r.code] !== r.title.replace(/`/g, '')).map(r => `${r.code}: "${r.title}" vs "${headings[r.code]}"`);
    expect(mismatched).toEqual([]);
  });

  test('every docs section has the anchor, the severity and the fix', () => {
    for (const r of CanaryRules.ALL) {
      const start = docs.indexOf(`## ${r.code} `);
      const next = docs.indexOf('\n## ', start + 1);
      const body = docs.slice(start, next < 0 ? undefined : next);
      expect({ code: r.code, anchor: docs.includes(`<a id="${r.code.toLowerCase()}"></a>`) }).toEqual({ code: r.code, anchor: true });
      expect({ code: r.code, severity: body.includes(`**Severity:** ${r.severity}`) }).toEqual({ code: r.code, severity: true });
      expect({ code: r.code, fix: /\*\*Fix:\*\*/.test(body) }).toEqual({ code: r.code, fix: true });
    }
  });

  test('ALL is a copy: changing it does not change the catalog', () => {
    const before = CanaryRules.info('CR101').severity;
    (CanaryRules.ALL[0] as any).severity = 'x';
    expect(CanaryRules.info('CR101').severity).toEqual(before);
    (CanaryRules.ALL[0] as any).severity = before;
  });
});

// The rules compare and look values up without building Sets, Maps or lists when nothing is reported: the answers
// are those of the Set, Map and Array lookups they replace, including the corner cases below.
describe('lookups without intermediate collections', () => {
  test('CR116 compares route names as a Set does (NaN equals NaN)', () => {
    const findings = check(m => {
      const canary = get(m, 'Rollout').spec.strategy.canary;
      canary.trafficRouting.managedRoutes = [{ name: NaN }];
      canary.trafficRouting.istio.virtualService.routes = [NaN];
    });
    expect(findings.filter(f => f.code === 'CR116').map(f => f.path)).toEqual(['spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]']);
  });

  test('CR125 reads the last of two Rollout args with the same name, as a Map filled in order does', () => {
    const withArgs = (args: any[]) => check(m => {
      get(m, 'Rollout').spec.strategy.canary.analysis.args = args;
    }).filter(f => f.code === 'CR125').map(f => f.message);
    expect(withArgs([{ name: 'canary-revision', value: 'x' }, { name: 'canary-revision' }])).toEqual([expect.stringMatching(/argument "canary-revision" of/)]);
    expect(withArgs([{ name: 'canary-revision' }, { name: 'canary-revision', value: 'x' }])).toEqual([]);
  });

  test('CR307 hashes labels with an own "__proto__" key as the spread copy does', () => {
    // JSON.parse makes "__proto__" an own key; the rule hashes the labels without the revision label as `{ ...labels }`
    // followed by `delete` gives them
    const REVISION_LABEL = 'service.istio.io/canonical-revision';
    const template = get(canaryManifests(), 'Rollout').spec.template;
    const labels = JSON.parse(JSON.stringify(template.metadata.labels).replace('{', '{"__proto__":{"a":"b"},'));
    expect(Object.keys(labels)).toContain('__proto__');
    const rest = { ...labels };
    delete rest[REVISION_LABEL];
    const hash = contentHash({ annotations: template.metadata.annotations, labels: rest, spec: template.spec });
    const withRevision = (revision: string) => check(m => {
      const t = get(m, 'Rollout').spec.template;
      t.metadata.labels = JSON.parse(JSON.stringify(labels));
      t.metadata.labels[REVISION_LABEL] = revision;
    }).filter(f => f.code === 'CR307' && f.path.startsWith('spec.template'));
    expect(withRevision(`1.4.2-${hash}`)).toEqual([]);
    expect(withRevision('1.4.2-0000000000').map(f => f.message)).toEqual([expect.stringContaining(`hashes to "${hash}"`)]);
  });
});
