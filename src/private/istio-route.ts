// Istio's validating webhook on the policy fields of one HTTP route of a VirtualService (timeout, retries, rewrite,
// match, headers, corsPolicy, fault): `validateHTTPRoute` in pkg/config/validation/virtualservice.go and the validators
// it calls in pkg/config/validation/validation.go (Istio 1.30.3), plus the CRD's CEL rule on durations ("must be a
// valid duration greater than 1ms"). It reads a plain HTTP route (JSON) and returns the problems with the code of the
// rule that reports them (CR230-CR237, and the warning CR232). Shared by the route policy of the constructs (an error
// at construct time) and the rules over manifests. Not exported from the package.
import { goDurationNanoseconds } from './argo';
import { HEADER_NAME, re2Problem } from './istio';

/** One problem of an HTTP route. */
export interface RouteProblem {
  /** The rule code (CR230-CR237). */
  readonly code: string;
  /** The field, relative to the HTTP route: `retries.perTryTimeout`, `match[0].headers.x-user`. */
  readonly path: string;
  /** What is wrong, with the value received and Istio's own words. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** The duration fields of an HTTP route (each a `google.protobuf.Duration` that the CRD and the webhook check). */
const DURATION_FIELDS = ['timeout', 'retries.perTryTimeout', 'retries.backoff', 'fault.delay.fixedDelay', 'fault.delay.exponentialDelay', 'corsPolicy.maxAge'];

/** retryOn conditions Istio accepts besides HTTP status codes (`supportedRetryOnPolicies`: Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on). */
export const RETRY_ON_CONDITIONS: readonly string[] = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

/** The status codes Go's `http.StatusText` names (net/http/status.go): a retryOn entry may be one of them. */
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** CORS methods Istio accepts (`supportedCORSMethods`), case-sensitive. */
export const CORS_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*'];

/** gRPC status names a fault abort may return (pkg/util/grpc/codes.go, `SupportedGRPCStatus`). */
export const GRPC_STATUSES: readonly string[] = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
];

const MATCH_KINDS = ['exact', 'prefix', 'regex'];
const NS_PER_MS = 1_000_000n;

/** A value for messages. */
const show = (v: any) => (v === undefined ? 'nothing' : JSON.stringify(v));
const isSet = (v: any) => v !== undefined && v !== null;
const entries = (m: any): Array<[string, any]> => (m && typeof m === 'object' && !Array.isArray(m) ? Object.entries(m) : []);
const list = (v: any): any[] => (Array.isArray(v) ? v : []);

/**
 * The problems Istio's webhook (and the CRD's duration rule) has with the policy fields of an HTTP route, plus the
 * warning CR232; in field order. `meshBound`: the VirtualService applies to sidecars (JWT claim matches are refused).
 */
export function httpRouteProblems(route: any, meshBound = false): RouteProblem[] {
  if (!route || typeof route !== 'object') return [];
  const out: RouteProblem[] = [];
  checkDurations(route, out);
  checkRetries(route, out);
  checkRewrite(route, out);
  checkAuthority(route, out);
  checkMatches(route, meshBound, out);
  checkHeaderOperations(route, out);
  checkCors(route, out);
  checkFault(route, out);
  return out;
}

/** The nanoseconds of a duration field, or undefined when it is unset or does not parse. */
export function durationNanoseconds(value: any): bigint | undefined {
  return typeof value === 'string' ? goDurationNanoseconds(value) : undefined;
}

function field(route: any, path: string): any {
  return path.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), route);
}

// ---------------------------------------------------------------------------------------------------
// CR230: durations (agent.ValidateDuration; the CRD's CEL rule)

function checkDurations(route: any, out: RouteProblem[]): void {
  for (const path of DURATION_FIELDS) {
    const value = field(route, path);
    if (!isSet(value)) continue;
    const ns = durationNanoseconds(value);
    const problem = ns === undefined
      ? 'is not a duration (the API server says "must be a valid duration greater than 1ms")'
      : ns < NS_PER_MS
        ? 'is shorter than 1ms (Istio says "duration must be greater than 1ms")'
        : ns % NS_PER_MS !== 0n ? 'is not a whole number of milliseconds (Istio says "only durations to ms precision are supported")' : undefined;
    if (problem) {
      out.push({ code: 'CR230', path, message: `'${path}' (${show(value)}) ${problem}`, fix: `write '${path}' in whole milliseconds of at least 1ms, for example "250ms", "5s" or "1m"` });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// CR231, CR232: retries (validateHTTPRetry; Envoy's route timeout)

function checkRetries(route: any, out: RouteProblem[]): void {
  const r = route.retries;
  if (!r || typeof r !== 'object') return;
  const attempts = r.attempts ?? 0;
  if (typeof attempts === 'number' && attempts < 0) {
    out.push({ code: 'CR231', path: 'retries.attempts', message: `'retries.attempts' (${attempts}) is negative (Istio says "attempts cannot be negative")`, fix: "set 'retries.attempts' to 0 (no retries) or more" });
  }
  const configured = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'].filter(k => isSet(r[k]) && r[k] !== '');
  if (attempts === 0 && configured.length > 0) {
    out.push({
      code: 'CR231',
      path: 'retries',
      message: `'retries' sets ${configured.map(k => `'${k}'`).join(', ')} while 'retries.attempts' is ${r.attempts === undefined ? 'unset (0)' : '0'}; Istio says "http retry policy configured when attempts are set to 0 (disabled)"`,
      fix: `set 'retries.attempts' to the number of retries (for example 2), or remove ${configured.map(k => `'retries.${k}'`).join(', ')} to disable retries`,
    });
  }
  if (typeof r.retryOn === 'string' && r.retryOn !== '') {
    const bad = r.retryOn.split(',').filter((p: string) => !isRetryOnPolicy(p));
    if (bad.length > 0) {
      out.push({
        code: 'CR231',
        path: 'retries.retryOn',
        message: `'retries.retryOn' (${show(r.retryOn)}) contains ${bad.map(show).join(', ')}, which ${bad.length > 1 ? 'are' : 'is'} neither an HTTP status code nor a retry condition Istio knows (Istio's webhook: ${show(bad[0])} is not a valid retryOn policy)`,
        fix: `separate the conditions with commas and no spaces, each an HTTP status code (503) or one of ${RETRY_ON_CONDITIONS.join(', ')}`,
      });
    }
  }
  checkPerTryTimeout(route, out);
}

/** Go: `strconv.Atoi(p)` names a status `http.StatusText` knows, or `p` is a supported condition (no trimming). */
function isRetryOnPolicy(p: string): boolean {
  return (/^[+-]?[0-9]+$/.test(p) && HTTP_STATUS_CODES.has(Number(p))) || RETRY_ON_CONDITIONS.includes(p);
}

/**
 * CR232: Istio accepts a perTryTimeout that is not shorter than the route timeout, but Envoy's route timeout covers the
 * first try and every retry together (router filter: "The route timeout ... includes all retries"): a try that hangs is
 * cut at the route timeout with a 504 and never retried.
 */
function checkPerTryTimeout(route: any, out: RouteProblem[]): void {
  const timeout = durationNanoseconds(route.timeout);
  const perTry = durationNanoseconds(route.retries?.perTryTimeout);
  if (timeout === undefined || perTry === undefined || timeout <= 0n || perTry < timeout || !((route.retries.attempts ?? 0) > 0)) return;
  out.push({
    code: 'CR232',
    path: 'retries.perTryTimeout',
    message: `'retries.perTryTimeout' (${show(route.retries.perTryTimeout)}) is not shorter than 'timeout' (${show(route.timeout)}). Istio accepts it, `
      + `but the route timeout covers the first try and all retries together: a try still running at ${route.timeout} is cut there with a 504 `
      + 'and not retried, so perTryTimeout never ends a try and no request is retried after a timeout',
    fix: `make 'retries.perTryTimeout' shorter than 'timeout' (for example ${suggestPerTry(timeout, route.retries.attempts)} for ${route.retries.attempts} retries), `
      + "or remove 'retries.perTryTimeout' if retrying a slow try is not wanted",
  });
}

/** A per-try timeout that lets the first try and every retry finish within the route timeout, in whole milliseconds. */
function suggestPerTry(timeout: bigint, attempts: number): string {
  const ms = Number(timeout / NS_PER_MS) / (attempts + 1);
  const whole = Math.max(1, Math.floor(ms));
  return whole % 1000 === 0 ? `"${whole / 1000}s"` : `"${whole}ms"`;
}

// ---------------------------------------------------------------------------------------------------
// CR233: rewrite (validateHTTPRewrite, validateAuthorityRewrite, validateHTTPRouteConflict)

function checkRewrite(route: any, out: RouteProblem[]): void {
  const rw = route.rewrite;
  if (!isSet(rw)) return;
  if (isSet(route.redirect) || isSet(route.directResponse)) {
    const other = isSet(route.redirect) ? 'redirect' : 'directResponse';
    out.push({ code: 'CR233', path: 'rewrite', message: `'rewrite' is set on a route with '${other}'; Istio says "HTTP route rule cannot contain both rewrite and ${other === 'redirect' ? 'redirect' : 'direct_response'}"`, fix: `remove 'rewrite' or '${other}'` });
  }
  const uri = typeof rw.uri === 'string' && rw.uri !== '';
  const regex = isSet(rw.uriRegexRewrite);
  const authority = typeof rw.authority === 'string' && rw.authority !== '';
  if (uri && regex) {
    out.push({ code: 'CR233', path: 'rewrite', message: `'rewrite' sets both 'uri' (${show(rw.uri)}) and 'uriRegexRewrite'; Istio says "rewrite may only contain one of URI or UriRegexRewrite"`, fix: "keep one of 'rewrite.uri' and 'rewrite.uriRegexRewrite'" });
  } else if (!uri && !regex && !authority) {
    out.push({ code: 'CR233', path: 'rewrite', message: `'rewrite' (${show(rw)}) sets none of 'uri', 'uriRegexRewrite' and 'authority'; Istio says "rewrite must specify at least one of URI, UriRegexRewrite, or authority"`, fix: "set 'rewrite.uri' (for example \"/\"), 'rewrite.uriRegexRewrite' or 'rewrite.authority', or remove 'rewrite'" });
  }
  if (regex) {
    const { match, rewrite } = rw.uriRegexRewrite ?? {};
    const problem = !match || !rewrite ? 'needs both \'match\' and \'rewrite\' (Istio says "UriRegexRewrite requires both Rewrite and Match fields to be specified")'
      : typeof match === 'string' ? re2Problem(match) : undefined;
    if (problem) {
      out.push({ code: 'CR233', path: 'rewrite.uriRegexRewrite', message: `'rewrite.uriRegexRewrite' (${show(rw.uriRegexRewrite)}) ${problem}`, fix: 'give an RE2 expression in \'match\' and its replacement in \'rewrite\', for example { match: "^/shop(/.*)?$", rewrite: "/\\\\1" }' });
    }
  }
}

/** validateAuthorityRewrite: the authority is set once, by `rewrite.authority` or a request header operation. */
function checkAuthority(route: any, out: RouteProblem[]): void {
  const rewritten = typeof route.rewrite?.authority === 'string' && route.rewrite.authority !== '';
  const sources = [...(rewritten ? ["'rewrite.authority'"] : []), ...authorityHeaders(route)];
  if (sources.length > 1) {
    out.push({ code: 'CR233', path: rewritten ? 'rewrite.authority' : 'headers.request', message: `the authority is set ${sources.length} times (${sources.join(', ')}); Istio says "authority header cannot be set multiple times"`, fix: "set the authority once, preferably with 'rewrite.authority'" });
  }
}

/** The request header operations that set the authority (`:authority` or `host`, in set and add). */
function authorityHeaders(route: any): string[] {
  const req = route.headers?.request;
  return ['set', 'add'].flatMap(op => entries(req?.[op]).filter(([k]) => isAuthorityHeader(k)).map(([k]) => `'headers.request.${op}.${k}'`));
}

const isAuthorityHeader = (k: string) => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host';
const isInternalHeader = (k: string) => k.startsWith(':') || k.toLowerCase() === 'host';

// ---------------------------------------------------------------------------------------------------
// CR234: match conditions (validateHTTPRouteMatchRequest, validateStringMatch, the CRD's oneOf; JWT claims)

/** The single-value conditions of a match, and whether an empty prefix is allowed (uri only). */
const STRING_CONDITIONS: ReadonlyArray<[string, boolean]> = [['uri', true], ['scheme', false], ['method', false], ['authority', false]];

function checkMatches(route: any, meshBound: boolean, out: RouteProblem[]): void {
  list(route.match).forEach((m: any, i: number) => {
    if (!m || typeof m !== 'object') return;
    const at = `match[${i}]`;
    for (const [key, emptyPrefixOk] of STRING_CONDITIONS) {
      if (isSet(m[key])) checkStringMatch(`${at}.${key}`, m[key], emptyPrefixOk, out);
    }
    for (const key of ['headers', 'withoutHeaders']) {
      for (const [name, value] of entries(m[key])) {
        checkMatchHeaderName(`${at}.${key}.${name}`, name, meshBound, out);
        if (value === null) {
          out.push({ code: 'CR234', path: `${at}.${key}.${name}`, message: `header match "${name}" is null; Istio says "header match ${name} cannot be null"`, fix: 'give a value match ({ exact: "..." }), or {} to test that the header is present' });
        } else if (!(key === 'withoutHeaders' && value?.regex === '*')) {
          checkStringMatch(`${at}.${key}.${name}`, value, false, out);
        }
      }
    }
    for (const [name, value] of entries(m.queryParams)) checkStringMatch(`${at}.queryParams.${name}`, value, false, out);
    if (isSet(m.port) && m.port !== 0 && !(Number.isInteger(m.port) && m.port >= 1 && m.port <= 65535)) {
      out.push({ code: 'CR234', path: `${at}.port`, message: `'${at}.port' (${show(m.port)}) is not a port number between 1 and 65535`, fix: 'match a Service port (1-65535), or remove the port condition' });
    }
  });
}

/** A StringMatch: at most one of exact, prefix, regex (the CRD's oneOf); a prefix and a regex not empty; a regex RE2. */
function checkStringMatch(path: string, sm: any, emptyPrefixOk: boolean, out: RouteProblem[]): void {
  if (!sm || typeof sm !== 'object') return;
  const kinds = MATCH_KINDS.filter(k => isSet(sm[k]));
  const push = (message: string, fix: string) => out.push({ code: 'CR234', path, message: `'${path}' (${show(sm)}) ${message}`, fix });
  if (kinds.length > 1) {
    push(`sets ${kinds.join(' and ')}; the CRD schema accepts only one of exact, prefix and regex`, `keep one of ${kinds.join(', ')}`);
    return;
  }
  if (sm.prefix === '' && !emptyPrefixOk) push('has an empty prefix (Istio says "prefix string match should not be empty")', 'give a prefix, or remove the condition');
  if (sm.regex === '') push('has an empty regex (Istio says "regex string match should not be empty")', 'give an RE2 expression, or remove the condition');
  const problem = typeof sm.regex === 'string' && sm.regex !== '' ? re2Problem(sm.regex) : undefined;
  if (problem) push(`is refused by Istio's webhook: ${problem}`, 'write an RE2 expression (https://github.com/google/re2/wiki/Syntax): no lookarounds or backreferences');
}

/** ValidateHTTPHeaderNameOrJwtClaimRoute; JWT claim routing only on gateway-only VirtualServices. */
function checkMatchHeaderName(path: string, name: string, meshBound: boolean, out: RouteProblem[]): void {
  const jwt = isJwtClaim(name);
  if (jwt && meshBound) {
    out.push({ code: 'CR234', path, message: `the JWT claim match "${name}" is on a VirtualService bound to the mesh; Istio says "JWT claim based routing (key: ${name}) is only supported for gateway"`, fix: 'bind the VirtualService to gateways only (no "mesh"), or match a plain header' });
  }
  if (!jwt && !PSEUDO_HEADERS.includes(name) && !HEADER_NAME.test(name)) {
    out.push({ code: 'CR234', path, message: `header name ${show(name)} is not a valid header name (Istio says "header name ${name} is not a valid header name")`, fix: 'use letters, digits and - (lowercase, for example "x-canary")' });
  }
}

const PSEUDO_HEADERS = [':method', ':scheme', ':authority', ':path', ':status'];

/** pkg/jwt/routing.go `ToRoutingClaim`: `@request.auth.claims.<a>.<b>` or `@request.auth.claims[<a>][<b>]`. */
function isJwtClaim(name: string): boolean {
  const prefix = '@request.auth.claims';
  if (!name.toLowerCase().startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

// ---------------------------------------------------------------------------------------------------
// CR235: header operations (validateHTTPRoute's header loops; ValidateHTTPHeaderValue)

function checkHeaderOperations(route: any, out: RouteProblem[]): void {
  for (const dir of ['request', 'response']) {
    const ops = route.headers?.[dir];
    if (!ops) continue;
    for (const op of ['set', 'add']) {
      for (const [name, value] of entries(ops[op])) {
        checkOperationName(`headers.${dir}.${op}.${name}`, name, dir === 'request', out);
        const problem = headerValueProblem(String(value ?? ''));
        if (problem) {
          out.push({ code: 'CR235', path: `headers.${dir}.${op}.${name}`, message: `the value ${show(value)} of header "${name}" ${problem}`, fix: 'write a literal value, double a literal % ("100%%"), and close each %VARIABLE% Envoy should fill in' });
        }
      }
    }
    list(ops.remove).forEach((name: any, i: number) => checkOperationName(`headers.${dir}.remove[${i}]`, String(name), false, out));
  }
}

/** Request set/add may name the authority (`:authority`, `host`); nothing may name another pseudo-header; remove and response may not name `host`. */
function checkOperationName(path: string, name: string, authorityOk: boolean, out: RouteProblem[]): void {
  const problem = name === '' ? 'is empty (Istio says "header name cannot be empty")'
    : isInternalHeader(name) && !(authorityOk && isAuthorityHeader(name))
      ? (name.toLowerCase() === 'host' ? `names Host (Istio says "invalid header "${name}": cannot set Host header")` : `is a pseudo-header (Istio says "invalid header "${name}": header cannot have ":" prefix")`)
      : undefined;
  if (problem) {
    out.push({ code: 'CR235', path, message: `header name ${show(name)} ${problem}`, fix: "name a regular header; to change the request's authority use 'rewrite.authority'" });
  }
}

/**
 * Why Envoy (and so Istio's `ValidateHTTPHeaderValue`) refuses a header value: a control character other than tab,
 * or a `%` that is neither doubled nor the start of a complete `%VARIABLE%` / `%VARIABLE(args)%` expression. The states
 * and transitions are those of pkg/config/validation/header_value_validator.go (a port of Envoy's header_parser.cc).
 */
export function headerValueProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(value)) return 'contains a control character';
  let state: HeaderValueState = 'literal';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const step: HeaderValueStep = HEADER_VALUE_STATES[state](c, value[i + 1]);
    if (typeof step === 'object') return `is not a valid Envoy header value (Envoy says "${step.error}")`;
    if (step === 'skip') i++;
    else state = step;
  }
  return state === 'literal' ? undefined : 'is not a valid Envoy header value (Envoy says "Un-terminated variable expression")';
}

type HeaderValueState = 'literal' | 'name' | 'array' | 'arrayNext' | 'string' | 'inString' | 'argsEnd' | 'end';
type HeaderValueStep = HeaderValueState | 'skip' | { readonly error: string };

/** One transition per state: the next state, 'skip' (consume the next character too), or an error. */
const HEADER_VALUE_STATES: { readonly [s in HeaderValueState]: (c: string, next: string | undefined) => HeaderValueStep } = {
  literal: (c, next) => (c !== '%' ? 'literal' : next === undefined ? { error: 'Un-escaped %' } : next === '%' ? 'skip' : 'name'),
  name: c => (c === '%' ? 'literal' : c === '(' ? 'array' : 'name'),
  array: c => (c === '[' ? 'string' : c === ' ' ? 'array' : 'inString'),
  arrayNext: c => (c === ',' ? 'string' : c === ']' ? 'argsEnd' : c === ' ' ? 'arrayNext' : { error: "Expecting ',', ']', or whitespace" }),
  string: c => (c === '"' ? 'inString' : c === ' ' ? 'string' : { error: 'Expecting \'"\'' }),
  inString: (c, next) => (c === '\\' ? (next === undefined ? { error: 'Un-terminated backslash in JSON string' } : 'skip') : c === ')' ? 'end' : c === '"' ? 'arrayNext' : 'inString'),
  argsEnd: c => (c === ')' ? 'end' : c === ' ' ? 'argsEnd' : { error: "Expecting ')' or whitespace" }),
  end: c => (c === '%' ? 'literal' : c === ' ' ? 'end' : { error: "Expecting '%' or whitespace" }),
};

// ---------------------------------------------------------------------------------------------------
// CR236: CORS (validateCORSPolicy, validateAllowOrigins, ValidateCORSHTTPHeaderName)

function checkCors(route: any, out: RouteProblem[]): void {
  const cors = route.corsPolicy;
  if (!cors || typeof cors !== 'object') return;
  const push = (path: string, message: string, fix: string) => out.push({ code: 'CR236', path, message, fix });
  list(cors.allowOrigins).forEach((o: any, i: number) => {
    const path = `corsPolicy.allowOrigins[${i}]`;
    const kinds = MATCH_KINDS.filter(k => isSet(o?.[k]));
    const value = kinds.length === 1 ? o[kinds[0]] : '';
    if (kinds.length > 1) push(path, `'${path}' (${show(o)}) sets ${kinds.join(' and ')}; the CRD schema accepts only one`, `keep one of ${kinds.join(', ')}`);
    else if (value === '') push(path, `'${path}' (${show(o)}) matches no origin (Istio says "'' is not a valid match type for CORS allow origins")`, 'give the origin, for example { exact: "https://shop.example.com" }');
    const problem = kinds.length === 1 && kinds[0] === 'regex' && value !== '' ? re2Problem(value) : undefined;
    if (problem) push(path, `'${path}' (${show(o)}) is refused by Istio's webhook: ${problem}`, 'write an RE2 expression: no lookarounds or backreferences');
  });
  list(cors.allowMethods).forEach((m: any, i: number) => {
    if (!CORS_METHODS.includes(m)) push(`corsPolicy.allowMethods[${i}]`, `${show(m)} is not an HTTP method Istio accepts in 'corsPolicy.allowMethods' (Istio's webhook: ${show(m)} is not a supported HTTP method)`, `use uppercase method names: ${CORS_METHODS.join(', ')}`);
  });
  for (const key of ['allowHeaders', 'exposeHeaders']) {
    list(cors[key]).forEach((h: any, i: number) => {
      if (h !== '*' && !(typeof h === 'string' && HEADER_NAME.test(h))) push(`corsPolicy.${key}[${i}]`, `${show(h)} in 'corsPolicy.${key}' is not a valid header name (Istio says "header name ${h} is not a valid header name")`, 'name a header of letters, digits and -, or "*"');
    });
  }
  const maxAge = durationNanoseconds(cors.maxAge);
  if (maxAge !== undefined && maxAge % 1_000_000_000n !== 0n) {
    push('corsPolicy.maxAge', `'corsPolicy.maxAge' (${show(cors.maxAge)}) is not a whole number of seconds (Istio says "max_age duration is accurate only to seconds precision")`, 'give a whole number of seconds, for example "24h" or "600s"');
  }
}

// ---------------------------------------------------------------------------------------------------
// CR237: fault injection (validateHTTPFaultInjection, validateHTTPRouteConflict, validatePercentage)

function checkFault(route: any, out: RouteProblem[]): void {
  const f = route.fault;
  if (!isSet(f)) return;
  const push = (path: string, message: string, fix: string) => out.push({ code: 'CR237', path, message, fix });
  if (isSet(route.redirect) || isSet(route.directResponse)) {
    const other = isSet(route.redirect) ? 'redirect' : 'directResponse';
    push('fault', `'fault' is set on a route with '${other}'; Istio says "HTTP route cannot contain both fault and ${other === 'redirect' ? 'redirect' : 'direct_response'}"`, `remove 'fault' or '${other}'`);
  }
  if (!isSet(f.abort) && !isSet(f.delay)) {
    push('fault', `'fault' (${show(f)}) has neither 'delay' nor 'abort' (Istio says "HTTP fault injection must have an abort and/or a delay")`, "add 'delay' or 'abort', or remove 'fault'");
    return;
  }
  for (const kind of ['delay', 'abort']) {
    const p = f[kind]?.percentage?.value;
    if (typeof p === 'number' && (p < 0 || p > 100 || (p > 0 && p < 0.0001))) {
      push(`fault.${kind}.percentage`, `'fault.${kind}.percentage.value' (${p}) is outside what Istio accepts (Istio says "percentage ${p} is neither 0.0, nor in range [0.0001, 100.0]")`, 'give a percentage of 0, or between 0.0001 and 100');
    }
  }
  if (isSet(f.delay?.exponentialDelay)) push('fault.delay.exponentialDelay', '\'fault.delay.exponentialDelay\' is set (Istio says "exponentialDelay not supported yet")', "use 'fault.delay.fixedDelay'");
  const abort = f.abort;
  if (!abort) return;
  if (isSet(abort.http2Error)) push('fault.abort.http2Error', '\'fault.abort.http2Error\' is set (Istio says "HTTP/2 abort fault injection not supported yet")', "use 'fault.abort.httpStatus' or 'fault.abort.grpcStatus'");
  if (isSet(abort.grpcStatus) && !GRPC_STATUSES.includes(abort.grpcStatus)) {
    push('fault.abort.grpcStatus', `'fault.abort.grpcStatus' (${show(abort.grpcStatus)}) is not a gRPC status name Istio knows (Istio says "gRPC status ${show(abort.grpcStatus)} is not supported")`, `use one of ${GRPC_STATUSES.join(', ')} (names in capitals, not numbers)`);
  }
  if (isSet(abort.httpStatus) && !(Number.isInteger(abort.httpStatus) && abort.httpStatus >= 200 && abort.httpStatus <= 599)) {
    push('fault.abort.httpStatus', `'fault.abort.httpStatus' (${show(abort.httpStatus)}) is not between 200 and 599 (Istio says "HTTP status ${abort.httpStatus} is not in range 200-599"; Envoy refuses 600 too)`, 'return a status between 200 and 599, for example 503');
  }
}
