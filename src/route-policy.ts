import { Duration } from 'cdk8s';
import { StringMatch } from './string-match';

/**
 * Request policy of the weighted HTTP route(s) of a canary: Istio's `timeout`, `retries`, `rewrite`, `match`,
 * `corsPolicy`, `headers` and `fault` of an HTTP route. The same policy is written on every weighted HTTP route
 * (each HTTP port's route, in every VirtualService the Rollout shifts), so stable and canary requests are treated
 * alike. TLS and TCP routes have none of these settings.
 *
 * The routes Argo Rollouts adds for `headerRoute` and `mirrorRoute` steps do not copy them (rules CR238 and
 * CR239 say what the requests of those routes miss); see docs/route-policy.md.
 *
 * @example
 * { timeout: Duration.seconds(10), retries: { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: ['5xx', 'connect-failure'] } }
 */
export interface RoutePolicy {
  /**
   * Time a request may take, all retries included (Envoy's route timeout). At least 1ms, in whole milliseconds.
   * @default - no timeout (Istio's default)
   */
  readonly timeout?: Duration;
  /**
   * Retry policy.
   * @default - the mesh's default retry policy (Istio: 2 retries on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retries?: RouteRetries;
  /**
   * Rewrites the path or the authority before the request is forwarded.
   * @default - no rewrite
   */
  readonly rewrite?: RouteRewrite;
  /**
   * Which requests the weighted route takes: a request is taken when it meets every condition of one of the entries.
   * Requests that match no route of the VirtualService get a 404 from the proxy.
   * @default - every request (on a Service with several HTTP ports, each route still matches its own port)
   */
  readonly match?: RouteMatch[];
  /**
   * Cross-origin resource sharing policy, answered by the proxy.
   * @default - no CORS policy
   */
  readonly corsPolicy?: RouteCorsPolicy;
  /**
   * Header changes on requests and responses.
   * @default - headers unchanged
   */
  readonly headers?: RouteHeaders;
  /**
   * Fault injection (delays, aborts) for a share of the requests, stable and canary alike.
   * @default - no fault injection
   */
  readonly fault?: RouteFault;
}

/** Retry policy of a route (Istio `HTTPRetry`). */
export interface RouteRetries {
  /**
   * Number of retries after the first try; 0 disables retries (then set no other field).
   */
  readonly attempts: number;
  /**
   * Time each try may take. Keep it shorter than `timeout`: the route timeout covers all tries together (rule CR232).
   * @default - no per-try limit: each try may use what is left of the route timeout
   */
  readonly perTryTimeout?: Duration;
  /**
   * Conditions that trigger a retry: Envoy retry conditions (`5xx`, `gateway-error`, `reset`, `connect-failure`,
   * `retriable-4xx`, `refused-stream`, `retriable-status-codes`, gRPC's `unavailable`, `cancelled`...) or HTTP
   * status codes (`503`).
   * @default - Istio's default (connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retryOn?: string[];
  /**
   * Base interval of the exponential back-off between retries.
   * @default - Envoy's default (25ms)
   */
  readonly backoff?: Duration;
  /**
   * Retry on endpoints in other localities.
   * @default - not set (Istio's default: false)
   */
  readonly retryRemoteLocalities?: boolean;
  /**
   * Avoid the endpoints already tried.
   * @default - not set (Istio's default: true)
   */
  readonly retryIgnorePreviousHosts?: boolean;
}

/** Rewrite of a route (Istio `HTTPRewrite`): set `uri` or `uriRegexRewrite` (not both), `authority`, or both kinds. */
export interface RouteRewrite {
  /**
   * New path: replaces the part a `prefix` URI match matched, otherwise the whole path.
   * @default - path unchanged
   */
  readonly uri?: string;
  /**
   * Path rewrite by regular expression.
   * @default - path unchanged
   */
  readonly uriRegexRewrite?: RouteRegexRewrite;
  /**
   * New authority (Host header).
   * @default - authority unchanged
   */
  readonly authority?: string;
}

/** A path rewrite by regular expression. */
export interface RouteRegexRewrite {
  /** RE2 expression matched against the path, for example `^/shop(/.*)?$`. */
  readonly match: string;
  /** Replacement; `\1`, `\2` are the groups of `match`. */
  readonly rewrite: string;
}

/** One match entry of a route (Istio `HTTPMatchRequest`): every condition given must hold. Give at least one. */
export interface RouteMatch {
  /**
   * The request path.
   * @default - any path
   */
  readonly uri?: StringMatch;
  /**
   * Match `uri` without regard to case (exact and prefix matches only).
   * @default false
   */
  readonly ignoreUriCase?: boolean;
  /**
   * The HTTP method, for example `StringMatch.exact('GET')`.
   * @default - any method
   */
  readonly method?: StringMatch;
  /**
   * The authority (Host header).
   * @default - any authority
   */
  readonly authority?: StringMatch;
  /**
   * The URI scheme (`http`, `https`).
   * @default - any scheme
   */
  readonly scheme?: StringMatch;
  /**
   * Headers that must match (lowercase names).
   * @default - no header condition
   */
  readonly headers?: { [name: string]: StringMatch };
  /**
   * Headers that must not match (lowercase names).
   * @default - no header condition
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };
  /**
   * Query parameters that must match.
   * @default - no query condition
   */
  readonly queryParams?: { [name: string]: StringMatch };
}

/** What the proxy does with a CORS preflight request whose origin is not allowed. */
export enum CorsUnmatchedPreflights {
  /** Forward it to the service (Istio's default). */
  FORWARD = 'FORWARD',
  /** Answer it without forwarding. */
  IGNORE = 'IGNORE',
}

/** Cross-origin resource sharing policy of a route (Istio `CorsPolicy`). */
export interface RouteCorsPolicy {
  /** Origins allowed to make cross-origin requests (at least one), for example `StringMatch.exact('https://shop.example.com')`. */
  readonly allowOrigins: StringMatch[];
  /**
   * Methods allowed (`Access-Control-Allow-Methods`), uppercase.
   * @default - none listed
   */
  readonly allowMethods?: string[];
  /**
   * Request headers allowed (`Access-Control-Allow-Headers`).
   * @default - none listed
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers browsers may read (`Access-Control-Expose-Headers`).
   * @default - none listed
   */
  readonly exposeHeaders?: string[];
  /**
   * How long browsers may cache a preflight answer (`Access-Control-Max-Age`), in whole seconds.
   * @default - not sent
   */
  readonly maxAge?: Duration;
  /**
   * Allow requests with credentials (`Access-Control-Allow-Credentials`).
   * @default - not sent
   */
  readonly allowCredentials?: boolean;
  /**
   * Preflight requests whose origin is not allowed.
   * @default CorsUnmatchedPreflights.FORWARD
   */
  readonly unmatchedPreflights?: CorsUnmatchedPreflights;
}

/** Header changes of a route (Istio `Headers`). */
export interface RouteHeaders {
  /**
   * Changes to the request before it is forwarded.
   * @default - request headers unchanged
   */
  readonly request?: RouteHeaderOperations;
  /**
   * Changes to the response before it is returned.
   * @default - response headers unchanged
   */
  readonly response?: RouteHeaderOperations;
}

/** Header operations (Istio `HeaderOperations`); set at least one field. */
export interface RouteHeaderOperations {
  /**
   * Headers to overwrite, by name. Values may use Envoy's `%VARIABLE%` expressions (a literal `%` is written `%%`).
   * @default - none
   */
  readonly set?: { [name: string]: string };
  /**
   * Headers to append to, by name.
   * @default - none
   */
  readonly add?: { [name: string]: string };
  /**
   * Headers to remove.
   * @default - none
   */
  readonly remove?: string[];
}

/** Fault injection of a route (Istio `HTTPFaultInjection`); set `delay`, `abort` or both. */
export interface RouteFault {
  /**
   * Delay a share of the requests.
   * @default - no delay
   */
  readonly delay?: RouteFaultDelay;
  /**
   * Fail a share of the requests without forwarding them.
   * @default - no abort
   */
  readonly abort?: RouteFaultAbort;
}

/** A fixed delay for a share of the requests. */
export interface RouteFaultDelay {
  /** The delay (at least 1ms, in whole milliseconds). */
  readonly fixedDelay: Duration;
  /** Share of the requests delayed, in percent (0, or 0.0001 to 100). */
  readonly percentage: number;
}

/** An abort for a share of the requests; set `httpStatus` or `grpcStatus`. */
export interface RouteFaultAbort {
  /** Share of the requests aborted, in percent (0, or 0.0001 to 100). */
  readonly percentage: number;
  /**
   * HTTP status returned (200-599).
   * @default - none (set this or `grpcStatus`)
   */
  readonly httpStatus?: number;
  /**
   * gRPC status returned, by name (`UNAVAILABLE`).
   * @default - none (set this or `httpStatus`)
   */
  readonly grpcStatus?: string;
}
