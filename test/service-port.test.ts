import { Chart, Testing } from 'cdk8s';
import { CanaryService } from '../src/canary-service';
import { isHttpFamily, protocolFromName, resolveServicePorts } from '../src/private/constructs/service-ports';
import { ServicePortProtocol } from '../src/service-port';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

describe('protocolFromName', () => {
  test.each([
    ['http', ServicePortProtocol.HTTP],
    ['http-api', ServicePortProtocol.HTTP],
    ['HTTP-api', ServicePortProtocol.HTTP],
    ['http2', ServicePortProtocol.HTTP2],
    ['grpc', ServicePortProtocol.GRPC],
    ['grpc-internal', ServicePortProtocol.GRPC],
    ['grpc-web', ServicePortProtocol.GRPC_WEB],
    ['grpc-web-public', ServicePortProtocol.GRPC_WEB],
    ['grpc-webx', ServicePortProtocol.GRPC_WEB], // Istio: any name starting with "grpc-web"
    ['https', ServicePortProtocol.HTTPS],
    ['tls-db', ServicePortProtocol.TLS],
    ['tcp', ServicePortProtocol.TCP],
    ['web', undefined],
    ['httpx', undefined],
    ['mongo', undefined], // an Istio protocol the library does not route
    ['udp', undefined],
  ])('%j → %j', (name, protocol) => {
    expect(protocolFromName(name)).toEqual(protocol);
  });
});

test('only HTTP, HTTP2, GRPC and GRPC-Web are routed per request', () => {
  expect(Object.values(ServicePortProtocol).filter(isHttpFamily))
    .toEqual([ServicePortProtocol.HTTP, ServicePortProtocol.HTTP2, ServicePortProtocol.GRPC, ServicePortProtocol.GRPC_WEB]);
});

describe('resolveServicePorts', () => {
  test('defaults: targetPort = port, protocol HTTP, name = protocol, then <protocol>-<port>', () => {
    expect(resolveServicePorts([
      { port: 80 },
      { port: 8080 },
      { port: 9000, protocol: ServicePortProtocol.GRPC },
      { port: 5432, targetPort: 5433, protocol: ServicePortProtocol.TCP },
    ])).toEqual([
      { name: 'http', port: 80, targetPort: 80, protocol: 'http', appProtocol: undefined },
      { name: 'http-8080', port: 8080, targetPort: 8080, protocol: 'http', appProtocol: undefined },
      { name: 'grpc', port: 9000, targetPort: 9000, protocol: 'grpc', appProtocol: undefined },
      { name: 'tcp', port: 5432, targetPort: 5433, protocol: 'tcp', appProtocol: undefined },
    ]);
  });

  test('the protocol is read from a conventional name', () => {
    expect(resolveServicePorts([{ port: 9090, name: 'grpc-admin' }])[0].protocol).toEqual(ServicePortProtocol.GRPC);
  });

  test('appProtocol allows a name outside the convention', () => {
    expect(resolveServicePorts([{ port: 80, name: 'web', appProtocol: 'http' }])).toEqual([
      { name: 'web', port: 80, targetPort: 80, protocol: 'http', appProtocol: 'http' },
    ]);
  });

  test('fails if the ports are empty', () => {
    expect(() => resolveServicePorts([])).toThrow(/^'ports' is empty: a canary Service needs at least one port/);
  });

  test.each([0, -1, 65536, 80.5])('fails if the port is out of range (%j)', (port) => {
    expect(() => resolveServicePorts([{ port }])).toThrow(/^'ports\[0\]\.port' \(.*\) must be an integer between 1 and 65535$/);
  });

  test('names the index of the failing port, also after valid ones', () => {
    expect(() => resolveServicePorts([{ port: 80 }, { port: 81 }, { port: 'x' as any }])).toThrow(/^'ports\[2\]\.port' \("?x"?\) must be an integer/);
    expect(() => resolveServicePorts([{ port: 80 }, { port: 81, name: 'http-b' }, { port: 82, name: 'Http' }]))
      .toThrow(/^'ports\[2\]\.name' \("Http"\) must be a DNS-1123 label/);
  });

  test.each([0, 70000, 1.5])('fails if the targetPort is out of range (%j)', (targetPort) => {
    expect(() => resolveServicePorts([{ port: 80 }, { port: 81, targetPort }])).toThrow(/^'ports\[1\]\.targetPort' \(.*\) must be an integer between 1 and 65535$/);
  });

  test.each([15000, 15001, 15006, 15020, 15021, 15090])('fails if the targetPort is an Envoy-reserved port (%j)', (targetPort) => {
    expect(() => resolveServicePorts([{ port: 80, targetPort }]))
      .toThrow(new RegExp(`^'ports\\[0\\]\\.targetPort' \\(${targetPort}\\) is in the range 15000-15090 that the Istio sidecar reserves`));
  });

  test('fails if the port itself is Envoy-reserved and there is no other targetPort', () => {
    expect(() => resolveServicePorts([{ port: 15001 }])).toThrow(/'ports\[0\]\.targetPort' \(15001\) is in the range 15000-15090/);
  });

  test.each([14999, 15091])('accepts ports next to the reserved range (%j)', (targetPort) => {
    expect(() => resolveServicePorts([{ port: 80, targetPort }])).not.toThrow();
  });

  test.each(['Http', 'http_api', 'http-', 'a'.repeat(64)])('fails if the port name is not a DNS-1123 label (%j)', (name) => {
    expect(() => resolveServicePorts([{ port: 80, name, appProtocol: 'http' }]))
      .toThrow(/^'ports\[0\]\.name' \(".*"\) must be a DNS-1123 label \(a Service port name\)/);
  });

  test('fails if the port name does not tell Istio the protocol', () => {
    expect(() => resolveServicePorts([{ port: 80, name: 'web' }]))
      .toThrow(/^'ports\[0\]\.name' \("web"\) does not tell Istio the protocol http: .*Name it "http" or "http-<suffix>", or set 'appProtocol' to "http"/);
  });

  test('fails if the port name names another protocol than the one set', () => {
    expect(() => resolveServicePorts([{ port: 9000, name: 'http-api', protocol: ServicePortProtocol.GRPC }]))
      .toThrow(/'ports\[0\]\.name' \("http-api"\) does not tell Istio the protocol grpc/);
  });

  test('fails if a port number is duplicated', () => {
    expect(() => resolveServicePorts([{ port: 80 }, { port: 80, name: 'http-other' }]))
      .toThrow(/^'ports\[1\]\.port' \(80\) is already used by ports\[0\]: each Service port needs a distinct port$/);
  });

  test('fails if a port name is duplicated', () => {
    expect(() => resolveServicePorts([{ port: 80, name: 'http' }, { port: 81, name: 'http' }]))
      .toThrow(/^'ports\[1\]\.name' \("http"\) is already used by ports\[0\]: each Service port needs a distinct name$/);
  });
});

describe('ports on the Service and the Rollout', () => {
  test('several ports: each on the Service and its target on the container, route on the first HTTP port', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new CanaryService(chart, 'shop', {
      image: 'shop:1.0.0',
      ports: [
        { port: 5000, protocol: ServicePortProtocol.TCP },
        { port: 80, targetPort: 8080 },
        { port: 9090, targetPort: 8080, name: 'metrics', appProtocol: 'http' },
        { port: 9000, protocol: ServicePortProtocol.GRPC },
      ],
    });
    const manifests = synth(chart);
    // THEN
    expect(findOne(manifests, 'Service').spec.ports).toEqual([
      { name: 'tcp', port: 5000, targetPort: 5000, protocol: 'TCP' },
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 9000, targetPort: 9000, protocol: 'TCP' },
    ]);
    const container = findOne(manifests, 'Rollout').spec.template.spec.containers[0];
    // distinct target ports, in order
    expect(container.ports).toEqual([{ containerPort: 5000 }, { containerPort: 8080 }, { containerPort: 9000 }]);
    // the default readiness probe checks the first container port
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 5000 });
    // every port is split: one weighted HTTP route per HTTP-family port (matched by port), a TCP route for the TCP port
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.http.map((h: any) => [h.name, h.match, h.route.map((r: any) => r.destination.port.number)])).toEqual([
      ['primary', [{ port: 80 }], [80, 80]],
      ['metrics', [{ port: 9090 }], [9090, 9090]],
      ['grpc', [{ port: 9000 }], [9000, 9000]],
    ]);
    expect(vs.spec.tcp).toEqual([{ match: [{ port: 5000 }], route: expect.any(Array) }]);
    expect(findOne(manifests, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService)
      .toEqual({ name: 'shop', routes: ['primary', 'metrics', 'grpc'], tcpRoutes: [{ port: 5000 }] });
    expect(manifests).toMatchSnapshot();
  });

  test('fails if a CanaryService port is duplicated', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'shop', { image: 'shop:1.0.0', ports: [{ port: 80 }, { port: 80, name: 'http-2' }] }))
      .toThrow(/'ports\[1\]\.port' \(80\) is already used by ports\[0\]/);
  });
});
