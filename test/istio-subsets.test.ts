import { ApiObject, Chart, Testing } from 'cdk8s';
import { ArgoCdApplication } from '../src/argocd-application';
import { CanaryService } from '../src/canary-service';
import { IstioGateway } from '../src/istio-gateway';
import { IstioSubsets, IstioSubsetsProps } from '../src/istio-subsets';
import { mergeDestinationRules } from '../src/private/istio-merge';
import { ServicePortProtocol } from '../src/service-port';
import { LoadBalancerAlgorithm, TrafficPolicy } from '../src/traffic-policy';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

const BASE: IstioSubsetsProps = { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } };

function nsChart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

describe('IstioSubsets', () => {
  test('defaults: DestinationRule on the FQDN with stable/canary subsets, mesh VirtualService with stable 100 / canary 0', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', BASE);
    const manifests = synth(chart);
    // THEN
    expect(subsets.host).toEqual('shop.shop.svc.cluster.local');
    expect(subsets.namespace).toEqual('shop');
    expect(subsets.destinationRuleName).toEqual('shop');
    expect(subsets.virtualServiceName).toEqual('shop');
    expect(subsets.routeName).toEqual('primary');
    expect(subsets.gatewayRefs).toEqual(['mesh']);
    expect(subsets.hosts).toEqual([]);
    const dr = findOne(manifests, 'DestinationRule', 'shop');
    expect(dr.apiVersion).toEqual('networking.istio.io/v1');
    expect(dr.metadata).toEqual({ name: 'shop', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } });
    expect(dr.spec).toEqual({
      host: 'shop.shop.svc.cluster.local',
      subsets: [{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }],
    });
    const vs = findOne(manifests, 'VirtualService', 'shop');
    expect(vs.apiVersion).toEqual('networking.istio.io/v1');
    expect(vs.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(vs.spec).toEqual({
      hosts: ['shop.shop.svc.cluster.local'],
      gateways: ['mesh'],
      http: [{
        name: 'primary',
        route: [
          { destination: { host: 'shop.shop.svc.cluster.local', subset: 'stable', port: { number: 80 } }, weight: 100 },
          { destination: { host: 'shop.shop.svc.cluster.local', subset: 'canary', port: { number: 80 } }, weight: 0 },
        ],
      }],
    });
    // the DestinationRule comes first in the output (dependency order)
    expect(manifests.map(m => m.kind)).toEqual(['DestinationRule', 'VirtualService']);
    expect(manifests).toMatchSnapshot();
  });

  test('custom names, namespace and traffic policy', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', {
      ...BASE,
      namespace: 'store',
      servicePort: 8080,
      name: 'shop-canary',
      stableSubsetName: 'blue',
      canarySubsetName: 'green',
      routeName: 'weighted',
      trafficPolicy: TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST }),
    });
    const manifests = synth(chart);
    // THEN
    expect(subsets.host).toEqual('shop.store.svc.cluster.local');
    const dr = findOne(manifests, 'DestinationRule', 'shop-canary');
    expect(dr.metadata.namespace).toEqual('store');
    expect(dr.spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' } });
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['blue', 'green']);
    const vs = findOne(manifests, 'VirtualService', 'shop-canary');
    expect(vs.spec.http[0].name).toEqual('weighted');
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.destination.port.number, r.weight])).toEqual([['blue', 8080, 100], ['green', 8080, 0]]);
    expect(manifests).toMatchSnapshot();
  });

  test('a new gateway and the mesh share the one weighted route; the gateway hosts are the external hosts', () => {
    // GIVEN
    const chart = nsChart();
    const gw = new IstioGateway(chart, 'public', { hosts: ['shop.example.com'], namespace: 'istio-system', tls: { credentialName: 'shop-tls' } });
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', { ...BASE, gateways: [gw] });
    const manifests = synth(chart);
    // THEN
    expect(subsets.hosts).toEqual(['shop.example.com']);
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.hosts).toEqual(['shop.example.com', 'shop.shop.svc.cluster.local']);
    expect(vs.spec.gateways).toEqual(['istio-system/public', 'mesh']);
    expect(vs.spec.http).toHaveLength(1);
    expect(manifests).toMatchSnapshot();
  });

  test('a referenced gateway without mesh: only the external hosts, only the gateway', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    new IstioSubsets(chart, 'subsets', {
      ...BASE,
      mesh: false,
      gateways: [IstioGateway.fromGatewayRef('istio-system/public', ['*.example.com'])],
      hosts: ['shop.example.com', 'shop.example.com'],
    });
    const manifests = synth(chart);
    // THEN
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.hosts).toEqual(['shop.example.com']);
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
    expect(vs.spec.http[0].route[0].destination.host).toEqual('shop.shop.svc.cluster.local');
  });

  test('a referenced gateway with unknown hosts accepts the given hosts', () => {
    const chart = nsChart();
    new IstioSubsets(chart, 'subsets', { ...BASE, gateways: [IstioGateway.fromGatewayRef('istio-system/public')], hosts: ['shop.example.com'] });
    expect(findOne(synth(chart), 'VirtualService').spec.hosts).toEqual(['shop.example.com', 'shop.shop.svc.cluster.local']);
  });

  test('getters return copies', () => {
    const chart = nsChart();
    const subsets = new IstioSubsets(chart, 'subsets', { ...BASE, hosts: ['shop.example.com'] });
    subsets.subsetLabels.app = 'evil';
    subsets.hosts.push('evil.example.com');
    subsets.gatewayRefs.push('evil/gw');
    const manifests = synth(chart);
    expect(findOne(manifests, 'DestinationRule').spec.subsets[0].labels).toEqual({ app: 'shop' });
    expect(findOne(manifests, 'VirtualService').spec.hosts).toEqual(['shop.example.com', 'shop.shop.svc.cluster.local']);
    expect(findOne(manifests, 'VirtualService').spec.gateways).toEqual(['mesh']);
  });

  test('fails if the service name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, serviceName: 'Shop' })).toThrow(/^\[[^\]]+\] 'serviceName' \("Shop"\) must be a DNS-1123 label/);
  });

  test.each([0, 65536, 80.5])('fails if the service port is out of range (%j)', (servicePort) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, servicePort })).toThrow(/^\[[^\]]+\] 'servicePort' \(.*\) must be an integer between 1 and 65535$/);
  });

  test('fails if the subset labels are empty', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, subsetLabels: {} })).toThrow(/^\[[^\]]+\] 'subsetLabels' is empty/);
  });

  test('fails if a subset label varies between releases (mentions the pod-template hash)', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, subsetLabels: { 'app': 'shop', 'service.istio.io/canonical-revision': 'v1-abc' } }))
      .toThrow(/'subsetLabels' contains the label "service.istio.io\/canonical-revision".*"rollouts-pod-template-hash" into each subset/);
  });

  test('fails if the subsets are labelled with the pod-template hash itself', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, subsetLabels: { 'app': 'shop', 'rollouts-pod-template-hash': '6c8d7f' } }))
      .toThrow(/'subsetLabels' contains the label "rollouts-pod-template-hash", whose value changes with every release/);
  });

  test('fails if the namespace is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, namespace: 'my_ns' })).toThrow(/^\[[^\]]+\] 'namespace' \("my_ns"\) must be a DNS-1123 label/);
  });

  test('fails if the name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, name: 'shop.vs' })).toThrow(/^\[[^\]]+\] 'name' \("shop.vs"\) must be a DNS-1123 label/);
  });

  test('fails if the stable subset name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, stableSubsetName: 'Stable' }))
      .toThrow(/^\[[^\]]+\] 'stableSubsetName' \("Stable"\) must be a DNS-1123 label \(Istio subset names\)/);
  });

  test('fails if the canary subset name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, canarySubsetName: 'canary_1' }))
      .toThrow(/^\[[^\]]+\] 'canarySubsetName' \("canary_1"\) must be a DNS-1123 label \(Istio subset names\)/);
  });

  test('fails if the stable and canary subset names are equal', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, stableSubsetName: 'v1', canarySubsetName: 'v1' }))
      .toThrow(/^\[[^\]]+\] 'stableSubsetName' and 'canarySubsetName' are both "v1": the stable and canary subsets need different names$/);
  });

  test('fails if the route name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, routeName: 'Primary Route' })).toThrow(/^\[[^\]]+\] 'routeName' \("Primary Route"\) must be a DNS-1123 label/);
  });

  test('fails if a gateway is bound twice', () => {
    const gw = IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com']);
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, gateways: [gw, IstioGateway.fromGatewayRef('istio-system/public')] }))
      .toThrow(/^\[[^\]]+\] 'gateways' lists "istio-system\/public" twice: bind each gateway once$/);
  });

  test('fails if mesh is false and there is no gateway', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, mesh: false }))
      .toThrow(/^\[[^\]]+\] 'mesh' is false and no 'gateways' are given: the VirtualService would apply to no traffic/);
  });

  test('fails if a host is "*"', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, hosts: ['*'] })).toThrow(/^\[[^\]]+\] 'hosts' contains "\*"/);
  });

  test('fails if a host is not a DNS name', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, hosts: ['shop_example.com'] })).toThrow(/^\[[^\]]+\] 'hosts' \("shop_example.com"\) must be a DNS-1123 subdomain/);
  });

  test('fails if a gateway ref has no known hosts and no hosts are given', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, gateways: [IstioGateway.fromGatewayRef('istio-system/public')] }))
      .toThrow(/^\[[^\]]+\] 'hosts' is empty but the VirtualService is bound to istio-system\/public: a gateway routes by host.*IstioGateway.fromGatewayRef\(\)/);
  });

  test('fails if the hosts are not served by the gateway', () => {
    const gw = IstioGateway.fromGatewayRef('istio-system/public', ['*.example.com']);
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, gateways: [gw], hosts: ['shop.example.org'] }))
      .toThrow(/^\[[^\]]+\] none of the 'hosts' \(shop.example.org\) is served by gateway istio-system\/public \(\*.example.com\): .*IST0132/);
  });

  test('fails if the hosts are not served by a new gateway', () => {
    const chart = nsChart();
    const gw = new IstioGateway(chart, 'public', { hosts: ['shop.example.com'] });
    expect(() => new IstioSubsets(chart, 'subsets', { ...BASE, gateways: [gw], hosts: ['api.example.com'] }))
      .toThrow(/^\[[^\]]+\] none of the 'hosts' \(api.example.com\) is served by gateway shop\/public \(shop.example.com\)/);
  });

  test.each([
    ['*.example.com', 'shop.example.com'],
    ['*.example.com', 'a.b.example.com'],
    ['*.example.com', '*.example.com'],
    ['shop.example.com', 'shop.example.com'],
    ['shop.example.com', '*.example.com'],
    ['*.shop.example.com', '*.example.com'],
  ])('a gateway serving %j serves %j', (gatewayHost, host) => {
    const gw = IstioGateway.fromGatewayRef('istio-system/public', [gatewayHost]);
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, gateways: [gw], hosts: [host] })).not.toThrow();
  });

  test('a wildcard host bound to a gateway serving one of its names synthesizes and passes the synth-time rules', () => {
    const chart = nsChart();
    const gw = new IstioGateway(chart, 'public', { hosts: ['shop.example.com'] });
    new IstioSubsets(chart, 'subsets', { ...BASE, gateways: [gw], hosts: ['*.example.com'] });
    expect(findOne(synth(chart), 'VirtualService').spec.hosts).toEqual(['*.example.com', 'shop.shop.svc.cluster.local']);
  });

  test.each([
    ['*.example.com', 'example.com'],
    ['shop.example.com', 'api.example.com'],
    ['*.shop.example.com', 'shop.example.com'],
    ['example.com', '*.example.com'],
    ['shop.example.org', '*.example.com'],
  ])('a gateway serving %j does not serve %j', (gatewayHost, host) => {
    const gw = IstioGateway.fromGatewayRef('istio-system/public', [gatewayHost]);
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, gateways: [gw], hosts: [host] })).toThrow(/is served by gateway/);
  });
});

describe('IstioSubsets: more ports, additional subsets, separate ingress VirtualService', () => {
  test('additional ports: one weighted HTTP route per HTTP port (matched by port), TLS routes by SNI, TCP routes by port', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', {
      ...BASE,
      additionalPorts: [
        { port: 9000, protocol: ServicePortProtocol.GRPC },
        { port: 8081, protocol: ServicePortProtocol.HTTP, routeName: 'admin' },
        { port: 443, protocol: ServicePortProtocol.TLS },
        { port: 5432, protocol: ServicePortProtocol.TCP },
      ],
    });
    const manifests = synth(chart);
    // THEN
    expect(subsets.httpRouteNames).toEqual(['primary', 'grpc-9000', 'admin']);
    const vs = findOne(manifests, 'VirtualService');
    const routes = (h: any) => h.route.map((r: any) => [r.destination.subset, r.destination.port.number, r.weight]);
    expect(vs.spec.http.map((h: any) => [h.name, h.match, routes(h)])).toEqual([
      ['primary', [{ port: 80 }], [['stable', 80, 100], ['canary', 80, 0]]],
      ['grpc-9000', [{ port: 9000 }], [['stable', 9000, 100], ['canary', 9000, 0]]],
      ['admin', [{ port: 8081 }], [['stable', 8081, 100], ['canary', 8081, 0]]],
    ]);
    expect(vs.spec.tls).toEqual([{
      match: [{ port: 443, sniHosts: ['shop.shop.svc.cluster.local'] }],
      route: [
        { destination: { host: 'shop.shop.svc.cluster.local', subset: 'stable', port: { number: 443 } }, weight: 100 },
        { destination: { host: 'shop.shop.svc.cluster.local', subset: 'canary', port: { number: 443 } }, weight: 0 },
      ],
    }]);
    expect(vs.spec.tcp.map((t: any) => [t.match, t.route.map((r: any) => r.weight)])).toEqual([[[{ port: 5432 }], [100, 0]]]);
    expect(subsets._toRolloutIstio().virtualService).toEqual({
      name: 'shop',
      routes: ['primary', 'grpc-9000', 'admin'],
      tlsRoutes: [{ port: 443, sniHosts: ['shop.shop.svc.cluster.local'] }],
      tcpRoutes: [{ port: 5432 }],
    });
    expect(manifests).toMatchSnapshot();
  });

  test('additional subsets keep their share in a second DestinationRule of the host that Argo Rollouts does not manage; stable gets the rest', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', { ...BASE, additionalSubsets: [{ name: 'legacy', labels: { track: 'legacy' }, weight: 20 }] });
    const manifests = synth(chart);
    // THEN the managed DestinationRule keeps stable and canary only (the controller removes any other subset of it)
    expect(subsets.additionalSubsetNames).toEqual(['legacy']);
    expect(findOne(manifests, 'DestinationRule', 'shop').spec.subsets).toEqual([
      { name: 'stable', labels: { app: 'shop' } },
      { name: 'canary', labels: { app: 'shop' } },
    ]);
    // AND the second one: same host and namespace, no traffic policy, no exportTo, the additional subsets, applied with the first
    const second = findOne(manifests, 'DestinationRule', 'shop-additional');
    expect(second.metadata).toEqual({ name: 'shop-additional', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } });
    expect(second.spec).toEqual({ host: 'shop.shop.svc.cluster.local', subsets: [{ name: 'legacy', labels: { track: 'legacy' } }] });
    expect(subsets.additionalDestinationRule?.name).toEqual('shop-additional');
    expect(ApiObject.of(subsets.virtualService).node.dependencies).toContain(subsets.additionalDestinationRule);
    expect(findOne(manifests, 'VirtualService').spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]))
      .toEqual([['stable', 80], ['canary', 0], ['legacy', 20]]);
    expect(subsets._toRolloutIstio().destinationRule).toEqual({ name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary', additionalSubsetNames: ['legacy'] });
    expect(manifests).toMatchSnapshot();
  });

  test('without additional subsets there is one DestinationRule', () => {
    const chart = nsChart();
    const subsets = new IstioSubsets(chart, 'subsets', BASE);
    expect(subsets.additionalDestinationRule).toBeUndefined();
    expect(synth(chart).filter((m: any) => m.kind === 'DestinationRule')).toHaveLength(1);
  });

  test('fails if an additional subset\'s labels contradict the Service selector: its pods would be no endpoints of the Service', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets: [{ name: 'legacy', labels: { app: 'shop-legacy' }, weight: 10 }] }))
      .toThrow(/'additionalSubsets\[0\]\.labels' \(\{"app":"shop-legacy"\}\) sets "app" to "shop-legacy", but the Service selects pods with "app": "shop" \('subsetLabels'\): no endpoint of the Service has both, so the subset is empty and its share of the traffic fails with 503\. Label the subset's pods with the Service's labels \(\{"app":"shop"\}\) and tell them apart with a label of their own, for example \{ track: "legacy" \}/);
  });

  test.each([[{ app: 'shop' }, 'has only labels of the Service\'s selector'], [{}, 'is empty']])('fails if an additional subset selects the Rollout\'s pods too (%j)', (labels, what) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets: [{ name: 'legacy', labels, weight: 10 }] }))
      .toThrow(`'additionalSubsets[0].labels' (${JSON.stringify(labels)}) ${what}`);
  });

  test('separate ingress VirtualService: <name>-ingress on the gateway, <name> on the mesh, both driven by the Rollout', () => {
    // GIVEN
    const chart = nsChart();
    // WHEN
    const subsets = new IstioSubsets(chart, 'subsets', {
      ...BASE,
      gateways: [IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com'])],
      separateIngressVirtualService: true,
    });
    const manifests = synth(chart);
    // THEN
    expect(subsets.virtualServiceNames).toEqual(['shop', 'shop-ingress']);
    const mesh = findOne(manifests, 'VirtualService', 'shop');
    const ingress = findOne(manifests, 'VirtualService', 'shop-ingress');
    expect([mesh.spec.hosts, mesh.spec.gateways]).toEqual([['shop.shop.svc.cluster.local'], ['mesh']]);
    expect([ingress.spec.hosts, ingress.spec.gateways]).toEqual([['shop.example.com'], ['istio-system/public']]);
    expect(ingress.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(ingress.spec.http).toEqual(mesh.spec.http);
    expect(subsets._toRolloutIstio()).toEqual({
      virtualServices: [{ name: 'shop-ingress', routes: ['primary'] }, { name: 'shop', routes: ['primary'] }],
      destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test.each([0, 65536])('fails if an additional port is out of range (%j)', (port) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalPorts: [{ port, protocol: ServicePortProtocol.HTTP }] }))
      .toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.port' \(.*\) must be an integer between 1 and 65535$/);
  });

  test('fails if an additional port is the service port or listed twice', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalPorts: [{ port: 80, protocol: ServicePortProtocol.HTTP }] }))
      .toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.port' \(80\) is already routed: list each Service port once \(servicePort is 80\)$/);
    expect(() => new IstioSubsets(nsChart(), 'subsets', {
      ...BASE,
      additionalPorts: [{ port: 81, protocol: ServicePortProtocol.TCP }, { port: 81, protocol: ServicePortProtocol.TCP }],
    })).toThrow(/^\[[^\]]+\] 'additionalPorts\[1\]\.port' \(81\) is already routed/);
  });

  test('fails if an additional route name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalPorts: [{ port: 81, protocol: ServicePortProtocol.HTTP, routeName: 'Admin' }] }))
      .toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.routeName' \("Admin"\) must be a DNS-1123 label/);
  });

  test('fails if an additional route name is already used', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalPorts: [{ port: 81, protocol: ServicePortProtocol.HTTP, routeName: 'primary' }] }))
      .toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.routeName' \("primary"\) is already the name of another weighted route: route names must be unique$/);
  });

  test('fails if a TLS port has no SNI hosts', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalPorts: [{ port: 443, protocol: ServicePortProtocol.TLS, sniHosts: [] }] }))
      .toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.sniHosts' is empty: a TLS route is matched by port and SNI hosts .*for example \['shop.shop.svc.cluster.local'\]$/);
  });

  test('fails if a TLS SNI host is not a host of the mesh VirtualService', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', {
      ...BASE,
      additionalPorts: [{ port: 443, protocol: ServicePortProtocol.HTTPS, sniHosts: ['shop.example.com'] }],
    })).toThrow(/^\[[^\]]+\] 'additionalPorts\[0\]\.sniHosts' contains "shop.example.com", which is not a host of the mesh VirtualService \(shop.shop.svc.cluster.local\)/);
  });

  test('fails if TLS or TCP ports are routed while mesh is false', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', {
      ...BASE,
      mesh: false,
      gateways: [IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com'])],
      additionalPorts: [{ port: 5432, protocol: ServicePortProtocol.TCP }],
    })).toThrow(/^\[[^\]]+\] TLS and TCP ports are routed by the mesh VirtualService, but 'mesh' is false: keep 'mesh' true or drop those ports$/);
  });

  test('fails if an additional subset name is not a DNS-1123 label', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets: [{ name: 'Legacy', labels: { track: 'x' }, weight: 10 }] }))
      .toThrow(/^\[[^\]]+\] 'additionalSubsets\[0\]\.name' \("Legacy"\) must be a DNS-1123 label \(Istio subset names\)/);
  });

  test.each([
    [[{ name: 'stable', labels: { track: 'x' }, weight: 10 }], 0, 'stable'],
    [[{ name: 'legacy', labels: { track: 'x' }, weight: 10 }, { name: 'legacy', labels: { track: 'y' }, weight: 10 }], 1, 'legacy'],
  ])('fails if an additional subset name is already a subset name (%#)', (additionalSubsets, i, name) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets }))
      .toThrow(new RegExp(`^\\[test/subsets\\] 'additionalSubsets\\[${i}\\]\\.name' \\("${name}"\\) is already a subset name: subset names must be unique$`));
  });

  test('fails if an additional subset label Kubernetes would reject is given', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets: [{ name: 'legacy', labels: { track: 'a b' }, weight: 10 }] }))
      .toThrow(/^\[[^\]]+\] 'additionalSubsets\[0\]\.labels' label "track" has the value "a b", which Kubernetes rejects/);
  });

  test.each([-1, 101, 2.5])('fails if an additional subset weight is not a percentage (%j)', (weight) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, additionalSubsets: [{ name: 'legacy', labels: { track: 'x' }, weight }] }))
      .toThrow(/^\[[^\]]+\] 'additionalSubsets\[0\]\.weight' \(.*\) must be an integer between 0 and 100: it is a percentage of the traffic$/);
  });

  test('fails if the additional subset weights leave nothing for stable', () => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', {
      ...BASE,
      additionalSubsets: [{ name: 'a', labels: { track: 'a' }, weight: 60 }, { name: 'b', labels: { track: 'b' }, weight: 40 }],
    })).toThrow(/^\[[^\]]+\] 'additionalSubsets' weights add up to 100%: stable would get no traffic. Keep their total below 100$/);
  });

  test.each([
    ['without gateways', {}],
    ['without mesh', { mesh: false, gateways: [IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com'])] }],
  ])('fails if a separate ingress VirtualService is requested %s', (_, props) => {
    expect(() => new IstioSubsets(nsChart(), 'subsets', { ...BASE, ...props, separateIngressVirtualService: true }))
      .toThrow(/^\[[^\]]+\] 'separateIngressVirtualService' needs both 'gateways' and 'mesh': with only one of them there is one VirtualService$/);
  });

  test('fails if two IstioSubsets bind the same host to the mesh, at synth (rule CR207, IST0109)', () => {
    const chart = nsChart();
    new IstioSubsets(chart, 'a', BASE);
    new IstioSubsets(chart, 'b', { ...BASE, name: 'shop-b' });
    expect(() => Testing.synth(chart)).toThrow(/\[CR207\] VirtualService shop\/shop-b .*host "shop.shop.svc.cluster.local" is also defined by VirtualService shop\/shop.*IST0109/);
  });
});

describe('IstioSubsets: additional subsets against Istio\'s merge and Argo CD', () => {
  test('the proxies see stable, canary and the additional subsets with the first rule\'s traffic policy; Argo CD ignores nothing of the second rule', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const { subsets } = new CanaryService(chart, 'shop', {
      image: 'ghcr.io/acme/shop:1.4.2',
      trafficPolicy: TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST }),
      additionalSubsets: [{ name: 'legacy', labels: { track: 'legacy' }, weight: 10 }],
    });
    const argocd = new Chart(app, 'argocd');
    new ArgoCdApplication(argocd, 'shop', { sourceRepoUrl: 'https://git.example.com/r.git', sourcePath: 'shop', destinationServer: 'https://k', charts: [chart] });
    const rules = [subsets.destinationRule, subsets.additionalDestinationRule!].map(o => ({ manifest: o.toJson(), namespace: 'shop' }));
    // THEN Istio merges them into one rule (Argo CD applies both in wave -2, by name: the managed one first)
    const merged = mergeDestinationRules(rules);
    expect(merged).toHaveLength(1);
    expect(merged[0].subsets.map(s => s.name)).toEqual(['stable', 'canary', 'legacy']);
    expect(merged[0].trafficPolicy).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' } });
    expect(merged[0].dropped).toEqual([]);
    // AND in either creation order
    expect(mergeDestinationRules([rules[1], rules[0]])[0].subsets.map(s => s.name)).toEqual(['legacy', 'stable', 'canary']);
    // AND Argo CD ignores differences of the managed DestinationRule only
    const application = Testing.synth(argocd).find((m: any) => m.kind === 'Application');
    expect(application.spec.ignoreDifferences.filter((e: any) => e.kind === 'DestinationRule').map((e: any) => e.name)).toEqual(['shop']);
  });
});
