// The plan's configuration coverage (PLAN023, PLAN024) and migration capacity (PLAN025, PLAN026).
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoRollout } from '../../src/argo-rollout';
import { CanaryService } from '../../src/canary-service';
import { IstioSubsets } from '../../src/istio-subsets';
import { PlanConfigCoverage, RolloutPlan } from '../../src/plan/rollout-plan';
import { VersionedConfigMap } from '../../src/versioned-config-map';
import { DeploymentMigrationOptions, WorkloadRef, WorkloadScaleDown } from '../../src/workload-ref';
import { canaryManifests, get } from '../support/canary-fixture';

const codes = (p: RolloutPlan) => p.warnings.map(w => w.code);

describe('configuration the revision covers', () => {
  function planOf(configure: (chart: Chart, svc: CanaryService) => void): RolloutPlan {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    configure(chart, svc);
    return RolloutPlan.fromManifests(Testing.synth(chart), 'shop');
  }

  test('lists each ConfigMap and Secret with its coverage; the uncovered ones are warnings', () => {
    // GIVEN a hashed ConfigMap, a versioned Secret, a plain ConfigMap in the chart and one made elsewhere, an unversioned Secret
    const p = planOf((chart, svc) => {
      const settings = new VersionedConfigMap(chart, 'settings', { name: 'shop-settings', data: { A: '1' } });
      const flags = new kplus.ConfigMap(chart, 'flags', { metadata: { name: 'flags' }, data: { B: '2' } });
      svc.container.env.copyFrom(kplus.Env.fromConfigMap(settings));
      svc.container.env.copyFrom(kplus.Env.fromConfigMap(flags));
      svc.container.env.copyFrom(kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(chart, 'ext', 'external')));
      const db = svc.rollout.referenceSecret('db', { version: 'v7' });
      svc.container.env.addVariable('DB', kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }));
      svc.container.env.addVariable('API', kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, 'api', 'api-key'), key: 'key' }));
    });
    // THEN
    expect(p.configs).toEqual([
      { kind: 'ConfigMap', name: 'external', coverage: PlanConfigCoverage.NONE, version: undefined },
      { kind: 'ConfigMap', name: 'flags', coverage: PlanConfigCoverage.NONE, version: undefined },
      { kind: 'ConfigMap', name: expect.stringMatching(/^shop-settings-[0-9a-f]{10}$/), coverage: PlanConfigCoverage.CONTENT_HASH, version: undefined },
      { kind: 'Secret', name: 'api-key', coverage: PlanConfigCoverage.NONE, version: undefined },
      { kind: 'Secret', name: 'db', coverage: PlanConfigCoverage.VERSION, version: 'v7' },
    ]);
    expect(codes(p)).toEqual(['PLAN023', 'PLAN023', 'PLAN024']);
    expect(p.warnings[0].message).toMatch(/^the pods read ConfigMap "external", which is not in the manifests: a change of it is not a new revision/);
    expect(p.warnings[1].message).toMatch(/read ConfigMap "flags", which is not content-hashed/);
    expect(p.warnings[2].message).toMatch(/read Secret "api-key" without a version in the pod template: a rotation is not a new revision/);
    const md = p.toMarkdown();
    expect(md).toContain('## Configuration');
    expect(md).toMatch(/\| ConfigMap `shop-settings-[0-9a-f]{10}` \| yes: content-hashed name \|/);
    expect(md).toContain('| Secret `db` | yes: version `v7` in the pod template |');
    expect(md).toContain('| ConfigMap `external` | **no** (PLAN023, not in the manifests) |');
    expect(md).toContain('| Secret `api-key` | **no** (PLAN024, not in the manifests) |');
  });

  test('a plan whose pods read nothing has no configuration section and no warning about it', () => {
    const p = planOf(() => undefined);
    expect(p.configs).toEqual([]);
    expect(p.toMarkdown()).not.toContain('## Configuration');
  });

  test('a ConfigMap labelled as versioned but not immutable is not counted as covered', () => {
    const m = canaryManifests();
    m.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg-0123456789', namespace: 'shop', labels: { 'cdk8s-canary/config': 'cfg' } }, data: {} });
    get(m, 'Rollout').spec.template.spec.volumes = [{ name: 'c', configMap: { name: 'cfg-0123456789' } }];
    expect(RolloutPlan.fromManifests(m).configs.map(c => c.coverage)).toEqual([PlanConfigCoverage.NONE]);
  });
});

describe('migration from a Deployment', () => {
  function migrationPlan(options: DeploymentMigrationOptions, deploymentReplicas = 4, rolloutReplicas?: number): RolloutPlan {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const d = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      replicas: deploymentReplicas,
      select: false,
      podMetadata: { labels: { app: 'web' } },
      containers: [{ image: 'ghcr.io/acme/web:2.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
    });
    d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(d, options), replicas: rolloutReplicas });
    return RolloutPlan.fromManifests(Testing.synth(chart), 'web');
  }

  test('progressively: a row for the double capacity and a warning not to release before the drain (PLAN025)', () => {
    const p = migrationPlan({});
    expect(p.migration).toEqual({ deployment: 'web', scaleDown: 'progressively', deploymentReplicas: 4, drained: false, peakPods: 8 });
    expect(codes(p)).toContain('PLAN025');
    expect(p.warnings.find(w => w.code === 'PLAN025')!.message).toMatch(
      /^the migration from Deployment "web" is not finished \(scaleDown "progressively"\): up to 8 pods run until the controller has drained it\. Finish the migration \('drained: true', docs\/migration\.md\) before the next release.*argo-rollouts#4935/);
    const md = p.toMarkdown();
    expect(md).toContain('## Migration');
    expect(md).toContain('| migration (double capacity) | 4 → 0 | 4 | up to 8 |');
    expect(md).toContain('as Rollout pods become ready, the controller sets it to 4 − ready Rollout pods, then 0');
  });

  test('progressively with more Rollout replicas than the Deployment: the controller first scales the Deployment up to replicas - 1', () => {
    expect(migrationPlan({}, 2, 6).migration!.peakPods).toBe(6 + 5);
    expect(migrationPlan({ scaleDown: WorkloadScaleDown.ON_SUCCESS }, 2, 6).migration!.peakPods).toBe(6 + 2);
  });

  test('never: the Deployment keeps its pods until it is written with 0 replicas (PLAN026)', () => {
    const p = migrationPlan({ scaleDown: WorkloadScaleDown.NEVER });
    expect(codes(p)).toContain('PLAN026');
    expect(codes(p)).not.toContain('PLAN025');
    expect(p.warnings.find(w => w.code === 'PLAN026')!.message).toMatch(
      /^the migration from Deployment "web" uses scaleDown "never": its 4 pod\(s\) keep running next to the Rollout's \(8 pods in all\) until the Deployment is written with 0 replicas/);
    expect(p.toMarkdown()).toContain('| migration (double capacity) | 4 → 4 | 4 | up to 8 |');
  });

  test('drained: no warning, the plan says the migration is finished', () => {
    const p = migrationPlan({ drained: true });
    expect(p.migration!.drained).toBe(true);
    expect(codes(p).filter(c => c === 'PLAN025' || c === 'PLAN026')).toEqual([]);
    expect(p.toMarkdown()).toContain('which is drained (0 replicas in the manifests): the migration is finished.');
  });

  test('the configuration the Deployment\'s pods read is covered through the Deployment\'s template', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const d = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      select: false,
      podMetadata: { labels: { app: 'web' } },
      containers: [{ image: 'ghcr.io/acme/web:2.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
    });
    d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    d.containers[0].env.copyFrom(kplus.Env.fromConfigMap(new VersionedConfigMap(chart, 'settings', { data: { A: '1' } })));
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(d) });
    const p = RolloutPlan.fromManifests(Testing.synth(chart), 'web');
    expect(p.configs.map(c => c.coverage)).toEqual([PlanConfigCoverage.CONTENT_HASH]);
  });

  test('a Deployment without replicas counts as the API server\'s default of 1; a Deployment not in the manifests gives no migration', () => {
    const m = canaryManifests();
    const ro = get(m, 'Rollout');
    const template = ro.spec.template;
    delete ro.spec.template;
    ro.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', scaleDown: 'onsuccess' };
    expect(RolloutPlan.fromManifests(m).migration).toBeUndefined();
    m.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'shop' } }, template } });
    expect(RolloutPlan.fromManifests(m).migration).toMatchObject({ deploymentReplicas: 1, peakPods: ro.spec.replicas + 1 });
  });
});
