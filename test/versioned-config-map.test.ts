import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryService } from '../src/canary-service';
import { configHash, podConfigRefs } from '../src/private/config';
import { podTemplateHash } from '../src/private/revision';
import { CanaryRules } from '../src/rules/canary-rules';
import { ConfigMapVersion, VersionedConfigMap, VersionedConfigMapProps } from '../src/versioned-config-map';
import { findAll, findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const HASHED = /^shop-settings-[0-9a-f]{10}$/;

/** A chart with a CanaryService "shop" that reads a VersionedConfigMap as environment and as a mounted file. */
function shopWith(config: VersionedConfigMapProps, mount = true): { chart: Chart; settings: VersionedConfigMap; svc: CanaryService } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const settings = new VersionedConfigMap(chart, 'settings', { name: 'shop-settings', ...config });
  const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
  svc.container.env.copyFrom(kplus.Env.fromConfigMap(settings));
  if (mount) svc.container.mount('/etc/shop', kplus.Volume.fromConfigMap(chart, 'settings-volume', settings));
  return { chart, settings, svc };
}

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

function revisionOf(manifests: any[]): string {
  return findOne(manifests, 'Rollout').spec.template.metadata.labels['service.istio.io/canonical-revision'];
}

function analysisRevisionOf(manifests: any[]): string {
  return findOne(manifests, 'Rollout').spec.strategy.canary.analysis.args.find((a: any) => a.name === 'canary-revision').value;
}

describe('VersionedConfigMap', () => {
  test('is named <name>-<hash of its content>, immutable, labelled with its base name, and never pruned by Argo CD', () => {
    // GIVEN
    const { chart, settings } = shopWith({ data: { LOG_LEVEL: 'info' } });
    // WHEN
    const manifests = synth(chart);
    // THEN
    const cm = findOne(manifests, 'ConfigMap');
    expect(cm.metadata.name).toMatch(HASHED);
    expect(cm.metadata.name).toEqual(`shop-settings-${configHash({ data: { LOG_LEVEL: 'info' } })}`);
    expect(settings.name).toEqual(cm.metadata.name);
    expect(settings.baseName).toEqual('shop-settings');
    expect(cm.immutable).toBe(true);
    expect(cm.data).toEqual({ LOG_LEVEL: 'info' });
    expect(cm.metadata.labels).toEqual({ 'cdk8s-canary/config': 'shop-settings' });
    expect(cm.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '-2',
      'argocd.argoproj.io/sync-options': 'Prune=false',
      'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
    });
    expect(manifests).toMatchSnapshot();
  });

  test('the pod template references the hashed name through env, envFrom and volumes', () => {
    // GIVEN
    const { chart, svc, settings } = shopWith({ data: { LOG_LEVEL: 'info' } });
    svc.container.env.addVariable('LEVEL', kplus.EnvValue.fromConfigMap(settings, 'LOG_LEVEL'));
    // WHEN
    const manifests = synth(chart);
    // THEN
    const name = findOne(manifests, 'ConfigMap').metadata.name;
    const spec = findOne(manifests, 'Rollout').spec.template.spec;
    expect(podConfigRefs(spec)).toEqual({ configMaps: [name], secrets: [] });
    expect(spec.containers[0].env).toEqual([{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name, key: 'LOG_LEVEL' } } }]);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name } }]);
    expect(spec.volumes.map((v: any) => v.configMap?.name)).toEqual([name]);
  });

  test('the same content gives the same name on every synth, whatever the key order', () => {
    const a = new VersionedConfigMap(new Chart(Testing.app(), 'a'), 'settings', { data: { A: '1', B: '2' } });
    const b = new VersionedConfigMap(new Chart(Testing.app(), 'b'), 'settings', { data: { B: '2', A: '1' } });
    expect(a.name).toEqual(b.name);
    expect(a.name).not.toEqual(new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'settings', { data: { A: '1', B: '3' } }).name);
    // data and binaryData with the same key and value are different content
    expect(configHash({ data: { A: 'MQ==' } })).not.toEqual(configHash({ binaryData: { A: 'MQ==' } }));
  });

  test('a configuration-only change is a new revision: new ConfigMap name, new pod template, new revision label and analysis argument', () => {
    // GIVEN the same service synthesized with two configurations
    const before = synth(shopWith({ data: { LOG_LEVEL: 'info' } }).chart);
    const after = synth(shopWith({ data: { LOG_LEVEL: 'debug' } }).chart);
    // THEN the image and version are the same, everything that tells the revision apart changed
    const [t1, t2] = [before, after].map(m => findOne(m, 'Rollout').spec.template);
    expect(t1.spec.containers[0].image).toEqual(t2.spec.containers[0].image);
    expect(t1.metadata.labels.version).toEqual(t2.metadata.labels.version);
    expect(podTemplateHash(t1)).not.toEqual(podTemplateHash(t2));
    expect(revisionOf(before)).not.toEqual(revisionOf(after));
    expect(revisionOf(after)).toEqual(`1.4.2-${podTemplateHash(t2)}`);
    expect(analysisRevisionOf(after)).toEqual(revisionOf(after));
    // and the rules agree with the library on the revision of the new template (CR307)
    expect(CanaryRules.check(after).filter(f => f.code === 'CR307')).toEqual([]);
  });

  test('synth twice with different configuration: the second output holds its own hashed ConfigMap and keeps the previous one', () => {
    // GIVEN the first release's configuration
    const v1: ConfigMapVersion = { data: { LOG_LEVEL: 'info' } };
    const first = synth(shopWith(v1).chart);
    // WHEN the configuration changes and the first version is given as the previous one
    const second = synth(shopWith({ data: { LOG_LEVEL: 'debug' }, previousVersions: [v1] }).chart);
    // THEN
    const firstName = findOne(first, 'ConfigMap').metadata.name;
    const names = findAll(second, 'ConfigMap').map(c => c.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).toContain(firstName);
    const current = podConfigRefs(findOne(second, 'Rollout').spec.template.spec).configMaps;
    expect(current).toHaveLength(1);
    expect(current[0]).not.toEqual(firstName);
    // the previous version is byte for byte the object the first synth wrote
    expect(findAll(second, 'ConfigMap').find(c => c.metadata.name === firstName)).toEqual(findOne(first, 'ConfigMap'));
  });

  test('keeps the last `retain` previous versions that differ from the current one, oldest first', () => {
    // GIVEN five earlier versions, one of them equal to the current content and one repeated
    const v = (n: number): ConfigMapVersion => ({ data: { N: String(n) } });
    const { chart, settings } = shopWith({ data: { N: '5' }, previousVersions: [v(1), v(2), v(3), v(5), v(4), v(4)], retain: 3 });
    // WHEN
    const manifests = synth(chart);
    // THEN 2, 3, 4 are kept (5 is the current one; 4 once)
    const expected = [2, 3, 4].map(n => `shop-settings-${configHash(v(n))}`);
    expect(settings.retainedNames).toEqual(expected);
    expect(findAll(manifests, 'ConfigMap').map(c => c.metadata.name)).toEqual([settings.name, ...expected]);
    for (const cm of findAll(manifests, 'ConfigMap')) {
      expect(cm.immutable).toBe(true);
      expect(cm.metadata.annotations['argocd.argoproj.io/sync-options']).toEqual('Prune=false');
    }
  });

  test('retain defaults to 2 and 0 keeps none', () => {
    const v = (n: number): ConfigMapVersion => ({ data: { N: String(n) } });
    expect(shopWith({ data: { N: '9' }, previousVersions: [v(1), v(2), v(3)] }).settings.retainedNames).toHaveLength(2);
    expect(shopWith({ data: { N: '9' }, previousVersions: [v(1)], retain: 0 }).settings.retainedNames).toEqual([]);
  });

  test('binary data is hashed and written', () => {
    const { chart } = shopWith({ binaryData: { 'logo.png': 'iVBORw0KGgo=' } });
    const cm = findOne(synth(chart), 'ConfigMap');
    expect(cm.binaryData).toEqual({ 'logo.png': 'iVBORw0KGgo=' });
    expect(cm.data).toBeUndefined();
    expect(cm.metadata.name).toMatch(HASHED);
  });

  test('the name defaults to the construct id, lowercased', () => {
    const cm = new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'Settings', { data: { A: '1' } });
    expect(cm.baseName).toEqual('settings');
  });

  test('fails if data is added after construction (the name is already a hash of the content)', () => {
    const { settings } = shopWith({ data: { LOG_LEVEL: 'info' } });
    expect(() => settings.addData('EXTRA', '1')).toThrow(
      /VersionedConfigMap "shop-settings-[0-9a-f]{10}": addData\("EXTRA"\) after construction would change its content, but its name is a hash of the content and may already be in pod templates: pass every entry in 'data' or 'binaryData' when you create it/);
    expect(() => settings.addBinaryData('B', 'AA==')).toThrow(/addBinaryData\("B"\) after construction/);
  });

  test('fails if the base name is too long for the hash to fit in a 63-character name', () => {
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { name: 'a'.repeat(53) })).toThrow(
      /'name' \("a{53}"\) has 53 characters: a VersionedConfigMap adds '-' and a 10-digit hash, so the base name is at most 52 characters/);
  });

  test('fails if the name is not a DNS-1123 label', () => {
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { name: 'Shop_Settings' })).toThrow(/'name' \("Shop_Settings"\) must be a DNS-1123 label/);
  });

  test('fails if a data key is not a valid ConfigMap key', () => {
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { data: { 'a/b': '1' } })).toThrow(
      /'data' has the key "a\/b", which Kubernetes rejects: a ConfigMap key is at most 253 letters, digits, '-', '_' or '.'/);
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { data: {}, previousVersions: [{ data: { 'bad key': '1' } }] })).toThrow(
      /'previousVersions\[0\]' has the key "bad key"/);
  });

  test('fails if a key is in both data and binaryData', () => {
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { data: { A: '1' }, binaryData: { A: 'MQ==' } })).toThrow(
      /'data' has the key "A" in both 'data' and 'binaryData', which Kubernetes rejects/);
  });

  test('fails if retain is not an integer between 0 and 20', () => {
    expect(() => new VersionedConfigMap(new Chart(Testing.app(), 'c'), 'x', { retain: -1 })).toThrow(/'retain' \(-1\) must be an integer between 0 and 20/);
  });

  test('fails if the pods read the ConfigMap by its plain name (CR325, at synth)', () => {
    // GIVEN
    const { chart, svc } = shopWith({ data: { LOG_LEVEL: 'info' } }, false);
    svc.container.env.copyFrom(kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(chart, 'plain', 'shop-settings')));
    // THEN
    expect(() => Testing.synth(chart)).toThrow(/\[CR325\] Rollout shop\/shop spec\.template\.spec\.containers\[0\]\.envFrom\[1\]\.configMapRef\.name: the pods read ConfigMap "shop-settings", the base name of the content-hashed ConfigMap "shop-settings-[0-9a-f]{10}"/);
  });
});

describe('ArgoRollout.referenceSecret', () => {
  function shopWithSecret(version: string): { chart: Chart; svc: CanaryService } {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    const db = svc.rollout.referenceSecret('db-credentials', { version });
    svc.container.env.addVariable('DB_PASSWORD', kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }));
    return { chart, svc };
  }

  test('references the Secret by name, writes no Secret, and puts its version into the pod template', () => {
    // WHEN
    const manifests = synth(shopWithSecret('2026-11-03').chart);
    // THEN
    expect(findAll(manifests, 'Secret')).toEqual([]);
    const template = findOne(manifests, 'Rollout').spec.template;
    expect(template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }]);
    expect(template.metadata.annotations).toEqual({ 'cdk8s-canary/secret-versions': 'db-credentials=2026-11-03' });
    expect(revisionOf(manifests)).toEqual(`1.4.2-${podTemplateHash(template)}`);
  });

  test('a rotation (new version) is a new revision', () => {
    const a = synth(shopWithSecret('v1').chart);
    const b = synth(shopWithSecret('v2').chart);
    expect(revisionOf(a)).not.toEqual(revisionOf(b));
    expect(analysisRevisionOf(b)).toEqual(revisionOf(b));
  });

  test('several Secrets are listed sorted by name; referencing one again returns the same reference', () => {
    const { chart, svc } = shopWithSecret('v1');
    const tls = svc.rollout.referenceSecret('api-tls', { version: '7' });
    expect(svc.rollout.referenceSecret('api-tls', { version: '7' })).toBe(tls);
    svc.container.mount('/tls', kplus.Volume.fromSecret(chart, 'tls', tls));
    const template = findOne(synth(chart), 'Rollout').spec.template;
    expect(template.metadata.annotations['cdk8s-canary/secret-versions']).toEqual('api-tls=7,db-credentials=v1');
    expect(podConfigRefs(template.spec).secrets).toEqual(['api-tls', 'db-credentials']);
  });

  test('fails if the same Secret is referenced with two versions', () => {
    const { svc } = shopWithSecret('v1');
    expect(() => svc.rollout.referenceSecret('db-credentials', { version: 'v2' })).toThrow(
      /Secret "db-credentials" is referenced with version "v2", but it was referenced with version "v1" before/);
  });

  test.each(['', 'a,b', 'x=y', '-v1', 'v'.repeat(64)])('fails if the version is not a label-like token (%j)', (version) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    expect(() => svc.rollout.referenceSecret('db', { version })).toThrow(/'version' \(".*"\) of Secret "db" must be 1-63 letters, digits, '-', '_' or '\.'/);
  });

  test('fails if the name is not a DNS-1123 subdomain', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    expect(() => svc.rollout.referenceSecret('DB', { version: '1' })).toThrow(/'name' \("DB"\) must be a DNS-1123 subdomain/);
  });

  test('fails if the pods read a Secret with inline data (CR326, at synth)', () => {
    // GIVEN a kplus Secret with values, read by the canary
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    const secret = new kplus.Secret(chart, 'db', { metadata: { name: 'db' }, stringData: { password: 'hunter2' } });
    svc.container.env.addVariable('DB_PASSWORD', kplus.EnvValue.fromSecretValue({ secret, key: 'password' }));
    // THEN
    expect(() => Testing.synth(chart)).toThrow(/\[CR326\] Secret shop\/db stringData: the pods of canary Rollout shop\/shop read this Secret, whose values are in the manifests/);
  });
});
