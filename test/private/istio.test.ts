// Istio's host matching and the protocol of a Service port, as upstream defines them (pkg/config/kube/conversion.go
// ConvertProtocol, pkg/config/protocol/instance.go Parse): one definition for the constructs and the rules.
import { assertMatchHeaderName, fqdn, hostsMatch, isHttpProtocol, portProtocol, protocolOfPortName, re2Problem, serviceOfHost, splitServerHost, UNSUPPORTED_PROTOCOL } from '../../src/private/istio';

describe('hosts', () => {
  test('a short name is expanded in the namespace of the object that names it; a name with a dot is taken as it is', () => {
    expect(fqdn('shop', 'prod')).toBe('shop.prod.svc.cluster.local');
    expect(fqdn('shop.prod', 'other')).toBe('shop.prod');
    expect(fqdn('*.example.com', 'prod')).toBe('*.example.com');
    expect(serviceOfHost('shop.prod.svc.cluster.local')).toEqual({ name: 'shop', namespace: 'prod' });
    expect(serviceOfHost('shop.example.com')).toBeUndefined();
  });

  test.each<[string, string, boolean]>([
    ['shop.example.com', 'shop.example.com', true],
    ['*.example.com', 'shop.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*', 'anything.example.com', true],
    ['*.example.com', '*.shop.example.com', true],
    ['shop.example.com', 'cart.example.com', false],
  ])('%s and %s match: %s (both ways)', (a, b, matches) => {
    expect(hostsMatch(a, b)).toBe(matches);
    expect(hostsMatch(b, a)).toBe(matches);
  });

  test('a Gateway server host names the namespaces it serves', () => {
    expect(splitServerHost('shop.example.com', 'edge')).toEqual({ namespace: '*', host: 'shop.example.com' });
    expect(splitServerHost('shop/shop.example.com', 'edge')).toEqual({ namespace: 'shop', host: 'shop.example.com' });
    expect(splitServerHost('./shop.example.com', 'edge')).toEqual({ namespace: 'edge', host: 'shop.example.com' });
  });
});

describe('the protocol of a Service port', () => {
  test.each<[string, string | undefined]>([
    ['http', 'HTTP'],
    ['HTTP-api', 'HTTP'],
    ['grpc-web', 'GRPC-Web'],
    ['grpc-webx', 'GRPC-Web'],
    ['grpc-internal', 'GRPC'],
    ['http_proxy', 'HTTP_PROXY'],
    ['mongo-primary', 'Mongo'],
    ['udp', 'UDP'],
    ['web', undefined],
    ['', undefined],
  ])('the name %j selects %j', (name, protocol) => {
    expect(protocolOfPortName(name)).toBe(protocol);
  });

  test.each<[any, string]>([
    [{ name: 'http', port: 80 }, 'HTTP'],
    [{ name: 'http', port: 80, protocol: 'UDP' }, 'UDP'],
    [{ name: 'udp-dns', port: 5353 }, 'TCP'], // a port named udp on TCP stays TCP
    [{ name: 'web', port: 80, appProtocol: 'http' }, 'HTTP'], // appProtocol wins over the name
    [{ name: 'http', port: 80, appProtocol: 'kubernetes.io/h2c' }, 'HTTP2'],
    [{ name: 'http', port: 80, appProtocol: 'custom' }, UNSUPPORTED_PROTOCOL],
    [{ name: 'db', port: 3306 }, 'TCP'], // a well-known port
    [{ name: 'web', port: 8080 }, UNSUPPORTED_PROTOCOL],
    [{ port: 8080 }, UNSUPPORTED_PROTOCOL],
  ])('%j is %s', (port, protocol) => {
    expect(portProtocol(port)).toBe(protocol);
  });

  test('HTTP, HTTP2, HTTP_PROXY, GRPC and GRPC-Web are routed per request', () => {
    expect(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-Web', 'HTTPS', 'TLS', 'TCP', 'Mongo', UNSUPPORTED_PROTOCOL].filter(isHttpProtocol))
      .toEqual(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-Web']);
  });
});

describe('regular expressions as Istio reads them (RE2, Go regexp)', () => {
  test.each([
    '(?i)/xxx/', // inline flags, as in Istio's own rewrite example
    '(?i:get|head)',
    '(?is-m)x',
    '^/service/([^/]+)(/.*)$',
    '(?P<version>v[0-9]+)', // RE2's named group
    '(?<version>v[0-9]+)',
    '\\d+\\.\\w*\\s\\bx\\B\\Az\\pL\\PL\\x41\\Qa.b\\E',
    '\\12', // an octal escape, not a backreference
    '\\(?=', // an optional literal "(" then "=" (not a lookahead)
    '[(?=]', // inside a class
  ])('accepts %s', re => {
    expect(re2Problem(re)).toBeUndefined();
  });

  test.each<[string, string, RegExp]>([
    ['a lookahead', 'a(?=b)', /the lookaround "\(\?=", which RE2 does not support/],
    ['a lookbehind', '(?<!x)y', /the lookaround "\(\?<!"/],
    ['a backreference', '(a)\\1', /the backreference "\\1", which RE2 does not support/],
    ['a \\u escape', '\\u0041', /the escape "\\u", which RE2 does not know/],
    ['an unterminated group', 'a(', /is not a valid RE2 expression \(.*Unterminated group\)/],
    ['1025 characters', 'x'.repeat(1025), /1025 characters long, and Istio accepts at most 1024/],
  ])('refuses %s', (_label, re, problem) => {
    expect(re2Problem(re)).toMatch(problem);
  });
});

describe('header names of a match', () => {
  test('lowercase token characters pass; other names fail with the prop and a suggestion', () => {
    expect(() => assertMatchHeaderName('where', 'x-canary_1.v~2')).not.toThrow();
    expect(() => assertMatchHeaderName('where', 'X-Canary')).toThrow(/^where: header name "X-Canary" must be lowercase letters, digits or '-' .*for example "x-canary"/);
    expect(() => assertMatchHeaderName('where', 'x canary')).toThrow(/for example "x-canary"/);
  });
});
