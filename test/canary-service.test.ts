import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { ArgoRollout, RolloutAntiAffinity } from '../src/argo-rollout';
import { CanaryApp } from '../src/canary-app';
import { CanaryService, CanaryServiceProps } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { IstioGateway } from '../src/istio-gateway';
import { ServicePortProtocol } from '../src/service-port';
import { LoadBalancerAlgorithm, TrafficPolicy } from '../src/traffic-policy';
import { findAll, findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const IMAGE = 'ghcr.io/acme/shop:1.4.2';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const REVISION_LABEL = 'service.istio.io/canonical-revision';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

function nsChart(namespace = 'shop', app = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, { namespace });
}

/** Synthesizes one CanaryService in a fresh app; returns the manifests. */
function synthService(props: Partial<CanaryServiceProps> = {}, id = 'shop'): any[] {
  const chart = nsChart();
  new CanaryService(chart, id, { image: IMAGE, ...props });
  return synth(chart);
}

function podLabels(manifests: any[]): { [k: string]: string } {
  return findOne(manifests, 'Rollout').spec.template.metadata.labels;
}

describe('CanaryService', () => {
  test('minimal: Service, DestinationRule, VirtualService, Rollout and the default analysis, all named after the id', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const svc = new CanaryService(chart, 'Shop', { image: IMAGE });
    const manifests = synth(chart);
    // THEN
    expect(svc.name).toEqual('shop');
    expect(svc.namespace).toEqual('shop');
    expect(manifests.map(m => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'AnalysisTemplate/shop-success-rate', 'DestinationRule/shop', 'PeerAuthentication/shop', 'PodDisruptionBudget/shop',
      'Rollout/shop', 'Service/shop', 'VirtualService/shop',
    ]);
    // mTLS required for the pods, and at most one pod disrupted at a time
    expect(findOne(manifests, 'PeerAuthentication').spec).toEqual({ selector: { matchLabels: { app: 'shop' } }, mtls: { mode: 'STRICT' } });
    expect(findOne(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'shop' } } });
    for (const m of manifests) expect(m.metadata.namespace).toEqual('shop');

    const service = findOne(manifests, 'Service');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'shop' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    const dr = findOne(manifests, 'DestinationRule');
    expect(dr.spec.host).toEqual('shop.shop.svc.cluster.local');
    expect(dr.spec.subsets).toEqual([{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }]);
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.gateways).toEqual(['mesh']);
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.destination.port.number, r.weight])).toEqual([['stable', 80, 100], ['canary', 80, 0]]);

    const rollout = findOne(manifests, 'Rollout');
    expect(rollout.spec.replicas).toEqual(2);
    expect(rollout.spec.selector.matchLabels).toEqual({ app: 'shop' });
    expect(rollout.spec.strategy.canary.steps).toEqual(ArgoRollout.DEFAULT_STEPS.map(s => s._toKube()));
    const container = rollout.spec.template.spec.containers[0];
    expect(container).toMatchObject({ name: 'main', image: IMAGE, ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 } } });
    expect(rollout.spec.strategy.canary.analysis.templates).toEqual([{ templateName: 'shop-success-rate' }]);
    expect(rollout.spec.strategy.canary.analysis.args).toEqual(expect.arrayContaining([
      { name: 'canary-revision', value: podLabels(manifests)[REVISION_LABEL] },
    ]));

    // the parts are exposed
    expect(svc.service.kind).toEqual('Service');
    expect(svc.subsets.host).toEqual('shop.shop.svc.cluster.local');
    expect(svc.rollout.rolloutName).toEqual('shop');
    expect(svc.container.name).toEqual('main');
    expect(svc.analysisTemplates.map(t => t.templateName)).toEqual(['shop-success-rate']);
    expect(manifests).toMatchSnapshot();
  });

  test('sync waves: prerequisites -2, VirtualService -1, Rollout 0; written in dependency order', () => {
    // WHEN
    const manifests = synthService();
    // THEN
    const wave = (m: any) => m.metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave(findOne(manifests, 'AnalysisTemplate'))).toEqual('-2');
    expect(wave(findOne(manifests, 'Service'))).toEqual('-2');
    expect(wave(findOne(manifests, 'DestinationRule'))).toEqual('-2');
    expect(wave(findOne(manifests, 'VirtualService'))).toEqual('-1');
    expect(wave(findOne(manifests, 'Rollout'))).toEqual('0');
    const order = manifests.map(m => m.kind);
    expect(order.indexOf('DestinationRule')).toBeLessThan(order.indexOf('VirtualService'));
    expect(order.indexOf('VirtualService')).toBeLessThan(order.indexOf('Rollout'));
    expect(order.indexOf('Service')).toBeLessThan(order.indexOf('Rollout'));
  });

  test('the namespace defaults to "default" without a chart namespace', () => {
    const chart = Testing.chart();
    const svc = new CanaryService(chart, 'shop', { image: IMAGE });
    const manifests = synth(chart);
    expect(svc.namespace).toEqual('default');
    expect(findOne(manifests, 'DestinationRule').spec.host).toEqual('shop.default.svc.cluster.local');
  });

  test('all props: name, namespace, version, ports, selector, replicas, container settings, gateway, traffic policy', () => {
    // GIVEN
    const chart = nsChart();
    const gateway = new IstioGateway(chart, 'public', { hosts: ['shop.example.com'], tls: { credentialName: 'shop-tls' } });
    const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'shop-runtime');
    // WHEN
    new CanaryService(chart, 'svc', {
      image: IMAGE,
      name: 'shop-api',
      namespace: 'store',
      version: 'spring-sale',
      ports: [{ port: 8080 }, { port: 9090, protocol: ServicePortProtocol.GRPC }],
      routePort: 9090,
      selectorLabels: { 'app.kubernetes.io/name': 'shop-api' },
      replicas: 4,
      defaultAnalysis: false,
      envVariables: { MODE: kplus.EnvValue.fromValue('prod') },
      command: ['/bin/shop'],
      args: ['--serve'],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: kplus.Probe.fromHttpGet('/live', { port: 8080 }),
      serviceAccount,
      gateway,
      hosts: ['shop.example.com'],
      trafficPolicy: TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.ROUND_ROBIN }),
      progressDeadline: Duration.minutes(20),
    });
    const manifests = synth(chart);
    // THEN
    expect(findAll(manifests, 'AnalysisTemplate')).toEqual([]);
    const service = findOne(manifests, 'Service', 'shop-api');
    expect(service.metadata.namespace).toEqual('store');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop-api' });
    expect(service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([['http', 8080, 8080], ['grpc', 9090, 9090]]);
    const dr = findOne(manifests, 'DestinationRule', 'shop-api');
    expect(dr.spec.host).toEqual('shop-api.store.svc.cluster.local');
    expect(dr.spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'ROUND_ROBIN' } });
    const vs = findOne(manifests, 'VirtualService', 'shop-api');
    expect(vs.spec.hosts).toEqual(['shop.example.com', 'shop-api.store.svc.cluster.local']);
    expect(vs.spec.gateways).toEqual(['shop/public', 'mesh']);
    // the primary weighted route is on the route port
    expect(vs.spec.http[0].name).toEqual('primary');
    expect(vs.spec.http[0].route.map((r: any) => r.destination.port.number)).toEqual([9090, 9090]);
    const rollout = findOne(manifests, 'Rollout', 'shop-api');
    expect(rollout.spec.replicas).toEqual(4);
    expect(rollout.spec.progressDeadlineSeconds).toEqual(1200);
    expect(rollout.spec.strategy.canary.analysis).toBeUndefined();
    expect(rollout.spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]).toEqual('primary');
    expect(rollout.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'shop-api',
      'app.kubernetes.io/version': 'spring-sale',
      'version': 'spring-sale',
    });
    const pod = rollout.spec.template.spec;
    expect(pod.serviceAccountName).toEqual('shop-runtime');
    expect(pod.containers[0]).toMatchObject({
      command: ['/bin/shop'],
      args: ['--serve'],
      env: [{ name: 'MODE', value: 'prod' }],
      ports: [{ containerPort: 8080 }, { containerPort: 9090 }],
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      livenessProbe: { httpGet: { path: '/live', port: 8080 } },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('the default analysis starts at the first step that sends users to the canary', () => {
    // GIVEN steps that first scale the canary and send it 0% of the traffic
    const steps = [CanaryStep.canaryScale({ replicas: 1 }), CanaryStep.weight(0), CanaryStep.pause(), CanaryStep.weight(20), CanaryStep.pause()];
    // WHEN
    const manifests = synthService({ steps });
    // THEN
    expect(findOne(manifests, 'Rollout').spec.strategy.canary.analysis.startingStep).toEqual(3);
    // and with the default steps it starts at once
    expect(findOne(synthService(), 'Rollout').spec.strategy.canary.analysis.startingStep).toBeUndefined();
  });

  test('defaultAnalysis: false gives no analysis and no template', () => {
    const manifests = synthService({ defaultAnalysis: false });
    expect(findAll(manifests, 'AnalysisTemplate')).toEqual([]);
    expect(findOne(manifests, 'Rollout').spec.strategy.canary.analysis).toBeUndefined();
  });

  test('Istio and Rollout options are passed to the parts: ingress VirtualService, additional subsets, dynamic scale, anti-affinity', () => {
    // WHEN
    const manifests = synthService({
      gateway: IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com']),
      separateIngressVirtualService: true,
      additionalSubsets: [{ name: 'legacy', labels: { track: 'legacy' }, weight: 10 }],
      dynamicStableScale: true,
      antiAffinity: RolloutAntiAffinity.required(),
    });
    // THEN
    expect(findAll(manifests, 'VirtualService').map(v => v.metadata.name).sort()).toEqual(['shop', 'shop-ingress']);
    const canary = findOne(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.trafficRouting.istio.virtualServices.map((v: any) => v.name)).toEqual(['shop-ingress', 'shop']);
    expect(canary.trafficRouting.istio.destinationRule.additionalSubsetNames).toEqual(['legacy']);
    expect(canary.dynamicStableScale).toBe(true);
    expect(canary.antiAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: {} });
  });

  test('no PeerAuthentication with strictMtls: false; no PodDisruptionBudget when turned off or with one replica', () => {
    expect(findAll(synthService({ strictMtls: false }), 'PeerAuthentication')).toEqual([]);
    expect(findAll(synthService({ podDisruptionBudget: false }), 'PodDisruptionBudget')).toEqual([]);
    expect(findAll(synthService({ replicas: 1 }), 'PodDisruptionBudget')).toEqual([]);
  });

  test('mesh: false with a referenced gateway routes only ingress traffic', () => {
    const manifests = synthService({ mesh: false, gateway: IstioGateway.fromGatewayRef('istio-system/public', ['*.example.com']), hosts: ['shop.example.com'] });
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.hosts).toEqual(['shop.example.com']);
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
  });

  test('fails if the image is unpinned, even with a version (as rule CR306 requires)', () => {
    expect(() => new CanaryService(nsChart(), 'shop', { image: 'ghcr.io/acme/shop', version: '2024.06.1' }))
      .toThrow(/^\[[^\]]+\] 'image' \("ghcr.io\/acme\/shop"\) has neither a tag nor a digest/);
    expect(() => new CanaryService(nsChart(), 'shop', { image: 'ghcr.io/acme/shop:latest', version: '2024.06.1' }))
      .toThrow(/^\[[^\]]+\] 'image' \("ghcr.io\/acme\/shop:latest"\) uses the tag "latest"/);
  });

  test('a version overrides the release name taken from the tag', () => {
    const svc = new CanaryService(nsChart(), 'shop', { image: 'ghcr.io/acme/shop:build-7781', version: '2024.06.1' });
    expect(svc.rollout.version).toEqual('2024.06.1');
  });

  test('version from the digest when the image has no tag', () => {
    const labels = podLabels(synthService({ image: `ghcr.io/acme/shop@${DIGEST}` }));
    expect(labels.version).toEqual('sha256-0123456789ab');
    expect(labels[REVISION_LABEL]).toMatch(/^sha256-0123456789ab-[0-9a-f]{10}$/);
  });

  describe('secure defaults of the pod template', () => {
    test('seccomp RuntimeDefault, capabilities dropped, non-root, read-only root, no token, sidecar injection', () => {
      // WHEN
      const manifests = synthService();
      // THEN
      const template = findOne(manifests, 'Rollout').spec.template;
      expect(template.metadata.labels['sidecar.istio.io/inject']).toEqual('true');
      expect(template.spec.automountServiceAccountToken).toBe(false);
      expect(template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(template.spec.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(template.spec.containers[0].resources).toEqual({ limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } });
    });

    test('user-set values are kept (through the exposed rollout and container)', () => {
      // GIVEN
      const chart = nsChart();
      const svc = new CanaryService(chart, 'shop', { image: IMAGE, resources: { cpu: { request: kplus.Cpu.millis(50) } } });
      // WHEN
      svc.rollout.podMetadata.addLabel('sidecar.istio.io/inject', 'false');
      const sidecar = svc.rollout.addContainer({
        name: 'helper',
        image: 'busybox:1.36',
        securityContext: { readOnlyRootFilesystem: false, ensureNonRoot: false, capabilities: { add: [kplus.Capability.NET_ADMIN] } },
      });
      sidecar.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp'));
      const manifests = synth(chart);
      // THEN
      const template = findOne(manifests, 'Rollout').spec.template;
      expect(template.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
      expect(template.spec.containers[0].resources.requests).toEqual({ cpu: '50m' });
      expect(template.spec.containers[1].securityContext).toMatchObject({
        readOnlyRootFilesystem: false,
        runAsNonRoot: false,
        capabilities: { add: ['NET_ADMIN'] },
      });
      expect(template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    });
  });

  describe('revision label', () => {
    test('changes when only an env var changes (same image tag)', () => {
      const a = podLabels(synthService({ envVariables: { FEATURE: kplus.EnvValue.fromValue('off') } }));
      const b = podLabels(synthService({ envVariables: { FEATURE: kplus.EnvValue.fromValue('on') } }));
      expect(a.version).toEqual(b.version);
      expect(a[REVISION_LABEL]).not.toEqual(b[REVISION_LABEL]);
    });

    test('stays the same for an identical template', () => {
      const a = podLabels(synthService({}, 'shop'));
      const b = podLabels(synthService({ replicas: 5, defaultAnalysis: false }, 'shop'));
      expect(a[REVISION_LABEL]).toEqual(b[REVISION_LABEL]);
    });

    test('differs between two images', () => {
      const a = podLabels(synthService({ image: 'ghcr.io/acme/shop:1.4.2' }));
      const b = podLabels(synthService({ image: 'ghcr.io/acme/shop:1.4.3' }));
      expect(a[REVISION_LABEL]).toMatch(/^1\.4\.2-[0-9a-f]{10}$/);
      expect(b[REVISION_LABEL]).toMatch(/^1\.4\.3-[0-9a-f]{10}$/);
      expect(a[REVISION_LABEL].slice(-10)).not.toEqual(b[REVISION_LABEL].slice(-10));
    });

    test('version from the version prop, else the tag', () => {
      expect(podLabels(synthService({ version: 'v7' })).version).toEqual('v7');
      expect(podLabels(synthService()).version).toEqual('1.4.2');
      expect(podLabels(synthService({ version: 'v7' }))[REVISION_LABEL]).toMatch(/^v7-[0-9a-f]{10}$/);
    });
  });

  describe('bad input', () => {
    test('fails if the name from the construct id is not a DNS-1123 label', () => {
      expect(() => new CanaryService(nsChart(), 'shop_api', { image: IMAGE }))
        .toThrow(/^\[[^\]]+\] 'name \(from the construct id\)' \("shop_api"\) must be a DNS-1123 label.*for example "shop-api"/);
    });

    test('fails if the name is not a DNS-1123 label', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, name: 'shop.api' })).toThrow(/^\[[^\]]+\] 'name' \("shop.api"\) must be a DNS-1123 label/);
    });

    test('fails if the name is longer than 63 characters', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, name: 'a'.repeat(64) })).toThrow(/^\[[^\]]+\] 'name' \("a+"\) must be a DNS-1123 label: at most 63/);
    });

    test('fails if the namespace is not a DNS-1123 label', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, namespace: 'Shop' })).toThrow(/^\[[^\]]+\] 'namespace' \("Shop"\) must be a DNS-1123 label/);
    });

    test('fails if the image has no tag/digest and no version', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: 'ghcr.io/acme/shop' }))
        .toThrow(/^\[[^\]]+\] 'image' \("ghcr.io\/acme\/shop"\) has neither a tag nor a digest, so nothing tells one release from the next/);
    });

    test('fails if the image tag cannot be a label value and no version is set', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: `ghcr.io/acme/shop:${'1'.repeat(64)}` }))
        .toThrow(/^\[[^\]]+\] the image tag "1+" of "ghcr.io\/acme\/shop:1+" cannot be a Kubernetes label value .*set 'version'/);
    });

    test('fails if the image is not an image reference', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: '' })).toThrow(/^\[[^\]]+\] 'image' \(""\) is not a container image reference/);
    });

    test('fails if a port is out of range', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [{ port: 70000 }] })).toThrow(/^\[[^\]]+\] 'ports\[0\]\.port' \(70000\) must be an integer between 1 and 65535$/);
    });

    test('fails if a port is duplicated', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [{ port: 80 }, { port: 80, name: 'http-b' }] }))
        .toThrow(/^\[[^\]]+\] 'ports\[1\]\.port' \(80\) is already used by ports\[0\]/);
    });

    test('fails if the ports are empty', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [] })).toThrow(/^\[[^\]]+\] 'ports' is empty/);
    });

    test('fails if a target port is Envoy-reserved', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [{ port: 80, targetPort: 15006 }] }))
        .toThrow(/^\[[^\]]+\] 'ports\[0\]\.targetPort' \(15006\) is in the range 15000-15090 that the Istio sidecar reserves/);
    });

    test('fails if there is no HTTP-family port and no routePort', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [{ port: 5432, protocol: ServicePortProtocol.TCP }] }))
        .toThrow(/^\[[^\]]+\] no HTTP-family port among 'ports' \(tcp:5432\): the canary splits HTTP requests. Add an HTTP, HTTP2 or GRPC port, or set 'routePort'$/);
    });

    test('fails if routePort is not one of the Service ports', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, ports: [{ port: 80 }, { port: 81 }], routePort: 8080 }))
        .toThrow(/^\[[^\]]+\] 'routePort' \(8080\) is not one of the Service ports \(80, 81\): pick one of them$/);
    });

    test('fails if routePort is not an HTTP-family port', () => {
      expect(() => new CanaryService(nsChart(), 'shop', {
        image: IMAGE,
        ports: [{ port: 80 }, { port: 443, protocol: ServicePortProtocol.TLS }],
        routePort: 443,
      })).toThrow(/^\[[^\]]+\] 'routePort' \(443\) is a tls port: weighted HTTP routes only apply to HTTP, HTTP2, GRPC or GRPC-Web ports$/);
    });

    test('an annotation added to one object does not reach the objects of another service', () => {
      // GIVEN two services (their objects start from the same sync-wave annotations)
      const chart = nsChart();
      const a = new CanaryService(chart, 'a', { image: IMAGE, strictMtls: true });
      new CanaryService(chart, 'b', { image: IMAGE, strictMtls: true });
      // WHEN
      for (const o of [a.service, a.subsets.destinationRule, a.subsets.virtualService, a.peerAuthentication!, a.podDisruptionBudget!]) {
        o.metadata.addAnnotation('argocd.argoproj.io/sync-wave', '7');
        o.metadata.addAnnotation('owner', 'a');
      }
      // THEN
      const manifests = synth(chart);
      for (const o of manifests.filter((m: any) => m.metadata.name === 'b')) {
        expect(o.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': o.kind === 'VirtualService' ? '-1' : o.kind === 'Rollout' ? '0' : '-2' });
      }
      expect(manifests.filter((m: any) => m.metadata.name === 'a' && m.metadata.annotations.owner === 'a').length).toBe(5);
    });

    test('services without ports share the default port; a service with ports gets its own', () => {
      // GIVEN
      const chart = nsChart();
      // WHEN
      new CanaryService(chart, 'a', { image: IMAGE });
      new CanaryService(chart, 'b', { image: IMAGE, ports: [{ port: 8080 }, { port: 9090, protocol: ServicePortProtocol.GRPC }] });
      new CanaryService(chart, 'c', { image: IMAGE });
      // THEN
      const manifests = synth(chart);
      const ports = (name: string) => findOne(manifests, 'Service', name).spec.ports;
      expect(ports('a')).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
      expect(ports('c')).toEqual(ports('a'));
      expect(ports('b')).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }, { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' }]);
      expect(findOne(manifests, 'Rollout', 'c').spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
    });

    test('keeps a copy of the selector labels given', () => {
      // GIVEN
      const chart = nsChart();
      const selectorLabels: { [key: string]: string } = { app: 'shop', tier: 'web' };
      // WHEN
      new CanaryService(chart, 'shop', { image: IMAGE, selectorLabels });
      selectorLabels.tier = 'changed';
      // THEN
      const manifests = synth(chart);
      expect(findOne(manifests, 'Service').spec.selector).toEqual({ app: 'shop', tier: 'web' });
      expect(findOne(manifests, 'Rollout').spec.selector.matchLabels).toEqual({ app: 'shop', tier: 'web' });
    });

    test('fails if the selector labels are empty', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, selectorLabels: {} })).toThrow(/^\[[^\]]+\] 'selectorLabels' is empty/);
    });

    test('fails if a selector label varies between releases (mentions the pod-template hash)', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, selectorLabels: { 'app': 'shop', 'app.kubernetes.io/version': '1.4.2' } }))
        .toThrow(/'selectorLabels' contains the label "app.kubernetes.io\/version", whose value changes with every release: .*"rollouts-pod-template-hash"/);
    });

    test('fails if a selector label value Kubernetes would reject is given', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, selectorLabels: { app: 'shop!' } }))
        .toThrow(/^\[[^\]]+\] 'selectorLabels' label "app" has the value "shop!", which Kubernetes rejects/);
    });

    test('fails if the version is not a label value', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, version: 'release 1' })).toThrow(/^\[[^\]]+\] 'version' label "app.kubernetes.io\/version" has the value "release 1"/);
    });

    test('fails if hosts are not served by the gateway', () => {
      expect(() => new CanaryService(nsChart(), 'shop', {
        image: IMAGE,
        gateway: IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com']),
        hosts: ['api.example.com'],
      })).toThrow(/^\[[^\]]+\] none of the 'hosts' \(api.example.com\) is served by gateway istio-system\/public/);
    });

    test('fails if replicas is out of range', () => {
      expect(() => new CanaryService(nsChart(), 'shop', { image: IMAGE, replicas: -1 })).toThrow(/^\[[^\]]+\] 'replicas' \(-1\) must be an integer between 0 and 10000$/);
    });

    test('warns if the service names an external host without a gateway (a mesh-only VirtualService would capture it): CR224 at synth', () => {
      const app = new CanaryApp();
      new CanaryService(nsChart('shop', app), 'shop', { image: IMAGE, hosts: ['shop.example.com'] });
      app.renderFiles();
      expect(app.warnings.filter(w => /CR224/.test(w))).toEqual([expect.stringMatching(
        /^\[test\] warning \[CR224\] VirtualService shop\/shop spec\.hosts\[0\]: host "shop\.example\.com" is not the name of a Service .*defined at test\/shop\/Subsets\/VirtualService\)$/)]);
    });

    test('replicas: 0 (an environment scaled down) synthesizes, without a PodDisruptionBudget, and the plan notes that a release runs no canary', () => {
      const app = new CanaryApp();
      new CanaryService(nsChart('shop', app), 'shop', { image: IMAGE, replicas: 0 });
      const files = app.renderFiles();
      const manifests = YAML.parseAllDocuments(files['test.k8s.yaml']).map(d => d.toJS());
      validateManifests(manifests);
      expect(findOne(manifests, 'Rollout').spec.replicas).toBe(0);
      expect(manifests.filter((m: any) => m.kind === 'PodDisruptionBudget')).toEqual([]);
      expect(app.warnings.filter(w => /PLAN014/.test(w))).toEqual([expect.stringMatching(/warning \[PLAN014\] Rollout shop: Rollout "shop" has 'replicas: 0'/)]);
    });
  });
});
