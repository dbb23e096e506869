import {
  configHash, hasInlineValues, parseSecretVersions, podConfigRefList, podConfigRefs, secretVersionsValue, versionedConfigName,
} from '../../src/private/config';

describe('podConfigRefList', () => {
  test('finds every ConfigMap and Secret a pod spec reads, with its path, in spec order', () => {
    const spec = {
      volumes: [
        { name: 'a', configMap: { name: 'settings' } },
        { name: 'b', secret: { secretName: 'tls' } },
        { name: 'c', projected: { sources: [{ configMap: { name: 'ca' } }, { secret: { name: 'token' } }, { serviceAccountToken: { path: 't' } }] } },
        { name: 'd', emptyDir: {} },
      ],
      initContainers: [{ name: 'init', envFrom: [{ secretRef: { name: 'init-secret' } }] }],
      containers: [{
        name: 'main',
        env: [
          { name: 'A', value: 'x' },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'flags', key: 'b' } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'D', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        envFrom: [{ configMapRef: { name: 'settings' } }],
      }],
      ephemeralContainers: [{ name: 'debug', envFrom: [{ configMapRef: { name: 'debug' } }] }],
      imagePullSecrets: [{ name: 'registry' }],
    };
    expect(podConfigRefList(spec).map(r => `${r.kind} ${r.name} ${r.path}`)).toEqual([
      'ConfigMap settings volumes[0].configMap.name',
      'Secret tls volumes[1].secret.secretName',
      'ConfigMap ca volumes[2].projected.sources[0].configMap.name',
      'Secret token volumes[2].projected.sources[1].secret.name',
      'Secret init-secret initContainers[0].envFrom[0].secretRef.name',
      'ConfigMap flags containers[0].env[1].valueFrom.configMapKeyRef.name',
      'Secret db containers[0].env[2].valueFrom.secretKeyRef.name',
      'ConfigMap settings containers[0].envFrom[0].configMapRef.name',
      'ConfigMap debug ephemeralContainers[0].envFrom[0].configMapRef.name',
    ]);
    expect(podConfigRefs(spec)).toEqual({ configMaps: ['ca', 'debug', 'flags', 'settings'], secrets: ['db', 'init-secret', 'tls', 'token'] });
  });

  test('reads nothing from a missing or malformed spec', () => {
    for (const spec of [undefined, null, {}, { volumes: 'x', containers: [null, { env: {} }] }, { volumes: [{ configMap: { name: 7 } }] }]) {
      expect(podConfigRefList(spec)).toEqual([]);
    }
  });
});

describe('versioned names and Secret versions', () => {
  test('the name is the base and 10 hex digits of the content hash; empty maps count as absent', () => {
    expect(versionedConfigName('shop', { data: { A: '1' } })).toMatch(/^shop-[0-9a-f]{10}$/);
    expect(configHash({ data: {}, binaryData: {} })).toEqual(configHash({}));
    expect(configHash({ data: { A: '1' } })).not.toEqual(configHash({ data: { A: '2' } }));
  });

  test('Secret versions are written sorted by name and read back', () => {
    const value = secretVersionsValue(new Map([['tls', '7'], ['db', '2026-11-02']]));
    expect(value).toEqual('db=2026-11-02,tls=7');
    expect([...parseSecretVersions(value)]).toEqual([['db', '2026-11-02'], ['tls', '7']]);
    expect([...parseSecretVersions('broken,=x, a = 1 ')]).toEqual([['a', '1']]);
    expect(parseSecretVersions(undefined).size).toBe(0);
  });

  test('a Secret has inline values when data or stringData has a key', () => {
    expect(hasInlineValues({ data: { a: 'eA==' } })).toBe(true);
    expect(hasInlineValues({ stringData: { a: 'x' } })).toBe(true);
    expect(hasInlineValues({ data: {}, stringData: null })).toBe(false);
    expect(hasInlineValues({ type: 'kubernetes.io/tls' })).toBe(false);
  });
});
