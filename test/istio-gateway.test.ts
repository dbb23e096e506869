import { Chart, Testing } from 'cdk8s';
import { IstioGateway } from '../src/istio-gateway';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { assertHost } from '../src/private/istio';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

describe('IstioGateway', () => {
  test('plain HTTP by default, on the ingress gateway, in the chart namespace, in the prerequisites wave', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    // WHEN
    const gw = new IstioGateway(chart, 'Public', { hosts: ['shop.example.com'] });
    const manifests = synth(chart);
    // THEN
    expect(gw.name).toEqual('public');
    expect(gw.namespace).toEqual('shop');
    expect(gw.gatewayRef).toEqual('shop/public');
    expect(gw.hosts).toEqual(['shop.example.com']);
    const gateway = findOne(manifests, 'Gateway', 'public');
    expect(gateway.apiVersion).toEqual('networking.istio.io/v1');
    expect(gateway.metadata.namespace).toEqual('shop');
    expect(gateway.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-2' });
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }],
    });
    expect(manifests).toMatchSnapshot();
  });

  test('TLS: HTTPS with the credential and an HTTP→HTTPS redirect', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new IstioGateway(chart, 'gw', {
      name: 'public',
      namespace: 'istio-system',
      hosts: ['shop.example.com', '*.shop.example.com'],
      selector: { istio: 'public-gateway' },
      tls: { credentialName: 'shop-example-com-tls' },
    });
    const manifests = synth(chart);
    // THEN
    const gateway = findOne(manifests, 'Gateway', 'public');
    expect(gateway.metadata.namespace).toEqual('istio-system');
    expect(gateway.spec.selector).toEqual({ istio: 'public-gateway' });
    expect(gateway.spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com', '*.shop.example.com'], tls: { httpsRedirect: true } },
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['shop.example.com', '*.shop.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'shop-example-com-tls' },
      },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('TLS without redirect serves HTTP on port 80 as well', () => {
    const chart = Testing.chart();
    new IstioGateway(chart, 'gw', { hosts: ['shop.example.com'], tls: { credentialName: 'cert', httpsRedirect: false } });
    const servers = findOne(synth(chart), 'Gateway').spec.servers;
    expect(servers[0]).toEqual({ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] });
    expect(servers[1].tls).toEqual({ mode: 'SIMPLE', credentialName: 'cert' });
  });

  test('hosts returns a copy', () => {
    const chart = Testing.chart();
    const gw = new IstioGateway(chart, 'gw', { hosts: ['shop.example.com'] });
    gw.hosts.push('evil.example.com');
    expect(gw.hosts).toEqual(['shop.example.com']);
    expect(findOne(synth(chart), 'Gateway').spec.servers[0].hosts).toEqual(['shop.example.com']);
  });

  test('fails if the name is not a DNS-1123 label', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { name: 'public.gateway', hosts: ['shop.example.com'] }))
      .toThrow(/^\[[^\]]+\] 'name' \("public.gateway"\) must be a DNS-1123 label \(Istio rejects Gateway names with dots\)/);
  });

  test('fails if the name from the construct id is not a DNS-1123 label', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'public_gw', { hosts: ['shop.example.com'] })).toThrow(/^\[[^\]]+\] 'name' \("public_gw"\) must be a DNS-1123 label/);
  });

  test('fails if the namespace is not a DNS-1123 label', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { namespace: 'Istio-System', hosts: ['shop.example.com'] }))
      .toThrow(/^\[[^\]]+\] 'namespace' \("Istio-System"\) must be a DNS-1123 label/);
  });

  test('fails if the hosts are empty', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { hosts: [] })).toThrow(/^\[[^\]]+\] 'hosts' is empty: a Gateway needs at least one host/);
  });

  test('fails if a host is "*"', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { hosts: ['*'] })).toThrow(/^\[[^\]]+\] 'hosts' contains "\*": Istio does not allow a wildcard host/);
  });

  test('fails if a host is not a DNS name', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { hosts: ['Shop.Example.com'] })).toThrow(/^\[[^\]]+\] 'hosts' \("Shop.Example.com"\) must be a DNS-1123 subdomain/);
  });

  test('fails if the selector has a label Kubernetes would reject', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { hosts: ['shop.example.com'], selector: { istio: 'ingress gateway' } }))
      .toThrow(/^\[[^\]]+\] 'selector' label "istio" has the value "ingress gateway", which Kubernetes rejects/);
  });

  test('fails if the TLS credential name is not a Secret name', () => {
    const chart = Testing.chart();
    expect(() => new IstioGateway(chart, 'gw', { hosts: ['shop.example.com'], tls: { credentialName: 'Shop_TLS' } }))
      .toThrow(/^\[[^\]]+\] 'tls.credentialName' \("Shop_TLS"\) must be a DNS-1123 subdomain/);
  });
});

describe('IstioGateway.fromGatewayRef', () => {
  test('keeps the reference and a copy of the hosts', () => {
    const hosts = ['shop.example.com'];
    const ref = IstioGateway.fromGatewayRef('istio-system/public', hosts);
    hosts.push('other.example.com');
    expect(ref).toEqual({ gatewayRef: 'istio-system/public', hosts: ['shop.example.com'] });
    expect(IstioGateway.fromGatewayRef('istio-system/public').hosts).toEqual([]);
  });

  test.each(['public', 'a/b/c', ''])('fails if the gateway ref is not "<namespace>/<name>" (%j)', (ref) => {
    expect(() => IstioGateway.fromGatewayRef(ref)).toThrow(/^'gatewayRef' \(".*"\) must be "<namespace>\/<name>", for example "istio-system\/public-gateway"/);
  });

  test('fails if the gateway ref namespace is not a DNS-1123 label', () => {
    expect(() => IstioGateway.fromGatewayRef('Istio-System/public')).toThrow(/^'gatewayRef namespace' \("Istio-System"\) must be a DNS-1123 label/);
  });

  test('fails if the gateway ref name is not a DNS-1123 label', () => {
    expect(() => IstioGateway.fromGatewayRef('istio-system/public.gw')).toThrow(/^'gatewayRef name' \("public.gw"\) must be a DNS-1123 label/);
  });

  test('fails if the gateway ref hosts contain "*"', () => {
    expect(() => IstioGateway.fromGatewayRef('istio-system/public', ['*'])).toThrow(/^'hosts' contains "\*"/);
  });

  test('fails if the gateway ref hosts are not DNS names', () => {
    expect(() => IstioGateway.fromGatewayRef('istio-system/public', ['shop example'])).toThrow(/^'hosts' \("shop example"\) must be a DNS-1123 subdomain/);
  });
});

describe('assertHost', () => {
  test.each(['shop.example.com', '*.example.com', 'localhost'])('accepts %j', (host) => {
    expect(() => assertHost('hosts', host)).not.toThrow();
  });

  test.each(['*', '*.', 'a.*.example.com', '**.example.com'])('fails if the host is not a DNS name or a leading wildcard (%j)', (host) => {
    expect(() => assertHost('hosts', host)).toThrow(/^'hosts' /);
  });
});
