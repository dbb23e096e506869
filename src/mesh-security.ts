/** Who may call the service, for an Istio AuthorizationPolicy (ALLOW) on its pods. */
export interface CanaryAuthorizationOptions {
  /**
   * Service accounts allowed to call, as `<namespace>/<service account>`.
   * @default - none
   */
  readonly serviceAccounts?: string[];
  /**
   * Namespaces whose workloads may call.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Allow the ingress gateway's identity (set automatically when the service is bound to a gateway).
   * @default - true when a gateway is bound, else false
   */
  readonly allowIngressGateway?: boolean;
  /**
   * The ingress gateway's service account, `<namespace>/<name>`. It depends on how the gateway was
   * installed: `istio-system/istio-ingressgateway-service-account` (istioctl, the `gateways/istio-ingress`
   * chart) or the Helm release name of the `gateway` chart.
   * @default "istio-system/istio-ingressgateway-service-account"
   */
  readonly ingressGatewayServiceAccount?: string;
  /**
   * The mesh trust domain used in principals.
   * @default "cluster.local"
   */
  readonly trustDomain?: string;
}
