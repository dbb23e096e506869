// The route policy of the weighted HTTP routes (RoutePolicy): the library's own checks of the props, the rendering
// into the fields of an Istio HTTP route, and Istio's webhook checks on the rendered fields (src/private/istio-route.ts,
// the model the rules CR230-CR237 use on manifests). Errors name the construct, the prop, the value and the fix.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RouteFault, RouteHeaderOperations, RouteMatch, RoutePolicy, RouteRetries } from '../../route-policy';
import { ruleInfo } from '../../rules/_catalog';
import { RuleSeverity } from '../../rules/finding';
import { StringMatch } from '../../string-match';
import { assertMatchHeaderName, istioDuration } from '../istio';
import { httpRouteProblems } from '../istio-route';
import { assertIntInRange } from '../validate';
import { compact, undefinedIfEmpty } from './render';

/** The fields a route policy adds to an HTTP route (Istio's names), and its match entries apart (ports are added to them). */
export interface RenderedRoutePolicy {
  /** `timeout`, `retries`, `rewrite`, `corsPolicy`, `headers`, `fault`: the same on every weighted route. */
  readonly fields: { readonly [key: string]: any };
  /** The match entries, or undefined for every request. */
  readonly match?: any[];
}

/**
 * Checks a route policy and renders it. Throws, naming `scope`'s path, the prop and the fix, for what the library
 * refuses and for what Istio's webhook would reject; the webhook's warnings (CR232) are left to the rules at synth.
 */
export function resolveRoutePolicy(scope: IConstruct, policy: RoutePolicy | undefined): RenderedRoutePolicy | undefined {
  if (policy === undefined) return undefined;
  const fail = (prop: string, message: string) => {
    throw new Error(`[${scope.node.path}] 'routePolicy${prop}' ${message}`);
  };
  checkRoutePolicy(policy, fail);
  const rendered = renderRoutePolicy(policy);
  const problem = httpRouteProblems({ ...rendered.fields, ...(rendered.match ? { match: rendered.match } : {}) })
    .find(p => ruleInfo(p.code).severity === RuleSeverity.ERROR);
  if (problem) {
    throw new Error(`[${scope.node.path}] routePolicy: ${problem.message}. Fix: ${problem.fix} (Istio's webhook rejects it: rule ${problem.code}, see docs/rules.md#${problem.code.toLowerCase()})`);
  }
  return rendered;
}

type Fail = (prop: string, message: string) => never;

// ---------------------------------------------------------------------------------------------------
// The library's checks: what Istio would accept but does nothing or something else than asked

function checkRoutePolicy(p: RoutePolicy, fail: Fail): void {
  checkDurations(p, fail);
  if (p.retries) checkRetries(p.retries, fail);
  if (p.match !== undefined) checkMatches(p.match, fail);
  for (const key of ['uri', 'authority'] as const) {
    if (p.rewrite?.[key] === '') fail(`.rewrite.${key}`, `is empty: Istio would ignore it. Give the new ${key === 'uri' ? 'path (for example "/")' : 'authority'}, or leave it out`);
  }
  if (p.corsPolicy && !(p.corsPolicy.allowOrigins?.length > 0)) {
    fail('.corsPolicy.allowOrigins', 'is empty: a CORS policy without origins allows no cross-origin request. List the origins, for example [StringMatch.exact(\'https://shop.example.com\')]');
  }
  if (p.headers) checkHeaders(p.headers, fail);
  if (p.fault) checkFault(p.fault, fail);
}

/** Istio takes durations to the millisecond (cdk8s cannot render a fraction of one); the webhook model checks the rest. */
function checkDurations(p: RoutePolicy, fail: Fail): void {
  const durations: Array<[string, Duration | undefined]> = [
    ['.timeout', p.timeout], ['.retries.perTryTimeout', p.retries?.perTryTimeout], ['.retries.backoff', p.retries?.backoff],
    ['.corsPolicy.maxAge', p.corsPolicy?.maxAge], ['.fault.delay.fixedDelay', p.fault?.delay?.fixedDelay],
  ];
  for (const [prop, d] of durations) {
    const ms = d?.toMilliseconds({ integral: false });
    if (ms !== undefined && !Number.isInteger(ms)) {
      fail(prop, `(${d!.toHumanString()}) is not a whole number of milliseconds: Istio accepts durations to the millisecond ("only durations to ms precision are supported"). Round it, for example to ${Math.max(1, Math.round(ms))}ms`);
    }
  }
}

function checkRetries(r: RouteRetries, fail: Fail): void {
  assertIntInRange('routePolicy.retries.attempts', r.attempts, 0, 2 ** 31 - 1, 'it is the number of retries after the first try (0 disables retries)');
  (r.retryOn ?? []).forEach((c, i) => {
    if (typeof c !== 'string' || c === '' || c.includes(',')) {
      fail(`.retries.retryOn[${i}]`, `(${JSON.stringify(c)}) must be one retry condition: give each condition as its own entry, for example ['5xx', 'connect-failure']`);
    }
  });
  if (r.retryOn !== undefined && r.retryOn.length === 0) fail('.retries.retryOn', "is empty: leave it out for Istio's default conditions, or list the conditions");
}

function checkMatches(match: RouteMatch[], fail: Fail): void {
  if (match.length === 0) fail('.match', 'is empty: leave it out to take every request, or give at least one entry');
  match.forEach((m, i) => {
    const byName = [m.headers, m.withoutHeaders, m.queryParams].some(x => Object.keys(x ?? {}).length > 0);
    if (!m.uri && !m.method && !m.authority && !m.scheme && !byName) {
      fail(`.match[${i}]`, 'sets no condition, so it takes every request: give uri, method, authority, scheme, headers, withoutHeaders or queryParams, or leave \'match\' out');
    }
    for (const key of ['headers', 'withoutHeaders'] as const) {
      for (const name of Object.keys(m[key] ?? {})) assertMatchHeaderName(`'routePolicy.match[${i}].${key}'`, name);
    }
    for (const name of Object.keys(m.queryParams ?? {})) {
      if (name === '') fail(`.match[${i}].queryParams`, 'has an empty parameter name: name the query parameter');
    }
    if (m.ignoreUriCase && !(m.uri && m.uri.kind !== 'regex')) {
      fail(`.match[${i}].ignoreUriCase`, `is true, but Istio ignores the case only of an exact or prefix 'uri' match (${m.uri ? 'this one is a regex: add (?i) to the expression instead' : 'this entry has no uri'})`);
    }
  });
}

function checkHeaders(h: NonNullable<RoutePolicy['headers']>, fail: Fail): void {
  if (!h.request && !h.response) fail('.headers', "sets neither 'request' nor 'response': give the header changes, or leave it out");
  for (const [dir, ops] of [['request', h.request], ['response', h.response]] as const) {
    if (ops && isEmptyOperations(ops)) fail(`.headers.${dir}`, "sets none of 'set', 'add' and 'remove': give the header changes, or leave it out");
  }
}

function isEmptyOperations(ops: RouteHeaderOperations): boolean {
  return Object.keys(ops.set ?? {}).length === 0 && Object.keys(ops.add ?? {}).length === 0 && (ops.remove ?? []).length === 0;
}

function checkFault(f: RouteFault, fail: Fail): void {
  for (const [kind, part] of [['delay', f.delay], ['abort', f.abort]] as const) {
    if (part && !Number.isFinite(part.percentage)) fail(`.fault.${kind}.percentage`, `(${part.percentage}) must be a number: the share of requests in percent`);
  }
  if (f.abort && (f.abort.httpStatus === undefined) === (f.abort.grpcStatus === undefined)) {
    fail('.fault.abort', `sets ${f.abort.httpStatus === undefined ? 'neither' : 'both'} 'httpStatus' and 'grpcStatus': set exactly one (Istio drops an abort without a status)`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Rendering (Istio's field names; undefined fields are dropped)

function renderRoutePolicy(p: RoutePolicy): RenderedRoutePolicy {
  const fields = compact({
    timeout: istioDuration(p.timeout),
    retries: p.retries && compact({
      attempts: p.retries.attempts,
      perTryTimeout: istioDuration(p.retries.perTryTimeout),
      retryOn: p.retries.retryOn?.join(','),
      backoff: istioDuration(p.retries.backoff),
      retryRemoteLocalities: p.retries.retryRemoteLocalities,
      retryIgnorePreviousHosts: p.retries.retryIgnorePreviousHosts,
    }),
    // an empty rewrite or fault stays {}: Istio's webhook refuses it, and the check below says why
    rewrite: p.rewrite && (compact({
      uri: p.rewrite.uri,
      authority: p.rewrite.authority,
      uriRegexRewrite: p.rewrite.uriRegexRewrite && { match: p.rewrite.uriRegexRewrite.match, rewrite: p.rewrite.uriRegexRewrite.rewrite },
    }) ?? {}),
    corsPolicy: p.corsPolicy && compact({
      allowOrigins: p.corsPolicy.allowOrigins.map(o => o._toKube()),
      allowMethods: copy(p.corsPolicy.allowMethods),
      allowHeaders: copy(p.corsPolicy.allowHeaders),
      exposeHeaders: copy(p.corsPolicy.exposeHeaders),
      maxAge: istioDuration(p.corsPolicy.maxAge),
      allowCredentials: p.corsPolicy.allowCredentials,
      unmatchedPreflights: p.corsPolicy.unmatchedPreflights,
    }),
    headers: p.headers && compact({
      request: p.headers.request && renderOperations(p.headers.request),
      response: p.headers.response && renderOperations(p.headers.response),
    }),
    fault: p.fault && (compact({
      delay: p.fault.delay && { fixedDelay: istioDuration(p.fault.delay.fixedDelay), percentage: { value: p.fault.delay.percentage } },
      abort: p.fault.abort && compact({
        httpStatus: p.fault.abort.httpStatus,
        grpcStatus: p.fault.abort.grpcStatus,
        percentage: { value: p.fault.abort.percentage },
      }),
    }) ?? {}),
  }) ?? {};
  return { fields, match: p.match?.map(renderMatch) };
}

function renderMatch(m: RouteMatch): any {
  return compact({
    uri: m.uri?._toKube(),
    ignoreUriCase: m.ignoreUriCase || undefined,
    method: m.method?._toKube(),
    authority: m.authority?._toKube(),
    scheme: m.scheme?._toKube(),
    headers: renderMatches(m.headers),
    withoutHeaders: renderMatches(m.withoutHeaders),
    queryParams: renderMatches(m.queryParams),
  });
}

function renderMatches(m: { [name: string]: StringMatch } | undefined): any {
  return m && Object.keys(m).length > 0 ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v._toKube()])) : undefined;
}

function renderOperations(ops: RouteHeaderOperations): any {
  return compact({
    set: undefinedIfEmpty(ops.set && { ...ops.set }),
    add: undefinedIfEmpty(ops.add && { ...ops.add }),
    remove: copy(ops.remove),
  });
}

function copy(values: string[] | undefined): string[] | undefined {
  return undefinedIfEmpty(values && [...values]);
}
