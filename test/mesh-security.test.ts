import { Testing } from 'cdk8s';
import { CanaryService, IstioGateway } from '../src';
import { findAll, findOne } from './support/manifests';
import { validateManifests } from './support/schema';

describe('secure defaults of CanaryService', () => {
  test('mTLS STRICT for the workload and a PodDisruptionBudget, no AuthorizationPolicy', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.0.0', namespace: 'shop' });
    const manifests = validateManifests(Testing.synth(chart));
    // THEN
    const pa = findOne(manifests, 'PeerAuthentication', 'shop');
    expect(pa.apiVersion).toEqual('security.istio.io/v1');
    expect(pa.metadata.namespace).toEqual('shop');
    expect(pa.spec).toEqual({ selector: { matchLabels: { app: 'shop' } }, mtls: { mode: 'STRICT' } });
    const pdb = findOne(manifests, 'PodDisruptionBudget', 'shop');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'shop' } } });
    expect(findAll(manifests, 'AuthorizationPolicy')).toEqual([]);
    expect(pa.metadata.annotations['argocd.argoproj.io/sync-wave']).toEqual('-2');
    expect(manifests).toMatchSnapshot();
  });

  test('opt-outs: no PeerAuthentication, no PodDisruptionBudget; none for a single pod', () => {
    const chart = Testing.chart();
    new CanaryService(chart, 'a', { image: 'x/a:1', strictMtls: false, podDisruptionBudget: false });
    new CanaryService(chart, 'b', { image: 'x/b:1', replicas: 1 });
    const manifests = validateManifests(Testing.synth(chart));
    expect(findAll(manifests, 'PeerAuthentication').map(m => m.metadata.name)).toEqual(['b']);
    expect(findAll(manifests, 'PodDisruptionBudget')).toEqual([]);
  });

  test('an AuthorizationPolicy allows only the named callers on the container ports', () => {
    const chart = Testing.chart();
    new CanaryService(chart, 'cart', {
      image: 'x/cart:1',
      namespace: 'shop',
      ports: [{ port: 80, targetPort: 8080 }, { port: 9090, name: 'grpc' }],
      authorization: { serviceAccounts: ['shop/storefront', 'ops/debugger'], namespaces: ['shop'] },
    });
    const manifests = validateManifests(Testing.synth(chart));
    const ap = findOne(manifests, 'AuthorizationPolicy', 'cart');
    expect(ap.spec).toEqual({
      selector: { matchLabels: { app: 'cart' } },
      action: 'ALLOW',
      rules: [{
        from: [
          { source: { principals: ['cluster.local/ns/shop/sa/storefront', 'cluster.local/ns/ops/sa/debugger'] } },
          { source: { namespaces: ['shop'] } },
        ],
        to: [{ operation: { ports: ['8080', '9090'] } }],
      }],
    });
  });

  test('the ingress gateway identity is allowed when a gateway is bound; trust domain and account can be set', () => {
    const chart = Testing.chart();
    const gateway = IstioGateway.fromGatewayRef('istio-system/public', ['*.example.com']);
    new CanaryService(chart, 'a', { image: 'x/a:1', gateway, hosts: ['a.example.com'], authorization: {} });
    new CanaryService(chart, 'b', {
      image: 'x/b:1', gateway, hosts: ['b.example.com'], authorization: { ingressGatewayServiceAccount: 'ingress/public-gw', trustDomain: 'prod.acme' },
    });
    const manifests = validateManifests(Testing.synth(chart));
    expect(findOne(manifests, 'AuthorizationPolicy', 'a').spec.rules[0].from)
      .toEqual([{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }]);
    expect(findOne(manifests, 'AuthorizationPolicy', 'b').spec.rules[0].from)
      .toEqual([{ source: { principals: ['prod.acme/ns/ingress/sa/public-gw'] } }]);
  });

  test('fails if the authorization allows nobody', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'a', { image: 'x/a:1', authorization: {} }))
      .toThrow(/'authorization' allows nobody: an ALLOW policy without callers denies every request/);
  });

  test('fails if authorization is asked without strict mTLS', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'a', { image: 'x/a:1', strictMtls: false, authorization: { namespaces: ['shop'] } }))
      .toThrow(/'authorization' identifies callers by their mTLS identity, but 'strictMtls' is false/);
  });

  test('fails if a service account is not namespace/name', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'a', { image: 'x/a:1', authorization: { serviceAccounts: ['storefront'] } }))
      .toThrow(/'authorization.serviceAccounts' \("storefront"\) must be "<namespace>\/<service account>"/);
  });

  test('fails if a namespace or the trust domain is not a DNS name', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'a', { image: 'x/a:1', authorization: { namespaces: ['Shop'] } }))
      .toThrow(/'authorization.namespaces' \("Shop"\) must be a DNS-1123 label/);
    expect(() => new CanaryService(chart, 'b', { image: 'x/b:1', authorization: { namespaces: ['shop'], trustDomain: 'bad domain' } }))
      .toThrow(/'authorization.trustDomain' \("bad domain"\) must be a DNS-1123 subdomain/);
  });
});
