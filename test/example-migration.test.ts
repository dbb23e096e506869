// The migration example (examples/migration, docs/migration.md): a Deployment behind a Service brought under canary
// releases in two commits, synthesized at each step as the pipeline would.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { runProgram } from '../scripts/render-docs';
import { CanaryRules, RolloutPlan } from '../src';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { podTemplateHash } from '../src/private/revision';

const STEPS = ['before', 'migrating', 'drained'] as const;
type Step = typeof STEPS[number];
const out: { [step: string]: { [file: string]: string } } = {};

beforeAll(() => {
  for (const step of STEPS) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `migration-${step}-`));
    try {
      runProgram(`examples/migration/${step}.ts`, outdir);
      out[step] = Object.fromEntries(fs.readdirSync(outdir).sort().map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf-8')]));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
});

const web = (step: Step): any[] => YAML.parseAllDocuments(out[step]['web.k8s.yaml']).map(d => d.toJS());
const application = (step: Step): any => findOne(YAML.parseAllDocuments(out[step]['argocd.k8s.yaml']).map(d => d.toJS()), 'Application', 'web');
const deploymentIgnore = (step: Step) => (application(step).spec.ignoreDifferences ?? []).filter((e: any) => e.kind === 'Deployment');

test.each(STEPS)('step %s: every object is schema-valid and the rules report no error', (step) => {
  const manifests = validateManifests(web(step));
  validateManifests([application(step)]);
  expect(CanaryRules.errors(CanaryRules.check(manifests)).map(f => CanaryRules.format(f))).toEqual([]);
});

test('before: a Deployment with 4 pods behind a Service, nothing else', () => {
  expect(web('before').map(m => m.kind).sort()).toEqual(['Deployment', 'Service']);
  expect(findOne(web('before'), 'Deployment').spec.replicas).toBe(4);
  expect(deploymentIgnore('before')).toEqual([]);
});

describe('migrating', () => {
  const m = () => web('migrating');

  test('the Rollout takes its pod template from the Deployment, which keeps its selector and its 4 replicas', () => {
    const ro = findOne(m(), 'Rollout');
    const d = findOne(m(), 'Deployment');
    expect(ro.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'progressively' });
    expect(ro.spec.template).toBeUndefined();
    expect(ro.spec.replicas).toBe(4);
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.selector).toEqual(findOne(web('before'), 'Deployment').spec.selector);
  });

  test('the Deployment\'s pod template only gains the version, revision and sidecar labels (one replacement of its pods)', () => {
    const before = findOne(web('before'), 'Deployment').spec.template;
    const now = findOne(m(), 'Deployment').spec.template;
    expect(now.spec).toEqual(before.spec);
    const added = Object.keys(now.metadata.labels).filter(k => !(k in before.metadata.labels)).sort();
    expect(added).toEqual(['app.kubernetes.io/version', 'service.istio.io/canonical-revision', 'sidecar.istio.io/inject', 'version']);
    expect(now.metadata.labels['service.istio.io/canonical-revision']).toEqual(`3.2.0-${podTemplateHash(now)}`);
    const arg = findOne(m(), 'Rollout').spec.strategy.canary.analysis.args.find((a: any) => a.name === 'canary-revision');
    expect(arg.value).toEqual(now.metadata.labels['service.istio.io/canonical-revision']);
  });

  test('the Service and both subsets select the Deployment\'s pods, so they keep the traffic until the Rollout\'s are ready', () => {
    const labels = findOne(m(), 'Deployment').spec.template.metadata.labels;
    const selects = (selector: { [k: string]: string }) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(selects(findOne(m(), 'Service').spec.selector)).toBe(true);
    expect(findOne(m(), 'Service').spec.selector).toEqual(findOne(web('before'), 'Service').spec.selector);
    for (const s of findOne(m(), 'DestinationRule').spec.subsets) expect([s.name, selects(s.labels)]).toEqual([s.name, true]);
  });

  test('Argo CD ignores the Deployment\'s replicas, which the controller drains', () => {
    expect(deploymentIgnore('migrating')).toEqual([{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'web', jsonPointers: ['/spec/replicas'] }]);
  });

  test('the plan shows the double capacity and warns not to release before the drain', () => {
    const plan = RolloutPlan.fromManifests(m(), 'web');
    expect(plan.migration).toEqual({ deployment: 'web', scaleDown: 'progressively', deploymentReplicas: 4, drained: false, peakPods: 8 });
    expect(plan.warnings.map(w => w.code)).toEqual(['PLAN025']);
    expect(out.migrating['web.plan.md']).toContain('| migration (double capacity) | 4 → 0 | 4 | up to 8 |');
  });
});

describe('drained', () => {
  test('the Deployment is written with 0 replicas and Argo CD no longer ignores them', () => {
    expect(findOne(web('drained'), 'Deployment').spec.replicas).toBe(0);
    expect(deploymentIgnore('drained')).toEqual([]);
    const plan = RolloutPlan.fromManifests(web('drained'), 'web');
    expect(plan.migration!.drained).toBe(true);
    expect(plan.warnings).toEqual([]);
  });

  test('the commit changes only the Deployment\'s replicas and the Application: no new revision', () => {
    const before = web('migrating');
    const after = web('drained');
    expect(after.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(before.map(o => `${o.kind}/${o.metadata.name}`));
    after.forEach((o, i) => {
      const expected = o.kind === 'Deployment' ? { ...before[i], spec: { ...before[i].spec, replicas: 0 } } : before[i];
      expect(o).toEqual(expected);
    });
  });
});
