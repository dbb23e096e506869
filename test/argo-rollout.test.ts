import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArg } from '../src/analysis-arg';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric } from '../src/analysis-metric';
import { AnalysisTemplate, AnalysisTemplateArg } from '../src/analysis-template';
import { ArgoRollout, ArgoRolloutProps, RolloutAntiAffinity } from '../src/argo-rollout';
import { CanaryStep } from '../src/canary-step';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { StringMatch } from '../src/string-match';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const REVISION = /^(.+)-([0-9a-f]{10})$/;

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

function nsChart(app = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, { namespace: 'shop' });
}

function subsetsIn(chart: Chart, namespace?: string): IstioSubsets {
  return new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' }, namespace });
}

/** A Rollout with one container; `props` and `container` override the defaults. */
function rollout(chart: Chart, props: Partial<ArgoRolloutProps> = {}, container: Partial<kplus.ContainerProps> = {}): ArgoRollout {
  return new ArgoRollout(chart, 'rollout', {
    subsets: subsetsIn(chart),
    containers: [{ name: 'main', image: 'ghcr.io/acme/shop:1.4.2', portNumber: 8080, ...container }],
    ...props,
  });
}

function rolloutOf(manifests: any[]): any {
  return findOne(manifests, 'Rollout');
}

function labelsOf(manifests: any[]): { [k: string]: string } {
  return rolloutOf(manifests).spec.template.metadata.labels;
}

/** Synthesizes a one-container Rollout in a fresh app and returns its pod-template labels. */
function templateLabels(props: Partial<ArgoRolloutProps> = {}, container: Partial<kplus.ContainerProps> = {}): { [k: string]: string } {
  const chart = nsChart();
  rollout(chart, props, container);
  return labelsOf(synth(chart));
}

describe('ArgoRollout', () => {
  test('defaults: canary strategy bound to the IstioSubsets, default steps, 2 replicas, 600s deadline that aborts', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const r = rollout(chart);
    const manifests = synth(chart);
    // THEN
    expect(r.rolloutName).toEqual('shop');
    expect(r.replicas).toEqual(2);
    const ro = rolloutOf(manifests);
    expect(ro.apiVersion).toEqual('argoproj.io/v1alpha1');
    expect(ro.metadata).toEqual({ name: 'shop', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '0' } });
    expect(ro.spec.replicas).toEqual(2);
    expect(ro.spec.progressDeadlineSeconds).toEqual(600);
    expect(ro.spec.progressDeadlineAbort).toEqual(true);
    expect(ro.spec.minReadySeconds).toBeUndefined();
    expect(ro.spec.selector).toEqual({ matchLabels: { app: 'shop' } });
    expect(ro.spec.strategy.canary.trafficRouting).toEqual({
      istio: {
        virtualService: { name: 'shop', routes: ['primary'] },
        destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' },
      },
    });
    expect(ro.spec.strategy.canary.steps).toEqual(ArgoRollout.DEFAULT_STEPS.map(s => s._toKube()));
    expect(ro.spec.strategy.canary.analysis).toBeUndefined();
    expect(ro.spec.strategy.canary.scaleDownDelaySeconds).toBeUndefined();
    expect(ro.spec.strategy.canary.canaryMetadata).toBeUndefined();
    expect(manifests).toMatchSnapshot();
  });

  test('the default steps are 10% → 5m → 30% → 5m → 50% → 5m → 100% → 5m: timed pauses, so the release runs on its own', () => {
    expect(ArgoRollout.DEFAULT_STEPS.map(s => s._toKube())).toEqual([
      { setWeight: 10 }, { pause: { duration: '5m' } },
      { setWeight: 30 }, { pause: { duration: '5m' } },
      { setWeight: 50 }, { pause: { duration: '5m' } },
      { setWeight: 100 }, { pause: { duration: '5m' } },
    ]);
    expect(ArgoRollout.DEFAULT_STEPS.some(s => s.isManualPause)).toBe(false);
  });

  test('all props render: replicas, deadlines, delays, ephemeral metadata, custom name and metadata', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const r = rollout(chart, {
      metadata: { name: 'shop-rollout', labels: { team: 'store' }, annotations: { note: 'x' } },
      replicas: 5,
      progressDeadline: Duration.minutes(15),
      progressDeadlineAbort: false,
      minReady: Duration.seconds(10),
      scaleDownDelay: Duration.seconds(60),
      abortScaleDownDelay: Duration.seconds(0),
      canaryLabels: { role: 'canary' },
      canaryAnnotations: { 'example.com/role': 'canary' },
      stableLabels: { role: 'stable' },
      steps: [CanaryStep.weight(25), CanaryStep.pause()],
    });
    const manifests = synth(chart);
    // THEN
    expect(r.rolloutName).toEqual('shop-rollout');
    expect(r.steps.map(s => s._toKube())).toEqual([{ setWeight: 25 }, { pause: {} }]);
    const ro = rolloutOf(manifests);
    expect(ro.metadata).toEqual({
      name: 'shop-rollout',
      namespace: 'shop',
      labels: { team: 'store' },
      annotations: { 'argocd.argoproj.io/sync-wave': '0', 'note': 'x' },
    });
    expect(ro.spec).toMatchObject({ replicas: 5, progressDeadlineSeconds: 900, progressDeadlineAbort: false, minReadySeconds: 10 });
    expect(ro.spec.strategy.canary).toMatchObject({
      scaleDownDelaySeconds: 60,
      abortScaleDownDelaySeconds: 0,
      canaryMetadata: { labels: { role: 'canary' }, annotations: { 'example.com/role': 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
      steps: [{ setWeight: 25 }, { pause: {} }],
    });
    expect(manifests).toMatchSnapshot();
  });

  test('steps can be added after construction; the getter returns a copy', () => {
    const chart = nsChart();
    const r = rollout(chart, { steps: [] });
    expect(rolloutOf(synth(chart)).spec.strategy.canary.steps).toBeUndefined();
    r.addStep(CanaryStep.weight(20));
    r.steps.push(CanaryStep.weight(90));
    r.addStep(CanaryStep.pause(Duration.seconds(30)));
    expect(rolloutOf(synth(chart)).spec.strategy.canary.steps).toEqual([{ setWeight: 20 }, { pause: { duration: '30s' } }]);
  });

  test('the Rollout is written after the DestinationRule and VirtualService', () => {
    const chart = nsChart();
    rollout(chart);
    ApiObject.of(chart.node.findChild('rollout') as any).addDependency((chart.node.findChild('subsets') as IstioSubsets).virtualService);
    expect(synth(chart).map(m => m.kind)).toEqual(['DestinationRule', 'VirtualService', 'Rollout']);
  });

  describe('pod template', () => {
    test('identity, version, revision, name and sidecar labels', () => {
      // WHEN
      const labels = templateLabels();
      // THEN
      expect(labels).toEqual({
        'app': 'shop',
        'app.kubernetes.io/name': 'shop',
        'app.kubernetes.io/version': '1.4.2',
        'version': '1.4.2',
        'service.istio.io/canonical-revision': expect.stringMatching(/^1\.4\.2-[0-9a-f]{10}$/),
        'sidecar.istio.io/inject': 'true',
      });
    });

    test('pod-template labels set by the user are kept (app.kubernetes.io/name, others)', () => {
      const labels = templateLabels({ podMetadata: { labels: { 'app.kubernetes.io/name': 'shop-api', 'team': 'store' } } });
      expect(labels['app.kubernetes.io/name']).toEqual('shop-api');
      expect(labels.team).toEqual('store');
      expect(labels.app).toEqual('shop');
    });

    test('a user-set sidecar injection label is kept', () => {
      const labels = templateLabels({ podMetadata: { labels: { 'sidecar.istio.io/inject': 'false' } } });
      expect(labels['sidecar.istio.io/inject']).toEqual('false');
    });

    test('a revision label set by the user is replaced by the computed one', () => {
      const labels = templateLabels({ podMetadata: { labels: { 'service.istio.io/canonical-revision': 'mine' } } });
      expect(labels['service.istio.io/canonical-revision']).toMatch(/^1\.4\.2-[0-9a-f]{10}$/);
    });

    test('secure defaults: seccomp RuntimeDefault, capabilities dropped, non-root, read-only root, no token', () => {
      // GIVEN
      const chart = nsChart();
      // WHEN
      rollout(chart);
      const spec = rolloutOf(synth(chart)).spec.template.spec;
      // THEN
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
    });

    test('secure defaults also apply to init containers', () => {
      const chart = nsChart();
      const r = rollout(chart);
      r.addInitContainer({ name: 'init', image: 'busybox:1.36' });
      const spec = rolloutOf(synth(chart)).spec.template.spec;
      expect(spec.initContainers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    });

    test('user-set security values are kept', () => {
      // GIVEN
      const chart = nsChart();
      // WHEN
      rollout(chart, {
        automountServiceAccountToken: true,
        securityContext: { ensureNonRoot: false, user: 1000 },
      }, {
        securityContext: {
          ensureNonRoot: false,
          readOnlyRootFilesystem: false,
          allowPrivilegeEscalation: true,
          capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] },
          seccompProfile: { type: kplus.SeccompProfileType.UNCONFINED },
        },
      });
      const spec = rolloutOf(synth(chart)).spec.template.spec;
      // THEN
      expect(spec.automountServiceAccountToken).toBe(true);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.containers[0].securityContext).toMatchObject({
        runAsNonRoot: false,
        readOnlyRootFilesystem: false,
        allowPrivilegeEscalation: true,
        capabilities: { add: ['NET_BIND_SERVICE'] },
        seccompProfile: { type: 'Unconfined' },
      });
      expect(spec.containers[0].securityContext.capabilities.drop).toBeUndefined();
    });

    test('a ServiceAccount of the app that the Rollout runs as gets the prerequisites\' sync wave, unless it has a wave of its own', () => {
      // GIVEN
      const waveOf = (manifests: any[]) => findOne(manifests, 'ServiceAccount').metadata.annotations?.['argocd.argoproj.io/sync-wave'];
      // WHEN
      const plain = nsChart();
      rollout(plain, { serviceAccount: new kplus.ServiceAccount(plain, 'sa', { metadata: { name: 'shop' } }) });
      const withWave = nsChart(Testing.app(), 'other');
      const own = new kplus.ServiceAccount(withWave, 'sa', { metadata: { name: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '-5' } } });
      rollout(withWave, { serviceAccount: own });
      // THEN
      const manifests = synth(plain);
      expect(waveOf(manifests)).toEqual('-2');
      expect(rolloutOf(manifests).metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('0');
      expect(waveOf(synth(withWave))).toEqual('-5');
    });

    test('the cdk8s-plus pod API works: env, volumes, probes, resources, service account', () => {
      // GIVEN
      const chart = nsChart();
      const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'shop');
      const cm = kplus.ConfigMap.fromConfigMapName(chart, 'cm', 'shop-config');
      // WHEN
      const r = rollout(chart, { serviceAccount: sa }, {
        envVariables: { MODE: kplus.EnvValue.fromValue('fast') },
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
        resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(64) } },
      });
      r.containers[0].mount('/etc/shop', kplus.Volume.fromConfigMap(chart, 'vol', cm, { name: 'config' }));
      const manifests = synth(chart);
      // THEN
      const spec = rolloutOf(manifests).spec.template.spec;
      expect(spec.serviceAccountName).toEqual('shop');
      expect(spec.containers[0].env).toEqual([{ name: 'MODE', value: 'fast' }]);
      expect(spec.containers[0].readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
      expect(spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '64Mi' });
      expect(spec.containers[0].volumeMounts).toEqual([{ mountPath: '/etc/shop', name: 'config' }]);
      expect(spec.volumes).toEqual([{ name: 'config', configMap: { name: 'shop-config' } }]);
      expect(manifests).toMatchSnapshot();
    });
  });

  describe('version and revision', () => {
    test('version comes from the version prop first', () => {
      const labels = templateLabels({ version: 'release-7' }, { image: `ghcr.io/acme/shop:1.4.2@${DIGEST}` });
      expect(labels.version).toEqual('release-7');
      expect(labels['app.kubernetes.io/version']).toEqual('release-7');
      expect(labels['service.istio.io/canonical-revision']).toMatch(/^release-7-[0-9a-f]{10}$/);
    });

    test('version comes from the image tag when there is no version prop', () => {
      const labels = templateLabels({}, { image: `ghcr.io/acme/shop:2.0.0-rc.1@${DIGEST}` });
      expect(labels.version).toEqual('2.0.0-rc.1');
    });

    test('version comes from the short digest when there is neither a version prop nor a tag', () => {
      const labels = templateLabels({}, { image: `ghcr.io/acme/shop@${DIGEST}` });
      expect(labels.version).toEqual('sha256-0123456789ab');
      expect(labels['service.istio.io/canonical-revision']).toMatch(/^sha256-0123456789ab-[0-9a-f]{10}$/);
    });

    test('an unpinned image is accepted eagerly with a version prop, but the synth-time rule CR306 still rejects it', () => {
      // GIVEN
      const chart = nsChart();
      // WHEN
      const r = rollout(chart, { version: '1.0.0' }, { image: 'ghcr.io/acme/shop:2024-06-01' });
      // THEN
      expect(r.version).toEqual('1.0.0');
      expect(r.revision).toMatch(/^1\.0\.0-[0-9a-f]{10}$/);
    });

    test('the revision is "<version>-<10 hex>" and is exposed on the construct', () => {
      const chart = nsChart();
      const r = rollout(chart);
      const m = REVISION.exec(r.revision);
      expect(m).not.toBeNull();
      expect(m![1]).toEqual('1.4.2');
      expect(labelsOf(synth(chart))['service.istio.io/canonical-revision']).toEqual(r.revision);
    });

    test('a long version is shortened so the revision stays a valid label value', () => {
      const version = `v${'1.'.repeat(26)}x`; // 54 characters, ends with 'x'; cut at 52 it would end with '.'
      const revision = templateLabels({ version })['service.istio.io/canonical-revision'];
      expect(revision.length).toBeLessThanOrEqual(63);
      expect(revision).toMatch(/^v(1\.)*1-[0-9a-f]{10}$/);
    });

    test('the revision is the same for an identical template (other chart, other construct id)', () => {
      // GIVEN
      const app = Testing.app();
      const a = nsChart(app, 'a');
      const b = new Chart(app, 'b', { namespace: 'other' });
      // WHEN
      const ra = rollout(a);
      const rb = new ArgoRollout(b, 'another-id', {
        subsets: new IstioSubsets(b, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } }),
        containers: [{ name: 'main', image: 'ghcr.io/acme/shop:1.4.2', portNumber: 8080 }],
      });
      // THEN
      expect(ra.revision).toEqual(rb.revision);
    });

    test('the revision changes when only an env var changes (same image tag)', () => {
      const before = templateLabels({}, { envVariables: { MODE: kplus.EnvValue.fromValue('a') } });
      const after = templateLabels({}, { envVariables: { MODE: kplus.EnvValue.fromValue('b') } });
      expect(after.version).toEqual(before.version);
      expect(after['service.istio.io/canonical-revision']).not.toEqual(before['service.istio.io/canonical-revision']);
      expect(REVISION.exec(after['service.istio.io/canonical-revision'])![1]).toEqual('1.4.2');
    });

    test('the revision changes when only a pod annotation changes', () => {
      const before = templateLabels({ podMetadata: { annotations: { 'example.com/config': '1' } } });
      const after = templateLabels({ podMetadata: { annotations: { 'example.com/config': '2' } } });
      expect(after['service.istio.io/canonical-revision']).not.toEqual(before['service.istio.io/canonical-revision']);
    });

    test('the revision differs between two images', () => {
      const a = templateLabels({}, { image: 'ghcr.io/acme/shop:1.4.2' });
      const b = templateLabels({}, { image: 'ghcr.io/acme/shop:1.4.3' });
      const c = templateLabels({ version: 'same' }, { image: 'ghcr.io/acme/shop:1.4.2' });
      const d = templateLabels({ version: 'same' }, { image: 'ghcr.io/acme/other:1.4.2' });
      expect(a['service.istio.io/canonical-revision']).not.toEqual(b['service.istio.io/canonical-revision']);
      expect(c['service.istio.io/canonical-revision']).not.toEqual(d['service.istio.io/canonical-revision']);
    });

    test('the revision does not change with Rollout-level settings outside the pod template', () => {
      const a = templateLabels({ replicas: 2, steps: [CanaryStep.weight(10)] });
      const b = templateLabels({ replicas: 7, steps: [CanaryStep.weight(50)] });
      expect(a['service.istio.io/canonical-revision']).toEqual(b['service.istio.io/canonical-revision']);
    });

    test('the analysis receives the revision of the template as a literal arg', () => {
      // GIVEN
      const chart = nsChart();
      const template = IstioMetrics.successRateTemplate(chart, 'sr', { templateMetadata: { name: 'shop-success-rate' } });
      // WHEN
      const r = rollout(chart, { analysis: { templates: [template], startingStep: 1 } });
      const manifests = synth(chart);
      // THEN
      const analysis = rolloutOf(manifests).spec.strategy.canary.analysis;
      expect(analysis.templates).toEqual([{ templateName: 'shop-success-rate' }]);
      expect(analysis.startingStep).toEqual(1);
      expect(analysis.args).toEqual(expect.arrayContaining([
        { name: 'canary-revision', value: r.revision },
        { name: 'namespace', value: 'shop' },
        { name: 'service-name', value: 'shop' },
      ]));
      expect(r.analysis?.templates).toEqual([template]);
      expect(manifests).toMatchSnapshot();
    });
    test('analysis args are ordered by code units, whatever the locale (uppercase before lowercase)', () => {
      // GIVEN a template that declares 'alpha' and 'Zone' (localeCompare would put alpha first)
      const chart = nsChart();
      const template = new AnalysisTemplate(chart, 'custom', {
        metadata: { name: 'custom' },
        args: [AnalysisTemplateArg.required('alpha'), AnalysisTemplateArg.required('Zone')],
        metrics: [AnalysisMetric.prometheus({ name: 'm', query: 'sum(x{a="{{args.alpha}}",z="{{args.Zone}}"})', condition: MetricCondition.atLeast(1) })],
      });
      // WHEN
      rollout(chart, { analysis: { templates: [template], args: [AnalysisArg.fromValue('alpha', 'a'), AnalysisArg.fromValue('Zone', 'z')] } });
      // THEN
      const args = rolloutOf(synth(chart)).spec.strategy.canary.analysis.args;
      expect(args.map((a: any) => a.name)).toEqual(['Zone', 'alpha']);
    });
  });

  describe('bad input', () => {
    test('fails if the Rollout name is not a DNS-1123 label', () => {
      expect(() => rollout(nsChart(), { metadata: { name: 'Shop' } })).toThrow(/^\[[^\]]+\] 'metadata.name' \("Shop"\) must be a DNS-1123 label/);
    });

    test('fails if the Rollout namespace differs from the IstioSubsets namespace', () => {
      expect(() => rollout(nsChart(), { metadata: { namespace: 'other' } }))
        .toThrow(/^\[[^\]]+\] 'metadata.namespace' \("other"\) differs from the namespace of the IstioSubsets \("shop"\): .*Put both in the same namespace$/);
    });

    test('fails if the Rollout is in a chart of another namespace than its IstioSubsets, naming both construct paths and the fixes', () => {
      const app = Testing.app();
      const mesh = new Chart(app, 'mesh', { namespace: 'shop' });
      const apps = new Chart(app, 'apps', { namespace: 'payments' });
      expect(() => rollout(apps, { subsets: subsetsIn(mesh) })).toThrow(new RegExp('^\\[apps/rollout\\] the ArgoRollout is in chart "apps" of namespace "payments", '
        + 'but its \'subsets\' \\(mesh/subsets\\) are in namespace "shop": .*give the IstioSubsets \'namespace: "payments"\', or create the ArgoRollout '
        + 'in a chart of namespace "shop" \\(or set its \'metadata.namespace\' to "shop" to keep it there on purpose\\)$'));
    });

    test('a Rollout in a chart of another namespace is accepted with metadata.namespace set to that of its IstioSubsets, or with subsets in its namespace', () => {
      const app = Testing.app();
      const mesh = new Chart(app, 'mesh', { namespace: 'shop' });
      const apps = new Chart(app, 'apps', { namespace: 'payments' });
      const kept = rollout(apps, { subsets: subsetsIn(mesh), metadata: { namespace: 'shop' } });
      expect(kept.metadata.namespace).toEqual('shop');
      const moved = rollout(new Chart(app, 'apps2', { namespace: 'payments' }), { subsets: subsetsIn(new Chart(app, 'mesh2'), 'payments') });
      expect(moved.metadata.namespace).toEqual('payments');
    });

    test.each([-1, 1.5, 10_001])('fails if replicas is out of range (%j)', (replicas) => {
      expect(() => rollout(nsChart(), { replicas })).toThrow(/^\[[^\]]+\] 'replicas' \(.*\) must be an integer between 0 and 10000$/);
    });

    test.each([-1, NaN, Infinity])('fails if expectedRequestsPerSecond is not a finite number of 0 or more (%j)', (expectedRequestsPerSecond) => {
      expect(() => rollout(nsChart(), { expectedRequestsPerSecond }))
        .toThrow(/^\[[^\]]+\] 'expectedRequestsPerSecond' \(.*\) must be a finite number of requests per second, 0 or more$/);
    });

    test('expectedRequestsPerSecond is kept for the plan and not written to the manifests', () => {
      const chart = nsChart();
      const r = rollout(chart, { expectedRequestsPerSecond: 250 });
      expect(r.expectedRequestsPerSecond).toEqual(250);
      expect(JSON.stringify(synth(chart))).not.toMatch(/250|expectedRequests/);
    });

    test('fails if the progress deadline is not greater than minReady', () => {
      expect(() => rollout(nsChart(), { progressDeadline: Duration.seconds(30), minReady: Duration.seconds(30) }))
        .toThrow(/^\[[^\]]+\] 'progressDeadline' \(30s\) must be greater than 'minReady' \(30s\)$/);
    });

    test('fails if a duration is negative (cdk8s rejects it when it is created)', () => {
      expect(() => rollout(nsChart(), { progressDeadline: Duration.seconds(-1) })).toThrow(/Duration amounts cannot be negative/);
    });

    test('fails if a duration is unparseable (cdk8s rejects it when it is parsed)', () => {
      expect(() => rollout(nsChart(), { scaleDownDelay: Duration.parse('30 seconds') })).toThrow(/Not a valid ISO duration/);
    });

    test('fails if a canary label value Kubernetes would reject is given', () => {
      expect(() => rollout(nsChart(), { canaryLabels: { role: 'the canary' } })).toThrow(/^\[[^\]]+\] 'canaryLabels' label "role" has the value "the canary", which Kubernetes rejects/);
    });

    test('fails if a stable label key Kubernetes would reject is given', () => {
      expect(() => rollout(nsChart(), { stableLabels: { '-role': 'stable' } })).toThrow(/^\[[^\]]+\] 'stableLabels' has the label key "-role", which Kubernetes rejects/);
    });

    test('fails if the version is not a label value', () => {
      expect(() => rollout(nsChart(), { version: 'v1 beta' })).toThrow(/^\[[^\]]+\] 'version' label "app.kubernetes.io\/version" has the value "v1 beta", which Kubernetes rejects/);
    });

    test('fails if the image has no tag/digest, even with a version (a version names the release, it does not pin the image)', () => {
      expect(() => rollout(nsChart(), {}, { image: 'ghcr.io/acme/shop' })).toThrow(/^\[[^\]]+\] 'image' \("ghcr.io\/acme\/shop"\) has neither a tag nor a digest.*pin it/);
      expect(() => rollout(nsChart(), { version: '1.0.0' }, { image: 'ghcr.io/acme/shop' })).toThrow(/has neither a tag nor a digest/);
    });

    test('fails if a container added later has no tag/digest and no version', () => {
      const r = rollout(nsChart());
      expect(() => r.addContainer({ name: 'sidecar', image: 'busybox' })).toThrow(/^\[[^\]]+\] 'image' \("busybox"\) has neither a tag nor a digest/);
    });

    test.each([`v${'1'.repeat(63)}`, '_build', 'v1.'])('fails if the image tag cannot be a label value (%j), when the container is added', (tag) => {
      expect(() => rollout(nsChart(), {}, { image: `ghcr.io/acme/shop:${tag}` }))
        .toThrow(/^\[[^\]]+\] the image tag ".*" of "ghcr.io\/acme\/shop:.*" cannot be a Kubernetes label value .*set 'version' to a short release name$/);
    });

    test('a tag that cannot be a label value is fine with a version prop, or on a second container', () => {
      expect(rollout(nsChart(), { version: 'build-7' }, { image: 'ghcr.io/acme/shop:_build' }).version).toEqual('build-7');
      const r = rollout(nsChart());
      r.addContainer({ name: 'helper', image: 'ghcr.io/acme/helper:_latest' });
      expect(r.version).toEqual('1.4.2');
    });

    test('fails if the version is read before any container is added', () => {
      const chart = nsChart();
      const r = new ArgoRollout(chart, 'rollout', { subsets: subsetsIn(chart) });
      expect(() => r.version).toThrow(/^rollout "shop" has no container: call addContainer\(\) or pass 'containers'$/);
    });

    test('fails if the first container image has neither tag nor digest (defensive: addContainer() normally prevents it)', () => {
      // GIVEN a container added behind ArgoRollout.addContainer()'s back
      const chart = nsChart();
      const r = new ArgoRollout(chart, 'rollout', { subsets: subsetsIn(chart) });
      kplus.Workload.prototype.addContainer.call(r, { image: 'ghcr.io/acme/shop' });
      // THEN
      expect(() => r.version).toThrow(/^'image' \("ghcr.io\/acme\/shop"\) has neither a tag nor a digest: pin it \(for example "ghcr.io\/acme\/shop:1.4.2"\)$/);
    });

    test('fails if setWeight is not increasing', () => {
      expect(() => rollout(nsChart(), { steps: [CanaryStep.weight(20), CanaryStep.pause(), CanaryStep.weight(20)] }))
        .toThrow(/^\[[^\]]+\] canary step 2: weight 20 must be greater than the previous weight \(20\): weights only grow during a release; to send traffic back to stable, abort the rollout$/);
    });

    test('fails if setWeight added later is not increasing', () => {
      const r = rollout(nsChart(), { steps: [CanaryStep.weight(10), CanaryStep.pause(), CanaryStep.weight(50)] });
      expect(() => r.addStep(CanaryStep.weight(40))).toThrow(/^\[[^\]]+\] canary step 3: weight 40 must be greater than the previous weight \(50\)/);
    });

    test('fails if the Rollout has no container, in its validation', () => {
      // GIVEN
      const chart = nsChart();
      const r = new ArgoRollout(chart, 'rollout', { subsets: subsetsIn(chart) });
      // THEN the Rollout's own validation explains it
      expect(r.node.validate()).toEqual(["the Rollout has no container: pass 'containers' or call addContainer()"]);
      // and synth reports that message (the chart's rule run does not render a Rollout without container)
      expect(() => Testing.synth(chart)).toThrow(/\[test\/rollout\] the Rollout has no container: pass 'containers' or call addContainer\(\)/);
    });

    test.each([-1, 3, 1.5])('fails if the analysis starting step is not the index of a step (%j), at synth', (startingStep) => {
      const chart = nsChart();
      const template = IstioMetrics.successRateTemplate(chart, 'sr', { templateMetadata: { name: 'shop-success-rate' } });
      const steps = [CanaryStep.weight(10), CanaryStep.pause(), CanaryStep.weight(50)];
      rollout(chart, { analysis: { templates: [template], startingStep }, steps });
      expect(() => Testing.synth(chart))
        .toThrow(/\[test\/rollout\] 'analysis.startingStep' \(.*\) must be the index of a step, between 0 and 2/);
    });
  });
});

describe('ArgoRollout: anti-affinity, dynamic stable scale, autoscaling, managed routes', () => {
  test('anti-affinity and dynamicStableScale render into the canary strategy', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    rollout(chart, { antiAffinity: RolloutAntiAffinity.preferred(50), dynamicStableScale: true });
    const manifests = synth(chart);
    // THEN
    const canary = rolloutOf(manifests).spec.strategy.canary;
    expect(canary.antiAffinity).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: { weight: 50 } });
    expect(canary.dynamicStableScale).toBe(true);
    expect(manifests).toMatchSnapshot();
  });

  test('required anti-affinity; preferred defaults to weight 100', () => {
    expect(RolloutAntiAffinity.required()._toKube()).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: {} });
    expect(RolloutAntiAffinity.preferred()._toKube()).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: { weight: 100 } });
    const chart = nsChart();
    rollout(chart, { antiAffinity: RolloutAntiAffinity.required() });
    expect(rolloutOf(synth(chart)).spec.strategy.canary.antiAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: {} });
  });

  test('autoscale(): an HPA targets the Rollout, which then has no replicas', () => {
    // GIVEN
    const chart = nsChart();
    const r = rollout(chart);
    // WHEN
    r.autoscale({ maxReplicas: 10 });
    const manifests = synth(chart);
    // THEN
    expect(r.hasAutoscaler).toBe(true);
    expect(r.replicas).toBeUndefined();
    expect(rolloutOf(manifests).spec.replicas).toBeUndefined();
    const hpa = findOne(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.metadata).toMatchObject({ name: 'shop', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '0' } });
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' },
      minReplicas: 2,
      maxReplicas: 10,
    });
    expect(manifests).toMatchSnapshot();
  });

  test('managedRoutes lists the header and mirror routes once, in order of first use', () => {
    const chart = nsChart();
    const r = rollout(chart, {
      steps: [
        CanaryStep.mirrorRoute({ name: 'mirror' }),
        CanaryStep.headerRoute({ name: 'by-header', match: [{ headerName: 'x-canary', value: StringMatch.exact('1') }] }),
        CanaryStep.weight(10),
        CanaryStep.removeMirrorRoute('mirror'),
      ],
    });
    expect(r.managedRoutes).toEqual(['mirror', 'by-header']);
    expect(rolloutOf(synth(chart)).spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'mirror' }, { name: 'by-header' }]);
  });

  test.each([0, 101, 1.5])('fails if the anti-affinity weight is outside 1-100 (%j)', (weight) => {
    expect(() => RolloutAntiAffinity.preferred(weight)).toThrow(/^'antiAffinity weight' \(.*\) must be an integer between 1 and 100$/);
  });

  test('fails if dynamicStableScale is combined with scaleDownDelay', () => {
    expect(() => rollout(nsChart(), { dynamicStableScale: true, scaleDownDelay: Duration.seconds(30) }))
      .toThrow(/^\[[^\]]+\] 'dynamicStableScale' cannot be used with 'scaleDownDelay' \(Argo Rollouts refuses the combination\): .*remove one of them$/);
  });

  test('fails if replicas is set and an autoscaler is added', () => {
    const r = rollout(nsChart(), { replicas: 3 });
    expect(() => r.autoscale({ maxReplicas: 10 }))
      .toThrow(/^\[[^\]]+\] 'replicas' \(3\) is set, but an autoscaler now owns the replicas of rollout "shop": remove 'replicas'/);
  });

  test('fails if a header route step has the name of a weighted route, at synth, reported once (CR116) with free route names as the fix', () => {
    const chart = nsChart();
    rollout(chart, { steps: [CanaryStep.headerRoute({ name: 'primary', match: [{ headerName: 'x-canary', value: StringMatch.exact('1') }] })] });
    let lines: string[] = [];
    try {
      Testing.synth(chart);
    } catch (e: any) {
      lines = e.message.split('\n').slice(1).map((l: string) => l.trim());
    }
    expect(lines).toEqual([expect.stringMatching(/^\[test\] \[CR116\] Rollout shop\/shop \S+routes\[0\]: the route "primary" is both the weighted route .*Fix: rename the header or mirror route of the steps and its 'managedRoutes' entry, for example to "primary-preview", or give the weighted route another name, for example "weighted" .*defined at test\/rollout\/Resource\)$/)]);
  });

  test('fails if one route name is used by header and mirror steps, at synth', () => {
    const chart = nsChart();
    rollout(chart, {
      steps: [
        CanaryStep.headerRoute({ name: 'preview', match: [{ headerName: 'x-canary', value: StringMatch.exact('1') }] }),
        CanaryStep.mirrorRoute({ name: 'preview' }),
      ],
    });
    expect(() => Testing.synth(chart))
      .toThrow(/step 1: route "preview" is used both by setHeaderRoute and setMirrorRoute steps: give header and mirror routes different names/);
  });

  test('fails if a step removes a route no earlier step adds, at synth', () => {
    const chart = nsChart();
    rollout(chart, { steps: [CanaryStep.weight(10), CanaryStep.removeHeaderRoute('never-added')] });
    expect(() => Testing.synth(chart)).toThrow(/step 1: removes route "never-added", which no earlier step adds: fix the name or remove the step/);
  });
});
