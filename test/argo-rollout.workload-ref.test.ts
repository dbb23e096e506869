import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoRollout, ArgoRolloutProps } from '../src/argo-rollout';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { podTemplateHash } from '../src/private/revision';
import { CanaryRules } from '../src/rules/canary-rules';
import { VersionedConfigMap } from '../src/versioned-config-map';
import { DeploymentMigrationOptions, WorkloadRef, WorkloadScaleDown } from '../src/workload-ref';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const REVISION_LABEL = 'service.istio.io/canonical-revision';

/** The Deployment "web" as a team runs it before the migration: selected by `app: web`, behind a Service. */
function webDeployment(chart: Chart, props: Partial<kplus.DeploymentProps> = {}, labels: { [k: string]: string } = { app: 'web' }): kplus.Deployment {
  const d = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web' },
    replicas: 3,
    select: false,
    podMetadata: { labels },
    containers: [{ name: 'main', image: 'ghcr.io/acme/web:2.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
    ...props,
  });
  d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
  return d;
}

function migration(options: DeploymentMigrationOptions = {}, props: Partial<ArgoRolloutProps> = {}) {
  const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
  const deployment = webDeployment(chart);
  const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
  const rollout = new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment, options), ...props });
  return { chart, deployment, subsets, rollout };
}

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

describe('ArgoRollout with workloadRef (migration from a Deployment)', () => {
  test('the Rollout references the Deployment, has no pod template, selects the identity labels and takes the Deployment\'s replicas', () => {
    // GIVEN
    const { chart } = migration();
    // WHEN
    const manifests = synth(chart);
    // THEN
    const ro = findOne(manifests, 'Rollout');
    expect(ro.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'progressively' });
    expect(ro.spec.template).toBeUndefined();
    expect(ro.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(ro.spec.replicas).toBe(3);
    expect(CanaryRules.errors(CanaryRules.check(manifests))).toEqual([]);
    expect(manifests).toMatchSnapshot();
  });

  test('the Deployment\'s pod template gets the version, revision and sidecar labels; the revision is its template hash and the analysis argument', () => {
    // GIVEN
    const { chart } = migration();
    // WHEN
    const manifests = synth(chart);
    // THEN
    const d = findOne(manifests, 'Deployment');
    const labels = d.spec.template.metadata.labels;
    expect(labels).toMatchObject({ 'app': 'web', 'version': '2.0.0', 'app.kubernetes.io/version': '2.0.0', 'sidecar.istio.io/inject': 'true' });
    expect(labels[REVISION_LABEL]).toEqual(`2.0.0-${podTemplateHash(d.spec.template)}`);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.replicas).toBe(3);
  });

  test('the revision passed to the analysis is the Deployment\'s', () => {
    // GIVEN a migration with background analysis on the canary revision
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = webDeployment(chart);
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    const template = IstioMetrics.successRateTemplate(chart, 'sr', { templateMetadata: { name: 'web-success-rate' } });
    const rollout = new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment), analysis: { templates: [template] } });
    // WHEN
    const manifests = synth(chart);
    // THEN
    const revision = findOne(manifests, 'Deployment').spec.template.metadata.labels[REVISION_LABEL];
    expect(rollout.revision).toEqual(revision);
    expect(rollout.version).toEqual('2.0.0');
    const arg = findOne(manifests, 'Rollout').spec.strategy.canary.analysis.args.find((a: any) => a.name === 'canary-revision');
    expect(arg.value).toEqual(revision);
    expect(CanaryRules.check(manifests).filter(f => f.code === 'CR307')).toEqual([]);
  });

  test('a change of the Deployment\'s image or configuration is a new revision', () => {
    const revision = (change: (d: kplus.Deployment, chart: Chart) => void) => {
      const { chart, deployment } = migration();
      change(deployment, chart);
      return findOne(synth(chart), 'Deployment').spec.template.metadata.labels[REVISION_LABEL];
    };
    const base = revision(() => undefined);
    const config = (data: string) => (d: kplus.Deployment, chart: Chart) =>
      d.containers[0].env.copyFrom(kplus.Env.fromConfigMap(new VersionedConfigMap(chart, 'settings', { data: { LEVEL: data } })));
    expect(revision(d => d.containers[0].env.addVariable('X', kplus.EnvValue.fromValue('1')))).not.toEqual(base);
    expect(revision(config('info'))).not.toEqual(revision(config('debug')));
    expect(revision(() => undefined)).toEqual(base);
  });

  test.each([
    [WorkloadScaleDown.NEVER, 'never'],
    [WorkloadScaleDown.ON_SUCCESS, 'onsuccess'],
    [WorkloadScaleDown.PROGRESSIVELY, 'progressively'],
  ])('scaleDown %s renders as %j', (mode, value) => {
    const ro = findOne(synth(migration({ scaleDown: mode }).chart), 'Rollout');
    expect(ro.spec.workloadRef.scaleDown).toEqual(value);
  });

  test('drained: the Deployment is written with 0 replicas; the Rollout keeps the capacity', () => {
    const manifests = synth(migration({ drained: true }).chart);
    expect(findOne(manifests, 'Deployment').spec.replicas).toBe(0);
    expect(findOne(manifests, 'Rollout').spec.replicas).toBe(3);
    expect(CanaryRules.errors(CanaryRules.check(manifests))).toEqual([]);
  });

  test('replicas given on the Rollout win over the Deployment\'s', () => {
    expect(findOne(synth(migration({}, { replicas: 5 }).chart), 'Rollout').spec.replicas).toBe(5);
  });

  test('referenceSecret puts the Secret version on the Deployment\'s pod template', () => {
    const { chart, deployment, rollout } = migration();
    const db = rollout.referenceSecret('db', { version: 'v2' });
    deployment.containers[0].env.addVariable('DB', kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }));
    const template = findOne(synth(chart), 'Deployment').spec.template;
    expect(template.metadata.annotations).toEqual({ 'cdk8s-canary/secret-versions': 'db=v2' });
    expect(template.metadata.labels[REVISION_LABEL]).toEqual(`2.0.0-${podTemplateHash(template)}`);
  });

  test('fails if workloadRef comes together with a pod template (containers)', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    expect(() => new ArgoRollout(chart, 'rollout', {
      subsets,
      workloadRef: WorkloadRef.fromDeployment(webDeployment(chart)),
      containers: [{ image: 'ghcr.io/acme/web:2.0.1' }],
    })).toThrow(/'containers' is set together with 'workloadRef': the pod template of rollout "web" is Deployment "web"'s, and Argo Rollouts refuses a Rollout with both \("template must be empty for workload reference rollout"\)\. Remove 'containers' and set them on the Deployment/);
  });

  test.each([
    ['addContainer()', (r: ArgoRollout) => r.addContainer({ image: 'ghcr.io/acme/web:2.0.1' })],
    ['addInitContainer()', (r: ArgoRollout) => r.addInitContainer({ image: 'ghcr.io/acme/init:1.0.0' })],
    ['addVolume()', (r: ArgoRollout) => r.addVolume(kplus.Volume.fromEmptyDir(r, 'tmp', 'tmp'))],
  ])('fails if %s is called on a Rollout with workloadRef', (call, act) => {
    const { rollout } = migration();
    expect(() => act(rollout)).toThrow(new RegExp(`^\\[web/rollout\\] ${call.replace(/[()]/g, '\\$&')}: rollout "web" takes its pod template from Deployment "web" \\('workloadRef'\\)`));
  });

  test('fails at synth if the Rollout sets pod settings of its own with workloadRef', () => {
    const { chart, rollout } = migration();
    rollout.podMetadata.addLabel('team', 'payments');
    rollout.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is('dedicated', 'web')));
    expect(() => Testing.synth(chart)).toThrow(/the Rollout sets 'tolerations', pod labels of a pod template, but it takes its pod template from Deployment "web"/);
  });

  test('fails if the Deployment is in another namespace than the Rollout', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = webDeployment(chart, { metadata: { name: 'web', namespace: 'legacy' } });
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    expect(() => new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) })).toThrow(
      /'workloadRef': Deployment "web" is in namespace "legacy", rollout "web" in "web": the controller looks the Deployment up in the Rollout's namespace/);
  });

  test('fails if the Deployment selects its pods by a label that changes per release', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = webDeployment(chart, {}, { app: 'web', version: 'v1' });
    deployment.select(kplus.LabelSelector.of({ labels: { version: 'v1' } }));
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    expect(() => new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) })).toThrow(
      /'workloadRef': Deployment "web" selects its pods by "version", a label that rollout "web" changes with every release on the pod template/);
  });

  test('fails at synth if the Deployment\'s pods lack the identity labels the Rollout selects (a Deployment whose selector does not match, CR163)', () => {
    // GIVEN a Deployment selected by cdk8s-plus's address label only, without the "app" label of the subsets
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      containers: [{ image: 'ghcr.io/acme/web:2.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
    });
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(/\[CR163\] Rollout web\/web spec\.selector: 'selector' \(\{"matchLabels":\{"app":"web"\}\}\) does not select the pod template labels of Deployment web\/web.*Fix: add the label app="web" to the pod template of Deployment web\/web/s);
  });

  test('fails at synth if the Deployment has no container', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, podMetadata: { labels: { app: 'web' } } });
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) });
    expect(() => Testing.synth(chart)).toThrow(/the Deployment "web" in 'workloadRef' has no container: add one to the Deployment/);
  });

  test('fails if the release name is asked for while the Deployment has no container', () => {
    const chart = new Chart(Testing.app(), 'web', { namespace: 'web' });
    const deployment = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, podMetadata: { labels: { app: 'web' } } });
    const subsets = new IstioSubsets(chart, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
    const rollout = new ArgoRollout(chart, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) });
    expect(() => rollout.version).toThrow(/the Deployment "web" that rollout "web" takes its pod template from has no container: add one to the Deployment/);
  });
});
