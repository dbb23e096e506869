import { Chart, Testing } from 'cdk8s';
import { CanaryLabels } from '../src/canary-labels';
import { CanaryService } from '../src/canary-service';
import { IstioSubsets } from '../src/istio-subsets';
import { canaryManifests, get } from './support/canary-fixture';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { assertIdentityLabels } from '../src/private/k8s';
import { CanaryRules } from '../src/rules/canary-rules';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

describe('CanaryLabels', () => {
  test('label keys are the ones Istio and Argo Rollouts read', () => {
    expect(CanaryLabels.APP).toEqual('app');
    expect(CanaryLabels.VERSION).toEqual('app.kubernetes.io/version');
    expect(CanaryLabels.ISTIO_VERSION).toEqual('version');
    expect(CanaryLabels.REVISION).toEqual('service.istio.io/canonical-revision');
    expect(CanaryLabels.POD_TEMPLATE_HASH).toEqual('rollouts-pod-template-hash');
    expect(CanaryLabels.SIDECAR_INJECT).toEqual('sidecar.istio.io/inject');
  });

  test('the release-varying keys include the version, revision and hash labels', () => {
    expect(CanaryLabels.RELEASE_VARYING).toEqual(expect.arrayContaining([
      'app.kubernetes.io/version', 'version', 'service.istio.io/canonical-revision', 'rollouts-pod-template-hash', 'pod-template-hash',
    ]));
  });

  test('the constructs refuse and rule CR303 reports the same release-varying labels', () => {
    for (const key of CanaryLabels.RELEASE_VARYING) {
      expect(() => assertIdentityLabels('selectorLabels', { app: 'shop', [key]: 'x' })).toThrow(`contains the label "${key}"`);
      const m = canaryManifests();
      get(m, 'Service', 'shop').spec.selector[key] = 'x';
      expect(CanaryRules.check(m).filter(f => f.code === 'CR303').map(f => f.message)).toEqual([expect.stringContaining(`the label "${key}"`)]);
    }
    expect(CanaryLabels.RELEASE_VARYING).toContain('helm.sh/chart');
    expect(CanaryLabels.RELEASE_VARYING).toContain('controller-revision-hash');
  });

  test('identity labels are used, unchanged, as Service selector, Rollout selector and DestinationRule subsets', () => {
    // GIVEN
    const chart = Testing.chart();
    const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/part-of': 'store' };
    // WHEN
    new CanaryService(chart, 'shop', { image: 'shop:1.0.0', selectorLabels: labels });
    const manifests = synth(chart);
    // THEN
    expect(findOne(manifests, 'Service').spec.selector).toEqual(labels);
    expect(findOne(manifests, 'Rollout').spec.selector.matchLabels).toEqual(labels);
    for (const subset of findOne(manifests, 'DestinationRule').spec.subsets) {
      expect(subset.labels).toEqual(labels);
    }
    // the pod template carries the identity labels and the release labels
    expect(findOne(manifests, 'Rollout').spec.template.metadata.labels).toMatchObject({ ...labels, version: '1.0.0' });
    expect(manifests).toMatchSnapshot();
  });
});

describe('assertIdentityLabels', () => {
  test('accepts stable identity labels', () => {
    expect(() => assertIdentityLabels('selectorLabels', { app: 'shop', tier: 'web' })).not.toThrow();
  });

  test('fails if the labels are empty', () => {
    expect(() => assertIdentityLabels('selectorLabels', {})).toThrow(/^'selectorLabels' is empty: at least one identity label \(for example \{ app: "shop" \}\)/);
  });

  test('fails if a label value Kubernetes would reject is given', () => {
    expect(() => assertIdentityLabels('selectorLabels', { app: 'shop api' })).toThrow(/'selectorLabels' label "app" has the value "shop api", which Kubernetes rejects/);
  });

  test('fails if a label key Kubernetes would reject is given', () => {
    expect(() => assertIdentityLabels('selectorLabels', { 'my app': 'shop' })).toThrow(/'selectorLabels' has the label key "my app", which Kubernetes rejects/);
  });

  test.each(CanaryLabels.RELEASE_VARYING)('fails if the identity labels contain the release-varying label %j (mentions the pod-template hash)', (key) => {
    expect(() => assertIdentityLabels('selectorLabels', { app: 'shop', [key]: 'v1' })).toThrow(new RegExp(
      `^'selectorLabels' contains the label "${key.replace(/\./g, '\\.')}", whose value changes with every release: `
      + '.*Argo Rollouts tells stable from canary by writing "rollouts-pod-template-hash" into each subset at runtime'
      + `.*Remove "${key.replace(/\./g, '\\.')}" from 'selectorLabels'`));
  });

  test('fails if a CanaryService selector label varies between releases', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'shop', { image: 'shop:1.0.0', selectorLabels: { app: 'shop', version: 'v1' } }))
      .toThrow(/'selectorLabels' contains the label "version".*rollouts-pod-template-hash/);
  });

  test('fails if an IstioSubsets subset label varies between releases', () => {
    const chart = Testing.chart();
    expect(() => new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { 'app': 'shop', 'app.kubernetes.io/version': '1.0' } }))
      .toThrow(/'subsetLabels' contains the label "app.kubernetes.io\/version".*rollouts-pod-template-hash/);
  });
});
