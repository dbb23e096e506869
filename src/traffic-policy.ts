import { Duration } from 'cdk8s';
import { compact } from './private/constructs/render';
import { istioDuration } from './private/istio';
import { assertIntInRange } from './private/validate';

/** Load-balancing algorithm for the canary's DestinationRule. */
export enum LoadBalancerAlgorithm {
  /** Least outstanding requests; Istio's recommendation for most services. */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** Round robin. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /** Random endpoint. */
  RANDOM = 'RANDOM',
  /** Forward to the address the caller asked for. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Connection pool limits (Istio `trafficPolicy.connectionPool`). Set at least one field. */
export interface ConnectionPoolOptions {
  /**
   * Maximum TCP connections to a destination host.
   * @default - Istio's default (2^32-1)
   */
  readonly maxConnections?: number;
  /**
   * TCP connect timeout.
   * @default - Istio's default (10s)
   */
  readonly connectTimeout?: Duration;
  /**
   * Maximum requests queued while waiting for a connection (HTTP/1.1).
   * @default - Istio's default (2^32-1)
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Maximum active requests to a destination (HTTP/2 and, in recent Istio, HTTP/1.1).
   * @default - Istio's default (2^32-1)
   */
  readonly http2MaxRequests?: number;
  /**
   * Maximum requests per connection; 1 disables keep-alive.
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Maximum concurrent retries to a destination.
   * @default - Istio's default (2^32-1)
   */
  readonly maxRetries?: number;
  /**
   * Idle timeout of upstream HTTP connections.
   * @default - Istio's default (1h)
   */
  readonly idleTimeout?: Duration;
}

/** Outlier detection (Istio `trafficPolicy.outlierDetection`). Set at least one field. */
export interface OutlierDetectionOptions {
  /**
   * Consecutive 5xx responses before a host is ejected; 0 disables this check.
   * @default - Istio's default (5)
   */
  readonly consecutive5xxErrors?: number;
  /**
   * Consecutive 502/503/504 responses before a host is ejected.
   * @default - disabled
   */
  readonly consecutiveGatewayErrors?: number;
  /**
   * Time between ejection sweeps.
   * @default - Istio's default (10s)
   */
  readonly interval?: Duration;
  /**
   * Minimum ejection duration.
   * @default - Istio's default (30s)
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Maximum percentage of hosts that can be ejected (0-100).
   * @default - Istio's default (10)
   */
  readonly maxEjectionPercent?: number;
  /**
   * Outlier detection is disabled when fewer than this percentage of hosts are healthy (0-100).
   * @default - Istio's default (0)
   */
  readonly minHealthPercent?: number;
}

/** Options of a `TrafficPolicy`. */
export interface TrafficPolicyOptions {
  /**
   * Connection pool limits.
   * @default - Istio's defaults
   */
  readonly connectionPool?: ConnectionPoolOptions;
  /**
   * Outlier detection.
   * @default - not configured
   */
  readonly outlierDetection?: OutlierDetectionOptions;
  /**
   * Load-balancing algorithm.
   * @default - Istio chooses (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancerAlgorithm;
}

/**
 * The DestinationRule traffic policy shared by the stable and canary subsets.
 *
 * Istio's webhook rejects an empty traffic policy ("traffic policy must have at least one field"), so every
 * part given must set at least one field.
 */
export class TrafficPolicy {
  /** Defines a traffic policy. */
  public static of(options: TrafficPolicyOptions): TrafficPolicy {
    return new TrafficPolicy(options);
  }

  private readonly options: TrafficPolicyOptions;

  private constructor(options: TrafficPolicyOptions) {
    if (!options.connectionPool && !options.outlierDetection && !options.loadBalancer) {
      throw new Error("'trafficPolicy' is empty: Istio rejects a traffic policy without fields. Set 'connectionPool', "
        + "'outlierDetection' or 'loadBalancer', or leave 'trafficPolicy' out");
    }
    for (const [name, part] of [['connectionPool', options.connectionPool], ['outlierDetection', options.outlierDetection]] as const) {
      if (part && Object.values(part).every(v => v === undefined)) {
        throw new Error(`'trafficPolicy.${name}' is empty: Istio rejects an empty ${name}. Set at least one of its fields or leave it out`);
      }
    }
    const cp = options.connectionPool ?? {};
    for (const key of ['maxConnections', 'http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries'] as const) {
      if (cp[key] !== undefined) assertIntInRange(`trafficPolicy.connectionPool.${key}`, cp[key]!, 0, 2 ** 31 - 1);
    }
    const od = options.outlierDetection ?? {};
    for (const key of ['consecutive5xxErrors', 'consecutiveGatewayErrors'] as const) {
      if (od[key] !== undefined) assertIntInRange(`trafficPolicy.outlierDetection.${key}`, od[key]!, 0, 2 ** 31 - 1);
    }
    for (const key of ['maxEjectionPercent', 'minHealthPercent'] as const) {
      if (od[key] !== undefined) assertIntInRange(`trafficPolicy.outlierDetection.${key}`, od[key]!, 0, 100, 'it is a percentage of hosts');
    }
    for (const [key, d] of [['connectionPool.connectTimeout', cp.connectTimeout], ['connectionPool.idleTimeout', cp.idleTimeout],
      ['outlierDetection.interval', od.interval], ['outlierDetection.baseEjectionTime', od.baseEjectionTime]] as const) {
      if (d !== undefined && d.toMilliseconds() < 1) {
        throw new Error(`'trafficPolicy.${key}' (${d.toHumanString()}) must be at least 1ms: Istio rejects shorter durations`);
      }
    }
    this.options = options;
  }

  /** @internal */
  public _toKube(): any {
    const cp = this.options.connectionPool;
    const od = this.options.outlierDetection;
    const tcp = cp && compact({ maxConnections: cp.maxConnections, connectTimeout: istioDuration(cp.connectTimeout) });
    const http = cp && compact({
      http1MaxPendingRequests: cp.http1MaxPendingRequests,
      http2MaxRequests: cp.http2MaxRequests,
      maxRequestsPerConnection: cp.maxRequestsPerConnection,
      maxRetries: cp.maxRetries,
      idleTimeout: istioDuration(cp.idleTimeout),
    });
    return compact({
      connectionPool: cp ? compact({ tcp, http }) : undefined,
      outlierDetection: od ? compact({
        consecutive5xxErrors: od.consecutive5xxErrors,
        consecutiveGatewayErrors: od.consecutiveGatewayErrors,
        interval: istioDuration(od.interval),
        baseEjectionTime: istioDuration(od.baseEjectionTime),
        maxEjectionPercent: od.maxEjectionPercent,
        minHealthPercent: od.minHealthPercent,
      }) : undefined,
      loadBalancer: this.options.loadBalancer ? { simple: this.options.loadBalancer } : undefined,
    });
  }
}
