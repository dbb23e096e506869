// The route policy (RoutePolicy) of the weighted HTTP routes: each prop as rendered on every weighted route, against
// the pinned schemas and the rule catalog; the errors at construct time; the warnings the rules give at synth; and
// the Argo CD Application, which must not hide an edit of the policy.
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { ArgoCdApplication } from '../src/argocd-application';
import { CanaryService, CanaryServiceProps } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { IstioGateway } from '../src/istio-gateway';
import { IstioSubsets } from '../src/istio-subsets';
import { applyIgnoreRules } from '../src/private/argocd/normalize';
import { CorsUnmatchedPreflights, RoutePolicy } from '../src/route-policy';
import { CanaryRules } from '../src/rules/canary-rules';
import { ServicePortProtocol } from '../src/service-port';
import { StringMatch } from '../src/string-match';
import { findAll, findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const IMAGE = 'ghcr.io/acme/shop:1.4.2';
const FQDN = 'shop.shop.svc.cluster.local';

function chart(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

/** Synthesizes a CanaryService with the policy; returns the schema-checked manifests and every rule finding. */
function synthService(routePolicy: RoutePolicy, props: Partial<CanaryServiceProps> = {}): { manifests: any[]; findings: string[] } {
  const c = chart();
  new CanaryService(c, 'shop', { image: IMAGE, routePolicy, ...props });
  const manifests = validateManifests(Testing.synth(c));
  return { manifests, findings: CanaryRules.check(manifests).map(f => CanaryRules.format(f)) };
}

/** The weighted route of the single-port service, without its destinations. */
function policyOf(routePolicy: RoutePolicy): any {
  const { manifests, findings } = synthService(routePolicy);
  expect(findings).toEqual([]);
  const { route, name, ...rest } = findOne(manifests, 'VirtualService').spec.http[0];
  expect(name).toEqual('primary');
  expect(route).toHaveLength(2);
  return rest;
}

describe('each prop on the weighted route (rendered, schema-valid, no rule finding)', () => {
  test('timeout', () => {
    expect(policyOf({ timeout: Duration.seconds(10) })).toEqual({ timeout: '10s' });
    expect(policyOf({ timeout: Duration.millis(1500) })).toEqual({ timeout: '1500ms' });
  });

  test('retries, every field', () => {
    expect(policyOf({
      retries: {
        attempts: 3,
        perTryTimeout: Duration.seconds(2),
        retryOn: ['5xx', 'connect-failure', '503'],
        backoff: Duration.millis(50),
        retryRemoteLocalities: true,
        retryIgnorePreviousHosts: false,
      },
    })).toEqual({
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure,503', backoff: '50ms', retryRemoteLocalities: true, retryIgnorePreviousHosts: false },
    });
  });

  test('retries disabled', () => {
    expect(policyOf({ retries: { attempts: 0 } })).toEqual({ retries: { attempts: 0 } });
  });

  test('rewrite: a path, a regex rewrite, an authority', () => {
    expect(policyOf({ rewrite: { uri: '/', authority: 'shop.internal' } })).toEqual({ rewrite: { uri: '/', authority: 'shop.internal' } });
    expect(policyOf({ rewrite: { uriRegexRewrite: { match: '^/shop(/.*)?$', rewrite: '/\\1' } } }))
      .toEqual({ rewrite: { uriRegexRewrite: { match: '^/shop(/.*)?$', rewrite: '/\\1' } } });
  });

  test('match: every condition, two entries', () => {
    expect(policyOf({
      match: [
        {
          uri: StringMatch.prefix('/shop'),
          ignoreUriCase: true,
          method: StringMatch.regex('(?i)get|head'),
          authority: StringMatch.exact('shop.example.com'),
          scheme: StringMatch.exact('https'),
          headers: { 'x-tenant': StringMatch.exact('acme') },
          withoutHeaders: { 'x-bot': StringMatch.prefix('yes') },
          queryParams: { version: StringMatch.regex('^v[0-9]+$') },
        },
        { uri: StringMatch.exact('/healthz') },
      ],
    })).toEqual({
      match: [
        {
          uri: { prefix: '/shop' },
          ignoreUriCase: true,
          method: { regex: '(?i)get|head' },
          authority: { exact: 'shop.example.com' },
          scheme: { exact: 'https' },
          headers: { 'x-tenant': { exact: 'acme' } },
          withoutHeaders: { 'x-bot': { prefix: 'yes' } },
          queryParams: { version: { regex: '^v[0-9]+$' } },
        },
        { uri: { exact: '/healthz' } },
      ],
    });
  });

  test('corsPolicy, every field', () => {
    expect(policyOf({
      corsPolicy: {
        allowOrigins: [StringMatch.exact('https://shop.example.com'), StringMatch.regex('https://.*\\.example\\.com')],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['content-type'],
        exposeHeaders: ['x-request-id'],
        maxAge: Duration.hours(24),
        allowCredentials: true,
        unmatchedPreflights: CorsUnmatchedPreflights.IGNORE,
      },
    })).toEqual({
      corsPolicy: {
        allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.com' }],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['content-type'],
        exposeHeaders: ['x-request-id'],
        maxAge: '86400s',
        allowCredentials: true,
        unmatchedPreflights: 'IGNORE',
      },
    });
  });

  test('headers: request and response set, add, remove', () => {
    const headers = {
      request: { set: { 'x-route': 'primary' }, add: { 'x-forwarded-by': '%HOSTNAME%' }, remove: ['x-debug'] },
      response: { set: { 'cache-control': 'no-store' }, remove: ['server'] },
    };
    expect(policyOf({ headers })).toEqual({ headers });
  });

  test('fault: a delay and an abort by HTTP status; an abort by gRPC status', () => {
    expect(policyOf({ fault: { delay: { fixedDelay: Duration.millis(500), percentage: 0.5 }, abort: { httpStatus: 503, percentage: 0.1 } } }))
      .toEqual({ fault: { delay: { fixedDelay: '500ms', percentage: { value: 0.5 } }, abort: { httpStatus: 503, percentage: { value: 0.1 } } } });
    expect(policyOf({ fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: 1 } } }))
      .toEqual({ fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 1 } } } });
  });

  test('no policy, or an empty one, leaves the route as it was', () => {
    expect(policyOf({})).toEqual({});
    const c = chart();
    new CanaryService(c, 'shop', { image: IMAGE });
    expect(Object.keys(findOne(Testing.synth(c), 'VirtualService').spec.http[0]).sort()).toEqual(['name', 'route']);
  });
});

describe('the same policy on every weighted route', () => {
  const POLICY: RoutePolicy = {
    timeout: Duration.seconds(10),
    retries: { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: ['5xx', 'connect-failure'] },
    match: [{ uri: StringMatch.prefix('/api') }, { uri: StringMatch.exact('/healthz') }],
    headers: { response: { set: { 'x-served-by': 'shop' } } },
  };

  test('several HTTP ports: each route has the policy, its match entries each carry the route\'s port; TLS and TCP routes have none', () => {
    // GIVEN
    const c = chart();
    // WHEN
    new CanaryService(c, 'shop', {
      image: IMAGE,
      routePolicy: POLICY,
      ports: [
        { port: 80, targetPort: 8080 },
        { port: 9090, name: 'grpc-admin', targetPort: 9090 },
        { port: 8443, name: 'https', targetPort: 8443 },
        { port: 5432, name: 'tcp-db', targetPort: 5432 },
      ],
    });
    const manifests = validateManifests(Testing.synth(c));
    // THEN
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.http.map((r: any) => r.name)).toEqual(['primary', 'grpc-admin']);
    for (const [route, port] of [[vs.spec.http[0], 80], [vs.spec.http[1], 9090]]) {
      expect(route.timeout).toEqual('10s');
      expect(route.retries).toEqual({ attempts: 2, perTryTimeout: '3s', retryOn: '5xx,connect-failure' });
      expect(route.headers).toEqual({ response: { set: { 'x-served-by': 'shop' } } });
      expect(route.match).toEqual([{ uri: { prefix: '/api' }, port }, { uri: { exact: '/healthz' }, port }]);
    }
    expect(Object.keys(vs.spec.tls[0]).sort()).toEqual(['match', 'route']);
    expect(Object.keys(vs.spec.tcp[0]).sort()).toEqual(['match', 'route']);
    expect(CanaryRules.check(manifests).map(f => CanaryRules.format(f))).toEqual([]);
  });

  test('several HTTP ports without a policy match: each route matches its port only', () => {
    const { manifests } = synthService({ timeout: Duration.seconds(5) }, { ports: [{ port: 80, targetPort: 8080 }, { port: 9090, name: 'grpc', targetPort: 9090 }] });
    const vs = findOne(manifests, 'VirtualService');
    expect(vs.spec.http.map((r: any) => [r.timeout, r.match])).toEqual([['5s', [{ port: 80 }]], ['5s', [{ port: 9090 }]]]);
  });

  test('an ingress VirtualService next to the mesh one: both routes carry the same policy', () => {
    // GIVEN
    const c = chart();
    const gateway = new IstioGateway(c, 'gw', { hosts: ['shop.example.com'], tls: { credentialName: 'shop-tls' } });
    // WHEN
    new CanaryService(c, 'shop', { image: IMAGE, gateway, separateIngressVirtualService: true, routePolicy: POLICY });
    const manifests = validateManifests(Testing.synth(c));
    // THEN
    const [mesh, ingress] = [findOne(manifests, 'VirtualService', 'shop'), findOne(manifests, 'VirtualService', 'shop-ingress')];
    const withoutRoute = (vs: any) => vs.spec.http.map(({ route, ...rest }: any) => rest);
    expect(withoutRoute(ingress)).toEqual(withoutRoute(mesh));
    expect(withoutRoute(mesh)).toEqual([{
      name: 'primary',
      timeout: '10s',
      retries: { attempts: 2, perTryTimeout: '3s', retryOn: '5xx,connect-failure' },
      match: [{ uri: { prefix: '/api' } }, { uri: { exact: '/healthz' } }],
      headers: { response: { set: { 'x-served-by': 'shop' } } },
    }]);
    expect(CanaryRules.check(manifests).map(f => CanaryRules.format(f))).toEqual([]);
  });

  test('IstioSubsets takes the same prop; the routes do not share objects', () => {
    const c = chart();
    const subsets = new IstioSubsets(c, 'subsets', {
      serviceName: 'shop',
      servicePort: 80,
      subsetLabels: { app: 'shop' },
      routePolicy: POLICY,
      additionalPorts: [{ port: 8080, protocol: ServicePortProtocol.HTTP }],
    });
    const spec = subsets._toVirtualService();
    expect(spec.http![0].retries).toEqual(spec.http![1].retries);
    expect(spec.http![0].retries).not.toBe(spec.http![1].retries);
    expect(spec.http![0].match![0]).not.toBe(spec.http![1].match![0]);
    expect(findAll(validateManifests(Testing.synth(c)), 'VirtualService')).toHaveLength(1);
  });

  test('a full policy, for review', () => {
    const { manifests } = synthService({
      ...POLICY,
      rewrite: { uri: '/' },
      corsPolicy: { allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: ['GET'], maxAge: Duration.minutes(10) },
      fault: { delay: { fixedDelay: Duration.seconds(1), percentage: 1 } },
    });
    expect(findOne(manifests, 'VirtualService')).toMatchSnapshot();
  });
});

describe('bad input: errors at construct time name the construct, the prop, the value and the fix', () => {
  const attempt = (routePolicy: RoutePolicy) => () => new CanaryService(chart(), 'shop', { image: IMAGE, routePolicy });

  test.each<[string, RoutePolicy, RegExp]>([
    // what Istio's webhook rejects (the model shared with the rules)
    ['a timeout below 1ms', { timeout: Duration.millis(0) },
      /^\[shop\/shop\/Subsets\] routePolicy: 'timeout' \("0s"\) is shorter than 1ms \(Istio says "duration must be greater than 1ms"\)\. Fix: write 'timeout' in whole milliseconds .* \(Istio's webhook rejects it: rule CR230, see docs\/rules\.md#cr230\)$/],
    ['a per-try timeout with retries disabled', { retries: { attempts: 0, perTryTimeout: Duration.seconds(2) } },
      /routePolicy: 'retries' sets 'perTryTimeout' while 'retries\.attempts' is 0; Istio says "http retry policy configured when attempts are set to 0 \(disabled\)"\. Fix: set 'retries\.attempts' to the number of retries.*rule CR231/],
    ['an unknown retry condition', { retries: { attempts: 2, retryOn: ['5xx', 'timeout'] } },
      /'retries\.retryOn' \("5xx,timeout"\) contains "timeout", which is neither an HTTP status code nor a retry condition Istio knows.*rule CR231/],
    ['a rewrite of nothing', { rewrite: {} }, /'rewrite' \(\{\}\) sets none of 'uri', 'uriRegexRewrite' and 'authority'.*rule CR233/],
    ['a path and a regex rewrite', { rewrite: { uri: '/', uriRegexRewrite: { match: '^/a', rewrite: '/b' } } }, /"rewrite may only contain one of URI or UriRegexRewrite".*rule CR233/],
    ['a regex rewrite with a lookahead', { rewrite: { uriRegexRewrite: { match: '^/(?=a)', rewrite: '/' } } }, /'rewrite\.uriRegexRewrite' .*lookaround.*rule CR233/],
    ['the authority rewritten and set as a header', { rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } }, /the authority is set 2 times.*rule CR233/],
    ['a pseudo-header operation', { headers: { request: { set: { ':path': '/x' } } } }, /header name ":path" is a pseudo-header.*rule CR235/],
    ['a header value with a single %', { headers: { response: { add: { 'x-off': '10%' } } } }, /the value "10%" of header "x-off" is not a valid Envoy header value.*rule CR235/],
    ['a lowercase CORS method', { corsPolicy: { allowOrigins: [StringMatch.exact('https://a')], allowMethods: ['get'] } }, /"get" is not an HTTP method Istio accepts.*rule CR236/],
    ['a CORS maxAge with milliseconds', { corsPolicy: { allowOrigins: [StringMatch.exact('https://a')], maxAge: Duration.millis(1500) } }, /'corsPolicy\.maxAge' \("1500ms"\) is not a whole number of seconds.*rule CR236/],
    ['an abort status of 600', { fault: { abort: { httpStatus: 600, percentage: 1 } } }, /'fault\.abort\.httpStatus' \(600\) is not between 200 and 599.*rule CR237/],
    ['an unknown gRPC status', { fault: { abort: { grpcStatus: 'Unavailable', percentage: 1 } } }, /'fault\.abort\.grpcStatus' \("Unavailable"\) is not a gRPC status name.*rule CR237/],
    ['a delay percentage above 100', { fault: { delay: { fixedDelay: Duration.seconds(1), percentage: 150 } } }, /"percentage 150 is neither 0\.0, nor in range \[0\.0001, 100\.0\]".*rule CR237/],
    ['a fault with neither delay nor abort', { fault: {} }, /'fault' \(\{\}\) has neither 'delay' nor 'abort'.*rule CR237/],
    // what the library refuses: Istio would accept it but do nothing, or something else than asked, or cdk8s cannot write it
    ['a per-try timeout with a fraction of a millisecond', { retries: { attempts: 2, perTryTimeout: Duration.millis(2.5) } },
      /^\[shop\/shop\/Subsets\] 'routePolicy\.retries\.perTryTimeout' \(2\.5 millis\) is not a whole number of milliseconds: Istio accepts durations to the millisecond \("only durations to ms precision are supported"\)\. Round it, for example to 3ms$/],
    ['negative retry attempts', { retries: { attempts: -1 } }, /^\[shop\/shop\/Subsets\] 'routePolicy\.retries\.attempts' \(-1\) must be an integer between 0 and 2147483647: it is the number of retries after the first try/],
    ['a retry condition list in one entry', { retries: { attempts: 1, retryOn: ['5xx,reset'] } }, /^\[shop\/shop\/Subsets\] 'routePolicy\.retries\.retryOn\[0\]' \("5xx,reset"\) must be one retry condition: give each condition as its own entry/],
    ['an empty retry condition list', { retries: { attempts: 1, retryOn: [] } }, /'routePolicy\.retries\.retryOn' is empty/],
    ['an empty match list', { match: [] }, /'routePolicy\.match' is empty: leave it out to take every request/],
    ['a match entry without a condition', { match: [{ ignoreUriCase: false }] }, /'routePolicy\.match\[0\]' sets no condition, so it takes every request/],
    ['an uppercase header name in a match', { match: [{ headers: { 'X-Tenant': StringMatch.exact('a') } }] }, /'routePolicy\.match\[0\]\.headers': header name "X-Tenant" must be lowercase .*for example "x-tenant"/],
    ['ignoreUriCase with a regex uri', { match: [{ uri: StringMatch.regex('^/a'), ignoreUriCase: true }] }, /'routePolicy\.match\[0\]\.ignoreUriCase' is true, but Istio ignores the case only of an exact or prefix 'uri' match \(this one is a regex: add \(\?i\) to the expression instead\)/],
    ['ignoreUriCase without a uri', { match: [{ method: StringMatch.exact('GET'), ignoreUriCase: true }] }, /this entry has no uri/],
    ['an empty query parameter name', { match: [{ queryParams: { '': StringMatch.exact('a') } }] }, /'routePolicy\.match\[0\]\.queryParams' has an empty parameter name/],
    ['an empty rewrite path', { rewrite: { uri: '', authority: 'a' } }, /'routePolicy\.rewrite\.uri' is empty: Istio would ignore it/],
    ['a CORS policy without origins', { corsPolicy: { allowOrigins: [] } }, /'routePolicy\.corsPolicy\.allowOrigins' is empty: a CORS policy without origins allows no cross-origin request/],
    ['header changes without request or response', { headers: {} }, /'routePolicy\.headers' sets neither 'request' nor 'response'/],
    ['response header changes without an operation', { headers: { response: { set: {} } } }, /'routePolicy\.headers\.response' sets none of 'set', 'add' and 'remove'/],
    ['an abort without a status', { fault: { abort: { percentage: 1 } } }, /'routePolicy\.fault\.abort' sets neither 'httpStatus' and 'grpcStatus': set exactly one \(Istio drops an abort without a status\)/],
    ['an abort with both statuses', { fault: { abort: { percentage: 1, httpStatus: 503, grpcStatus: 'UNAVAILABLE' } } }, /'routePolicy\.fault\.abort' sets both/],
    ['a percentage that is not a number', { fault: { delay: { fixedDelay: Duration.seconds(1), percentage: NaN } } }, /'routePolicy\.fault\.delay\.percentage' \(NaN\) must be a number/],
  ])('fails if %s', (_label, routePolicy, message) => {
    expect(attempt(routePolicy)).toThrow(message);
  });

  test('fails if a regex match is not RE2 (StringMatch.regex), and accepts RE2 inline flags', () => {
    expect(() => StringMatch.regex('^/(?!admin)')).toThrow(/^'regex' match "\^\/\(\?!admin\)" is refused by Istio: it uses the lookaround "\(\?!", which RE2 does not support\. Fix the expression$/);
    expect(() => StringMatch.regex('(a)\\1')).toThrow(/the backreference "\\1"/);
    expect(() => StringMatch.regex('x'.repeat(1025))).toThrow(/1025 characters long, and Istio accepts at most 1024/);
    expect(StringMatch.regex('(?i)^/shop')._toKube()).toEqual({ regex: '(?i)^/shop' });
  });

  test('IstioSubsets names its own path', () => {
    expect(() => new IstioSubsets(chart(), 'routes', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' }, routePolicy: { timeout: Duration.millis(0) } }))
      .toThrow(/^\[shop\/routes\] routePolicy: 'timeout' \("0s"\)/);
  });
});

describe('warnings at synth (the rules on the final VirtualService and Rollout)', () => {
  test('warns if perTryTimeout is not shorter than the timeout (Istio accepts it: CR232, not an error)', () => {
    // GIVEN the issue's example: a per-try timeout larger than the route timeout
    const { findings } = synthService({ timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.seconds(15) } });
    // THEN synth goes on, with a warning that explains what the proxy does
    expect(findings).toEqual([
      expect.stringMatching(/^warning \[CR232\] VirtualService shop\/shop spec\.http\[0\]\.retries\.perTryTimeout: 'retries\.perTryTimeout' \("15s"\) is not shorter than 'timeout' \("10s"\)\. Istio accepts it, but the route timeout covers the first try and all retries together: a try still running at 10s is cut there with a 504 and not retried.*Fix: make 'retries\.perTryTimeout' shorter than 'timeout' \(for example "2500ms" for 3 retries\)/),
    ]);
  });

  test('warns if a header step adds a route without the timeout, retries and path match of the weighted route (CR238)', () => {
    const { findings } = synthService(
      { timeout: Duration.seconds(10), retries: { attempts: 2, perTryTimeout: Duration.seconds(3) }, match: [{ uri: StringMatch.prefix('/shop') }] },
      { steps: [CanaryStep.canaryScale({ replicas: 1 }), CanaryStep.headerRoute({ name: 'testers', match: [{ headerName: 'x-canary', value: StringMatch.exact('yes') }] }), CanaryStep.pause(), CanaryStep.weight(100)] },
    );
    expect(findings).toEqual([
      'warning [CR238] Rollout shop/shop spec.strategy.canary.steps[1].setHeaderRoute: the header route "testers" that Argo Rollouts adds to VirtualService shop/shop '
      + 'holds only the header conditions and the canary destination; it does not copy \'timeout\' ("10s"), \'retries\' ({"attempts":2,"perTryTimeout":"3s"}), '
      + '\'match\' ([{"uri":{"prefix":"/shop"}}]) of the weighted route "primary", so requests with the header get no condition but the header: they reach the '
      + 'canary on every path, method and port of the host, ahead of every other route; no timeout; the mesh\'s default retries instead of the route\'s. '
      + 'Fix: send the header only with requests the weighted route takes (a header step cannot match paths, methods or ports: argo-rollouts#3879); '
      + 'otherwise accept that the testers\' requests go without it: the controller copies nothing else of the route (argo-rollouts#3155) (see docs/rules.md#cr238)',
    ]);
  });

  test('warns if a mirror step serves users without the retries of the weighted route (CR239)', () => {
    const { findings } = synthService(
      { retries: { attempts: 2, retryOn: ['5xx'] } },
      { steps: [CanaryStep.canaryScale({ replicas: 1 }), CanaryStep.mirrorRoute({ name: 'shadow', percentage: 10, match: [{ method: StringMatch.exact('GET') }] }), CanaryStep.pause(), CanaryStep.weight(100)] },
    );
    expect(findings).toEqual([
      expect.stringMatching(/^warning \[CR239\] Rollout shop\/shop spec\.strategy\.canary\.steps\[1\]\.setMirrorRoute: the mirror route "shadow" .* users' requests included, .*'retries' \(\{"attempts":2,"retryOn":"5xx"\}\) .* the mesh's default retries instead of the route's\. Fix: keep the mirror step short/),
    ]);
  });

  test('warns if a mirror step on a multi-port service takes every port (the route match is its port)', () => {
    const { findings } = synthService(
      {},
      {
        ports: [{ port: 80, targetPort: 8080 }, { port: 9090, name: 'grpc', targetPort: 9090 }],
        steps: [CanaryStep.canaryScale({ replicas: 1 }), CanaryStep.mirrorRoute({ name: 'shadow', match: [{ method: StringMatch.exact('GET') }] }), CanaryStep.pause(), CanaryStep.weight(100)],
      },
    );
    expect(findings).toEqual([expect.stringMatching(/^warning \[CR239\] .*'match' \(\[\{"port":80\},\{"port":9090\}\]\) .*requests the weighted route does not take .* are taken too.*Fix: repeat the weighted route's path/)]);
  });

  test('no warning for a mirror step whose match is within the route match, on a route without other policy', () => {
    const { findings } = synthService(
      { match: [{ uri: StringMatch.prefix('/shop') }] },
      { steps: [CanaryStep.canaryScale({ replicas: 1 }), CanaryStep.mirrorRoute({ name: 'shadow', match: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/shop/items') }] }), CanaryStep.pause(), CanaryStep.weight(100)] },
    );
    expect(findings).toEqual([]);
  });
});

describe('Argo CD: the Application never hides an edit of the route policy', () => {
  // Argo CD's normalization with the Application's ignoreDifferences (the sync model, src/private/argocd/normalize.ts)
  const normalize = (obj: any, ignore: any[]) => applyIgnoreRules(obj, ignore).object;

  test('the computed ignoreDifferences cover the weights and managed routes only: every policy field edit stays a difference', () => {
    // GIVEN a service with a policy and header and mirror steps, deployed by an Application
    const app = Testing.app();
    const workload = new Chart(app, 'shop', { namespace: 'shop' });
    new CanaryService(workload, 'shop', {
      image: IMAGE,
      routePolicy: { timeout: Duration.seconds(10), retries: { attempts: 2 }, match: [{ uri: StringMatch.prefix('/') }] },
      steps: [
        CanaryStep.canaryScale({ replicas: 1 }),
        CanaryStep.headerRoute({ name: 'testers', match: [{ headerName: 'x-canary', value: StringMatch.exact('yes') }] }),
        CanaryStep.pause(),
        CanaryStep.weight(100),
      ],
    });
    const argocd = new Chart(app, 'argocd');
    new ArgoCdApplication(argocd, 'shop', { sourceRepoUrl: 'https://git.example.com/gitops.git', sourcePath: 'apps/shop', destinationServer: 'https://kubernetes.default.svc', charts: [workload] });
    const ignore = findOne(Testing.synth(argocd), 'Application').spec.ignoreDifferences;
    const git = findOne(Testing.synth(workload), 'VirtualService');
    const normalized = normalize(git, ignore);

    // WHEN the controller's own changes happen: still in sync
    const live = structuredClone(git);
    live.spec.http[0].route[0].weight = 80;
    live.spec.http[0].route[1].weight = 20;
    live.spec.http.unshift({ name: 'testers', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: FQDN, subset: 'canary', port: { number: 80 } }, weight: 100 }] });
    expect(normalize(live, ignore)).toEqual(normalized);

    // THEN every edit of a policy field in git is a difference Argo CD shows and syncs
    const edits: Array<(route: any) => void> = [
      r => { r.timeout = '20s'; },
      r => { r.retries.attempts = 3; },
      r => { delete r.retries; },
      r => { r.match[0].uri.prefix = '/shop'; },
      r => { r.rewrite = { uri: '/' }; },
      r => { r.corsPolicy = { allowOrigins: [{ exact: 'https://a' }] }; },
      r => { r.headers = { request: { set: { 'x-a': 'b' } } }; },
      r => { r.fault = { abort: { httpStatus: 503, percentage: { value: 1 } } }; },
    ];
    for (const edit of edits) {
      const edited = structuredClone(git);
      edit(edited.spec.http[0]);
      expect(normalize(edited, ignore)).not.toEqual(normalized);
    }
  });
});

describe('docs/route-policy.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'route-policy.md'), 'utf-8');

  test('shows the error a construct throws and the warning the rules give, as they are today', () => {
    let error = '';
    try {
      new CanaryService(chart(), 'shop-api', { image: IMAGE, routePolicy: { retries: { attempts: 0, perTryTimeout: Duration.seconds(2) } } });
    } catch (e: any) {
      error = e.message;
    }
    expect(error).not.toEqual('');
    expect(doc).toContain(`\n${error}\n`);
    const { findings } = synthService({ timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.seconds(15) } });
    expect(findings).toHaveLength(1);
    expect(doc).toContain(`\n${findings[0]}\n`);
  });
});
