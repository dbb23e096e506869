// Istio's webhook on the policy fields of an HTTP route (pkg/config/validation/virtualservice.go validateHTTPRoute and
// the validators of validation.go, Istio 1.30.3), as the constructs and the rules CR230-CR237 share it.
import { headerValueProblem, httpRouteProblems, RouteProblem } from '../../src/private/istio-route';

const problems = (route: any, meshBound = false) => httpRouteProblems(route, meshBound).map(p => `${p.code} ${p.path}: ${p.message}`);
const ok = (route: any, meshBound = false) => expect(problems(route, meshBound)).toEqual([]);

describe('durations (CR230)', () => {
  test.each(['1ms', '250ms', '5s', '1m30s', '1h', '0.5s', '1.5s'])('accepts %s in every duration field', d => {
    ok({ timeout: d, fault: { delay: { fixedDelay: d, percentage: { value: 1 } } } });
    ok({ retries: { attempts: 1, perTryTimeout: d, backoff: d } });
  });

  test.each<[string, RegExp]>([
    ['0s', /is shorter than 1ms \(Istio says "duration must be greater than 1ms"\)/],
    ['999us', /is shorter than 1ms/],
    ['1.5ms', /is not a whole number of milliseconds \(Istio says "only durations to ms precision are supported"\)/],
    ['-1s', /is shorter than 1ms/],
    ['5 s', /is not a duration \(the API server says "must be a valid duration greater than 1ms"\)/],
    ['10', /is not a duration/],
  ])('refuses %s', (d, message) => {
    const found = httpRouteProblems({ timeout: d });
    expect(found).toEqual([expect.objectContaining({ code: 'CR230', path: 'timeout', message: expect.stringMatching(message) })]);
  });

  test('checks every duration field and says how to write one', () => {
    const found = httpRouteProblems({
      retries: { attempts: 1, perTryTimeout: '0.1ms', backoff: '0s' },
      fault: { delay: { fixedDelay: 'x', percentage: { value: 1 } } },
      corsPolicy: { allowOrigins: [{ exact: 'https://a' }], maxAge: '0s' },
    }).filter(p => p.code === 'CR230');
    expect(found.map(p => p.path)).toEqual(['retries.perTryTimeout', 'retries.backoff', 'fault.delay.fixedDelay', 'corsPolicy.maxAge']);
    expect(found[0].fix).toMatch(/whole milliseconds of at least 1ms, for example "250ms", "5s" or "1m"/);
  });
});

describe('retries (CR231) and the per-try timeout (CR232)', () => {
  test('attempts 0 alone disables retries; attempts above 0 with every field passes', () => {
    ok({ retries: { attempts: 0 } });
    ok({ retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,gateway-error,503,unavailable', retryRemoteLocalities: false, retryIgnorePreviousHosts: true, backoff: '25ms' } });
  });

  test.each<[string, any]>([
    ['perTryTimeout', { perTryTimeout: '2s' }],
    ['retryOn', { retryOn: '5xx' }],
    ['retryRemoteLocalities even when false (a BoolValue wrapper)', { retryRemoteLocalities: false }],
  ])('refuses %s with attempts unset or 0', (_label, fields) => {
    for (const attempts of [undefined, 0]) {
      expect(problems({ retries: { ...fields, ...(attempts === undefined ? {} : { attempts }) } })).toEqual([
        expect.stringMatching(/^CR231 retries: 'retries' sets '\w+' while 'retries\.attempts' is (unset \(0\)|0); Istio says "http retry policy configured when attempts are set to 0 \(disabled\)"$/),
      ]);
    }
  });

  test('refuses negative attempts', () => {
    expect(problems({ retries: { attempts: -2 } })).toEqual(['CR231 retries.attempts: \'retries.attempts\' (-2) is negative (Istio says "attempts cannot be negative")']);
  });

  test.each<[string, string[]]>([
    ['5xx, reset', [' reset']],
    ['5xx,', ['']],
    ['306,999,bogus', ['306', '999', 'bogus']], // 306 is unused: Go's http.StatusText does not name it
    ['RESET', ['RESET']], // case-sensitive
  ])('refuses the retryOn entries of %j that are neither a status code nor a condition', (retryOn, bad) => {
    const [p] = httpRouteProblems({ retries: { attempts: 1, retryOn } });
    expect(p.code).toBe('CR231');
    expect(p.path).toBe('retries.retryOn');
    expect(p.message).toContain(`contains ${bad.map(b => JSON.stringify(b)).join(', ')}`);
    expect(p.fix).toMatch(/^separate the conditions with commas and no spaces, each an HTTP status code \(503\) or one of 5xx, gateway-error, /);
  });

  test('warns when perTryTimeout is not shorter than timeout, with the effective behaviour and a per-try value that fits', () => {
    const [p] = httpRouteProblems({ timeout: '10s', retries: { attempts: 3, perTryTimeout: '10s' } });
    expect(p).toEqual<RouteProblem>({
      code: 'CR232',
      path: 'retries.perTryTimeout',
      message: '\'retries.perTryTimeout\' ("10s") is not shorter than \'timeout\' ("10s"). Istio accepts it, but the route timeout covers the first try '
        + 'and all retries together: a try still running at 10s is cut there with a 504 and not retried, so perTryTimeout never ends a try and no '
        + 'request is retried after a timeout',
      fix: '\'make \'retries.perTryTimeout\' shorter than \'timeout\' (for example "2500ms" for 3 retries), or remove \'retries.perTryTimeout\' if retrying a slow try is not wanted'.slice(1),
    });
  });

  test('no warning when perTryTimeout is shorter, when there is no route timeout, or when retries are off', () => {
    ok({ timeout: '10s', retries: { attempts: 3, perTryTimeout: '9999ms' } });
    ok({ retries: { attempts: 3, perTryTimeout: '1h' } });
    expect(problems({ timeout: '1s', retries: { attempts: 0, perTryTimeout: '2s' } }).map(p => p.slice(0, 5))).toEqual(['CR231']);
  });
});

describe('rewrite (CR233)', () => {
  test('accepts a uri, a regex rewrite, an authority, or a path rewrite with an authority', () => {
    ok({ rewrite: { uri: '/' } });
    ok({ rewrite: { uriRegexRewrite: { match: '^/shop(/.*)?$', rewrite: '/\\1' } } });
    ok({ rewrite: { authority: 'shop.internal' } });
    ok({ rewrite: { uri: '/v2', authority: 'shop.internal' } });
  });

  test.each<[string, any, RegExp]>([
    ['uri and uriRegexRewrite', { rewrite: { uri: '/', uriRegexRewrite: { match: 'a', rewrite: 'b' } } }, /"rewrite may only contain one of URI or UriRegexRewrite"/],
    ['nothing', { rewrite: { uri: '' } }, /sets none of 'uri', 'uriRegexRewrite' and 'authority'/],
    ['a regex rewrite without rewrite', { rewrite: { uriRegexRewrite: { match: '^/a' } } }, /"UriRegexRewrite requires both Rewrite and Match fields to be specified"/],
    ['a regex rewrite with a backreference in match', { rewrite: { uriRegexRewrite: { match: '(a)\\1', rewrite: 'b' } } }, /the backreference/],
    ['the authority twice', { rewrite: { authority: 'a' }, headers: { request: { add: { ':authority': 'b' } } } }, /the authority is set 2 times \('rewrite\.authority', 'headers\.request\.add\.:authority'\)/],
    ['the authority as host and :authority', { headers: { request: { set: { 'Host': 'a', ':authority': 'b' } } } }, /"authority header cannot be set multiple times"/],
    ['a rewrite on a redirect', { redirect: { uri: '/' }, rewrite: { uri: '/' } }, /"HTTP route rule cannot contain both rewrite and redirect"/],
  ])('refuses %s', (_label, route, message) => {
    expect(httpRouteProblems(route)).toEqual([expect.objectContaining({ code: 'CR233', message: expect.stringMatching(message) })]);
  });
});

describe('match (CR234)', () => {
  test('accepts every kind of condition, an empty uri prefix, presence matches and JWT claims on a gateway', () => {
    ok({
      match: [{
        uri: { prefix: '' },
        method: { exact: 'GET' },
        authority: { regex: '(?i)shop\\.example\\.com' },
        scheme: { exact: 'https' },
        headers: { 'x-tenant': { prefix: 'acme' }, 'x-present': {}, ':path': { prefix: '/' }, '@request.auth.claims.group': { exact: 'beta' } },
        withoutHeaders: { 'x-bot': { regex: '*' } },
        queryParams: { v: { exact: '' } },
        ignoreUriCase: true,
        port: 80,
      }],
    });
  });

  test.each<[string, any, string, RegExp]>([
    ['two kinds in one match', { uri: { exact: '/a', prefix: '/a' } }, 'match[0].uri', /sets exact and prefix; the CRD schema accepts only one of exact, prefix and regex/],
    ['an empty method prefix', { method: { prefix: '' } }, 'match[0].method', /has an empty prefix \(Istio says "prefix string match should not be empty"\)/],
    ['an empty uri regex', { uri: { regex: '' } }, 'match[0].uri', /has an empty regex/],
    ['a lookahead in a query parameter', { queryParams: { q: { regex: 'a(?=b)' } } }, 'match[0].queryParams.q', /lookaround/],
    ['a header name with a space', { headers: { 'x tenant': { exact: 'a' } } }, 'match[0].headers.x tenant', /header name "x tenant" is not a valid header name/],
    ['a null header match', { headers: { 'x-a': null } }, 'match[0].headers.x-a', /"header match x-a cannot be null"/],
    ['a withoutHeaders regex that does not parse', { withoutHeaders: { 'x-a': { regex: '(' } } }, 'match[0].withoutHeaders.x-a', /not a valid RE2 expression/],
    ['a port above 65535', { port: 70000 }, 'match[0].port', /'match\[0\]\.port' \(70000\) is not a port number/],
  ])('refuses %s', (_label, match, path, message) => {
    expect(httpRouteProblems({ match: [match] })).toEqual([expect.objectContaining({ code: 'CR234', path, message: expect.stringMatching(message) })]);
  });

  test('refuses a JWT claim match on a VirtualService bound to the mesh', () => {
    const route = { match: [{ headers: { '@request.auth.claims.group': { exact: 'beta' } } }] };
    ok(route, false);
    expect(problems(route, true)).toEqual([expect.stringMatching(/^CR234 match\[0\]\.headers\.@request\.auth\.claims\.group: .*"JWT claim based routing \(key: @request\.auth\.claims\.group\) is only supported for gateway"/)]);
  });
});

describe('header operations (CR235)', () => {
  test('accepts regular headers, the authority on request set and add, and Envoy expressions', () => {
    ok({ headers: { request: { set: { 'x-a': '1', ':authority': 'a' }, add: { 'x-b': '%HOSTNAME%' }, remove: ['x-c'] }, response: { set: { 'x-d': '100%%' }, remove: ['server'] } } });
  });

  test.each<[string, any, string, RegExp]>([
    ['a pseudo-header on the request', { request: { set: { ':path': '/' } } }, 'headers.request.set.:path', /is a pseudo-header/],
    ['host removed from the request', { request: { remove: ['Host'] } }, 'headers.request.remove[0]', /names Host/],
    ['host on the response', { response: { set: { host: 'a' } } }, 'headers.response.set.host', /names Host/],
    ['an empty name', { response: { add: { '': 'a' } } }, 'headers.response.add.', /is empty \(Istio says "header name cannot be empty"\)/],
    ['an unterminated variable', { request: { set: { 'x-a': '%REQ(x-id)' } } }, 'headers.request.set.x-a', /Un-terminated variable expression/],
    ['a control character', { response: { add: { 'x-a': 'a\nb' } } }, 'headers.response.add.x-a', /contains a control character/],
  ])('refuses %s', (_label, headers, path, message) => {
    expect(httpRouteProblems({ headers })).toEqual([expect.objectContaining({ code: 'CR235', path, message: expect.stringMatching(message) })]);
  });

  // pkg/config/validation/header_value_validator_test.go's cases
  test.each<[string, boolean]>([
    ['foo', true], ['%HOSTNAME%', true], ['100%%', true], ['prefix %HOSTNAME% suffix', true], ['%REQ(x-id)%', true],
    ['%REQ(x-id) %', true], ['tab\there', true], ['abc%123', false], ['%START_TIME%%', false], ['%REQ(x)y%', false], ['50%', false],
  ])('the header value %j is %s', (value, valid) => {
    expect(headerValueProblem(value) === undefined).toBe(valid);
  });
});

describe('CORS (CR236)', () => {
  test('accepts origins of every kind, methods, headers and a maxAge in seconds', () => {
    ok({ corsPolicy: { allowOrigins: [{ exact: 'https://a' }, { prefix: 'https://' }, { regex: 'https://.*\\.example\\.com' }], allowMethods: ['GET', '*'], allowHeaders: ['*', 'x-a'], exposeHeaders: ['x-b'], maxAge: '24h', allowCredentials: true, unmatchedPreflights: 'IGNORE' } });
  });

  test.each<[string, any, string, RegExp]>([
    ['an empty origin', { allowOrigins: [{ exact: '' }] }, 'corsPolicy.allowOrigins[0]', /matches no origin/],
    ['an origin with no match', { allowOrigins: [{}] }, 'corsPolicy.allowOrigins[0]', /matches no origin/],
    ['an origin regex with a lookbehind', { allowOrigins: [{ regex: '(?<=x)y' }] }, 'corsPolicy.allowOrigins[0]', /lookaround/],
    ['a lowercase method', { allowOrigins: [{ exact: 'a' }], allowMethods: ['get'] }, 'corsPolicy.allowMethods[0]', /"get" is not an HTTP method Istio accepts/],
    ['a header name with a colon', { allowOrigins: [{ exact: 'a' }], exposeHeaders: ['x:a'] }, 'corsPolicy.exposeHeaders[0]', /is not a valid header name/],
    ['a maxAge with milliseconds', { allowOrigins: [{ exact: 'a' }], maxAge: '2500ms' }, 'corsPolicy.maxAge', /accurate only to seconds precision/],
  ])('refuses %s', (_label, corsPolicy, path, message) => {
    expect(httpRouteProblems({ corsPolicy })).toEqual([expect.objectContaining({ code: 'CR236', path, message: expect.stringMatching(message) })]);
  });
});

describe('fault injection (CR237)', () => {
  test('accepts a delay, an abort by HTTP or gRPC status, and percentages 0 and 0.0001-100', () => {
    ok({ fault: { delay: { fixedDelay: '1s', percentage: { value: 0 } }, abort: { httpStatus: 503, percentage: { value: 100 } } } });
    ok({ fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 0.0001 } } } });
  });

  test.each<[string, any, string, RegExp]>([
    ['neither delay nor abort', {}, 'fault', /has neither 'delay' nor 'abort'/],
    ['a percentage above 100', { delay: { fixedDelay: '1s', percentage: { value: 101 } } }, 'fault.delay.percentage', /"percentage 101 is neither 0.0, nor in range \[0.0001, 100.0\]"/],
    ['a negative percentage', { abort: { httpStatus: 503, percentage: { value: -1 } } }, 'fault.abort.percentage', /neither 0.0/],
    ['status 199', { abort: { httpStatus: 199, percentage: { value: 1 } } }, 'fault.abort.httpStatus', /is not between 200 and 599/],
    ['a gRPC status by number', { abort: { grpcStatus: '14', percentage: { value: 1 } } }, 'fault.abort.grpcStatus', /is not a gRPC status name Istio knows/],
    ['an HTTP/2 error', { abort: { http2Error: 'x', percentage: { value: 1 } } }, 'fault.abort.http2Error', /not supported yet/],
    ['an exponential delay', { delay: { exponentialDelay: '1s', percentage: { value: 1 } } }, 'fault.delay.exponentialDelay', /"exponentialDelay not supported yet"/],
  ])('refuses %s', (_label, fault, path, message) => {
    expect(httpRouteProblems({ fault })).toEqual([expect.objectContaining({ code: 'CR237', path, message: expect.stringMatching(message) })]);
  });

  test('refuses a fault on a direct response', () => {
    expect(problems({ directResponse: { status: 503 }, fault: { delay: { fixedDelay: '1s', percentage: { value: 1 } } } }))
      .toEqual([expect.stringMatching(/^CR237 fault: .*"HTTP route cannot contain both fault and direct_response"/)]);
  });
});

test('a route without policy fields, and junk, give nothing', () => {
  ok({ name: 'primary', route: [{ destination: { host: 'a' } }] });
  expect(httpRouteProblems(null)).toEqual([]);
  expect(httpRouteProblems('x')).toEqual([]);
  ok({ retries: 'x', match: 'x', headers: { request: 'x' }, corsPolicy: 'x' });
});
