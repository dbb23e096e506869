import * as fs from 'fs';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { plain, podSpecJson, RENAMED_PROPERTIES } from '../../../src/private/constructs/pod-spec';

/** What the generated mapping gives: `k8s.toJson_PodSpec` with IntOrString/Quantity values read. */
function generated(spec: kplus.k8s.PodSpec): any {
  return plain(kplus.k8s.toJson_PodSpec(spec));
}

/** A Deployment using most of what cdk8s-plus can put into a pod spec. */
function richPodSpec(): kplus.k8s.PodSpec {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const config = kplus.ConfigMap.fromConfigMapName(chart, 'config', 'shop-config');
  const secret = kplus.Secret.fromSecretName(chart, 'secret', 'shop-secret');
  const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'shop-data');
  const deployment = new kplus.Deployment(chart, 'deployment', {
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'shop'),
    automountServiceAccountToken: true,
    hostNetwork: false,
    terminationGracePeriod: Duration.seconds(45),
    dns: { hostname: 'shop', subdomain: 'web', hostnameAsFQDN: true, nameservers: ['10.0.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    securityContext: { ensureNonRoot: true, fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
    containers: [{
      name: 'main',
      image: 'ghcr.io/acme/shop:1.4.2',
      ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics', protocol: kplus.Protocol.TCP }],
      envVariables: {
        PLAIN: kplus.EnvValue.fromValue('1'),
        FROM_CONFIG: kplus.EnvValue.fromConfigMap(config, 'key'),
        FROM_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
        POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        CPU: kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.CPU_LIMIT),
      },
      envFrom: [kplus.Env.fromConfigMap(config, 'CFG_')],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, initialDelaySeconds: Duration.seconds(2) }),
      liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      startup: kplus.Probe.fromCommand(['cat', '/tmp/ok']),
      resources: {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
        ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
      },
      securityContext: { user: 1000, group: 3000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', '5']) },
      volumeMounts: [
        { path: '/config', volume: kplus.Volume.fromConfigMap(chart, 'config-volume', config, { items: { key: { path: 'key.txt', mode: 0o400 } } }) },
        { path: '/secret', volume: kplus.Volume.fromSecret(chart, 'secret-volume', secret, { defaultMode: 0o400 }) },
        { path: '/cache', volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'cache', { sizeLimit: Size.mebibytes(64) }) },
        { path: '/data', volume: kplus.Volume.fromPersistentVolumeClaim(chart, 'data', claim) },
        { path: '/host', volume: kplus.Volume.fromHostPath(chart, 'host', 'host', { path: '/var/log' }), readOnly: true },
        { path: '/csi', volume: kplus.Volume.fromCsi(chart, 'csi', 'csi.example.com', { attributes: { volumeId: 'not-a-property', a: 'b' } }) },
      ],
    }],
  });
  deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is('dedicated', 'shop')));
  deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('zone', 'a')));
  deployment.scheduling.spread({ topology: kplus.Topology.ZONE });
  return (deployment as any)._toPodSpec();
}

describe('podSpecJson', () => {
  test('lists every property that the generated Kubernetes bindings of cdk8s-plus rename', () => {
    // The bindings write `'<json name>': obj.<property>`; a property whose name differs is renamed.
    const source = fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
    const renamed = new Set<string>();
    for (const m of source.matchAll(/^\s+'([^']+)': [^\n]*?\bobj\.(\w+)/gm)) {
      if (m[1] !== m[2]) renamed.add(m[2]);
    }
    expect(renamed.size).toBeGreaterThan(10);
    expect([...RENAMED_PROPERTIES].sort()).toEqual([...renamed].sort());
  });

  test('gives what the generated mapping gives for a pod spec that uses most of cdk8s-plus', () => {
    const spec = richPodSpec();
    const json = podSpecJson(spec);
    expect(json).toEqual(generated(spec));
    // THEN: the renamed pod spec property and values read from IntOrString / Quantity objects
    expect(json.setHostnameAsFQDN).toBe(true);
    expect(json.setHostnameAsFqdn).toBeUndefined();
    expect(json.containers[0].resources.limits).toEqual({ 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '2Gi' });
    expect(json.containers[0].readinessProbe.httpGet.port).toBe(8080);
  });

  test('renames properties deeper in the tree with the generated mapping', () => {
    // GIVEN: an AWS EBS volume (volumeId → volumeID) and a downward API volume (downwardApi → downwardAPI)
    const spec: kplus.k8s.PodSpec = {
      containers: [{ name: 'main', image: 'shop:1' }],
      volumes: [
        { name: 'ebs', awsElasticBlockStore: { volumeId: 'vol-1', fsType: 'ext4' } },
        { name: 'info', downwardApi: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
      hostIpc: false,
      hostPid: false,
    };

    // WHEN
    const json = podSpecJson(spec);

    // THEN
    expect(json).toEqual(generated(spec));
    expect(json.volumes[0].awsElasticBlockStore).toEqual({ volumeID: 'vol-1', fsType: 'ext4' });
    expect(json.volumes[1].downwardAPI.items).toHaveLength(1);
    expect(json).toMatchObject({ hostIPC: false, hostPID: false });
  });

  test('keeps map keys that look like renamed properties', () => {
    // GIVEN: a node selector whose keys are names that the mapping renames in other places
    const spec: kplus.k8s.PodSpec = { containers: [{ name: 'main', image: 'shop:1' }], nodeSelector: { volumeId: 'x', ref: 'y', schema: 'z' } };

    // THEN
    expect(podSpecJson(spec).nodeSelector).toEqual({ volumeId: 'x', ref: 'y', schema: 'z' });
    expect(podSpecJson(spec)).toEqual(generated(spec));
  });

  test('drops undefined values and keeps null, empty objects and arrays', () => {
    const spec: any = { containers: [{ name: 'main', image: 'shop:1', args: [], env: undefined, securityContext: {} }], priority: null };
    expect(podSpecJson(spec)).toEqual({ containers: [{ name: 'main', image: 'shop:1', args: [], securityContext: {} }], priority: null });
    expect(Object.keys(podSpecJson(spec).containers[0])).not.toContain('env');
  });
});
