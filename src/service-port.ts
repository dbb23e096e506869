/**
 * The application protocol of a Service port, as Istio selects it from the port name
 * (`<protocol>[-<suffix>]`) or from `appProtocol`.
 *
 * Weighted HTTP routes, header routing and mirroring work per request only on HTTP-family ports
 * (HTTP, HTTP2, GRPC, GRPC_WEB). On TCP, TLS and HTTPS ports Istio splits connections, not requests.
 */
export enum ServicePortProtocol {
  /** HTTP/1.1 (Istio name prefix `http`). */
  HTTP = 'http',
  /** HTTP/2 cleartext (prefix `http2`). */
  HTTP2 = 'http2',
  /** gRPC (prefix `grpc`). */
  GRPC = 'grpc',
  /** gRPC-Web (prefix `grpc-web`). */
  GRPC_WEB = 'grpc-web',
  /** TLS terminated by the application, routed by SNI (prefix `https`). */
  HTTPS = 'https',
  /** Opaque TLS, routed by SNI (prefix `tls`). */
  TLS = 'tls',
  /** Opaque TCP (prefix `tcp`). */
  TCP = 'tcp',
}

/** A port of the canary's Service. */
export interface CanaryServicePort {
  /** The port clients connect to on the Service. */
  readonly port: number;
  /**
   * The container port the traffic is sent to.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * The application protocol, which decides how Istio routes the port.
   * @default ServicePortProtocol.HTTP
   */
  readonly protocol?: ServicePortProtocol;
  /**
   * The port name. Istio reads the protocol from the text before the first '-', so a name must start with
   * the protocol (`http`, `http-api`, `grpc-internal`), unless `appProtocol` is set.
   * @default - the protocol for the first port of that protocol (`http`), else `<protocol>-<port>`
   */
  readonly name?: string;
  /**
   * Kubernetes `appProtocol`, which Istio prefers over the port name. Set it to keep a name that does not
   * follow Istio's convention.
   * @default - not set (the name carries the protocol)
   */
  readonly appProtocol?: string;
  /**
   * For TLS and HTTPS ports: the SNI hosts the canary's TLS route matches.
   * @default - the Service FQDN
   */
  readonly sniHosts?: string[];
}
